from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import logit

import rehire_model as rm
from rehire_model.config import load_config
from rehire_model.exceptions import ConfigError, DataWarning, SchemaError
from rehire_model.features import feature_sources
from rehire_model.model_io import fitted_digest
from rehire_model.schema import TARGETS, field_names

from .conftest import FAST

ROOT = Path(__file__).resolve().parents[1]
LARGE = {**FAST, "data": {"small_sample_rows": 1000}}  # 3,000 rows: a held-out test split


def _digests(model):
    return [fitted_digest(model.features)] + [fitted_digest(model.estimators[t])
                                              for t in model.targets]


# --------------------------------------------------------------------------------------
# Choosing, fitting and measuring
# --------------------------------------------------------------------------------------


def test_small_sample_is_measured_by_repeated_cross_validation(small_model):
    assert small_model.training_data["evaluation"] == "cross_validation"
    assert small_model.training_data["n_fit"] == small_model.training_data["n_rows"] == 3000
    assert small_model.training_data["n_test"] == 0
    for target in TARGETS:
        result = small_model.metrics[target]
        assert set(result["cross_validation"]) == {"logistic", "hist_gradient_boosting"}
        assert result["selected"] in result["cross_validation"]
        assert result["evaluation"] == "cross_validation" and result["folds"] == 3
        for scorer in ("test", "oracle_test"):
            assert set(result[scorer]) >= {"roc_auc", "average_precision", "brier", "ece"}
            assert result[scorer]["n"] == 3000
        low, high = result["interval"]["roc_auc"]
        assert low < result["test"]["roc_auc"] < high
        assert 0.5 < result["test"]["roc_auc"] <= result["oracle_test"]["roc_auc"] + 0.02


def test_large_sample_is_measured_on_a_held_out_split(survey):
    data, truth = survey
    model = rm.train(data, LARGE, truth=truth)
    assert model.training_data["evaluation"] == "test_split"
    assert (model.training_data["n_fit"], model.training_data["n_test"]) == (2400, 600)
    for target in TARGETS:
        assert model.metrics[target]["test"]["n"] == 600
        assert "interval" not in model.metrics[target]


def test_the_kept_model_is_fitted_on_every_row_and_calibrated_out_of_fold(small_model):
    for target in TARGETS:
        calibrated = small_model.estimators[target]
        assert type(calibrated).__name__ == "CalibratedClassifierCV"
        assert (calibrated.method, calibrated.ensemble) == ("sigmoid", False)
        assert len(calibrated.calibrated_classifiers_) == 1


def test_settings_are_chosen_from_the_grid(small_model):
    for target in TARGETS:
        result = small_model.metrics[target]
        grid = load_config(FAST).settings_grid(result["selected"])
        assert result["settings"] in grid


def test_trees_are_kept_where_they_are_clearly_better():
    rng = np.random.default_rng(0)
    data = rm.make_leaver_survey(3000, random_state=3)
    # An outcome the logistic model cannot express: one tenure band only.
    band = data["tenure_years"].between(3, 8) & (data["years_since_exit"] < 2.5)
    data["rehire_intent"] = np.where(band ^ (rng.random(len(data)) < 0.1), 5, 1)
    model = rm.train(data, {**FAST, "targets": {"alumni_engagement": False}})
    assert model.selected == {"rehire_intent": "hist_gradient_boosting"}


def test_same_seed_same_model_other_seed_other_model(survey):
    data = survey[0].head(1000)
    first, second = rm.train(data, FAST), rm.train(data, FAST)
    assert _digests(first) == _digests(second)
    assert first.metrics == second.metrics
    other = rm.train(data, {**FAST, "seed": 1})
    assert other.metrics != first.metrics


def test_how_a_model_is_measured_does_not_change_the_model(survey):
    data = survey[0].head(600)
    once = rm.train(data, FAST)
    twice = rm.train(data, {**FAST, "data": {"cv_repeats": 2}})
    assert _digests(once) == _digests(twice)
    assert twice.metrics["rehire_intent"]["folds"] == 2 * once.metrics["rehire_intent"]["folds"]


def test_parallel_training_gives_the_same_model(survey):
    data, _ = survey
    one, two = rm.train(data.head(600), FAST), rm.train(data.head(600), FAST, n_jobs=2)
    assert _digests(one) == _digests(two) and one.metrics == two.metrics


# --------------------------------------------------------------------------------------
# Features and the company's own data
# --------------------------------------------------------------------------------------


def test_protected_fields_feed_no_column_unless_opted_in(small_model, survey):
    data, _ = survey
    protected = set(field_names("protected"))
    sources = {s for fields in feature_sources(small_model.features).values() for s in fields}
    assert not sources & protected
    opted = rm.train(data.head(1000), {**FAST, "features": {"include_protected": True}})
    sources = {s for fields in feature_sources(opted.features).values() for s in fields}
    assert sources >= protected


