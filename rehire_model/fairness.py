"""The fairness engine: group rates, impact ratios, and whether a gap survives chance.

Every fairness figure of the package, the audit's (:func:`rehire_model.audit`) and the
model card's, comes from here, by the same rules:

- people whose group is missing or ``unknown`` are counted apart, never as a group;
- groups of fewer than :data:`MIN_GROUP_SIZE` people keep their count only (no rate);
- groups under :data:`SMALL_SHARE` of the cohort are marked (and, on request, left out of
  the ratios, as New York City Local Law 144 allows);
- a group's impact ratio is its rate over the highest rate of a group compared (ties to
  the larger group), the comparison of the EEOC's Uniform Guidelines; every statistic of
  the ratio is against that same group;
- a ratio under four fifths is a finding of **adverse impact** only if it survives
  chance: the two-sided Fisher exact test against the highest group, adjusted by Holm
  over every comparison of the attribute, is under :data:`ALPHA`, and moving one person
  would not reverse the four-fifths verdict (the "flip-flop" rule of the Guidelines'
  Questions and Answers, no. 21). Otherwise the gap is **not distinguishable** from
  chance at this size, and :func:`leavers_needed` says about how many people per group
  would tell.

Each rate comes with its Wilson 95 % interval, each impact ratio with its 95 % interval
by the Katz log method, and the selection rate with its shortfall: how many more people
of the group would have to be selected to reach four fifths of the highest rate.

Examples
--------
>>> import pandas as pd
>>> counts = pd.DataFrame({"group": ["a", "b", "c"], "n": [200, 150, 3],
...                        "selection_count": [60, 18, 1]})
>>> table = judge(compare_groups(counts, n_cohort=353))
>>> table[["group", "impact_ratio_selection", "finding_selection"]].round(2).values.tolist()
[['a', 1.0, 'no_impact'], ['b', 0.4, 'adverse_impact'], ['c', nan, 'count_only']]
>>> int(table.loc[1, "shortfall_selection"])
18
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, norm
from sklearn.metrics import roc_auc_score

__all__ = [
    "ALPHA",
    "FINDINGS",
    "FOUR_FIFTHS",
    "MIN_GROUP_SIZE",
    "POWER",
    "RATE_KINDS",
    "SMALL_SHARE",
    "age_band",
    "audit_groups",
    "compare_groups",
    "eligible_references",
    "family_size",
    "fisher_p",
    "flip_flop",
    "group_counts",
    "group_summary",
    "holm",
    "impact_ratio_interval",
    "judge",
    "leavers_needed",
    "shortfall",
    "summary_table",
    "would_tell",
    "wilson_interval",
]

#: Groups smaller than this keep their count only, in every fairness table.
MIN_GROUP_SIZE = 5
#: Impact ratio under which a gap is examined.
FOUR_FIFTHS = 0.8
#: Rates are fractions of whole people: a ratio this close to four fifths is four fifths.
_TOLERANCE = 1e-9
#: Groups under this share of the cohort are marked ``small_group``.
SMALL_SHARE = 0.02
#: Significance level of a finding, after Holm's adjustment.
ALPHA = 0.05
#: The power at which :func:`leavers_needed` says how many people would tell.
POWER = 0.8
#: What a group's rate is found to show, in order of concern.
FINDINGS = ("adverse_impact", "not_distinguishable", "no_impact", "count_only")
#: The rates of the audit: selected at the threshold; scored above the cohort's median.
RATE_KINDS = ("selection", "scoring")


def age_band(age: Any) -> pd.Series:
    """Age bands of the survey design: 20s, 30s, 40s, 50s (and under 20, 60+, unknown).

    Examples
    --------
    >>> age_band(pd.Series([19, 20, 35, 59, 61, None])).tolist()
    ['under 20', '20s', '30s', '50s', '60+', 'unknown']
    """
    age = pd.to_numeric(pd.Series(age), errors="coerce")
    bands = pd.Series("unknown", index=age.index, dtype=object)
    bands[age < 20] = "under 20"
    for low in (20, 30, 40, 50):
        bands[(age >= low) & (age < low + 10)] = f"{low}s"
    bands[age >= 60] = "60+"
    return bands


def audit_groups(records: pd.DataFrame) -> dict[str, pd.Series]:
    """The protected groupings available in validated records: gender, age band
    (``None`` where unknown)."""
    groups = {}
    if "gender" in records.columns:
        groups["gender"] = records["gender"].astype(object).reset_index(drop=True)
    if "age" in records.columns:
        groups["age_band"] = age_band(records["age"]).reset_index(drop=True)
    return {name: values.where(values.notna() & (values != "unknown"), None)
            for name, values in groups.items()}


# --------------------------------------------------------------------------------------
# The statistics of one rate
# --------------------------------------------------------------------------------------


def wilson_interval(events: Any, n: Any, level: float = 0.95
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a rate of ``events`` in ``n`` (NaN where ``n`` is 0).

    Unlike the normal approximation it stays within [0, 1] and is honest for few
    people or rates near 0 or 1 (Wilson 1927; Brown, Cai and DasGupta 2001); it equals
    ``scipy.stats.binomtest(events, n).proportion_ci(method="wilson")``.

    Examples
    --------
    >>> low, high = wilson_interval([0, 5], [10, 10])
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.0, 0.237], [0.278, 0.763])
    """
    events = np.asarray(events, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = events / n
        denominator = 1 + z**2 / n
        centre = (rate + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(rate * (1 - rate) / n + z**2 / (4 * n**2))
    empty = n <= 0
    low = np.where(events <= 0, 0.0, np.clip(centre - half, 0, 1))  # exact at the ends
    high = np.where(events >= n, 1.0, np.clip(centre + half, 0, 1))
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def impact_ratio_interval(x: Any, n: Any, x_ref: Any, n_ref: Any, level: float = 0.95
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The interval of the ratio of two rates, ``(x / n) / (x_ref / n_ref)``, by the
    Katz log method (Katz et al. 1978), as ``scipy.stats.contingency.relative_risk``
    computes it; where either count is 0, half a person is added to each cell
    (Gart and Nam 1988), so that the interval stays finite. NaN where a rate is
    undefined or the reference rate is 0.

    Examples
    --------
    >>> low, high = impact_ratio_interval([10, 0], [40, 40], [20, 20], [40, 40])
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.269, 0.002], [0.929, 0.39])
    """
    x, n, x_ref, n_ref = (np.asarray(v, dtype=np.float64) for v in (x, n, x_ref, n_ref))
    zero = (x == 0) | (x_ref == 0)
    a, b = np.where(zero, x + 0.5, x), np.where(zero, n + 1, n)
    c, d = np.where(zero, x_ref + 0.5, x_ref), np.where(zero, n_ref + 1, n_ref)
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_ratio = np.log((a / b) / (c / d))
        se = np.sqrt(1 / a - 1 / b + 1 / c - 1 / d)
        low, high = np.exp(log_ratio - z * se), np.exp(log_ratio + z * se)
    undefined = (n <= 0) | (n_ref <= 0) | (x_ref <= 0)
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)


def fisher_p(x: Any, n: Any, x_ref: Any, n_ref: Any) -> np.ndarray:
    """Two-sided Fisher exact p of each group's rate against the reference's
    (``scipy.stats.fisher_exact``); NaN where a group is empty.

    Examples
    --------
    >>> fisher_p([3, 30], [10, 100], [6, 60], [10, 100]).round(4).tolist()
    [0.3698, 0.0]
    """
    rows = np.broadcast_arrays(*(np.asarray(v, dtype=np.int64) for v in (x, n, x_ref, n_ref)))
    p = np.full(rows[0].shape, np.nan)
    for i, (a, m, c, k) in enumerate(zip(*(r.ravel() for r in rows), strict=True)):
        if m > 0 and k > 0:
            p.flat[i] = fisher_exact([[a, m - a], [c, k - c]]).pvalue
    return p


def holm(p: Any) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (NaN kept apart): it holds
    the chance of any false finding in the family under its level, for any dependence
    between the tests (Holm 1979).

    Examples
    --------
    >>> holm([0.01, 0.04, np.nan, 0.03]).round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    given = np.flatnonzero(~np.isnan(p))
    order = given[np.argsort(p[given], kind="stable")]
    steps = p[order] * (len(order) - np.arange(len(order)))
    adjusted[order] = np.minimum(np.maximum.accumulate(steps), 1.0)
    return adjusted


def shortfall(x: Any, n: Any, x_ref: Any, n_ref: Any,
              four_fifths: float = FOUR_FIFTHS) -> np.ndarray:
    """How many more people of the group would have to be selected for its rate to
    reach four fifths of the reference rate (0 when it does).

    Examples
    --------
    >>> shortfall([18, 40], [150, 100], [60, 60], [200, 200]).tolist()
    [18, 0]
    """
    x, n, x_ref, n_ref = (np.asarray(v, dtype=np.float64) for v in (x, n, x_ref, n_ref))
    with np.errstate(invalid="ignore", divide="ignore"):
        needed = four_fifths * x_ref * n / n_ref - x
    return np.maximum(np.ceil(np.nan_to_num(needed) - _TOLERANCE), 0).astype(np.int64)


def flip_flop(x: Any, n: Any, x_ref: Any, n_ref: Any,
              four_fifths: float = FOUR_FIFTHS) -> np.ndarray:
    """Whether a ratio under four fifths of the comparison group's rate (``x_ref`` of
    ``n_ref``, the highest) would reach it if one person selected in that group were
    selected in this one instead (the Uniform Guidelines' Questions and Answers, no. 21:
    the four-fifths rule is then not meaningful).

    Examples
    --------
    >>> flip_flop([1, 10], [6, 60], [2, 20], [6, 60]).tolist()
    [True, False]
    """
    x, n, x_ref, n_ref = (np.asarray(v, dtype=np.float64) for v in (x, n, x_ref, n_ref))
    with np.errstate(invalid="ignore", divide="ignore"):
        under = x / n < four_fifths * x_ref / n_ref - _TOLERANCE
        reversed_ = (x + 1) / n >= four_fifths * (x_ref - 1) / n_ref - _TOLERANCE
    return under & reversed_


def leavers_needed(rate: Any, rate_ref: Any, *, alpha: float = ALPHA,
                   power: float = POWER) -> np.ndarray:
    """About how many people per group a two-sided test at ``alpha`` needs to tell
    two rates apart with probability ``power``, were they the true rates (normal
    approximation, Fleiss et al. 2003, section 4.2); infinite where they are equal.

    Examples
    --------
    >>> leavers_needed([0.06], [0.12]).tolist()
    [356.0]
    """
    p1, p2 = np.asarray(rate, dtype=np.float64), np.asarray(rate_ref, dtype=np.float64)
    mean = (p1 + p2) / 2
    z_alpha, z_power = norm.ppf(1 - alpha / 2), norm.ppf(power)
    spread = (z_alpha * np.sqrt(2 * mean * (1 - mean))
              + z_power * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.ceil(spread / (p1 - p2) ** 2)


# --------------------------------------------------------------------------------------
# Tables of groups
# --------------------------------------------------------------------------------------


def group_counts(groups: pd.Series, indicators: dict[str, Any]) -> pd.DataFrame:
    """Per known group (in order of first appearance): ``n`` and, per rate kind, the
    ``<kind>_count`` of people counted; unknowns (``None``/NaN) are left out.

    Examples
    --------
    >>> counts = group_counts(pd.Series(["a", "b", None, "a"]),
    ...                       {"selection": [1, 0, 1, 1]})
    >>> counts.values.tolist()
    [['a', 2, 2], ['b', 1, 0]]
    """
    known = groups.notna().to_numpy()
    frame = pd.DataFrame({f"{kind}_count": np.asarray(flags, dtype=np.int64)[known]
                          for kind, flags in indicators.items()})
    frame.insert(0, "group", groups[known].to_numpy())
    counts = frame.groupby("group", sort=False).agg(
        n=("group", "size"), **{c: (c, "sum") for c in frame.columns[1:]})
    return counts.reset_index()


def compare_groups(counts: pd.DataFrame, *, n_cohort: int | None = None,
                   exclude_small: bool = False) -> pd.DataFrame:
    """Rates, intervals, impact ratios and tests of each group against the highest.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per known group: ``group``, ``n`` and a ``<kind>_count`` per rate kind
        (see :func:`group_counts`), in the order to show.
    n_cohort : int, optional
        People in the cohort, unknowns included (default: the sum of ``n``), for
        ``small_group``.
    exclude_small : bool, default False
        Leave groups under :data:`SMALL_SHARE` of the cohort out of the comparisons.

    Returns
    -------
    pandas.DataFrame
        Per group: ``group``, ``n``, ``suppressed``, ``small_group``, ``reference`` (the
        group with the highest rate of the first kind); per kind ``<kind>_rate`` with
        ``_low``/``_high`` (Wilson), and against the group compared with the highest
        rate of that kind (ties to the larger): ``impact_ratio_<kind>`` with
        ``_low``/``_high`` (Katz), ``p_<kind>`` (Fisher), ``shortfall_<kind>``,
        ``flip_flop_<kind>``, ``highest_<kind>`` (that group) and ``compared_<kind>``
        (whether the group takes part in the comparisons). Rates of suppressed groups
        are NaN. :func:`judge` adds the findings.
    """
    kinds = [c.removesuffix("_count") for c in counts.columns if c.endswith("_count")]
    counts = counts.reset_index(drop=True)
    n = counts["n"].to_numpy(dtype=np.int64)
    n_cohort = int(n.sum()) if n_cohort is None else n_cohort
    out = counts[["group", "n"]].copy()
    out["suppressed"] = n < MIN_GROUP_SIZE
    out["small_group"] = n < SMALL_SHARE * n_cohort
    compared = eligible_references(out, exclude_small=exclude_small).to_numpy()
    for kind in kinds:
        x = counts[f"{kind}_count"].to_numpy(dtype=np.int64)
        out = pd.concat([out, _compare_rate(kind, x, n, compared, out["group"])], axis=1)
    out.insert(4, "reference", out[f"highest_{kinds[0]}"])
    return out


def eligible_references(groups: pd.DataFrame, *, exclude_small: bool = False) -> pd.Series:
    """Which groups are compared, and may be the reference: those shown (and not small,
    if small groups are excluded)."""
    return ~groups["suppressed"] & ~(groups["small_group"] & exclude_small)


def _compare_rate(kind: str, x: np.ndarray, n: np.ndarray, compared: np.ndarray,
                  groups: pd.Series) -> pd.DataFrame:
    shown = n >= MIN_GROUP_SIZE
    rate = np.where(shown, x / np.maximum(n, 1), np.nan)
    low, high = wilson_interval(x, n)
    nan = np.full(len(n), np.nan)
    ratio, ratio_low, ratio_high, p = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    short = pd.array([pd.NA] * len(n), dtype="Int64")
    flips = np.zeros(len(n), dtype=bool)
    rows = np.flatnonzero(compared)
    top = _highest(rate, n, compared)
    if top is not None and rate[top] > 0:
        top_counts = (x[top], n[top])
        ratio[rows] = rate[rows] / rate[top]
        ratio_low[rows], ratio_high[rows] = impact_ratio_interval(x[rows], n[rows], *top_counts)
        others = rows[rows != top]
        p[others] = fisher_p(x[others], n[others], *top_counts)
        short[rows] = shortfall(x[rows], n[rows], *top_counts)
        flips[rows] = flip_flop(x[rows], n[rows], *top_counts)
    return pd.DataFrame({
        f"{kind}_rate": rate, f"{kind}_rate_low": np.where(shown, low, np.nan),
        f"{kind}_rate_high": np.where(shown, high, np.nan),
        f"impact_ratio_{kind}": ratio, f"impact_ratio_{kind}_low": ratio_low,
        f"impact_ratio_{kind}_high": ratio_high, f"p_{kind}": p,
        f"shortfall_{kind}": short, f"flip_flop_{kind}": flips,
        f"highest_{kind}": None if top is None else groups.iloc[top],
        f"compared_{kind}": compared})


def _highest(rate: np.ndarray, n: np.ndarray, among: np.ndarray) -> int | None:
    """The group with the highest rate among ``among``, ties to the larger."""
    rows = np.flatnonzero(among)
    if not len(rows):
        return None
    order = np.lexsort((-n[rows], -rate[rows]))
    return int(rows[order[0]])


def judge(table: pd.DataFrame, kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """Add ``p_<kind>_adjusted`` (Holm over every p of ``table``: pass one family, e.g.
    every target and rate of one attribute) and ``finding_<kind>``, one of
    :data:`FINDINGS`:

    - ``"count_only"``: a group not compared (suppressed, or small and excluded);
    - ``"adverse_impact"``: impact ratio under four fifths, adjusted p under
      :data:`ALPHA`, and not flip-flop;
    - ``"not_distinguishable"``: a ratio under four fifths that chance could make at
      this size;
    - ``"no_impact"``: a ratio of four fifths or more (or no one selected at all).
    """
    kinds = list(kinds or [k for k in RATE_KINDS if f"p_{k}" in table.columns])
    out = table.copy()
    stacked = np.concatenate([out[f"p_{kind}"].to_numpy(dtype=np.float64) for kind in kinds])
    adjusted = np.split(holm(stacked), len(kinds))
    for kind, p in zip(kinds, adjusted, strict=True):
        out[f"p_{kind}_adjusted"] = p
        under = (out[f"impact_ratio_{kind}"] < FOUR_FIFTHS - _TOLERANCE).to_numpy()
        found = under & (p < ALPHA) & ~out[f"flip_flop_{kind}"].to_numpy(dtype=bool)
        out[f"finding_{kind}"] = np.select(
            [~out[f"compared_{kind}"].to_numpy(dtype=bool), found, under],
            ["count_only", "adverse_impact", "not_distinguishable"], "no_impact")
    return out


# --------------------------------------------------------------------------------------
# The model card's figures: counts kept in model.json, judged when shown
# --------------------------------------------------------------------------------------


def group_summary(groups: pd.Series, selected: Any, y_true: Any, scores: Any
                  ) -> dict[str, Any]:
    """One grouping's figures of a target's measured predictions, as ``model.json``
    keeps them: per known group ``n``, ``selection_count`` and, from the outcomes, true
    and false positive rates and AUC (groups under :data:`MIN_GROUP_SIZE`: ``n`` only);
    and ``n_unknown``. :func:`summary_table` judges them.
    """
    from fairlearn.metrics import (  # imported on use: it is slow to import
        MetricFrame,
        false_positive_rate,
        true_positive_rate,
    )

    selected = np.asarray(selected, dtype=np.int64)
    counts = group_counts(groups, {"selection": selected}).sort_values("group")
    known = groups.notna().to_numpy()
    frame = MetricFrame(
        metrics={"true_positive_rate": true_positive_rate,
                 "false_positive_rate": false_positive_rate, "auc": _auc},
        y_true=np.asarray(y_true, dtype=np.int64)[known], y_pred=selected[known],
        sensitive_features=groups[known].to_numpy(),
        sample_params={"auc": {"y_score": np.asarray(scores, dtype=float)[known]}}).by_group
    rows = []
    for row in counts.itertuples(index=False):
        entry: dict[str, Any] = {"group": str(row.group), "n": int(row.n)}
        if row.n >= MIN_GROUP_SIZE:
            entry["selection_count"] = int(row.selection_count)
            entry |= {name: _plain(frame.loc[row.group, name]) for name in frame.columns}
        rows.append(entry)
    return {"groups": rows, "n_unknown": int((~known).sum())}


def _auc(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray) -> float:
    return float(roc_auc_score(y_true, y_score)) if len(np.unique(y_true)) == 2 else np.nan


def _plain(value: Any) -> float | None:
    value = float(value)
    return None if value != value else value


def summary_table(summaries: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One grouping's :func:`group_summary` per target, compared and judged as one
    family: per target and group the columns of :func:`compare_groups` and
    :func:`judge` (selection rate) and the error rates kept; ``.attrs["n_unknown"]``
    per target.

    A summary written before counts were kept (``selection_rate`` per group, unknowns
    as a group named ``unknown``) is read as counts.
    """
    tables, unknown = [], {}
    for target, summary in summaries.items():
        groups, n_unknown = _summary_counts(summary)
        unknown[target] = n_unknown
        counts = groups[["group", "n", "selection_count"]]
        compared = compare_groups(counts, n_cohort=int(groups["n"].sum()) + n_unknown)
        extra = groups.drop(columns=["group", "n", "selection_count", "selection_rate"],
                            errors="ignore")
        tables.append(pd.concat([compared, extra], axis=1).assign(target=target))
    table = judge(pd.concat(tables, ignore_index=True), ["selection"])
    table.attrs["n_unknown"] = unknown
    return table


