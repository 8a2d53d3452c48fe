"""Coaching: the supervisor's checklist for each leaver, the actions not yet taken.

:func:`coach` lists, for each leaver, the exit-interview behaviours and follow-ups not
yet shown, ranked by the model's predicted gain, as a checklist for the supervisor.
Respecting the decision is recommended only where it helps this person, which is, as
the survey found (F2.6), together with drawing out their feelings. The gains are the
model's behaviour, not proven causal effects (the survey is observational).

Examples
--------
>>> import rehire_model as rm
>>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
>>> coach(rm.load_model(), record, top_k=1)["action"].tolist()
['sup_welcomed_return']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._groups import first_of_each
from .levers import set_levers
from .schema import CONSTRUCTS, TARGETS, Field
from .scoring import TOP_K, LeaverBatch, Scored
from .texts import check_lang, text

__all__ = ["ACTIONS", "INTERVIEW_HELD", "candidate_actions", "coach", "is_taken"]

#: Exit-interview actions a supervisor can take, in the order they are tried; their
#: checklist texts are ``action.<name>`` in :mod:`rehire_model.texts`.
ACTIONS: tuple[str, ...] = (
    "sup_welcomed_return",
    "sup_listened_to_end",
    "sup_listened_carefully",
    "sup_heard_dissatisfaction",
    "sup_answered_questions",
    "sup_understood_reason",
    "sup_respected_timing",
    "invited_to_alumni_community",
    "informed_of_rehire_route",
)
_RESPECT_WITH_DRAWING_OUT = "respect_with_drawing_out"
#: The interview a leaver without one (a planned exit) is coached as having.
INTERVIEW_HELD = "sup_interview_held"
#: Text columns of a checklist table, kept as Python strings.
TEXT_COLUMNS = ("leaver_id", "action", "item")


def is_taken(values: Any) -> np.ndarray:
    """Where an action was taken: shown (1); not shown, not held and unanswered are not.

    Examples
    --------
    >>> is_taken([1.0, 0.0, float("nan")])
    array([ True, False, False])
    """
    return np.asarray(values, dtype=np.float64) == 1


def candidate_actions(arrays: Mapping[str, Any], fields: Mapping[str, Field]
                      ) -> list[tuple[str, dict[str, bool], np.ndarray]]:
    """Actions a supervisor can still take: (key, settings, rows where not yet taken).

    ``arrays`` are record arrays as a scoring batch holds them, ``fields`` the model's
    fields by name; the keys are :data:`ACTIONS` the model reads, and
    ``"respect_with_drawing_out"`` where it reads both constructs.
    """
    candidates = [(name, {name: True}, ~is_taken(arrays[name]))
                  for name in ACTIONS if name in fields]
    respect, drawing = CONSTRUCTS["respect"], CONSTRUCTS["drawing_out"]
    if all(n in fields for n in (*respect, *drawing)):
        def missing(names: Sequence[str]) -> np.ndarray:
            return np.any([~is_taken(arrays[n]) for n in names], axis=0)

        candidates.append((_RESPECT_WITH_DRAWING_OUT, dict.fromkeys((*respect, *drawing), True),
                           missing(respect) & missing(drawing)))
    return candidates


def _interviewed(batch: LeaverBatch, amicability: int) -> LeaverBatch:
    """Leavers without a supervisor interview (a planned exit) with one assumed held."""
    if (INTERVIEW_HELD not in batch.scoring.fields_by_name
            or is_taken(batch.arrays[INTERVIEW_HELD]).all()):
        return batch
    return set_levers(batch, {INTERVIEW_HELD: True}, amicability=amicability)


def coach(
    model: Scored,
    records: Any,
    *,
    lang: str = "en",
    amicability: int = 3,
    top_k: int | None = TOP_K,
) -> pd.DataFrame:
    """A checklist for the supervisor: the actions not yet taken, by predicted gain.

    Candidate actions are the supervisor's behaviours and the follow-ups (invitation to
    the alumni community, telling how to come back) not yet shown, and "respect the
    decision and draw out their feelings" together. For a leaver without a supervisor
    interview yet (a planned exit), the interview is assumed to be held with the given
    ``amicability`` and nothing shown yet. Actions are ranked by the sum of the gains in
    probabilities (of the model's one target, for a one-target model); an action that
    lowers engagement for this person is never recommended (so respecting the decision
    alone is left out where it hurts).

    Every candidate action is scored for the whole batch of leavers at once.

    Parameters
    ----------
    model : RehireModel
    records : dict, pandas.Series, pandas.DataFrame, list of dict or LeaverBatch
        One leaver, or many.
    lang : {"en", "ja"}, default "en"
        Language of the checklist items.
    amicability : int, default 3
        Amicability of an interview assumed held.
    top_k : int or None, default 3
        Items per leaver, the most helpful first (as many reasons as :meth:`explain`
        gives); ``None`` for every action that helps.

    Returns
    -------
    pandas.DataFrame
        For one record (a dict or Series): ``action`` (key), ``item`` (checklist text
        with the gains, e.g. 「戻ってきても歓迎する意思を伝える：アルムナイ意識 +9pt」) and
        ``gain_pp_<target>`` per target of the model. For many: one row per leaver and
        item, with ``leaver_id`` (when given), ``row`` (input position) and ``rank``
        first; a leaver with nothing to recommend has no row.

    Examples
    --------
    >>> import rehire_model as rm
    >>> leavers = rm.make_leaver_survey(3, random_state=4)
    >>> coach(rm.load_model(), leavers, top_k=1).columns.tolist()[:4]
    ['leaver_id', 'row', 'rank', 'action']
    """
    check_lang(lang)
    single = isinstance(records, (Mapping, pd.Series))
    if isinstance(records, pd.Series):
        records = records.to_dict()
    table = _checklists(model.scoring.read(records), lang, amicability, top_k)
    if single:
        return table.drop(columns=["leaver_id", "row", "rank"], errors="ignore")
    return table


def _checklists(batch: LeaverBatch, lang: str, amicability: int, top_k: int | None
                ) -> pd.DataFrame:
    """Every leaver's checklist, as a long table (see :func:`coach`)."""
    targets = batch.scoring.targets
    base = _interviewed(batch, amicability)
    before = base.probabilities()
    candidates = candidate_actions(base.arrays, batch.scoring.fields_by_name)
    keys = [key for key, _, _ in candidates]
    # gains[t]: rows x candidates, in percentage points.
    gains = {t: np.empty((len(batch), len(candidates))) for t in targets}
    open_rows = np.zeros((len(batch), len(candidates)), dtype=bool)
    for j, (_, settings, not_taken) in enumerate(candidates):
        open_rows[:, j] = not_taken
        if not not_taken.any():
            for t in targets:
                gains[t][:, j] = 0.0
            continue
        after = set_levers(base, settings, amicability=amicability).probabilities()
        for t in targets:
            gains[t][:, j] = 100 * (after[t] - before[t])
    total = sum(gains[t] for t in targets)
    helps = open_rows & (total > 0)
    if "alumni_engagement" in gains:
        helps &= gains["alumni_engagement"] >= 0
    rows, ranks, chosen = _ranked(helps, total, top_k)
    columns: dict[str, Any] = {}
    if batch.ids is not None:
        columns["leaver_id"] = np.array(batch.ids, dtype=object)[rows]
    columns |= {"row": rows, "rank": ranks,
                "action": np.array(keys or [""], dtype=object)[chosen]}
    item_gains = {t: gains[t][rows, chosen] for t in targets}
    columns["item"] = _item_texts(columns["action"], item_gains, lang)
    columns |= {f"gain_pp_{t}": item_gains[t] for t in targets}
    return pd.DataFrame({name: pd.Series(values, dtype=object if name in TEXT_COLUMNS else None)
                         for name, values in columns.items()})


def _order_patterns(helps: np.ndarray, total: np.ndarray) -> np.ndarray:
    """One integer per row, equal for rows whose helpful candidates compare alike.

    Rows with the same pattern (which candidates help, and how their totals order,
    ties included) are ranked alike by any comparison sort.
    """
    n_candidates = total.shape[1]
    values = np.where(helps, total, np.inf)
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    steps = np.ones(ordered.shape, dtype=np.int64)
    steps[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    dense = np.empty_like(steps)
    np.put_along_axis(dense, order, np.cumsum(steps, axis=1) - 1, axis=1)
    dense = np.where(helps, dense, n_candidates)
    weights = (n_candidates + 1) ** np.arange(n_candidates, dtype=np.int64)
    return dense @ weights


def _ranked(helps: np.ndarray, total: np.ndarray, top_k: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's helpful candidates, largest total first, as flat arrays (row, rank,
    candidate) ordered by row and rank; one ranking per pattern of rows."""
    n_rows, n_candidates = total.shape
    if n_rows == 0 or n_candidates == 0:
        return (np.empty(0, dtype=np.intp),) * 3
    groups, first = first_of_each(_order_patterns(helps, total))
    table = np.full((len(first), n_candidates), -1, dtype=np.intp)
    for g, i in enumerate(first.tolist()):
        order = _largest_first(np.flatnonzero(helps[i]), total[i])[:top_k]
        table[g, :len(order)] = order
    per_row = table[groups]
    listed = per_row >= 0
    rows = np.nonzero(listed)[0]
    return rows, np.cumsum(listed, axis=1)[listed], per_row[listed]


def _largest_first(candidates: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The candidates by total gain, largest first, equal totals ordered as pandas'
    ``sort_values(ascending=False)`` orders them (the order checklists have)."""
    values = total[candidates][::-1]
    return candidates[::-1][values.argsort(kind="quicksort")][::-1]


def _item_texts(actions: np.ndarray, gains: Mapping[str, np.ndarray], lang: str
                ) -> np.ndarray:
    """The checklist text of each item; each distinct text is written once.

    A text depends only on the action and each gain rounded to a whole point (its sign
    included, as ``+.0f`` formats it), which ``numpy.rint`` rounds alike.
    """
    codes = pd.factorize(actions)[0].astype(np.int64)
    for values in gains.values():
        whole = np.clip(np.rint(values), -100, 100).astype(np.int64)
        codes = (codes * 201 + whole + 100) * 2 + np.signbit(np.rint(values))
    groups, first = first_of_each(codes)
    texts = np.array([_item_text(actions[i], {t: v[i] for t, v in gains.items()}, lang)
                      for i in first.tolist()] or [""], dtype=object)
    return texts[groups]


def _item_text(action: str, gains: Mapping[str, float], lang: str) -> str:
    parts = [text("coach.gain", lang, outcome=text(f"target.{t}", lang), gain=gains[t])
             for t in TARGETS if t in gains]
    return text("coach.item", lang, action=text(f"action.{action}", lang),
                gains=text("coach.separator", lang).join(parts))
