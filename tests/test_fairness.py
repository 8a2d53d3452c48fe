"""The fairness engine: its statistics pinned against scipy and textbook values, the
rules of comparison and judgement on hand-worked groups, and its calibration under the
null (groupings independent of the selections)."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, fisher_exact, norm
from scipy.stats.contingency import relative_risk
from sklearn.metrics import roc_auc_score

from rehire_model import fairness
from rehire_model.fairness import (
    ALPHA,
    FOUR_FIFTHS,
    MIN_GROUP_SIZE,
    age_band,
    audit_groups,
    compare_groups,
    eligible_references,
    family_size,
    fisher_p,
    flip_flop,
    group_counts,
    group_summary,
    holm,
    impact_ratio_interval,
    judge,
    leavers_needed,
    shortfall,
    summary_table,
    wilson_interval,
    would_tell,
)


def counts(*rows: tuple) -> pd.DataFrame:
    """Counts of :func:`group_counts`' form from ``(group, n, selection_count[,
    scoring_count])`` rows."""
    columns = ["group", "n", "selection_count", "scoring_count"][:len(rows[0])]
    return pd.DataFrame(list(rows), columns=columns)


def row(table: pd.DataFrame, group: str) -> pd.Series:
    return table.set_index("group").loc[group]


# --------------------------------------------------------------------------------------
# Statistics of one rate, pinned against scipy
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 13, 40, 101])
def test_wilson_interval_equals_scipy_over_every_count(n):
    k = np.arange(n + 1)  # includes k = 0 and k = n
    low, high = wilson_interval(k, np.full(n + 1, n))
    expected = [binomtest(int(i), n).proportion_ci(method="wilson") for i in k]
    assert low == pytest.approx([ci.low for ci in expected], abs=1e-12)
    assert high == pytest.approx([ci.high for ci in expected], abs=1e-12)
    # the ends are exactly 0 and 1 (no rounding error, e.g. 1 - 1.1e-16 for 13 of 13),
    # and every interval holds the observed rate
    assert low[0] == 0.0 and high[-1] == 1.0
    assert np.all(low[1:] > 0) and np.all(high[:-1] < 1)
    assert np.all((low <= k / n + 1e-15) & (k / n <= high + 1e-15))


def test_wilson_interval_level_and_empty_group():
    low90, high90 = wilson_interval(7, 30, level=0.9)
    ci = binomtest(7, 30).proportion_ci(confidence_level=0.9, method="wilson")
    assert (float(low90), float(high90)) == pytest.approx((ci.low, ci.high))
    low95, high95 = wilson_interval(7, 30)
    assert low95 < low90 and high90 < high95
    low, high = wilson_interval([0, 3], [0, 10])
    assert np.isnan(low[0]) and np.isnan(high[0]) and not np.isnan(low[1])


TABLES = [  # x, n, x_ref, n_ref
    (3, 10, 6, 10), (18, 150, 60, 200), (0, 12, 5, 9), (7, 7, 2, 9),
    (30, 100, 33, 100), (1, 5, 40, 41), (250, 1000, 300, 1000),
]


@pytest.mark.parametrize(("x", "n", "x_ref", "n_ref"), TABLES)
def test_fisher_p_equals_scipy_two_sided(x, n, x_ref, n_ref):
    expected = fisher_exact([[x, n - x], [x_ref, n_ref - x_ref]],
                            alternative="two-sided").pvalue
    assert fisher_p(x, n, x_ref, n_ref) == pytest.approx(expected, rel=1e-12)


def test_fisher_p_vectorised_and_nan_for_an_empty_group():
    x, n, x_ref, n_ref = (np.array(v) for v in zip(*TABLES, strict=True))
    expected = [fisher_exact([[a, m - a], [c, k - c]]).pvalue for a, m, c, k in TABLES]
    assert fisher_p(x, n, x_ref, n_ref) == pytest.approx(expected, rel=1e-12)
    p = fisher_p([0, 3], [0, 10], [5, 5], [10, 10])
    assert np.isnan(p[0]) and not np.isnan(p[1])


@pytest.mark.parametrize(("x", "n", "x_ref", "n_ref"),
                         [t for t in TABLES if 0 not in (t[0], t[2])])
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_impact_ratio_interval_equals_scipy_relative_risk(x, n, x_ref, n_ref, level):
    ci = relative_risk(x, n, x_ref, n_ref).confidence_interval(level)
    low, high = impact_ratio_interval(x, n, x_ref, n_ref, level=level)
    assert (float(low), float(high)) == pytest.approx((ci.low, ci.high), rel=1e-12)


@pytest.mark.parametrize(("n", "x_ref", "n_ref"), [(40, 20, 40), (12, 5, 9), (300, 90, 200)])
def test_impact_ratio_interval_with_no_one_selected_in_the_group_stays_finite(
        n, x_ref, n_ref):
    low, high = (float(v) for v in impact_ratio_interval(0, n, x_ref, n_ref))
    assert 0 < low < high < np.inf
    # Katz on the table with half a person added to each cell (Gart and Nam 1988)
    a, b, c, d = 0.5, n + 1, x_ref + 0.5, n_ref + 1
    se = np.sqrt(1 / a - 1 / b + 1 / c - 1 / d)
    centre = np.log((a / b) / (c / d))
    z = norm.ppf(0.975)
    assert (low, high) == pytest.approx((np.exp(centre - z * se), np.exp(centre + z * se)))
    # a zero among more people leaves less room for a high ratio
    assert float(impact_ratio_interval(0, 10 * n, x_ref, n_ref)[1]) < high


def test_impact_ratio_interval_is_nan_without_a_reference_rate():
    low, high = impact_ratio_interval([3, 0, 3, 3], [10, 10, 0, 10], [0, 0, 4, 4],
                                      [10, 10, 10, 0])
    assert np.isnan(low).all() and np.isnan(high).all()


# --------------------------------------------------------------------------------------
# Holm
# --------------------------------------------------------------------------------------


def test_holm_hand_computed():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 -> 0.06 (monotone)
    adjusted = holm([0.01, 0.04, np.nan, 0.03, 0.005])
    assert adjusted[[0, 1, 3, 4]] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert np.isnan(adjusted[2])
    assert holm([0.3, 0.6]) == pytest.approx([0.6, 0.6])
    assert holm([0.9, 0.8, 0.7]).tolist() == [1.0, 1.0, 1.0]
    assert holm([]).shape == (0,) and np.isnan(holm([np.nan, np.nan])).all()


@pytest.mark.parametrize("seed", range(5))
def test_holm_meets_its_definition(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=20) ** 3
    p[rng.choice(20, 4, replace=False)] = np.nan
    adjusted = holm(p)
    given = ~np.isnan(p)
    assert np.array_equal(np.isnan(adjusted), ~given)
    assert np.all(adjusted[given] >= p[given]) and np.all(adjusted[given] <= 1)
    order = np.argsort(p[given])
    assert np.all(np.diff(adjusted[given][order]) >= 0)  # monotone in the raw p
    m = given.sum()  # the smallest p is multiplied by the family size, NaN not counted
    assert adjusted[given].min() == pytest.approx(min(1, m * p[given].min()))


def _step_down_rejects(p: np.ndarray, alpha: float) -> np.ndarray:
    """Holm's rule by hand: reject the smallest p while p_(i) <= alpha / (m - i)."""
    m = len(p)
    rejected = np.zeros(m, dtype=bool)
    for i, j in enumerate(np.argsort(p)):
        if p[j] > alpha / (m - i):
            break
        rejected[j] = True
    return rejected