def _summary_counts(summary: dict[str, Any]) -> tuple[pd.DataFrame, int]:
    """A grouping's groups with their ``selection_count``, and its unknowns."""
    groups = pd.DataFrame(summary["groups"])
    if "n_unknown" in summary:
        n_unknown = int(summary["n_unknown"])
    else:  # written before counts were kept: unknowns a group, rates per group
        is_unknown = groups["group"].astype(str) == "unknown"
        n_unknown = int(groups.loc[is_unknown, "n"].sum())
        groups = groups[~is_unknown].reset_index(drop=True)
        groups["selection_count"] = (groups["selection_rate"] * groups["n"]).round()
    if "selection_count" not in groups:  # every group too small for a rate
        groups["selection_count"] = 0
    groups["selection_count"] = groups["selection_count"].fillna(0).astype(np.int64)
    return groups, n_unknown


def family_size(table: pd.DataFrame, kinds: Sequence[str] = RATE_KINDS) -> int:
    """How many comparisons a family of :func:`judge` adjusts for."""
    return int(sum(table[f"p_{k}"].notna().sum() for k in kinds if f"p_{k}" in table))


def would_tell(rate: Any, rate_ref: Any, comparisons: Any) -> np.ndarray:
    """About how many people per group would tell a gap from chance, at the level the
    strictest of ``comparisons`` Holm steps asks (:func:`leavers_needed`), rounded up to
    ten."""
    needed = leavers_needed(rate, rate_ref, alpha=ALPHA / np.maximum(comparisons, 1))
    with np.errstate(invalid="ignore"):
        return np.ceil(needed / 10) * 10

