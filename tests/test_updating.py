"""Updating a model from a company's outcomes or a base rate it knows."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, logit

import rehire_model as rm
from rehire_model.evaluation import evaluate
from rehire_model.exceptions import DataWarning, SchemaError
from rehire_model.texts import text
from rehire_model.training import fit_target
from rehire_model.updating import CLEARLY_BETTER, METHODS, model_rate

FAST = {"model_selection": {"candidates": ["logistic"], "cv_folds": 3},
        "data": {"cv_repeats": 1}}


@pytest.fixture(scope="module")
def parent() -> rm.RehireModel:
    """A model of the survey's world, quick to retrain (one candidate family)."""
    return rm.train(rm.make_leaver_survey(3000, random_state=11, missing_rate=0.1), FAST)


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    """300 leavers of a company unlike the survey's average, with their outcomes."""
    return rm.make_leaver_survey(300, random_state=12, world="shifted", missing_rate=0.1)


@pytest.fixture(scope="module")
def fresh() -> tuple[pd.DataFrame, pd.DataFrame]:
    return rm.make_leaver_survey(5000, random_state=13, world="shifted", missing_rate=0.1,
                                 return_truth=True)


def _log_odds(model: rm.RehireModel, records: pd.DataFrame, target: str) -> np.ndarray:
    return logit(model.predict(records)[f"p_{target}"].to_numpy())


def _outcome(records: pd.DataFrame, target: str) -> np.ndarray:
    return (records[target] >= 4).to_numpy(dtype=float)


@pytest.fixture(scope="module")
def auto(parent, labelled) -> rm.RehireModel:
    return rm.update(parent, labelled)


# --------------------------------------------------------------------------------------
# Each method
# --------------------------------------------------------------------------------------


def test_intercept_update_matches_the_observed_rate_and_keeps_the_ranking(parent, labelled):
    updated = rm.update(parent, labelled, method="intercept")
    for target in parent.targets:
        p = updated.predict(labelled)[f"p_{target}"].to_numpy()
        # The maximum-likelihood intercept makes the mean prediction the observed rate.
        assert p.mean() == pytest.approx(_outcome(labelled, target).mean(), abs=1e-6)
        shift = _log_odds(updated, labelled, target) - _log_odds(parent, labelled, target)
        assert np.ptp(shift) < 1e-9  # one shift for everyone: the ranking is kept
        assert updated.lineage["targets"][target]["method"] == "intercept"


def test_logistic_update_equals_a_logistic_regression_on_the_log_odds(parent, labelled):
    updated = rm.update(parent, labelled, method="logistic")
    for target in parent.targets:
        L = _log_odds(parent, labelled, target)
        fit = sm.Logit(_outcome(labelled, target), sm.add_constant(L)).fit(disp=0)
        entry = updated.lineage["targets"][target]
        assert [entry["intercept"], entry["slope"]] == pytest.approx(fit.params, abs=1e-6)
        assert _log_odds(updated, labelled, target) == pytest.approx(
            entry["intercept"] + entry["slope"] * L, abs=1e-9)


def test_revision_is_a_penalised_correction_with_exact_explanations(parent, labelled):
    updated = rm.update(parent, labelled, method="revise")
    entry = updated.lineage["targets"]["rehire_intent"]
    assert entry["method"] == "revise"
    shift = (_log_odds(updated, labelled, "rehire_intent")
             - _log_odds(parent, labelled, "rehire_intent"))
    if entry["penalty"] is None:  # the correction was penalised to nothing
        assert shift == pytest.approx(entry["intercept"] + (entry["slope"] - 1)
                                      * _log_odds(parent, labelled, "rehire_intent"))
    else:
        assert np.ptp(shift) > 0
    table = updated.contributions(labelled.head(50))["rehire_intent"]
    assert expit(table.sum(axis=1)).to_numpy() == pytest.approx(
        updated.predict(labelled.head(50))["p_rehire_intent"].to_numpy(), abs=1e-12)


def test_refit_is_training_on_the_labelled_leavers(parent, labelled, fresh):
    updated = rm.update(parent, labelled, method="refit")
    scratch = rm.train(labelled, parent.config)
    records, _ = fresh
    for target in parent.targets:
        assert updated.predict(records)[f"p_{target}"].to_numpy() == pytest.approx(
            scratch.predict(records)[f"p_{target}"].to_numpy(), abs=1e-9)
        assert updated.lineage["targets"][target]["method"] == "refit"


