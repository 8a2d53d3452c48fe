"""Levers: set what the company or a supervisor can change on leaver records.

An actionable lever is an alumni policy, an exit-interview behaviour or a follow-up
action; facts (company size, tenure, ...) and protected fields are never set.

- :func:`set_levers` sets levers on leavers a model has read (a
  :class:`~rehire_model.scoring.LeaverBatch`), for what-if, the policy simulation and
  coaching;
- :func:`apply_settings` sets them on a table of validated records;
- :func:`actionable_levers` lists the yes/no levers a model reads.

Both keep the interview structure valid: a behaviour shown means the interview was
held (with an amicability), and an interview not held has no answers.

Examples
--------
>>> import rehire_model as rm
>>> records = rm.validate_records(rm.make_leaver_survey(3, random_state=0))
>>> apply_settings(records, {"policy_alumni_perks": True})["policy_alumni_perks"].tolist()
[True, True, True]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import LeverError
from .schema import FIELDS_BY_NAME, Field
from .scoring import LeaverBatch, Scored
from .validation import read_value, validate_records

__all__ = ["actionable_levers", "apply_settings", "column_array", "is_lever", "set_levers"]

#: Who can act on a lever: the company (``"policy"``) or the supervisor or HR
#: (``"exit_interview"``, follow-ups included).
_ACTORS = ("policy", "exit_interview")
_AMICABILITY = {"sup_interview_held": "sup_interview_amicability",
                "hr_interview_held": "hr_interview_amicability"}


def is_lever(field: Field) -> bool:
    """Whether what-if may set ``field``: a policy, exit-interview behaviour or follow-up.

    Examples
    --------
    >>> from rehire_model.schema import FIELDS_BY_NAME
    >>> is_lever(FIELDS_BY_NAME["sup_welcomed_return"]), is_lever(FIELDS_BY_NAME["age"])
    (True, False)
    """
    return field.lever in _ACTORS and field.role != "protected"


def actionable_levers(model: Scored) -> list[str]:
    """Policy flags, supervisor behaviours and follow-ups the model reads.

    Examples
    --------
    >>> import rehire_model as rm
    >>> actionable_levers(rm.load_model())[:2]
    ['policy_comeback_program', 'policy_alumni_perks']
    """
    return [f.name for f in model.scoring.record_fields
            if f.kind == "bool" and is_lever(f) and f.name not in _AMICABILITY]


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
        if not is_lever(field):
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


def column_array(series: pd.Series, field: Field) -> np.ndarray:
    """A column of validated records as a scoring batch holds it.

    Booleans are 1.0/0.0, a skipped answer NaN; categories stay objects.

    Examples
    --------
    >>> import pandas as pd
    >>> from rehire_model.schema import FIELDS_BY_NAME
    >>> column_array(pd.Series([True, None, False], dtype="boolean"),
    ...              FIELDS_BY_NAME["policy_alumni_perks"])
    array([ 1., nan,  0.])
    """
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
    arrays = {name: column_array(records[name], field) for name, field in involved.items()}
    out = records.copy()
    if arrays:
        for name, changed in _settled(arrays, values, involved, amicability).items():
            out[name] = _as_column(changed, by_name[name])
    keep = list(present.values())
    return validate_records(out, fields=keep) if keep else out
