from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from rehire_model.fairness import MIN_GROUP_SIZE, age_band, group_table


def test_group_table_matches_hand_computed_rates():
    groups = pd.Series(["f"] * 6 + ["m"] * 6)
    selected = np.array([1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0])
    y = np.array([1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0])
    scores = np.linspace(0.05, 0.95, 12)
    table = group_table(selected, groups, y_true=y, scores=scores)
    f = table.loc["f"]
    assert f["n"] == 6 and f["selection_rate"] == pytest.approx(2 / 6)
    assert f["true_positive_rate"] == pytest.approx(1 / 2)
    assert f["false_positive_rate"] == pytest.approx(1 / 4)
    assert f["auc"] == pytest.approx(roc_auc_score(y[:6], scores[:6]))
    assert table.attrs["selection_ratio"] == pytest.approx((2 / 6) / (3 / 6))
    assert table.attrs["four_fifths_flag"] is True  # 0.667 < 0.8


def test_small_groups_are_suppressed_and_left_out_of_the_ratio():
    groups = pd.Series(["a"] * 10 + ["b"] * 10 + ["tiny"] * (MIN_GROUP_SIZE - 1))
    selected = np.r_[np.ones(5), np.ones(5) * 0, np.ones(4), np.zeros(6), np.zeros(4)]
    table = group_table(selected.astype(int), groups)
    assert "tiny" not in table.index
    assert table.attrs["suppressed"] == 1
    assert table.attrs["selection_ratio"] == pytest.approx(0.4 / 0.5)


def test_four_fifths_flag():
    groups = pd.Series(["a"] * 10 + ["b"] * 10)
    selected = np.r_[np.ones(5), np.zeros(5), np.ones(3), np.zeros(7)].astype(int)
    table = group_table(selected, groups)
    assert table.attrs["selection_ratio"] == pytest.approx(0.6)
    assert table.attrs["four_fifths_flag"] is True


def test_age_bands():
    assert age_band([15, 25, 39, 40, 59, 60, np.nan]).tolist() == [
        "under 20", "20s", "30s", "40s", "50s", "60+", "unknown"]