def test_holm_rejects_as_the_step_down_rule():
    rng = np.random.default_rng(7)
    rejections = 0
    for _ in range(400):
        m = int(rng.integers(1, 12))
        p = rng.uniform(size=m) * rng.choice([1, 0.1, 0.01])  # uniform, at three scales
        assert np.array_equal(holm(p) < ALPHA, _step_down_rejects(p, ALPHA))
        rejections += _step_down_rejects(p, ALPHA).sum()
    assert rejections > 0  # the comparison covered both outcomes


# --------------------------------------------------------------------------------------
# Shortfall, flip-flop, people needed
# --------------------------------------------------------------------------------------


def test_shortfall_hand_worked():
    # four fifths of 60/200 = 0.24; 0.24 x 150 = 36 selected needed, 18 are: 18 short
    assert shortfall(18, 150, 60, 200) == 18
    assert shortfall([35, 36, 40], [150] * 3, [60] * 3, [200] * 3).tolist() == [1, 0, 0]
    assert shortfall(0, 10, 0, 10) == 0


def test_shortfall_is_the_fewest_people_reaching_four_fifths():
    for x, n, x_ref, n_ref in [(3, 41, 17, 29), (0, 7, 5, 5), (12, 97, 44, 120),
                               (1, 300, 9, 11)]:
        s = int(shortfall(x, n, x_ref, n_ref))
        target = FOUR_FIFTHS * x_ref / n_ref
        assert (x + s) / n >= target - 1e-12 and (x + s - 1) / n < target