def test_refit_with_too_few_outcomes_says_how_many_it_needs(parent):
    few = rm.make_leaver_survey(60, random_state=3, world="shifted")
    with pytest.raises(SchemaError, match=r"alumni engagement cannot be retrained from 60 "
                       r"labelled leavers with \d+ positive: training needs at least 12"):
        rm.update(parent, few, method="refit")


# --------------------------------------------------------------------------------------
# Choosing
# --------------------------------------------------------------------------------------


def test_auto_updates_a_shifted_company_and_beats_the_parent_on_fresh_leavers(
        parent, auto, fresh):
    records, _ = fresh
    before, after = evaluate(parent, records), evaluate(auto, records)
    for target in parent.targets:
        entry = auto.lineage["targets"][target]
        assert entry["method"] in ("intercept", "logistic", "revise", "refit")
        assert set(entry["candidates"]) == {"none", *METHODS}
        assert after.loc[(target, "model"), "brier"] < before.loc[(target, "model"), "brier"]
        assert entry["after"]["log_loss"] < entry["before"]["log_loss"]
    # The shifted world's rehire intent is twice the survey's: the level is what moved.
    before = auto.lineage["targets"]["rehire_intent"]["before"]
    assert before["mean_predicted"] < before["observed_rate"] - 0.1


def test_auto_says_why_in_both_languages(auto):
    for entry in auto.lineage["targets"].values():
        assert entry["reason"]["en"] and entry["reason"]["ja"]
        assert "likelihood-ratio" in entry["reason"]["en"]
        assert "尤度比検定" in entry["reason"]["ja"]
        assert not any(c.isascii() and c.isalpha() for c in entry["reason"]["ja"].replace(
            "p値", "").replace("AUC", ""))


@pytest.mark.parametrize("samples", [
    3, pytest.param(10, marks=pytest.mark.slow, id="10-samples")])
def test_auto_does_no_harm_where_the_company_is_like_the_training_data(parent, samples):
    """No change: auto mostly keeps the model (Akaike's criterion shifts the intercept in
    about one sample in six, more where the parent's own calibration is off), and what
    it does change costs at most a few per cent of Brier score on fresh leavers."""
    fresh = rm.make_leaver_survey(5000, random_state=99, missing_rate=0.1)
    before = evaluate(parent, fresh)["brier"]
    kept = 0
    for seed in range(samples):
        same_world = rm.make_leaver_survey(200, random_state=100 + seed, missing_rate=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            updated = rm.update(parent, same_world, method="auto", random_state=seed)
        kept += sum(e["method"] == "none" for e in updated.lineage["targets"].values())
        after = evaluate(updated, fresh)["brier"]
        assert (after <= before * 1.03).all(), (seed, after / before)
    assert kept >= 0.6 * 2 * samples  # of the target updates
    assert CLEARLY_BETTER == 0.05


def test_a_target_without_outcomes_stays_as_it_was(parent, labelled):
    updated = rm.update(parent, labelled.drop(columns="alumni_engagement"), method="intercept")
    entry = updated.lineage["targets"]["alumni_engagement"]
    assert entry["method"] == "none" and entry["n"] == 0
    assert updated.estimators["alumni_engagement"] is parent.estimators["alumni_engagement"]
    assert updated.lineage["targets"]["rehire_intent"]["method"] == "intercept"


# --------------------------------------------------------------------------------------
# Base rates
# --------------------------------------------------------------------------------------


def test_a_known_base_rate_without_records_is_the_prior_shift(parent, labelled):
    updated = rm.update(parent, None, base_rate={"rehire_intent": 0.33})
    shift = (_log_odds(updated, labelled, "rehire_intent")
             - _log_odds(parent, labelled, "rehire_intent"))
    expected = logit(0.33) - logit(parent.training_data["positive_rate"]["rehire_intent"])
    assert shift == pytest.approx(np.full(len(shift), expected), abs=1e-9)
    assert model_rate(updated, "rehire_intent") == 0.33
    assert updated.lineage["targets"]["alumni_engagement"]["method"] == "none"


def test_a_known_base_rate_over_records_sets_their_mean_prediction(parent, labelled):
    records = labelled.drop(columns=["alumni_engagement", "rehire_intent"])
    updated = rm.update(parent, records, base_rate={"rehire_intent": 0.33})
    assert updated.predict(records)["p_rehire_intent"].mean() == pytest.approx(0.33, abs=1e-9)


def test_a_base_rate_beside_outcomes_is_used_with_a_warning(parent, labelled):
    with pytest.warns(DataWarning, match="rehire intent has outcomes in the labelled leavers "
                      "and a base_rate"):
        updated = rm.update(parent, labelled, method="intercept",
                            base_rate={"rehire_intent": 0.3})
    assert updated.lineage["targets"]["rehire_intent"]["method"] == "base_rate"


def test_the_em_estimate_recovers_a_pure_prior_shift(parent):
    survey = rm.make_leaver_survey(20000, random_state=21, missing_rate=0.1)
    positive = survey["rehire_intent"] >= 4
    # Keep every positive and a third of the negatives: the rate rises, nothing else moves.
    rng = np.random.default_rng(0)
    shifted = survey[positive | (rng.random(len(survey)) < 1 / 3)]
    rate = float((shifted["rehire_intent"] >= 4).mean())
    table = rm.estimate_base_rate(parent, shifted.drop(columns=["rehire_intent"]))
    row = table.loc["rehire_intent"]
    assert row["low"] <= rate <= row["high"]
    assert abs(row["estimate"] - rate) < 0.03
    assert row["mean_predicted"] < rate - 0.1  # the model alone would miss it
    assert "prior shift" in row["assumption"]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"method": "best"}, ValueError, "method must be one of auto, intercept, logistic, "
                                     "revise, refit; got 'best'"),
    ({"base_rate": {"rehire": 0.3}}, ValueError, "base_rate names 'rehire', which the model "
                                                 "does not predict"),
    ({"base_rate": {"rehire_intent": 1.5}}, ValueError, r"base_rate of rehire_intent must be "
                                                        r"a share between 0 and 1"),
    ({"base_rate": 0.3}, TypeError, "base_rate must map a target to a rate"),
])
def test_bad_arguments_are_named(parent, kwargs, error, match):
    with pytest.raises(error, match=match):
        rm.update(parent, None if "method" not in kwargs else pd.DataFrame(), **kwargs)