def test_company_columns_targets_and_subset(survey):
    """A company's own target labels, an own column and no HR interview data."""
    data, _ = survey
    rng = np.random.default_rng(0)
    company = data.drop(columns=["hr_interview_held", "hr_interview_amicability"]).assign(
        would_return=np.where(data["rehire_intent"] >= 4, "はい", "いいえ"),
        remote_work=rng.random(len(data)) < 0.5,
    ).drop(columns="rehire_intent")
    config = {
        **FAST,
        "features": {
            "exit_interview": [n for n in field_names("exit_interview") if "hr_" not in n],
            "extra": [{"name": "remote_work", "kind": "bool", "lever": "policy"}],
        },
        "targets": {"rehire_intent": {"column": "would_return", "positive": ["はい"]}},
    }
    model = rm.train(company, config)
    assert model.training_data["positive_rate"]["rehire_intent"] == pytest.approx(
        (data["rehire_intent"] >= 4).mean())
    names = model.features.get_feature_names_out()
    assert "remote_work" in names and "hr_amicability" not in names
    scores = model.predict(company.head(5))
    assert scores.shape == (5, 5)
    with pytest.raises(SchemaError, match="remote_work"):
        model.predict(company.drop(columns="remote_work").head(5))


def test_text_ordinal_and_undeclared_category(survey):
    data, _ = survey
    rng = np.random.default_rng(1)
    levels = ["Low", "Medium", "High", "Very high"]
    company = data.head(1200).assign(
        satisfaction=rng.choice(levels, 1200), department=rng.choice(["Sales", "R&D"], 1200))
    config = {**FAST, "features": {"extra": [
        {"name": "satisfaction", "kind": "ordinal", "levels": levels},
        {"name": "department", "kind": "category", "categories": ["Sales", "R&D"]}]}}
    model = rm.train(company, config)
    encoded = model.features.transform(rm.validate_records(
        company.head(3), fields=model.record_fields))["satisfaction"]
    assert encoded.tolist() == [levels.index(v) + 1 for v in company["satisfaction"].head(3)]
    undeclared = company.assign(department=company["department"].where(
        np.arange(1200) % 100 != 0, "Legal"))
    with pytest.raises(SchemaError, match=r"column 'department' has values its "
                                          r"\[\[features.extra\]\] entry does not declare: "
                                          r"'Legal' \(12 rows\); declared categories: Sales, "
                                          r"R&D\. Add them to categories"):
        rm.train(undeclared, config)
    reasons = model.explain(company.head(1), top_k=40)
    shown = reasons.loc[reasons["reason"] == "satisfaction", "value"].iat[0]
    assert shown == company["satisfaction"].iat[0]


# --------------------------------------------------------------------------------------
# Skipped answers and one target
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_survey():
    """2,000 synthetic leavers with 10 % of answers left blank."""
    return rm.make_leaver_survey(2000, random_state=5, return_truth=True, missing_rate=0.1)


@pytest.fixture(scope="module")
def blank_model(blank_survey):
    data, truth = blank_survey
    return rm.train(data, FAST, truth=truth)


def test_a_survey_with_blanks_trains_on_every_row(blank_model, blank_survey):
    data, _ = blank_survey
    assert blank_model.training_data["n_rows"] == len(data) == 2000
    assert blank_model.training_data["n_left_out"] == 0
    for target in TARGETS:
        result = blank_model.metrics[target]
        assert result["test"]["roc_auc"] / result["oracle_test"]["roc_auc"] > 0.85


@pytest.mark.parametrize("family", ["logistic", "hist_gradient_boosting"])
def test_explanations_with_blanks_stay_exact(blank_survey, family):
    data, _ = blank_survey
    config = {**FAST, "model_selection": {**FAST["model_selection"], "candidates": [family]}}
    model = rm.train(data.head(1000), config)
    scores = model.predict(data)
    for target, table in model.contributions(data).items():
        np.testing.assert_allclose(table.sum(axis=1), logit(scores[f"p_{target}"]),
                                   rtol=0, atol=1e-9)
        raw = model.contributions(data, raw=True)[target].sum(axis=1)
        inner = model.estimators[target].calibrated_classifiers_[0].estimator
        matrix = model.features.transform(rm.validate_records(data, **model.config
                                                              .validation_options))
        np.testing.assert_allclose(raw, inner.decision_function(matrix.to_numpy()),
                                   rtol=0, atol=1e-9)


def test_an_unanswered_field_is_one_reason_not_answered(blank_model, blank_survey):
    data, _ = blank_survey
    record = data.iloc[0].to_dict() | {"policy_alumni_perks": None}
    for lang, text in (("en", "not answered"), ("ja", "未回答")):
        reasons = blank_model.explain(record, top_k=40, lang=lang)
        perks = reasons[reasons["reason"] == "policy_alumni_perks"]
        assert len(perks) == 2 and (perks["value"] == text).all()  # one per target