def test_flip_flop_hand_worked():
    # 3/10 under 0.8 x 5/10 = 0.4; moved one: 4/10 >= 0.8 x 4/10 = 0.32 -> flip-flop
    assert flip_flop(3, 10, 5, 10)
    # 7/50 under 0.32; moved one: 8/50 = 0.16 < 0.8 x 19/50 = 0.304 -> a real gap
    assert not flip_flop(7, 50, 20, 50)
    # the same rates among ten times the people: no longer one person's doing
    assert flip_flop([1, 10], [6, 60], [2, 20], [6, 60]).tolist() == [True, False]
    # a ratio at four fifths or more is never a flip-flop
    assert not flip_flop(4, 10, 5, 10) and not flip_flop(6, 10, 5, 10)


def test_leavers_needed_is_the_fleiss_formula():
    # Fleiss, Levin and Paik (2003) eq. 4.14, without continuity correction:
    # (1.95996 sqrt(2 x .09 x .91) + 0.84162 sqrt(.06 x .94 + .12 x .88))^2 / .06^2 = 355.94
    assert leavers_needed([0.06], [0.12]).tolist() == [356.0]
    assert leavers_needed(0.12, 0.06) == leavers_needed(0.06, 0.12)
    assert leavers_needed(0.3, 0.3) == np.inf


