from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
import shap
from scipy.special import expit

import rehire_model as rm
from rehire_model import _scorer
from rehire_model.explain import display_value, reason_text
from rehire_model.schema import FIELDS_BY_NAME, TARGETS, field_names
from rehire_model.texts import text as text_of


@pytest.fixture(scope="module")
def models(tree_model):
    return {"logistic": rm.load_model(), "trees": tree_model}


@pytest.fixture(scope="module")
def people():
    return rm.make_leaver_survey(4000, random_state=77)


@pytest.fixture(scope="module")
def blank_people():
    """Validated records with 10 % of their answers blank (a blank interview flag with
    answers already read as held, as predict reads it)."""
    return rm.validate_records(rm.make_leaver_survey(4000, random_state=77, missing_rate=0.1))


def _classifier(model, target):
    """The classifier inside a target's calibration."""
    return model.estimators[target].calibrated_classifiers_[0].estimator


def _decision(model, target, data):
    matrix = model.features.transform(data).to_numpy()
    return _classifier(model, target).decision_function(matrix)


# --------------------------------------------------------------------------------------
# Exactness
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["logistic", "trees"])
@pytest.mark.parametrize("level", ["column", "field", "reason"])
def test_base_plus_contributions_is_the_raw_score(models, blank_people, kind, level):
    model = models[kind]
    data = blank_people.head(1500)
    for target, table in model.contributions(data, level=level, raw=True).items():
        np.testing.assert_allclose(table.sum(axis=1), _decision(model, target, data),
                                   rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_calibrated_contributions_give_the_predicted_probability(models, people, kind):
    model = models[kind]
    data = people.head(1500)
    scores = model.predict(data)
    for target, table in model.contributions(data).items():
        np.testing.assert_allclose(expit(table.sum(axis=1)), scores[f"p_{target}"],
                                   rtol=0, atol=1e-12)


def test_tree_contributions_are_shap_values_in_any_chunking(models, blank_people, monkeypatch):
    model = models["trees"]
    data = blank_people.head(1200)
    matrix = model.features.transform(data).to_numpy()
    estimator = _classifier(model, "rehire_intent")
    expected = shap.TreeExplainer(estimator).shap_values(matrix)
    serial = model.contributions(data, level="column", raw=True, n_jobs=1)["rehire_intent"]
    monkeypatch.setattr(_scorer, "EXPLAIN_CHUNK_ROWS", 100)
    parallel = model.contributions(data, level="column", raw=True, n_jobs=2)["rehire_intent"]
    np.testing.assert_array_equal(serial.drop(columns="base").to_numpy(), expected)
    pd.testing.assert_frame_equal(parallel, serial, check_exact=True)


def test_linear_contributions_are_shap_linear_values(models, blank_people):
    """shap's linear SHAP values of the imputed columns and their missing-value indicators,
    each indicator's added to the column it indicates."""
    model = models["logistic"]
    data = blank_people.head(500)
    matrix = model.features.transform(data).to_numpy()
    pipeline = _classifier(model, "alumni_engagement")
    imputer = pipeline.named_steps["impute"]
    scale, logistic = pipeline.named_steps["scale"], pipeline.named_steps["logistic"]
    assert len(imputer.indicator_.features_) > 0  # the default model learnt from blanks
    weights = logistic.coef_[0] / scale.scale_
    explainer = shap.LinearExplainer(
        (weights, logistic.intercept_[0] - weights @ scale.mean_),
        shap.maskers.Independent(scale.mean_[None, :]),
    )
    values = explainer.shap_values(imputer.transform(matrix))
    expected = values[:, :matrix.shape[1]].copy()
    expected[:, imputer.indicator_.features_] += values[:, matrix.shape[1]:]
    ours = model.contributions(data, level="column", raw=True)["alumni_engagement"]
    np.testing.assert_allclose(ours.drop(columns="base").to_numpy(), expected,
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_percentage_points_add_up_to_the_change_from_the_base(models, people, kind):
    model = models[kind]
    data = people.head(200)
    every = model.explain(data, top_k=100)
    totals = every.groupby(["row", "target"]).agg(
        pp=("pp", "sum"), p=("probability", "first"), p0=("base_probability", "first"))
    np.testing.assert_allclose(totals["pp"], 100 * (totals["p"] - totals["p0"]), atol=1e-9)
    log_odds = every.groupby(["row", "target"])["log_odds"].sum()
    np.testing.assert_allclose(expit(log_odds + np.log(totals["p0"] / (1 - totals["p0"]))),
                               totals["p"], atol=1e-12)


# --------------------------------------------------------------------------------------
# What the reasons say
# --------------------------------------------------------------------------------------


def test_reasons_table_layout_and_order(models, people):
    data = people.head(4)
    reasons = models["logistic"].explain(data, top_k=3)
    assert list(reasons.columns) == [
        "leaver_id", "row", "target", "rank", "reason", "label", "lever", "value",
        "direction", "log_odds", "pp", "probability", "base_probability", "text"]
    assert len(reasons) == 4 * 2 * 3
    assert reasons["leaver_id"].tolist()[::6] == data["leaver_id"].tolist()
    for _, group in reasons.groupby(["row", "target"]):
        assert group["rank"].tolist() == [1, 2, 3]
        assert (np.diff(group["log_odds"].abs()) <= 0).all()
    assert set(reasons["direction"]) <= {"raises", "lowers"}
    assert ((reasons["log_odds"] >= 0) == (reasons["direction"] == "raises")).all()


def test_reason_text_names_the_lever_first_in_both_languages(models, people):
    record = people.drop(columns="leaver_id").iloc[0].to_dict()
    for lang in ("en", "ja"):
        reasons = models["logistic"].explain(record, top_k=5, lang=lang)
        for lever, text in zip(reasons["lever"], reasons["text"], strict=True):
            tag = text_of(f"lever.{lever}", lang)
            assert text.startswith(f"[{tag}]" if lang == "en" else f"［{tag}］")
    ja = models["logistic"].explain(record, lang="ja")
    assert ja["text"].str.contains("pt").all()
    assert ja["label"].isin([f.label_ja for f in FIELDS_BY_NAME.values()]
                            + ["退職意思の尊重", "想いの引き出し", "歓迎の意思表示",
                               "上司の退職面談", "人事の退職面談"]).all()


def test_behaviours_read_as_constructs_and_interviews_as_one_reason(models, people):
    table = models["logistic"].contributions(people.head(20))["alumni_engagement"]
    assert {"respect", "drawing_out", "welcome", "sup_interview", "hr_interview"} <= set(
        table.columns)
    assert not {"sup_listened_to_end", "sup_interview_amicability"} & set(table.columns)
    fields = models["logistic"].contributions(people.head(20), level="field")
    assert "sup_listened_to_end" in fields["alumni_engagement"].columns


def test_protected_fields_never_appear_unless_opted_in(models, people, survey):
    protected = set(field_names("protected"))
    for model in models.values():
        reasons = model.explain(people.head(300), top_k=50)
        assert not protected & set(reasons["reason"])
    data, _ = survey
    opted = rm.train(data, {"features": {"include_protected": True},
                            "model_selection": {"candidates": ["logistic"], "cv_folds": 2}})
    table = opted.contributions(data.head(50))["rehire_intent"]
    assert protected <= set(table.columns)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lang": "fr"}, "lang must be 'en' or 'ja'"),
    ({"top_k": 0}, "top_k must be a whole number"),
])
def test_bad_explain_arguments(models, people, kwargs, message):
    with pytest.raises(ValueError, match=message):
        models["logistic"].explain(people.head(2), **kwargs)


