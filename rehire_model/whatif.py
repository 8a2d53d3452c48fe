"""What-if: what changes if the company or the supervisor acts differently?

Three answers, all read from the model, so they describe the model's behaviour, not
proven causal effects (the survey is observational):

- :func:`what_if` sets actionable fields (alumni policies, exit-interview behaviours,
  follow-up actions) for each person, everything else held, and reports the change;
- :func:`simulate_policies` tries every alumni policy (and pair of policies) the cohort's
  employers do not yet have and ranks them by the mean change across the cohort;
- :func:`coach` lists, for one leaver, the exit-interview behaviours and follow-ups not
  yet shown, ranked by predicted gain, as a checklist for the supervisor. Respecting the
  decision is recommended only where it helps this person, which is, as the survey
  found (F2.6), together with drawing out their feelings.

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
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._groups import first_of_each
from .exceptions import LeverError
from .model import RehireModel
from .schema import CONSTRUCTS, FIELDS_BY_NAME, TARGETS, Field, read_value, validate_records
from .scoring import LeaverBatch
from .texts import check_lang, text

__all__ = ["ACTIONS", "apply_settings", "coach", "set_levers",
           "simulate_policies", "what_if"]

CAUSAL_NOTE = text("coach.causal_note", "en")

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
_HELD = "sup_interview_held"
#: Text columns of a checklist table, kept as Python strings.
TEXT_COLUMNS = ("leaver_id", "action", "item")
_AMICABILITY = {"sup_interview_held": "sup_interview_amicability",
                "hr_interview_held": "hr_interview_amicability"}


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def _check_settings(settings: Mapping[str, Any], fields: Mapping[str, Field]
                    ) -> dict[str, Any]:
    values = {}
    for name, value in settings.items():
        field = fields.get(name) or FIELDS_BY_NAME.get(name)
        if field is None:
            raise LeverError(f"{name!r} is not a field of the leaver record or of this model")
        if field.lever not in ("policy", "exit_interview") or field.role == "protected":
            raise LeverError(
                f"{name!r} is a fact ({field.role}: {field.label_en}), not a lever; what-if "
                "can change alumni policies, exit-interview behaviours and follow-up actions"
            )
        if name not in fields:
            raise LeverError(f"{name!r} is not used by this model, so setting it changes "
                             "nothing; the model's fields are in model.record_fields")
        try:
            read = read_value(field, value)
        except ValueError:
            read = None
        if read is None or (isinstance(read, float) and math.isnan(read)):
            raise LeverError(f"{name!r} cannot be set to {value!r}; expected "
                             + ("true or false" if field.kind == "bool" else
                                f"a whole number from {field.low:g} to {field.high:g}"))
        values[name] = read
    return values


def _settled(arrays: Mapping[str, np.ndarray], values: Mapping[str, Any],
             fields: Mapping[str, Field], amicability: int | None) -> dict[str, np.ndarray]:
    """The record arrays that checked settings change, the interview structure kept.

    Booleans are 1.0/0.0 and a skipped answer NaN, as in a scoring batch. This is the
    one statement of the rules of :func:`apply_settings`.
    """
    n_rows = len(next(iter(arrays.values())))
    changed: dict[str, np.ndarray] = {}
    for held, amicable in _AMICABILITY.items():
        answers = [n for n, f in fields.items() if f.requires == held and n in arrays]
        touched = any(name in answers for name in values) or bool(values.get(held))
        if held in values and not values[held]:
            changed[held] = np.zeros(n_rows)
            changed.update({name: np.full(n_rows, np.nan) for name in answers})
            continue
        if not touched or held not in arrays:
            continue
        flag = arrays[held].copy()
        newly, unknown = flag == 0, np.isnan(flag)
        level = values.get(amicable, amicability)
        if newly.any():
            if level is None and amicable in arrays:
                raise LeverError(
                    f"these settings mean {held} becomes true for {int(newly.sum())} "
                    f"leaver(s); give {amicable} (1..5) too, or amicability=..., since a "
                    "held interview has an amicability"
                )
            for name in answers:
                changed[name] = np.where(newly, level if name == amicable else 0.0,
                                         arrays[name])
        if unknown.any() and level is not None and amicable in arrays:
            changed[amicable] = np.where(unknown, level, changed.get(amicable, arrays[amicable]))
        flag[newly | unknown] = 1.0
        changed[held] = flag
    for name, value in values.items():
        changed[name] = (np.full(n_rows, value, dtype=object) if fields[name].kind == "category"
                         else np.full(n_rows, float(value)))
    return changed


def set_levers(batch: LeaverBatch, settings: Mapping[str, Any], *,
               amicability: int | None = None) -> LeaverBatch:
    """The same leavers with actionable fields set, without validating them again.

    The rules are those of :func:`apply_settings`.

    Parameters
    ----------
    batch : LeaverBatch
        Leavers read by a model (``model.scoring.read(records)``).
    settings : dict
        Field -> value, for actionable fields only.
    amicability : int, optional
        Amicability (1..5) of an interview the settings make happen.

    Raises
    ------
    LeverError
        A field is a fact or protected, a value is invalid, or an interview would be
        held without an amicability.

    Examples
    --------
    >>> import rehire_model as rm
    >>> model = rm.load_model()
    >>> batch = model.scoring.read(rm.make_leaver_survey(3, random_state=0))
    >>> set_levers(batch, {"policy_alumni_perks": True}).arrays["policy_alumni_perks"]
    array([1., 1., 1.])
    """
    fields = batch.scoring.fields_by_name
    values = _check_settings(settings, fields)
    return batch.with_values(_settled(batch.arrays, values, fields, amicability))


def _as_array(series: pd.Series, field: Field) -> np.ndarray:
    if field.kind == "category":
        return series.to_numpy(dtype=object)
    return pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)


def _as_column(values: np.ndarray, field: Field) -> Any:
    if field.kind == "category":
        return values
    if field.kind == "bool":
        return pd.array([None if np.isnan(v) else bool(v) for v in values], dtype="boolean")
    return pd.array([None if np.isnan(v) else v for v in values], dtype="Float64")


def apply_settings(
    records: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    fields: Sequence[Field] | None = None,
    amicability: int | None = None,
) -> pd.DataFrame:
    """The records with the settings applied, keeping the interview structure valid.

    Setting a behaviour (or the amicability) of an interview that was not held means the
    interview is held: its other behaviours become "not shown" and its amicability is
    taken from the settings or from ``amicability``. Where whether it was held is
    unanswered, it becomes held and its other answers stay unanswered (the amicability
    is set when given). Setting an interview to not held empties its answers.

    Parameters
    ----------
    records : pandas.DataFrame
        Validated leaver records (:func:`rehire_model.validate_records`).
    settings : dict
        Field -> value, for actionable fields only.
    fields : sequence of Field, optional
        The fields that may be set (a model's ``record_fields``); default the schema's.
    amicability : int, optional
        Amicability (1..5) of an interview the settings make happen, when the settings do
        not give it.

    Raises
    ------
    LeverError
        A field is a fact or protected, a value is invalid, or an interview would be
        held without an amicability.
    """
    by_name = {f.name: f for f in fields} if fields is not None else dict(FIELDS_BY_NAME)
    values = _check_settings(settings, by_name)
    present = {name: field for name, field in by_name.items() if name in records.columns}
    involved = {name: field for name, field in present.items()
                if name in values or name in _AMICABILITY or field.requires}
    arrays = {name: _as_array(records[name], field) for name, field in involved.items()}
    out = records.copy()
    if arrays:
        for name, changed in _settled(arrays, values, involved, amicability).items():
            out[name] = _as_column(changed, by_name[name])
    keep = list(present.values())
    return validate_records(out, fields=keep) if keep else out


# --------------------------------------------------------------------------------------
# what_if and the policy simulation
# --------------------------------------------------------------------------------------


def what_if(
    model: RehireModel,
    X: Any,
    settings: Mapping[str, Any],
    *,
    amicability: int | None = None,
) -> pd.DataFrame:
    """Each person's probabilities before and after setting actionable fields.

    Parameters
    ----------
    model : RehireModel
    X : pandas.DataFrame, dict, list of dict or LeaverBatch
        Leaver records.
    settings : dict
        Field -> value for alumni policies, exit-interview behaviours or follow-ups.
    amicability : int, optional
        See :func:`apply_settings`.

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
    batch = model.scoring.read(X)
    after = set_levers(batch, settings, amicability=amicability)
    before_p, after_p = batch.probabilities(), after.probabilities()
    out = pd.DataFrame(index=pd.RangeIndex(len(batch)))
    if batch.ids is not None:
        out["leaver_id"] = pd.Series(batch.ids, index=out.index, dtype=object)
    for target in model.targets:
        out[f"p_{target}_before"] = before_p[target]
        out[f"p_{target}_after"] = after_p[target]
        out[f"change_pp_{target}"] = 100 * (after_p[target] - before_p[target])
    if model.has_segments:
        out["segment_before"] = pd.Series(batch.segments(), index=out.index, dtype=object)
        out["segment_after"] = pd.Series(after.segments(), index=out.index, dtype=object)
    return out


def _ranking_target(model: RehireModel) -> str:
    """Policies are ranked by rehire intent, or by the one target a model has."""
    return "rehire_intent" if "rehire_intent" in model.targets else model.targets[0]


def _policy_levers(model: RehireModel) -> list[str]:
    return [f.name for f in model.record_fields if f.lever == "policy" and f.kind == "bool"]


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
    model: RehireModel,
    cohort: Any,
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
    batch = model.scoring.read(cohort)
    levers = _policy_levers(model)
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
        for target in model.targets:
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
        for k, (row, target) in enumerate(itertools.product(rows, model.targets)):
            row[f"ci_low_{target}"], row[f"ci_high_{target}"] = low[k], high[k]
    columns = ["levers", "n_affected"]
    for target in model.targets:
        columns += [f"mean_change_pp_{target}", f"ci_low_{target}", f"ci_high_{target}"]
    if before_segments is not None:
        columns.append("new_boomerang_candidates")
    table = pd.DataFrame(rows, columns=columns).sort_values(
        f"mean_change_pp_{_ranking_target(model)}", ascending=False, ignore_index=True)
    table.attrs["note"] = CAUSAL_NOTE
    return table


# --------------------------------------------------------------------------------------
# Coaching
# --------------------------------------------------------------------------------------


def _taken(values: Any) -> np.ndarray:
    """Actions shown (1); not shown, not held and unanswered are not taken."""
    return np.asarray(values, dtype=np.float64) == 1


def _candidate_actions(arrays: Mapping[str, Any], fields: Mapping[str, Field]
                       ) -> list[tuple[str, dict[str, bool], np.ndarray]]:
    """Actions a supervisor can still take: (key, settings, rows where not yet taken)."""
    candidates = [(name, {name: True}, ~_taken(arrays[name]))
                  for name in ACTIONS if name in fields]
    respect, drawing = CONSTRUCTS["respect"], CONSTRUCTS["drawing_out"]
    if all(n in fields for n in (*respect, *drawing)):
        def missing(names: Sequence[str]) -> np.ndarray:
            return np.any([~_taken(arrays[n]) for n in names], axis=0)

        candidates.append((_RESPECT_WITH_DRAWING_OUT, dict.fromkeys((*respect, *drawing), True),
                           missing(respect) & missing(drawing)))
    return candidates


def _interviewed(batch: LeaverBatch, amicability: int) -> LeaverBatch:
    """Leavers without a supervisor interview (a planned exit) with one assumed held."""
    if _HELD not in batch.scoring.fields_by_name or _taken(batch.arrays[_HELD]).all():
        return batch
    return set_levers(batch, {_HELD: True}, amicability=amicability)


def coach(
    model: RehireModel,
    records: Any,
    *,
    lang: str = "en",
    amicability: int = 3,
    top_k: int | None = None,
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
    top_k : int, optional
        Items per leaver (default: every action that helps).

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
    candidates = _candidate_actions(base.arrays, batch.scoring.fields_by_name)
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


# --------------------------------------------------------------------------------------
# Agreement with the synthetic survey's truth
# --------------------------------------------------------------------------------------


def actionable_levers(model: RehireModel) -> list[str]:
    """Policy flags, supervisor behaviours and follow-ups the model reads."""
    return [f.name for f in model.record_fields
            if f.kind == "bool" and f.lever in ("policy", "exit_interview")
            and f.name not in _AMICABILITY]


def oracle_agreement(
    model: RehireModel,
    survey: pd.DataFrame,
    *,
    n_coached: int = 300,
    amicability: int = 3,
) -> dict[str, Any]:
    """How well the model's what-if answers agree with the synthetic survey's truth.

    For each actionable lever, the leavers in ``survey`` get it (a supervisor behaviour
    those whose supervisor interview was held; a policy or follow-up everyone); the
    model's mean change in each probability is compared with the true mean change
    (:func:`rehire_model.true_probabilities` of the same records). For the first
    ``n_coached`` leavers, the top action of :func:`coach` is
    looked up in the true ranking of the same candidate actions.

    Parameters
    ----------
    survey : pandas.DataFrame
        Synthetic leaver records with the protected fields (the truth needs them).

    Returns
    -------
    dict
        ``levers`` (table of model and true mean changes per lever and target),
        ``sign_agreement`` and ``spearman`` per target, ``coach_top_in_true_top2``.
    """
    from scipy.stats import spearmanr

    from .schema import FIELDS
    from .survey import true_probabilities

    records = validate_records(survey).reset_index(drop=True)
    interviewed = records[records["sup_interview_held"].astype(bool)].reset_index(drop=True)
    rows = []
    for lever in actionable_levers(model):
        # A supervisor's behaviour is shown in an interview: it is set for the leavers
        # whose supervisor interview was held; policies and follow-ups for everyone.
        group = interviewed if FIELDS_BY_NAME[lever].requires else records
        changed = apply_settings(group, {lever: True}, fields=FIELDS,
                                 amicability=amicability)
        before, truth = model.predict(group), true_probabilities(group)
        after, true_after = model.predict(changed), true_probabilities(changed)
        row: dict[str, Any] = {"lever": lever, "n": len(group)}
        for target in model.targets:
            column = f"p_{target}"
            row[f"model_pp_{target}"] = 100 * float((after[column] - before[column]).mean())
            row[f"true_pp_{target}"] = 100 * float((true_after[column] - truth[column]).mean())
        rows.append(row)
    levers = pd.DataFrame(rows)
    result: dict[str, Any] = {"levers": levers, "sign_agreement": {}, "spearman": {}}
    for target in model.targets:
        m, t = levers[f"model_pp_{target}"], levers[f"true_pp_{target}"]
        result["sign_agreement"][target] = float((np.sign(m) == np.sign(t)).mean())
        result["spearman"][target] = float(spearmanr(m, t).statistic)
    hits = [_coach_hit(model, records.iloc[[i]], amicability) for i in range(
        min(n_coached, len(records)))]
    hits = [h for h in hits if h is not None]
    result["coach_top_in_true_top2"] = float(np.mean(hits)) if hits else float("nan")
    result["n_coached"] = len(hits)
    return result


def _coach_hit(model: RehireModel, record: pd.DataFrame, amicability: int) -> bool | None:
    """Is the model's top coaching action among the two truly best? None: nothing to do."""
    from .schema import FIELDS
    from .survey import true_probabilities

    record = record.reset_index(drop=True)
    if not _taken(_as_array(record[_HELD], FIELDS_BY_NAME[_HELD]))[0]:
        record = apply_settings(record, {_HELD: True}, fields=FIELDS, amicability=amicability)
    top = coach(model, record, amicability=amicability, top_k=1)
    if top.empty:
        return None
    fields = model.scoring.fields_by_name
    arrays = {name: _as_array(record[name], FIELDS_BY_NAME[name]) for name in fields
              if name in FIELDS_BY_NAME}
    base = true_probabilities(record)
    gains = {}
    for key, settings, not_taken in _candidate_actions(arrays, fields):
        if not not_taken[0]:
            continue
        after = true_probabilities(apply_settings(record, settings, fields=FIELDS,
                                                  amicability=amicability))
        gains[key] = float(sum(after[f"p_{t}"].iat[0] - base[f"p_{t}"].iat[0]
                               for t in model.targets))
    best_two = sorted(gains, key=gains.get, reverse=True)[:2]
    return top["action"].iat[0] in best_two