def test_nothing_to_update_from_is_an_error(parent):
    with pytest.raises(ValueError, match="nothing to update from"):
        rm.update(parent, None)


# --------------------------------------------------------------------------------------
# The new model folder
# --------------------------------------------------------------------------------------


def test_the_updated_folder_keeps_its_lineage_and_its_training_rows(parent, auto, labelled,
                                                                    tmp_path):
    folder = rm.save_model(auto, tmp_path / "ours")
    loaded = rm.load_model(folder)
    assert loaded.lineage["parent"]["fingerprint_sha256"] == \
        parent.training_data["fingerprint_sha256"]
    assert loaded.lineage["labelled"]["n_rows"] == len(labelled)
    for target in parent.targets:
        assert loaded.lineage["targets"][target]["method"] == \
            auto.lineage["targets"][target]["method"]
    assert loaded.predict(labelled).equals(auto.predict(labelled))
    # The labelled leavers are now training rows, measured by their out-of-fold
    # predictions: the report on them is not in-sample.
    found, honest = loaded.training_rows.honest(loaded.scoring.read(labelled).matrix)
    assert found.all()
    assert not np.isnan(honest["rehire_intent"]).any()
    for lang, heading in (("en", "## Updates"), ("ja", "## 更新の履歴")):
        card = (folder / ("MODEL_CARD.md" if lang == "en" else "MODEL_CARD.ja.md")).read_text(
            encoding="utf-8")
        assert heading in card
        assert auto.lineage["targets"]["rehire_intent"]["reason"][lang] in card
        # The parent's group figures are not presented as the updated model's.
        assert text("card.no_groups_updated", lang) in card


def test_refit_inside_the_folds_keeps_the_chosen_family(parent, labelled):
    """The retraining measured out of fold is the one kept: same family and settings."""
    X = parent.scoring.read(labelled).matrix
    y = _outcome(labelled, "rehire_intent").astype(int)
    chosen = fit_target(X, y, parent.config)
    again = fit_target(X, y, parent.config, family=chosen.family, settings=chosen.settings)
    assert again.estimator.predict_proba(X) == pytest.approx(
        chosen.estimator.predict_proba(X))
