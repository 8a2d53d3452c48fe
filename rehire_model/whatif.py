"""What-if: what changes if the company or a supervisor acts differently?

Both answers are read from the model, so they describe the model's behaviour, not
proven causal effects (the survey is observational):

- :func:`what_if` sets actionable fields (alumni policies, exit-interview behaviours,
  follow-up actions) for each person, everything else held, and reports the change;
- :func:`simulate_policies` tries every alumni policy (and pair of policies) the cohort's
  employers do not yet have and ranks them by the mean change across the cohort.

The supervisor's checklist for one leaver is :func:`rehire_model.coaching.coach`; the
rules for setting levers are :func:`rehire_model.levers.apply_settings`'s.

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()
>>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
>>> changes = what_if(model, record, {"policy_comeback_program": True})
>>> bool(changes.loc[0, "change_pp_rehire_intent"] >= 0)
True
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .levers import set_levers
from .scoring import ModelScoring, Scored
from .texts import text

__all__ = ["CAUSAL_NOTE", "simulate_policies", "what_if"]

#: What the answers are: the model's behaviour, not proven causal effects.
CAUSAL_NOTE = text("coach.causal_note", "en")


def what_if(
    model: Scored,
    records: Any,
    settings: Mapping[str, Any],
    *,
    amicability: int | None = None,
) -> pd.DataFrame:
    """Each person's probabilities before and after setting actionable fields.

    Parameters
    ----------
    model : RehireModel
    records : pandas.DataFrame, dict, list of dict or LeaverBatch
        Leaver records.
    settings : dict
        Field -> value for alumni policies, exit-interview behaviours or follow-ups.
    amicability : int, optional
        See :func:`rehire_model.levers.apply_settings`.

    Returns
    -------
    pandas.DataFrame
        ``leaver_id`` (when given), per target of the model ``p_<target>_before``,
        ``p_<target>_after`` and ``change_pp_<target>`` (percentage points), and, when
        the model has both targets, ``segment_before``, ``segment_after``.

    Raises
    ------
    LeverError
        A setting is a fact or protected field, or an invalid value.
    """
    scoring = model.scoring
    batch = scoring.read(records)
    after = set_levers(batch, settings, amicability=amicability)
    before_p, after_p = batch.probabilities(), after.probabilities()
    out = pd.DataFrame(index=pd.RangeIndex(len(batch)))
    if batch.ids is not None:
        out["leaver_id"] = pd.Series(batch.ids, index=out.index, dtype=object)
    for target in scoring.targets:
        out[f"p_{target}_before"] = before_p[target]
        out[f"p_{target}_after"] = after_p[target]
        out[f"change_pp_{target}"] = 100 * (after_p[target] - before_p[target])
    if scoring.has_segments:
        out["segment_before"] = pd.Series(batch.segments(), index=out.index, dtype=object)
        out["segment_after"] = pd.Series(after.segments(), index=out.index, dtype=object)
    return out


def _ranking_target(scoring: ModelScoring) -> str:
    """Policies are ranked by rehire intent, or by the one target a model has."""
    return "rehire_intent" if "rehire_intent" in scoring.targets else scoring.targets[0]


def _policy_levers(scoring: ModelScoring) -> list[str]:
    return [f.name for f in scoring.record_fields if f.lever == "policy" and f.kind == "bool"]


#: Bootstrap resamples drawn at a time (bounds the memory of the resample counts).
_RESAMPLES_AT_A_TIME = 50


def _bootstrap_means(changes: np.ndarray, n_bootstrap: int, rng: np.random.Generator
                     ) -> np.ndarray:
    """Means of each column of ``changes`` over bootstrap resamples of its rows.

    A resample is counted (how often each row was drawn), so every column's mean is one
    product with the counts, whatever the number of rows.
    """
    n_rows = len(changes)
    means = np.empty((n_bootstrap, changes.shape[1]))
    for start in range(0, n_bootstrap, _RESAMPLES_AT_A_TIME):
        size = min(_RESAMPLES_AT_A_TIME, n_bootstrap - start)
        drawn = rng.integers(0, n_rows, size=(size, n_rows))
        drawn += np.arange(size)[:, None] * n_rows
        counts = np.bincount(drawn.ravel(), minlength=size * n_rows).reshape(size, n_rows)
        means[start:start + size] = counts @ changes / n_rows
    return means


def simulate_policies(
    model: Scored,
    records: Any,
    *,
    pairs: bool = True,
    n_bootstrap: int = 500,
    random_state: int = 0,
) -> pd.DataFrame:
    """Mean change across the cohort of introducing each alumni policy (and each pair).

    For each policy lever, the leavers whose employer lacks it get it, everyone else is
    unchanged; the mean over the whole cohort is reported with a bootstrap interval over
    leavers. Sorted by the mean change in rehire intent.

    Returns
    -------
    pandas.DataFrame
        ``levers``, ``n_affected``, per target of the model ``mean_change_pp_<target>``
        with ``ci_low_<target>`` / ``ci_high_<target>`` (95 %), and, with both targets,
        ``new_boomerang_candidates``. Sorted by the change in rehire intent (or in the
        model's one target). ``attrs["note"]`` says that these are the model's
        behaviour, not proven causal effects.

    Examples
    --------
    >>> import rehire_model as rm
    >>> table = simulate_policies(rm.load_model(), rm.make_leaver_survey(300, random_state=0),
    ...                           n_bootstrap=50)
    >>> list(table.columns[:2])
    ['levers', 'n_affected']
    """
    scoring = model.scoring
    batch = scoring.read(records)
    levers = _policy_levers(scoring)
    options = [(lever,) for lever in levers]
    if pairs:
        options += list(itertools.combinations(levers, 2))
    before, before_segments = batch.probabilities(), batch.segments()
    rows, changes = [], []
    for option in options:
        lacking = ~np.all([batch.arrays[lever] == 1 for lever in option], axis=0)
        after = set_levers(batch, dict.fromkeys(option, True))
        row: dict[str, Any] = {"levers": " + ".join(option),
                               "n_affected": int(lacking.sum())}
        for target in scoring.targets:
            change = 100 * (after.probabilities()[target] - before[target])
            row[f"mean_change_pp_{target}"] = float(change.mean())
            changes.append(change)
        if before_segments is not None:
            row["new_boomerang_candidates"] = int(
                ((after.segments() == "boomerang_candidate")
                 & (before_segments != "boomerang_candidate")).sum())
        rows.append(row)
    if rows:
        rng = np.random.default_rng(random_state)
        means = _bootstrap_means(np.column_stack(changes), n_bootstrap, rng)
        low, high = np.percentile(means, [2.5, 97.5], axis=0)
        for k, (row, target) in enumerate(itertools.product(rows, scoring.targets)):
            row[f"ci_low_{target}"], row[f"ci_high_{target}"] = low[k], high[k]
    columns = ["levers", "n_affected"]
    for target in scoring.targets:
        columns += [f"mean_change_pp_{target}", f"ci_low_{target}", f"ci_high_{target}"]
    if before_segments is not None:
        columns.append("new_boomerang_candidates")
    table = pd.DataFrame(rows, columns=columns).sort_values(
        f"mean_change_pp_{_ranking_target(scoring)}", ascending=False, ignore_index=True)
    table.attrs["note"] = CAUSAL_NOTE
    return table
