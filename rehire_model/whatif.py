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

from .exceptions import RehireModelError
from .model import RehireModel
from .schema import CONSTRUCTS, FIELDS_BY_NAME, TARGETS, Field, read_value, validate_records
from .texts import check_lang, text

__all__ = ["ACTIONS", "LeverError", "apply_settings", "coach", "simulate_policies",
           "what_if"]

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
_AMICABILITY = {"sup_interview_held": "sup_interview_amicability",
                "hr_interview_held": "hr_interview_amicability"}


class LeverError(RehireModelError, ValueError):
    """A what-if setting is not an actionable lever, or not a valid value."""


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
    out = records.copy()
    for held, amicable in _AMICABILITY.items():
        answers = [n for n, f in by_name.items() if f.requires == held and n in out.columns]
        touched = any(name in answers for name in values) or bool(values.get(held))
        if held in values and not values[held]:
            out[held] = False
            for name in answers:
                out[name] = pd.NA
            continue
        if not touched or held not in out.columns:
            continue
        flag = out[held].astype("boolean")
        newly = flag.eq(False).to_numpy(dtype=bool, na_value=False)
        unknown = flag.isna().to_numpy()
        level = values.get(amicable, amicability)
        if newly.any():
            if level is None and amicable in out.columns:
                raise LeverError(
                    f"these settings mean {held} becomes true for {int(newly.sum())} "
                    f"leaver(s); give {amicable} (1..5) too, or amicability=..., since a "
                    "held interview has an amicability"
                )
            out.loc[newly, held] = True
            for name in answers:
                out.loc[newly, name] = level if name == amicable else False
        if unknown.any():
            out.loc[unknown, held] = True
            if level is not None and amicable in out.columns:
                out.loc[unknown, amicable] = level
    for name, value in values.items():
        out[name] = bool(value) if by_name[name].kind == "bool" else value
    keep = [f for f in by_name.values() if f.name in out.columns]
    return validate_records(out, fields=keep) if keep else out


# --------------------------------------------------------------------------------------
# what_if and the policy simulation
# --------------------------------------------------------------------------------------


def _records(model: RehireModel, X: Any) -> pd.DataFrame:
    return validate_records(X, **model.config.validation_options).reset_index(drop=True)


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
    X : pandas.DataFrame, dict or list of dict
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
    records = _records(model, X)
    after = apply_settings(records, settings, fields=model.record_fields,
                           amicability=amicability)
    before_scores, after_scores = model.predict(records), model.predict(after)
    out = pd.DataFrame(index=before_scores.index)
    if "leaver_id" in before_scores.columns:
        out["leaver_id"] = before_scores["leaver_id"]
    for target in model.targets:
        out[f"p_{target}_before"] = before_scores[f"p_{target}"]
        out[f"p_{target}_after"] = after_scores[f"p_{target}"]
        out[f"change_pp_{target}"] = 100 * (after_scores[f"p_{target}"]
                                             - before_scores[f"p_{target}"])
    if model.has_segments:
        out["segment_before"] = before_scores["segment"]
        out["segment_after"] = after_scores["segment"]
    return out


def _ranking_target(model: RehireModel) -> str:
    """Policies are ranked by rehire intent, or by the one target a model has."""
    return "rehire_intent" if "rehire_intent" in model.targets else model.targets[0]


def _policy_levers(model: RehireModel) -> list[str]:
    return [f.name for f in model.record_fields if f.lever == "policy" and f.kind == "bool"]


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
    records = _records(model, cohort)
    levers = _policy_levers(model)
    options = [(lever,) for lever in levers]
    if pairs:
        options += list(itertools.combinations(levers, 2))
    rng = np.random.default_rng(random_state)
    resamples = rng.integers(0, len(records), size=(n_bootstrap, len(records)))
    before = model.predict(records)
    rows = []
    for option in options:
        lacking = ~records[list(option)].astype("boolean").fillna(False).all(axis=1)
        after = model.predict(apply_settings(records, dict.fromkeys(option, True),
                                             fields=model.record_fields))
        row: dict[str, Any] = {"levers": " + ".join(option),
                               "n_affected": int(lacking.sum())}
        for target in model.targets:
            change = 100 * (after[f"p_{target}"] - before[f"p_{target}"]).to_numpy()
            means = change[resamples].mean(axis=1)
            row[f"mean_change_pp_{target}"] = float(change.mean())
            row[f"ci_low_{target}"], row[f"ci_high_{target}"] = np.percentile(means, [2.5, 97.5])
        if model.has_segments:
            row["new_boomerang_candidates"] = int(
                ((after["segment"] == "boomerang_candidate")
                 & (before["segment"] != "boomerang_candidate")).sum())
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(f"mean_change_pp_{_ranking_target(model)}",
                                           ascending=False, ignore_index=True)
    table.attrs["note"] = CAUSAL_NOTE
    return table