def test_leavers_needed_gives_the_power_asked_in_a_simulation():
    rng = np.random.default_rng(3)
    n = int(leavers_needed(0.06, 0.12))
    reps = 20_000  # a simulated power's standard error ~0.003

    def power(n: int) -> float:
        a, b = rng.binomial(n, 0.06, reps), rng.binomial(n, 0.12, reps)
        pooled = (a + b) / (2 * n)
        z = np.abs(a - b) / n / np.sqrt(pooled * (1 - pooled) * 2 / n)
        return float(np.mean(z > norm.ppf(1 - ALPHA / 2)))

    assert power(n) == pytest.approx(0.8, abs=0.03)
    assert power(n // 2) < 0.6


def test_leavers_needed_grows_as_alpha_shrinks_or_power_grows():
    by_alpha = [float(leavers_needed(0.2, 0.3, alpha=a)) for a in (0.1, 0.05, 0.01, 0.001)]
    assert by_alpha == sorted(by_alpha) and len(set(by_alpha)) == 4
    by_power = [float(leavers_needed(0.2, 0.3, power=b)) for b in (0.5, 0.8, 0.9)]
    assert by_power == sorted(by_power) and len(set(by_power)) == 3


def test_would_tell_uses_holms_strictest_level():
    assert would_tell(0.06, 0.12, 1) == 360  # 356, rounded up to ten
    assert would_tell(0.06, 0.12, 0) == 360
    strictest = leavers_needed(0.06, 0.12, alpha=ALPHA / 6)
    assert would_tell(0.06, 0.12, 6) == np.ceil(strictest / 10) * 10 > 360


# --------------------------------------------------------------------------------------
# Groups compared and judged
# --------------------------------------------------------------------------------------


def test_group_counts_leaves_unknowns_out():
    groups = pd.Series(["b", None, "a", "b", np.nan, "a", "b"])
    table = group_counts(groups, {"selection": [1, 1, 0, 1, 1, 1, 0],
                                  "scoring": [0, 1, 1, 1, 1, 0, 0]})
    assert table.to_dict("list") == {"group": ["b", "a"], "n": [3, 2],
                                     "selection_count": [2, 1], "scoring_count": [1, 1]}


def test_audit_groups_turns_unknown_into_none():
    records = pd.DataFrame({"gender": ["woman", "unknown", None, "man"],
                            "age": [25, np.nan, 41, 67]})
    groups = audit_groups(records)
    assert groups["gender"].tolist() == ["woman", None, None, "man"]
    assert groups["age_band"].tolist() == ["20s", None, "40s", "60+"]


def test_age_bands():
    assert age_band([15, 25, 39, 40, 59, 60, np.nan]).tolist() == [
        "under 20", "20s", "30s", "40s", "50s", "60+", "unknown"]


def _ceil_fraction(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def test_a_clear_gap_is_adverse_impact():
    table = judge(compare_groups(counts(("a", 200, 60), ("b", 150, 18), ("c", 3, 1)),
                                 n_cohort=353))
    b = row(table, "b")
    assert b["selection_rate"] == pytest.approx(0.12)
    assert b["impact_ratio_selection"] == pytest.approx(0.4)
    assert b["p_selection"] == pytest.approx(fisher_exact([[18, 132], [60, 140]]).pvalue)
    assert int(b["shortfall_selection"]) == 18
    assert b["finding_selection"] == "adverse_impact"
    assert row(table, "a")["finding_selection"] == "no_impact"
    assert (table["highest_selection"] == "a").all() and (table["reference"] == "a").all()


def test_the_same_rates_among_few_people_are_not_distinguishable():
    large = row(judge(compare_groups(counts(("a", 200, 80), ("b", 200, 20)))), "b")
    small = row(judge(compare_groups(counts(("a", 10, 4), ("b", 10, 1)))), "b")
    for found in (large, small):
        assert found["impact_ratio_selection"] == pytest.approx(0.25)
    assert large["finding_selection"] == "adverse_impact"
    assert small["finding_selection"] == "not_distinguishable"
    assert small["p_selection_adjusted"] >= ALPHA and not small["flip_flop_selection"]


def test_a_flip_flop_gap_is_not_adverse_impact():
    table = compare_groups(counts(("a", 200, 80), ("b", 200, 20)))
    assert judge(table).loc[1, "finding_selection"] == "adverse_impact"
    table.loc[1, "flip_flop_selection"] = True
    assert judge(table).loc[1, "finding_selection"] == "not_distinguishable"


@pytest.mark.parametrize(("x", "n", "x_ref", "n_ref"),
                         [(48, 100, 60, 100), (4800, 10_000, 6000, 10_000),
                          (5000, 10_000, 6000, 10_000), (7, 10, 8, 10)])
def test_a_ratio_of_four_fifths_or_more_is_no_impact(x, n, x_ref, n_ref):
    table = judge(compare_groups(counts(("ref", n_ref, x_ref), ("g", n, x))))
    g = row(table, "g")
    assert g["impact_ratio_selection"] >= FOUR_FIFTHS
    assert g["finding_selection"] == "no_impact"
    assert int(g["shortfall_selection"]) == 0


@pytest.mark.parametrize(("x", "n", "x_ref", "n_ref"),
                         [(160, 1000, 200, 1000), (8, 50, 10, 50), (3, 5, 6, 8),
                          (12, 150, 10, 100)])
def test_exactly_four_fifths_is_not_under_despite_rounding(x, n, x_ref, n_ref):
    # (x / n) / (x_ref / n_ref) is 0.7999999999999999 in floating point for these;
    # both kinds, each against its own highest group (here the same "ref")
    table = judge(compare_groups(counts(("ref", n_ref, x_ref, x_ref), ("g", n, x, x))))
    g = row(table, "g")
    for kind in ("selection", "scoring"):
        assert g[f"impact_ratio_{kind}"] == pytest.approx(FOUR_FIFTHS)
        assert g[f"finding_{kind}"] == "no_impact"
        assert int(g[f"shortfall_{kind}"]) == 0 and not g[f"flip_flop_{kind}"]
    # one person fewer is under four fifths, one short of it
    fewer = row(judge(compare_groups(counts(("ref", n_ref, x_ref), ("g", n, x - 1)))), "g")
    assert fewer["impact_ratio_selection"] < FOUR_FIFTHS
    assert fewer["finding_selection"] in ("adverse_impact", "not_distinguishable")
    assert int(fewer["shortfall_selection"]) == 1


def test_no_one_selected_is_no_impact():
    table = judge(compare_groups(counts(("a", 50, 0), ("b", 40, 0))))
    assert table["impact_ratio_selection"].isna().all()
    assert table["p_selection"].isna().all()
    assert (table["finding_selection"] == "no_impact").all()


def test_suppressed_groups_keep_their_count_only():
    # "s" has the highest rate, but four people: no rate, never the highest or reference
    table = judge(compare_groups(counts(("a", 100, 50), ("b", 100, 30),
                                        ("s", MIN_GROUP_SIZE - 1, MIN_GROUP_SIZE - 1))))
    s = row(table, "s")
    assert s["suppressed"] and s["n"] == MIN_GROUP_SIZE - 1
    for column in ("selection_rate", "selection_rate_low", "selection_rate_high",
                   "impact_ratio_selection", "impact_ratio_selection_low",
                   "impact_ratio_selection_high", "p_selection", "p_selection_adjusted"):
        assert np.isnan(s[column]), column
    assert s["finding_selection"] == "count_only" and not s["compared_selection"]
    assert row(table, "b")["impact_ratio_selection"] == pytest.approx(0.6)  # 0.3 / 0.5
    assert (table["highest_selection"] == "a").all() and (table["reference"] == "a").all()
    assert eligible_references(table).tolist() == [True, True, False]


def test_a_small_group_with_the_highest_rate_is_the_comparison_group():
    # "s": 10 of a cohort of 1,000 (1 % < 2 %), and the highest rate, 8 of 10
    rows = counts(("a", 500, 275), ("b", 490, 250), ("s", 10, 8))
    kept = judge(compare_groups(rows, n_cohort=1000))
    assert kept["small_group"].tolist() == [False, False, True]
    assert eligible_references(kept).all() and kept["compared_selection"].all()
    assert (kept["highest_selection"] == "s").all() and (kept["reference"] == "s").all()
    for group, x, n in (("a", 275, 500), ("b", 250, 490)):
        g = row(kept, group)
        # every statistic of the ratio is against s: the ratio, its interval, p, shortfall
        assert g["impact_ratio_selection"] == pytest.approx((x / n) / (8 / 10))
        ci = relative_risk(x, n, 8, 10).confidence_interval(0.95)
        assert (g["impact_ratio_selection_low"], g["impact_ratio_selection_high"]) == (
            pytest.approx((ci.low, ci.high), rel=1e-12))
        assert g["p_selection"] == pytest.approx(
            fisher_exact([[x, n - x], [8, 2]]).pvalue, rel=1e-12)
        assert int(g["shortfall_selection"]) == _ceil_fraction(4 * 8 * n, 5 * 10) - x
        # under four fifths of s's rate, but ten people cannot tell it from chance
        assert g["impact_ratio_selection"] < FOUR_FIFTHS and not g["flip_flop_selection"]
        assert g["p_selection_adjusted"] >= ALPHA
        assert g["finding_selection"] == "not_distinguishable"
    s = row(kept, "s")
    assert s["impact_ratio_selection"] == 1.0 and np.isnan(s["p_selection"])
    assert s["finding_selection"] == "no_impact"

    # left out: s keeps its rate and count only; a, the next, is the comparison group
    left_out = judge(compare_groups(rows, n_cohort=1000, exclude_small=True))
    s = row(left_out, "s")
    assert s["small_group"] and not s["suppressed"] and not s["compared_selection"]
    assert s["selection_rate"] == pytest.approx(0.8)  # shown, not compared
    assert np.isnan(s[["impact_ratio_selection", "impact_ratio_selection_low",
                       "impact_ratio_selection_high", "p_selection",
                       "p_selection_adjusted"]].astype(float)).all()
    assert s["finding_selection"] == "count_only"
    assert (left_out["highest_selection"] == "a").all()
    assert (left_out["reference"] == "a").all()
    assert row(left_out, "a")["impact_ratio_selection"] == 1.0
    b = row(left_out, "b")
    assert b["impact_ratio_selection"] == pytest.approx((250 / 490) / (275 / 500))
    assert b["p_selection"] == pytest.approx(
        fisher_exact([[250, 240], [275, 225]]).pvalue, rel=1e-12)
    assert b["finding_selection"] == "no_impact"
    assert eligible_references(left_out, exclude_small=True).tolist() == [True, True, False]


def test_a_wide_gap_to_a_small_highest_group_can_be_adverse_impact():
    # "s": 15 of 1,000 with 12 selected; a's 0.4 and b's 0.31 are half its rate or less
    table = judge(compare_groups(counts(("a", 500, 200), ("b", 485, 150), ("s", 15, 12)),
                                 n_cohort=1000))
    assert row(table, "s")["small_group"] and (table["reference"] == "s").all()
    assert row(table, "a")["impact_ratio_selection"] == pytest.approx(0.4 / 0.8)
    for group, x, n in (("a", 200, 500), ("b", 150, 485)):
        g = row(table, group)
        assert g["p_selection"] == pytest.approx(fisher_p(x, n, 12, 15), rel=1e-12)
        assert g["finding_selection"] == "adverse_impact"


def test_the_highest_group_ties_to_the_larger_and_may_be_small():
    # selection: a and b tie at 0.5, b is larger; scoring: c's 0.4 is the highest
    tied = judge(compare_groups(counts(("a", 100, 50, 30), ("b", 200, 100, 20),
                                       ("c", 150, 30, 60))))
    assert (tied["highest_selection"] == "b").all() and (tied["reference"] == "b").all()
    assert (tied["highest_scoring"] == "c").all()
    a = row(tied, "a")
    assert a["impact_ratio_selection"] == 1.0 and a["finding_selection"] == "no_impact"
    assert a["p_selection"] == pytest.approx(1.0)  # tested against b: equal rates
    assert np.isnan(row(tied, "b")["p_selection"]) and np.isnan(row(tied, "c")["p_scoring"])
    assert row(tied, "b")["p_scoring"] == pytest.approx(fisher_p(20, 200, 60, 150))
    # every group small (under 2 % of 10,000): the highest of them, as for any group
    all_small = judge(compare_groups(counts(("a", 10, 5), ("b", 12, 3)), n_cohort=10_000))
    assert all_small["small_group"].all()
    assert (all_small["highest_selection"] == "a").all()
    assert (all_small["reference"] == "a").all()
    assert row(all_small, "b")["p_selection"] == pytest.approx(fisher_p(3, 12, 5, 10))
    # ... unless small groups are left out: then no group is compared
    left_out = judge(compare_groups(counts(("a", 10, 5), ("b", 12, 3)), n_cohort=10_000,
                                    exclude_small=True))
    assert left_out["reference"].isna().all() and left_out["highest_selection"].isna().all()
    assert (left_out["finding_selection"] == "count_only").all()
    assert left_out["p_selection"].isna().all()
    # no group shown: no comparison group, no test
    none = judge(compare_groups(counts(("a", 3, 1), ("b", 2, 2))))
    assert none["reference"].isna().all()
    assert (none["finding_selection"] == "count_only").all()


def test_every_statistic_of_a_ratio_is_against_the_highest_group():
    table = judge(compare_groups(counts(("a", 200, 60), ("b", 150, 18), ("c", 100, 25))))
    assert (table["highest_selection"] == "a").all() and (table["reference"] == "a").all()
    for group, x, n in (("b", 18, 150), ("c", 25, 100)):
        g = row(table, group)
        assert g["impact_ratio_selection"] == pytest.approx((x / n) / 0.3)
        ci = relative_risk(x, n, 60, 200).confidence_interval(0.95)
        assert (g["impact_ratio_selection_low"], g["impact_ratio_selection_high"]) == (
            pytest.approx((ci.low, ci.high), rel=1e-12))
        assert g["p_selection"] == pytest.approx(
            fisher_exact([[x, n - x], [60, 140]]).pvalue, rel=1e-12)
        assert g["flip_flop_selection"] == bool(flip_flop(x, n, 60, 200))
    # shortfall to four fifths of a's 0.3 (0.24): b 36 - 18, c 24 <= 25
    assert int(row(table, "b")["shortfall_selection"]) == 18
    assert int(row(table, "c")["shortfall_selection"]) == 0
    assert row(table, "c")["finding_selection"] == "no_impact"  # 0.833
    # no other group to choose: no reference= parameter, no "lower" column
    assert "reference" not in inspect.signature(compare_groups).parameters
    with pytest.raises(TypeError):
        compare_groups(counts(("a", 200, 60), ("b", 150, 18)), reference="b")
    assert not any(column.startswith("lower_") for column in table.columns)
    assert not hasattr(fairness, "default_reference")


def test_a_group_is_judged_against_the_highest_whatever_the_groups_below_it():
    # g (0.5) is far above r (0.3), but under four fifths of the top's 0.9
    with_r = judge(compare_groups(counts(("top", 1000, 900), ("r", 1000, 300),
                                         ("g", 1000, 500))))
    without = judge(compare_groups(counts(("top", 1000, 900), ("g", 1000, 500))))
    for table in (with_r, without):
        g = row(table, "g")
        assert g["impact_ratio_selection"] == pytest.approx(5 / 9)
        assert g["p_selection"] == pytest.approx(fisher_p(500, 1000, 900, 1000), rel=1e-12)
        assert g["p_selection_adjusted"] < 1e-10
        assert g["finding_selection"] == "adverse_impact"
        top = row(table, "top")
        assert np.isnan(top["p_selection"]) and top["finding_selection"] == "no_impact"
    assert row(with_r, "r")["finding_selection"] == "adverse_impact"


def test_judge_adjusts_over_every_kind_as_one_family():
    rows = counts(("a", 120, 40, 70), ("b", 110, 25, 50), ("c", 90, 16, 40),
                  ("d", 100, 30, 52), ("e", 4, 1, 1))
    table = compare_groups(rows)
    judged = judge(table)
    raw = np.concatenate([table["p_selection"], table["p_scoring"]])
    together = holm(raw)
    assert judged["p_selection_adjusted"].to_numpy() == pytest.approx(together[:5],
                                                                      nan_ok=True)
    assert judged["p_scoring_adjusted"].to_numpy() == pytest.approx(together[5:],
                                                                    nan_ok=True)
    assert family_size(judged) == np.count_nonzero(~np.isnan(raw)) == 6
    # one kind only: a family of three, smaller adjusted p
    alone = judge(table, ["selection"])
    assert "finding_scoring" not in alone and family_size(alone, ["selection"]) == 3
    assert alone["p_selection_adjusted"].to_numpy() == pytest.approx(
        holm(table["p_selection"]), nan_ok=True)
    assert (alone["p_selection_adjusted"] < judged["p_selection_adjusted"]).any()


def test_each_kind_is_tested_against_its_highest_group():
    # A (50 people) has the highest selection rate, 0.6; B (1,000) the highest scoring
    # rate, 0.9, to C's 0.4: C's scoring is compared with B, not with A
    table = judge(compare_groups(counts(("A", 50, 30, 25), ("B", 1000, 400, 900),
                                        ("C", 1000, 400, 400))))
    assert (table["highest_selection"] == "A").all()
    assert (table["highest_scoring"] == "B").all()
    assert (table["reference"] == "A").all()  # the drivers': the highest selection rate
    c = row(table, "C")
    assert c["impact_ratio_scoring"] == pytest.approx(0.4 / 0.9)
    ci = relative_risk(400, 1000, 900, 1000).confidence_interval(0.95)
    assert (c["impact_ratio_scoring_low"], c["impact_ratio_scoring_high"]) == (
        pytest.approx((ci.low, ci.high), rel=1e-12))
    assert c["p_scoring"] == pytest.approx(fisher_p(400, 1000, 900, 1000))
    assert int(c["shortfall_scoring"]) == 320  # 0.72 x 1,000 - 400
    assert c["finding_scoring"] == "adverse_impact"
    # A's scoring too, against B; B's scoring is the highest, tested against no one
    a = row(table, "A")
    assert a["impact_ratio_scoring"] == pytest.approx(0.5 / 0.9)
    assert a["p_scoring"] == pytest.approx(fisher_p(25, 50, 900, 1000))
    assert a["finding_scoring"] == "adverse_impact"
    assert np.isnan(row(table, "B")["p_scoring"])
    # selection: B and C against A (0.4 / 0.6), with their own p
    for group in ("B", "C"):
        g = row(table, group)
        assert g["impact_ratio_selection"] == pytest.approx(2 / 3)
        assert g["p_selection"] == pytest.approx(fisher_p(400, 1000, 30, 50))
    # one family of the four p-values
    raw = np.concatenate([table["p_selection"], table["p_scoring"]])
    assert np.concatenate([table["p_selection_adjusted"], table["p_scoring_adjusted"]]
                          ) == pytest.approx(holm(raw), nan_ok=True)
    assert family_size(table) == 4


def test_null_groupings_rarely_give_a_finding():
    """Groupings drawn independently of the selections: the share of draws with any
    finding is the family-wise error rate, which Holm holds under 5 %.

    80 draws keep the test under 2 s. Were the rate 5 %, P(more than 8 of 80) =
    P(Binomial(80, 0.05) > 8) = 0.018; without Holm's adjustment it is about 21 % here,
    and P(Binomial(80, 0.21) <= 8) = 0.0075: the bound tells the two apart."""
    rng = np.random.default_rng(20240601)
    draws, people, names = 80, 400, ["g0", "g1", "g2", "g3"]
    found = 0
    for _ in range(draws):
        group = rng.choice(4, size=people, p=[0.4, 0.3, 0.2, 0.1])
        selected, scored = rng.random(people) < 0.3, rng.random(people) < 0.5
        table = judge(compare_groups(pd.DataFrame({
            "group": names, "n": np.bincount(group, minlength=4),
            "selection_count": np.bincount(group, selected, minlength=4).astype(int),
            "scoring_count": np.bincount(group, scored, minlength=4).astype(int)})))
        found += (table[["finding_selection", "finding_scoring"]]
                  == "adverse_impact").to_numpy().any()
    assert found / draws <= 0.10


# --------------------------------------------------------------------------------------
# The model card's summaries
# --------------------------------------------------------------------------------------


def _summary_inputs():
    groups = pd.Series(["f"] * 6 + ["m"] * 6 + [None] * 2 + ["x"] * 3)
    selected = np.array([1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0])
    y = np.array([1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0])
    scores = np.linspace(0.05, 0.95, 17)
    return groups, selected, y, scores


def test_group_summary_keeps_counts_unknowns_apart_and_small_groups_as_counts():
    groups, selected, y, scores = _summary_inputs()
    summary = group_summary(groups, selected, y, scores)
    assert summary["n_unknown"] == 2
    f, m, x = summary["groups"]
    assert f == {"group": "f", "n": 6, "selection_count": 2, "true_positive_rate": 0.5,
                 "false_positive_rate": 0.25,
                 "auc": pytest.approx(roc_auc_score(y[:6], scores[:6]))}
    assert (m["selection_count"], m["true_positive_rate"], m["false_positive_rate"]) == (
        3, pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert x == {"group": "x", "n": 3}  # under MIN_GROUP_SIZE: the count only
    assert json.loads(json.dumps(summary)) == summary  # plain values, for model.json


def test_summary_table_judges_every_target_as_one_family():
    groups, selected, y, scores = _summary_inputs()
    big = {"groups": [{"group": "a", "n": 200, "selection_count": 60},
                      {"group": "b", "n": 150, "selection_count": 18}], "n_unknown": 5}
    table = summary_table({"t1": group_summary(groups, selected, y, scores), "t2": big})
    assert table.attrs["n_unknown"] == {"t1": 2, "t2": 5}
    assert table["target"].tolist() == ["t1"] * 3 + ["t2"] * 2
    # t1: f's 2/6 against m's 3/6 (a ratio of 2/3) among so few; x: the count only
    assert table["finding_selection"].tolist() == [
        "not_distinguishable", "no_impact", "count_only", "no_impact", "adverse_impact"]
    assert np.isnan(table.loc[2, "selection_rate"])
    assert table.loc[0, "true_positive_rate"] == pytest.approx(0.5)
    assert table["p_selection_adjusted"].to_numpy() == pytest.approx(
        holm(table["p_selection"]), nan_ok=True)
    assert family_size(table) == 2
    # the model card compares selection only
    assert not any("scoring" in column for column in table.columns)


def test_summary_table_compares_with_a_small_highest_group():
    # "s": 10 of 1,000 people (1 %), 8 of them selected: every selection ratio is over
    # its rate, every p against it
    summary = {"groups": [{"group": "a", "n": 500, "selection_count": 275},
                          {"group": "b", "n": 490, "selection_count": 250},
                          {"group": "s", "n": 10, "selection_count": 8}], "n_unknown": 0}
    table = summary_table({"t": summary}).set_index("group")
    assert table.loc["s", "small_group"] and (table["reference"] == "s").all()
    assert table.loc["a", "impact_ratio_selection"] == pytest.approx(0.55 / 0.8)
    assert table.loc["b", "p_selection"] == pytest.approx(fisher_p(250, 490, 8, 10))
    assert table["finding_selection"].tolist() == [
        "not_distinguishable", "not_distinguishable", "no_impact"]


def test_an_old_summary_gives_the_same_figures_as_a_new_one():
    new = {"groups": [{"group": "a", "n": 203, "selection_count": 61, "auc": 0.71},
                      {"group": "b", "n": 151, "selection_count": 19, "auc": 0.64},
                      {"group": "c", "n": 9, "selection_count": 1, "auc": None},
                      {"group": "d", "n": 3}], "n_unknown": 7}
    old = {"groups": [{"group": "a", "n": 203, "selection_rate": round(61 / 203, 4),
                       "auc": 0.71},
                      {"group": "b", "n": 151, "selection_rate": round(19 / 151, 4),
                       "auc": 0.64},
                      {"group": "c", "n": 9, "selection_rate": round(1 / 9, 4), "auc": None},
                      {"group": "d", "n": 3, "selection_rate": None},
                      {"group": "unknown", "n": 7, "selection_rate": round(2 / 7, 4)}]}
    from_new = summary_table({"rehire": new, "engagement": new})
    from_old = summary_table({"rehire": old, "engagement": old})
    assert from_old.attrs["n_unknown"] == from_new.attrs["n_unknown"] == {
        "rehire": 7, "engagement": 7}
    assert "unknown" not in set(from_old["group"])
    assert list(from_old.columns) == list(from_new.columns)
    pd.testing.assert_frame_equal(from_old, from_new)
    # "c": 9 of 373 people (2.4 %) compared; "d": the count only
    assert from_new["finding_selection"].tolist()[:4] == [
        "no_impact", "adverse_impact", "not_distinguishable", "count_only"]


def test_summary_table_reads_a_summary_of_small_groups_only():
    # every group under MIN_GROUP_SIZE people: no selection_count kept, no rate
    table = summary_table({"t": {"groups": [{"group": "a", "n": 3}, {"group": "b", "n": 4}],
                                 "n_unknown": 1}})
    assert table["group"].tolist() == ["a", "b"] and table["n"].tolist() == [3, 4]
    assert table["suppressed"].all() and table["selection_rate"].isna().all()
    assert (table["finding_selection"] == "count_only").all()
    assert table["reference"].isna().all() and family_size(table) == 0
    assert table.attrs["n_unknown"] == {"t": 1}
