from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rehire_model as rm
from rehire_model.evaluation import (
    METRICS,
    expected_calibration_error,
    held_out_table,
    probability_metrics,
)
from rehire_model.exceptions import SchemaError


def test_ece_of_perfectly_calibrated_bins_is_zero():
    y = np.array([0, 0, 0, 1] * 25 + [1] * 10)
    p = np.array([0.25] * 100 + [1.0] * 10)
    assert expected_calibration_error(y, p) == 0.0


def test_ece_is_the_weighted_gap_per_bin():
    # Bin of 0.1 (2 rows, observed 0.5) and bin of 0.9 (2 rows, observed 1.0).
    assert expected_calibration_error([0, 1, 1, 1], [0.1, 0.1, 0.9, 0.9]) == pytest.approx(
        0.5 * 0.4 + 0.5 * 0.1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=1, max_size=200))
def test_ece_is_between_zero_and_one(pairs):
    y, p = map(np.array, zip(*pairs, strict=True))
    assert 0.0 <= expected_calibration_error(y, p) <= 1.0


def test_single_class_gives_nan_auc_not_an_error():
    result = probability_metrics([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(result["roc_auc"]) and result["brier"] == pytest.approx(0.14 / 3)


def test_evaluate_needs_the_target_columns(small_model, survey):
    data, _ = survey
    with pytest.raises(SchemaError, match="needs the target column 'rehire_intent'"):
        rm.evaluate(small_model, data.drop(columns="rehire_intent").head(50))


def test_default_model_meets_the_oracle_ratios_on_a_fresh_draw():
    """On 20,000 leavers never used in training: AUC >= 0.98x and Brier <= 1.05x the
    oracle's, ECE <= 0.02, for both targets."""
    data, truth = rm.make_leaver_survey(20_000, random_state=2026, return_truth=True)
    table = rm.evaluate(rm.load_model(), data, truth=truth)
    for target in ("alumni_engagement", "rehire_intent"):
        model, oracle = table.loc[(target, "model")], table.loc[(target, "oracle")]
        assert model["roc_auc"] >= 0.98 * oracle["roc_auc"]
        assert model["brier"] <= 1.05 * oracle["brier"]
        assert model["ece"] <= 0.02


def test_default_model_scores_records_with_blanks_well():
    """The same 20,000 leavers with 10 % of their answers blank: AUC >= 0.97x the oracle's
    (which knows the blanked answers), ECE <= 0.02."""
    data, truth = rm.make_leaver_survey(20_000, random_state=2026, return_truth=True,
                                        missing_rate=0.1)
    table = rm.evaluate(rm.load_model(), data, truth=truth)
    for target in ("alumni_engagement", "rehire_intent"):
        model, oracle = table.loc[(target, "model")], table.loc[(target, "oracle")]
        assert model["roc_auc"] >= 0.97 * oracle["roc_auc"]
        assert model["ece"] <= 0.02


def test_unanswered_outcomes_are_left_out_of_the_metrics(small_model, survey):
    data, _ = survey
    blank = data.head(500).assign(rehire_intent=lambda d: d["rehire_intent"].where(
        d.index >= 100))
    table = rm.evaluate(small_model, blank)
    assert table.loc[("rehire_intent", "model"), "n"] == 400
    assert table.loc[("alumni_engagement", "model"), "n"] == 500


def test_held_out_table_gives_intervals_of_a_cross_validated_model(small_model):
    table = held_out_table(small_model)
    assert list(table.columns) == ["model", "95% low", "95% high", "oracle", "model / oracle"]
    assert (table["95% low"] <= table["model"]).all()
    assert (table["model"] <= table["95% high"]).all()


def test_held_out_table_matches_the_saved_metrics():
    model = rm.load_model()
    table = held_out_table(model)
    assert table.index.get_level_values("metric").unique().tolist() == list(METRICS)
    for (target, metric), row in table.iterrows():
        assert row["model"] == model.metrics[target]["test"][metric]
        assert row["oracle"] == model.metrics[target]["oracle_test"][metric]