def test_bad_contributions_level(models, people):
    with pytest.raises(ValueError, match="level must be"):
        models["logistic"].contributions(people.head(2), level="item")


# --------------------------------------------------------------------------------------
# The explanations recover the survey's planted structure
# --------------------------------------------------------------------------------------


def _oracle_change(records, target, **settings_on_off):
    """Mean true change in probability when the settings go from off to on."""
    on = {k: v[0] for k, v in settings_on_off.items()}
    off = {k: v[1] for k, v in settings_on_off.items()}
    column = f"p_{target}"
    return float((rm.survey.true_probabilities(records.assign(**on))[column]
                  - rm.survey.true_probabilities(records.assign(**off))[column]).mean())


RESPECT = ("sup_understood_reason", "sup_respected_timing")
DRAWING_OUT = ("sup_listened_to_end", "sup_listened_carefully", "sup_heard_dissatisfaction",
               "sup_answered_questions")


@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_welcome_signal_pushes_engagement_up(models, people, kind):
    interviewed = people[people["sup_interview_held"].astype(bool)]
    truth = _oracle_change(interviewed, "alumni_engagement", sup_welcomed_return=(True, False))
    table = models[kind].contributions(interviewed)["alumni_engagement"]
    welcomed = interviewed["sup_welcomed_return"].astype(bool).to_numpy()
    assert np.sign(table["welcome"][welcomed].mean()) == np.sign(truth) == 1
    assert table["welcome"][~welcomed].mean() < 0