def test_too_blank_records_are_left_out_with_a_warning(blank_survey):
    data, _ = blank_survey
    data = data.head(1000).copy()
    data.loc[[3, 7], list(field_names("fixed", "policy", "follow_up"))] = None
    with pytest.warns(DataWarning, match=r"2 of 1000 records are left out of training: they "
                                         r"leave more than max_missing 0.5 .* \(rows 3, 7\)"):
        model = rm.train(data, FAST)
    assert model.training_data["n_left_out"] == 2


def test_unanswered_targets_leave_the_row_out_of_that_target_only(survey):
    data, _ = survey
    data = data.head(1500).copy()
    data.loc[:99, "rehire_intent"] = None
    with pytest.warns(DataWarning, match=r"100 of 1500 rows have no answer for rehire_intent"):
        model = rm.train(data, FAST)
    assert model.metrics["rehire_intent"]["n_fit"] == 1400
    assert model.metrics["alumni_engagement"]["n_fit"] == 1500


def test_reject_mode_refuses_blanks(blank_survey):
    data, _ = blank_survey
    with pytest.raises(SchemaError, match="missing='reject'"):
        rm.train(data, {**FAST, "data": {"missing": "reject"}})


def test_one_target_model(survey):
    data, _ = survey
    model = rm.train(data.drop(columns="alumni_engagement").head(1500),
                     {**FAST, "targets": {"alumni_engagement": False}})
    assert model.targets == ("rehire_intent",) and list(model.estimators) == ["rehire_intent"]
    assert list(model.predict(data.head(2)).columns) == [
        "leaver_id", "p_rehire_intent", "missing_fields"]


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_missing_target_column_is_named(survey):
    data, _ = survey
    with pytest.raises(SchemaError, match=r"no target column 'rehire_intent'.*\[targets.*or set "
                                          r"rehire_intent = false"):
        rm.train(data.drop(columns="rehire_intent"), FAST)


def test_too_few_positives_is_explained(survey):
    data, _ = survey
    with pytest.raises(SchemaError, match=r"rehire_intent .* has \d+ positive .* at least 12 "
                                          r"of each \(4 per cross-validation fold\)"):
        rm.train(data, {**FAST, "targets": {"rehire_intent": {"positive": "> 5"}}})


def test_bad_record_stops_training_with_its_row(survey):
    data, _ = survey
    bad = data.copy()
    bad.loc[7, "industry"] = "banking"
    with pytest.raises(SchemaError, match=r"row 7 .*'industry' has 'banking'"):
        rm.train(bad, FAST)


def test_invalid_hyperparameter_value_is_a_config_error(survey):
    data, _ = survey
    with pytest.raises(ConfigError, match=r"\[model_selection.logistic\].*C"):
        rm.train(data, {**FAST, "model_selection": {"candidates": ["logistic"],
                                                    "logistic": {"C": -1.0}}})


def test_truth_must_align_with_data(survey):
    data, truth = survey
    with pytest.raises(ValueError, match="truth has 10 rows but data has 3000"):
        rm.train(data, FAST, truth=truth.head(10))


def test_train_accepts_a_toml_config_path(survey, tmp_path):
    path = tmp_path / "company.toml"
    path.write_text("[data]\ncv_repeats = 1\n[model_selection]\ncandidates = "
                    '["logistic"]\ncv_folds = 3\n', encoding="utf-8")
    model = rm.train(survey[0].head(600), path)
    assert model.config == load_config(path) and model.selected["rehire_intent"] == "logistic"


def test_no_row_lost_to_a_pattern_of_blanks():
    """Blanks at random, up to 20 % per record: every record trains and scores."""
    rng = np.random.default_rng(7)
    data = rm.make_leaver_survey(1200, random_state=8)
    fields = list(field_names("fixed", "policy", "exit_interview", "follow_up"))
    blanks = rng.random((len(data), len(fields))) < rng.uniform(0, 0.2, (len(data), 1))
    frame = data.copy()
    for j, name in enumerate(fields):
        frame[name] = frame[name].astype(object).mask(blanks[:, j])
    model = rm.train(frame, FAST)
    assert model.training_data["n_rows"] == len(frame)
    scores = model.predict(frame)
    records = rm.validate_records(frame)
    for i in rng.choice(len(frame), 50, replace=False):
        # A blank interview flag reads as held when its answers are given.
        expected = [name for j, name in enumerate(fields)
                    if blanks[i, j] and pd.isna(records[name].iat[i]) and (
                        rm.FIELDS_BY_NAME[name].requires is None
                        or bool(records[rm.FIELDS_BY_NAME[name].requires].fillna(False)
                                .iat[i]))]
        assert scores["missing_fields"].iat[i] == ";".join(expected)


@pytest.mark.slow
def test_training_script_reproduces_the_shipped_default_model():
    result = subprocess.run(
        [sys.executable, str(ROOT / "training" / "train.py"), "--check"],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("identical")
