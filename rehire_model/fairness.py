"""Group metrics for fairness audits: selection rates, error rates and AUC by group.

Protected attributes are not model features by default, but they are what an audit
needs: each group's selection rate at the segment threshold, true and false positive
rates and AUC (with outcomes), and the ratio of the lowest to the highest selection
rate, flagged when it is under four fifths (the "four-fifths rule" of the US EEOC
Uniform Guidelines, a common first screen). Groups of fewer than
:data:`MIN_GROUP_SIZE` people are suppressed: never shown, never in the ratio.

Metrics come from fairlearn's ``MetricFrame``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> groups = pd.Series(["a"] * 6 + ["b"] * 6 + ["c"] * 2)
>>> selected = np.array([1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1])
>>> table = group_table(selected, groups)
>>> table.attrs["suppressed"], round(table.attrs["selection_ratio"], 3)
(1, 0.333)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

__all__ = [
    "FOUR_FIFTHS",
    "MIN_GROUP_SIZE",
    "age_band",
    "audit_groups",
    "fairness_summary",
    "fairness_tables",
    "group_table",
]

#: Groups smaller than this are suppressed in every audit table.
MIN_GROUP_SIZE = 5
#: Selection-rate ratio under which a disparity is flagged.
FOUR_FIFTHS = 0.8


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


def _auc(y_true: np.ndarray, y_score: np.ndarray) -> float:
    return float(roc_auc_score(y_true, y_score)) if len(np.unique(y_true)) == 2 else np.nan


def group_table(
    selected: Any,
    groups: pd.Series,
    *,
    y_true: Any | None = None,
    scores: Any | None = None,
) -> pd.DataFrame:
    """Per group: n, selection rate and, with outcomes, TPR, FPR and AUC.

    Parameters
    ----------
    selected : array-like of 0/1
        Whether each person is at or above the threshold (selected as "high").
    groups : pandas.Series
        Each person's group (e.g. gender or age band).
    y_true : array-like of 0/1, optional
        The outcomes, for true/false positive rates and AUC.
    scores : array-like of float, optional
        The predicted probabilities, for AUC (with ``y_true``).

    Returns
    -------
    pandas.DataFrame
        One row per group of at least :data:`MIN_GROUP_SIZE` people. ``attrs`` holds
        ``selection_ratio`` (lowest / highest selection rate of the groups shown),
        ``four_fifths_flag`` (ratio under 0.8) and ``suppressed`` (groups not shown).
    """
    from fairlearn.metrics import (  # imported on use: it is slow to import
        MetricFrame,
        count,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    selected = np.asarray(selected, dtype=int)
    groups = pd.Series(np.asarray(groups, dtype=object)).fillna("unknown")
    with_outcomes = y_true is not None
    truth = np.asarray(y_true, dtype=int) if with_outcomes else selected
    metrics: dict[str, Any] = {"n": count, "selection_rate": selection_rate}
    if with_outcomes:
        metrics |= {"true_positive_rate": true_positive_rate,
                    "false_positive_rate": false_positive_rate}
    frame = MetricFrame(metrics=metrics, y_true=truth, y_pred=selected,
                        sensitive_features=groups).by_group
    if with_outcomes and scores is not None:
        auc = MetricFrame(metrics=_auc, y_true=truth, y_pred=np.asarray(scores, dtype=float),
                          sensitive_features=groups).by_group
        frame["auc"] = auc
    frame["n"] = frame["n"].astype(int)
    shown = frame[frame["n"] >= MIN_GROUP_SIZE].copy()
    rates = shown["selection_rate"]
    ratio = float(rates.min() / rates.max()) if len(rates) > 1 and rates.max() > 0 else np.nan
    shown.index.name = "group"
    shown.attrs.update(
        selection_ratio=ratio,
        four_fifths_flag=bool(np.isfinite(ratio) and ratio < FOUR_FIFTHS),
        suppressed=int((frame["n"] < MIN_GROUP_SIZE).sum()),
    )
    return shown


def audit_groups(records: pd.DataFrame) -> dict[str, pd.Series]:
    """The protected groupings available in the records: gender, age band."""
    groups = {}
    if "gender" in records.columns:
        groups["gender"] = records["gender"].astype(object).fillna("unknown").reset_index(
            drop=True)
    if "age" in records.columns:
        groups["age_band"] = age_band(records["age"]).reset_index(drop=True)
    return groups


def fairness_tables(
    scores: pd.DataFrame,
    thresholds: dict[str, float],
    groups: dict[str, pd.Series],
    outcomes: dict[str, np.ndarray] | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Per target and grouping, the :func:`group_table` of scored leavers.

    ``scores`` has a ``p_<target>`` column for each target of ``thresholds``, row-aligned
    with ``groups`` and ``outcomes``.
    """
    tables: dict[str, dict[str, pd.DataFrame]] = {}
    for target in thresholds:
        p = np.asarray(scores[f"p_{target}"], dtype=float)
        selected = (p >= thresholds[target]).astype(int)
        y = None if outcomes is None else outcomes.get(target)
        tables[target] = {
            name: group_table(selected, group, y_true=y, scores=p if y is not None else None)
            for name, group in groups.items()
        }
    return tables


def fairness_summary(tables: dict[str, dict[str, pd.DataFrame]]) -> dict[str, Any]:
    """The tables as plain data, for ``model.json`` and the model card."""
    return {
        target: {
            name: {
                "groups": table.reset_index().to_dict("records"),
                "selection_ratio": table.attrs["selection_ratio"],
                "four_fifths_flag": table.attrs["four_fifths_flag"],
                "suppressed": table.attrs["suppressed"],
            }
            for name, table in by_group.items()
        }
        for target, by_group in tables.items()
    }