@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_respect_without_drawing_out_pushes_engagement_down(models, people, kind):
    interviewed = people[people["sup_interview_held"].astype(bool)]
    no_drawing_out = interviewed[[c for c in DRAWING_OUT]].astype(bool).sum(axis=1) == 0
    full_respect = interviewed[list(RESPECT)].astype(bool).all(axis=1)
    group = interviewed[no_drawing_out & full_respect]
    assert len(group) > 30
    truth = _oracle_change(group.assign(**dict.fromkeys(DRAWING_OUT, False)),
                           "alumni_engagement", **dict.fromkeys(RESPECT, (True, False)))
    model_says = models[kind].contributions(group)["alumni_engagement"]["respect"].mean()
    assert np.sign(model_says) == np.sign(truth) == -1


@pytest.mark.parametrize("kind", ["logistic", "trees"])
@pytest.mark.parametrize("policy", ["policy_comeback_program", "policy_alumni_perks"])
def test_comeback_program_and_perks_push_rehire_intent_up(models, people, kind, policy):
    with_policy = people[people[policy].astype(bool)]
    truth = _oracle_change(with_policy, "rehire_intent", **{policy: (True, False)})
    model_says = models[kind].contributions(with_policy)["rehire_intent"][policy].mean()
    assert np.sign(model_says) == np.sign(truth) == 1


@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_hr_interview_is_among_the_weakest_engagement_drivers(models, people, kind):
    held = people[people["hr_interview_held"].astype(bool)]
    hr_truth = abs(_oracle_change(held, "alumni_engagement",
                                  hr_interview_amicability=(5, 1)))
    interviewed = people[people["sup_interview_held"].astype(bool)]
    welcome_truth = abs(_oracle_change(interviewed, "alumni_engagement",
                                       sup_welcomed_return=(True, False)))
    assert hr_truth < welcome_truth / 10
    strength = models[kind].contributions(people)["alumni_engagement"].drop(
        columns="base").abs().mean().sort_values()
    assert strength.index.get_loc("hr_interview") < len(strength) / 2


# --------------------------------------------------------------------------------------
# Many threads, one model
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n_threads", "calls_per_thread"), [
    (4, 150),
    pytest.param(8, 2000, marks=pytest.mark.slow),
])
def test_predict_and_explain_are_thread_safe(models, people, n_threads, calls_per_thread):
    """Threads making mixed calls on shared models get the serial results."""
    records = people.drop(columns="leaver_id").head(40).to_dict("records")
    table = people.head(25)
    calls = [
        lambda m, i: m.predict(records[i % 40]),
        lambda m, i: m.predict(records[i % 30:i % 30 + 5]),
        lambda m, i: m.explain(records[i % 40], top_k=2, lang="ja"),
        lambda m, i: m.predict(records[i % 40]),
        lambda m, i: m.explain(records[i % 35:i % 35 + 3], top_k=3),
        lambda m, i: m.predict(records[(i + 7) % 40]),
        lambda m, i: m.explain(records[(i + 3) % 40]),
    ]
    calls = calls * 3 + [
        lambda m, i: m.predict(table) if i % 3 else m.explain(table.iloc[[i % 25]], n_jobs=1),
    ]
    names = list(models)

    def call(i):
        return calls[i % len(calls)](models[names[(i // len(calls)) % 2]], i)

    n_distinct = len(calls) * 2 * 5
    expected = [call(i) for i in range(n_distinct)]
    failures = []

    def worker(offset):
        try:
            for j in range(calls_per_thread):
                i = (offset * 131 + j) % n_distinct
                if not call(i).equals(expected[i]):
                    failures.append(f"call {i} in thread {offset} differs")
        except Exception as e:  # collected and reported by the main thread
            failures.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:1]
    assert set(TARGETS) <= set(expected[2]["target"])


def test_category_values_read_as_hr_staff_know_them(models, people):
    record = people.drop(columns="leaver_id").iloc[0].to_dict() | {"industry": "it_telecom"}
    for lang, shown in (("ja", "情報通信業"), ("en", "IT and telecommunications")):
        reasons = models["logistic"].explain(record, top_k=40, lang=lang)
        assert (reasons.loc[reasons["reason"] == "industry", "value"] == shown).all()


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("kind", ["logistic", "trees"])
def test_shared_sentences_equal_each_reason_written_alone(models, blank_people, kind, lang):
    model = models[kind]
    people = blank_people.head(400)
    reasons = model.explain(people, top_k=8, lang=lang)
    by_key = {r.key: r for r in model.scoring.reasons["reason"][0]}
    arrays = model.scoring.read(people).arrays
    fields = model.scoring.fields_by_name
    for entry in reasons.itertuples():
        reason = by_key[entry.reason]
        shown = display_value(reason, arrays, entry.row, lang, fields)
        assert entry.value == shown
        assert entry.text == reason_text(reason, shown, entry.target, entry.pp, lang)