# --------------------------------------------------------------------------------------
# Coaching
# --------------------------------------------------------------------------------------


def _taken(value: Any) -> bool:
    """An action shown (True or 1); not shown, not held and unanswered are not taken."""
    return not pd.isna(value) and bool(value == 1)


def _candidate_actions(record: pd.Series, fields: Mapping[str, Field]) -> list[tuple[str, dict]]:
    """Actions not yet taken (unanswered counts as not taken): (key, settings)."""
    candidates = []
    for name in ACTIONS:
        if name in fields and not _taken(record.get(name)):
            candidates.append((name, {name: True}))
    respect, drawing = CONSTRUCTS["respect"], CONSTRUCTS["drawing_out"]

    def missing(names):
        return any(not _taken(record.get(n)) for n in names)

    if all(n in fields for n in (*respect, *drawing)) and missing(respect) and missing(drawing):
        candidates.append((_RESPECT_WITH_DRAWING_OUT,
                           dict.fromkeys((*respect, *drawing), True)))
    return candidates


def coach(
    model: RehireModel,
    record: Mapping[str, Any] | pd.Series,
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

    Returns
    -------
    pandas.DataFrame
        ``action`` (key), ``item`` (checklist text with the gains, e.g.
        「戻ってきても歓迎する意思を伝える：アルムナイ意識 +9pt」), ``gain_pp_<target>`` per
        target of the model.
    """
    check_lang(lang)
    records = _records(model, record if not isinstance(record, pd.Series)
                       else record.to_dict())
    fields = {f.name: f for f in model.record_fields}
    held = "sup_interview_held"
    if held in records.columns and not _taken(records.loc[0, held]):
        records = apply_settings(records, {held: True}, fields=model.record_fields,
                                 amicability=amicability)
    base = model.predict(records)
    rows = []
    for key, settings in _candidate_actions(records.iloc[0], fields):
        after = model.predict(apply_settings(records, settings, fields=model.record_fields,
                                             amicability=amicability))
        gains = {t: 100 * float(after[f"p_{t}"].iat[0] - base[f"p_{t}"].iat[0])
                 for t in model.targets}
        if gains.get("alumni_engagement", 0.0) < 0 or sum(gains.values()) <= 0:
            continue
        rows.append({"action": key, **{f"gain_pp_{t}": g for t, g in gains.items()}})
    gain_columns = [f"gain_pp_{t}" for t in model.targets]
    table = pd.DataFrame(rows, columns=["action", *gain_columns])
    table["total"] = table[gain_columns].sum(axis=1)
    table = table.sort_values("total", ascending=False, ignore_index=True).drop(
        columns="total")
    if top_k is not None:
        table = table.head(top_k)
    table.insert(1, "item", [_item_text(a, table.iloc[i], lang)
                             for i, a in enumerate(table["action"])])
    return table


def _item_text(action: str, row: pd.Series, lang: str) -> str:
    gains = [text("coach.gain", lang, outcome=text(f"target.{t}", lang), gain=row[f"gain_pp_{t}"])
             for t in TARGETS if f"gain_pp_{t}" in row.index]
    return text("coach.item", lang, action=text(f"action.{action}", lang),
                gains=text("coach.separator", lang).join(gains))



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

    from .datasets import true_probabilities
    from .schema import FIELDS

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
    from .datasets import true_probabilities
    from .schema import FIELDS

    record = record.reset_index(drop=True)
    if not _taken(record.loc[0, "sup_interview_held"]):
        record = apply_settings(record, {"sup_interview_held": True}, fields=FIELDS,
                                amicability=amicability)
    top = coach(model, record, amicability=amicability, top_k=1)
    if top.empty:
        return None
    fields = {f.name: f for f in model.record_fields}
    base = true_probabilities(record)
    gains = {}
    for key, settings in _candidate_actions(record.iloc[0], fields):
        after = true_probabilities(apply_settings(record, settings, fields=FIELDS,
                                                  amicability=amicability))
        gains[key] = float(sum(after[f"p_{t}"].iat[0] - base[f"p_{t}"].iat[0]
                               for t in model.targets))
    best_two = sorted(gains, key=gains.get, reverse=True)[:2]
    return top["action"].iat[0] in best_two
