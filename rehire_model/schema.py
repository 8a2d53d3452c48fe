"""The leaver record: its columns and the one function that validates it.

One row describes one person who has left a company (a "leaver"): facts about
the former employer and the job, the employer's alumni policies, how the exit
interviews went and, for training data, the two targets. :data:`FIELDS` lists
every column with its kind, role, lever and English and Japanese labels;
:func:`validate_records` checks and coerces records for training, prediction
and batch scoring alike.

Examples
--------
>>> from rehire_model.schema import FIELDS_BY_NAME, field_names
>>> FIELDS_BY_NAME["policy_comeback_program"].label_ja
'カムバック制度（出戻り制度）'
>>> field_names("protected")
('age', 'gender', 'married', 'has_children')
"""

from __future__ import annotations

import functools
import math
import numbers
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pandas.arrays import BooleanArray, IntegerArray

from rehire_model.exceptions import SchemaError
from rehire_model.texts import check_lang, text

__all__ = [
    "COMPANY_SIZES",
    "CONSTRUCTS",
    "CONSTRUCT_LABELS",
    "FEATURE_ROLES",
    "FIELDS",
    "FIELDS_BY_NAME",
    "GENDERS",
    "INDUSTRIES",
    "JOB_LEVELS",
    "KINDS",
    "LEVERS",
    "LIKERT",
    "PROBLEM_COLUMNS",
    "ROLES",
    "MAX_MISSING",
    "MISSING_MODES",
    "MISSING_TEXT",
    "TARGETS",
    "Field",
    "field_names",
    "read_record",
    "read_value",
    "skipped_answers",
    "validate_records",
]

COMPANY_SIZES = ("10-99", "100-999", "1000-4999", "5000+")
INDUSTRIES = (
    "manufacturing",
    "construction_real_estate",
    "it_telecom",
    "wholesale_retail",
    "finance_insurance",
    "transport_logistics",
    "healthcare_welfare",
    "services",
    "other",
)
JOB_LEVELS = ("staff", "supervisor", "manager")
GENDERS = ("female", "male", "other", "unknown")
LIKERT = (1, 2, 3, 4, 5)

KINDS = ("id", "category", "bool", "ordinal", "float", "int")
ROLES = ("id", "fixed", "protected", "policy", "exit_interview", "follow_up", "target")
LEVERS = ("policy", "exit_interview", "fixed")
FEATURE_ROLES = ("fixed", "policy", "exit_interview", "follow_up")
TARGETS = ("alumni_engagement", "rehire_intent")
PROBLEM_COLUMNS = ("row", "leaver_id", "column", "value", "problem")
#: How unanswered fields are treated: kept and handled by the model, or rejected.
MISSING_MODES = ("impute", "reject")
#: Default share of a record's used fields that may be unanswered (``missing="impute"``).
MAX_MISSING = 0.5


@dataclass(frozen=True, slots=True)
class Field:
    """One column of the leaver record.

    Parameters
    ----------
    name : str
        Column name.
    kind : str
        One of ``"id"``, ``"category"``, ``"bool"``, ``"ordinal"``, ``"float"``, ``"int"``.
    role : str
        One of ``"id"``, ``"fixed"``, ``"protected"``, ``"policy"``, ``"exit_interview"``,
        ``"follow_up"``, ``"target"``.
    lever : str or None
        Who can change it: ``"policy"`` (the company), ``"exit_interview"`` (the supervisor
        or HR) or ``"fixed"`` (a fact); None for the id and the targets.
    label_en, label_ja : str
        Labels shown to HR staff.
    categories : tuple of str
        Allowed values of a category field.
    low, high : float or None
        Inclusive bounds of a numeric field.
    levels : tuple of str
        For an ordinal field given as text: its levels in order (the first reads as 1,
        the next as 2, ...), such as ``("Low", "Medium", "High")``.
    requires : str or None
        The bool field that must be true for this field to have a value; the field is
        empty (NA) exactly when that one is false.
    construct : str or None
        The exit-interview construct a supervisor behaviour belongs to.

    Examples
    --------
    >>> f = FIELDS_BY_NAME["sup_welcomed_return"]
    >>> f.requires, f.construct, f.label("ja")
    ('sup_interview_held', 'welcome', '戻ってきても歓迎する意思を示した')
    """

    name: str
    kind: str
    role: str
    lever: str | None
    label_en: str
    label_ja: str
    categories: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    requires: str | None = None
    construct: str | None = None
    levels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.role not in ROLES:
            raise ValueError(f"field {self.name!r}: unknown role {self.role!r}")
        if self.lever is not None and self.lever not in LEVERS:
            raise ValueError(f"field {self.name!r}: unknown lever {self.lever!r}")

    def label(self, lang: str = "en") -> str:
        """Return the label in ``lang`` (``"en"`` or ``"ja"``).

        Examples
        --------
        >>> FIELDS_BY_NAME["rehire_intent"].label("ja")
        '再入社意向'
        """
        return self.label_ja if check_lang(lang) == "ja" else self.label_en


_SUP = "sup_interview_held"
_HR = "hr_interview_held"


def _labels(name: str) -> tuple[str, str]:
    """The English and Japanese labels of a field (from :mod:`rehire_model.texts`)."""
    return text(f"field.{name}", "en"), text(f"field.{name}", "ja")


def _field(name: str, kind: str, role: str, lever: str | None, **extra: Any) -> Field:
    return Field(name, kind, role, lever, *_labels(name), **extra)


def _category(name: str, role: str, values: tuple[str, ...]) -> Field:
    return _field(name, "category", role, "fixed", categories=values)


def _flag(name: str, role: str, lever: str, **extra: Any) -> Field:
    return _field(name, "bool", role, lever, **extra)


def _behaviour(name: str, construct: str) -> Field:
    return _flag(name, "exit_interview", "exit_interview", requires=_SUP, construct=construct)


def _amicability(name: str, held: str) -> Field:
    return _field(name, "ordinal", "exit_interview", "exit_interview", low=1, high=5,
                  requires=held)


FIELDS: tuple[Field, ...] = (
    _field("leaver_id", "id", "id", None),
    _category("company_size", "fixed", COMPANY_SIZES),
    _category("industry", "fixed", INDUSTRIES),
    _category("job_level", "fixed", JOB_LEVELS),
    _field("tenure_years", "float", "fixed", "fixed", low=0.25, high=50),
    _field("years_since_exit", "float", "fixed", "fixed", low=0, high=10),
    _field("age", "int", "protected", "fixed", low=15, high=80),
    _category("gender", "protected", GENDERS),
    _flag("married", "protected", "fixed"),
    _flag("has_children", "protected", "fixed"),
    _flag("policy_comeback_program", "policy", "policy"),
    _flag("policy_alumni_perks", "policy", "policy"),
    _flag("policy_alumni_community", "policy", "policy"),
    _flag("policy_alumni_events", "policy", "policy"),
    _flag("informal_rehire_custom", "policy", "policy"),
    _flag(_SUP, "exit_interview", "exit_interview"),
    _amicability("sup_interview_amicability", _SUP),
    _flag(_HR, "exit_interview", "exit_interview"),
    _amicability("hr_interview_amicability", _HR),
    _behaviour("sup_understood_reason", "respect"),
    _behaviour("sup_respected_timing", "respect"),
    _behaviour("sup_listened_to_end", "drawing_out"),
    _behaviour("sup_listened_carefully", "drawing_out"),
    _behaviour("sup_heard_dissatisfaction", "drawing_out"),
    _behaviour("sup_answered_questions", "drawing_out"),
    _behaviour("sup_welcomed_return", "welcome"),
    _flag("invited_to_alumni_community", "follow_up", "exit_interview"),
    _flag("informed_of_rehire_route", "follow_up", "exit_interview"),
    _field("alumni_engagement", "float", "target", None, low=1, high=5),
    _field("rehire_intent", "ordinal", "target", None, low=1, high=5),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

CONSTRUCTS: dict[str, tuple[str, ...]] = {
    construct: tuple(f.name for f in FIELDS if f.construct == construct)
    for construct in ("respect", "drawing_out", "welcome")
}

CONSTRUCT_LABELS: dict[str, tuple[str, str]] = {
    construct: (text(f"construct.{construct}", "en"), text(f"construct.{construct}", "ja"))
    for construct in CONSTRUCTS
}


def field_names(*roles: str) -> tuple[str, ...]:
    """Return the names of the fields with any of ``roles``, in schema order.

    Parameters
    ----------
    *roles : str
        Roles to select (see :data:`ROLES`); with none, every field is returned.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> field_names("target")
    ('alumni_engagement', 'rehire_intent')
    >>> len(field_names(*FEATURE_ROLES))
    23
    """
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; expected some of {', '.join(ROLES)}")
    return tuple(f.name for f in FIELDS if not roles or f.role in roles)


# --------------------------------------------------------------------------------------
# Reading single values
# --------------------------------------------------------------------------------------

#: Text that means a blank (compared after NFKC normalisation, trimming and case-folding).
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none"})
_TRUE_TEXT = frozenset({"true", "t", "yes", "y", "はい"})
_FALSE_TEXT = frozenset({"false", "f", "no", "n", "いいえ"})

# What went wrong with one value; 0 means nothing.
_OK, _UNRECOGNISED, _NOT_WHOLE, _OUT_OF_RANGE = 0, 1, 2, 3
_MISSING, _WITHOUT_INTERVIEW, _MISSING_WITH_INTERVIEW = 4, 5, 6

_NUMBER_KINDS = ("ordinal", "int", "float")
_INTERVIEW_WORDS = {_SUP: "a supervisor exit interview", _HR: "an HR exit interview"}


class _Unreadable(Exception):
    """A single value cannot be read as the field's kind."""


def _normalise_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_missing(value: Any) -> bool:
    """Null, or text that means missing ("", "na", "null", ...)."""
    if _is_null(value):
        return True
    return isinstance(value, str) and _normalise_text(value) in MISSING_TEXT


def _read_number(value: Any) -> float:
    """Read a number given as a number or as text; booleans are not numbers."""
    if isinstance(value, (bool, np.bool_)):
        raise _Unreadable
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = _normalise_text(value)
        if "_" not in text:
            try:
                return float(text)
            except ValueError:
                pass
    raise _Unreadable


def _read_bool(value: Any) -> float:
    """Read a yes/no answer as 1.0 or 0.0."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str):
        text = _normalise_text(value)
        if text in _TRUE_TEXT:
            return 1.0
        if text in _FALSE_TEXT:
            return 0.0
    number = _read_number(value)
    if number in (0.0, 1.0):
        return number
    raise _Unreadable


def _text_reader(allowed: Mapping[str, Any]) -> Callable[[Any], Any]:
    """Read a value by its normalised text: one of ``allowed``'s keys."""

    def read_text(value: Any) -> Any:
        key = _normalise_text(value if isinstance(value, str) else str(value))
        if key not in allowed:
            raise _Unreadable
        return allowed[key]

    return read_text


def _reader(field: Field) -> Callable[[Any], Any]:
    if field.kind == "bool":
        return _read_bool
    if field.kind == "category":
        return _text_reader({_normalise_text(c): c for c in field.categories})
    if field.levels:
        return _text_reader({_normalise_text(v): float(i) for i, v in enumerate(field.levels, 1)})
    return _read_number


def _reads_text(field: Field) -> bool:
    """Values are read by their text (categories, and ordinal levels given as text)."""
    return field.kind == "category" or bool(field.levels)


def _expectation(field: Field) -> str:
    if field.kind == "category":
        return "one of " + ", ".join(field.categories)
    if field.levels:
        return "one of the levels " + ", ".join(field.levels) + " (in this order)"
    if field.kind == "bool":
        return "true or false (also accepted: 1/0, yes/no, はい/いいえ)"
    if field.kind == "float":
        return f"a number from {field.low:g} to {field.high:g}"
    return f"a whole number from {field.low:g} to {field.high:g}"


# --------------------------------------------------------------------------------------
# Coercing whole columns
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Column:
    """A coerced column: canonical values, where a value was given, and what went wrong."""

    values: Any
    given: np.ndarray
    reason: np.ndarray


def _check_numbers(x: np.ndarray, field: Field) -> np.ndarray:
    """Reason codes for numbers that are not whole (when they must be) or out of bounds."""
    reason = np.zeros(len(x), dtype=np.int8)
    with np.errstate(invalid="ignore"):
        if field.kind in ("ordinal", "int"):
            reason[np.isfinite(x) & (x != np.round(x))] = _NOT_WHOLE
        outside = (x < field.low) | (x > field.high)
    reason[outside & (reason == _OK)] = _OUT_OF_RANGE
    return reason


def _parse_uniques(uniques: np.ndarray, field: Field) -> _Column:
    """Read each distinct value once; the last slot stands for a missing value."""
    read = _reader(field)
    n = len(uniques) + 1
    numeric = field.kind != "category"
    values = np.full(n, np.nan) if numeric else np.full(n, None, dtype=object)
    given = np.zeros(n, dtype=bool)
    reason = np.zeros(n, dtype=np.int8)
    pending = range(len(uniques))
    if (field.kind in _NUMBER_KINDS and not field.levels
            and ptypes.infer_dtype(uniques, skipna=False) == "string"):
        # Many distinct numbers written as text: read the plain ones in one pass.
        quick = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
        quick = quick.to_numpy(dtype="float64", na_value=np.nan)
        plain = np.isfinite(quick)
        values[:-1][plain] = quick[plain]
        given[:-1][plain] = True
        pending = np.flatnonzero(~plain).tolist()
    for i in pending:
        value = uniques[i]
        if _is_missing(value):
            continue
        given[i] = True
        try:
            values[i] = read(value)
        except _Unreadable:
            reason[i] = _UNRECOGNISED
    if field.kind in _NUMBER_KINDS:
        checked = _check_numbers(values, field)
        reason = np.where(reason == _OK, checked, reason)
    return _Column(values, given, reason)


def _coerce_numeric_dtype(series: pd.Series, field: Field) -> _Column:
    """Coerce a column that already holds numbers, without looking at each value."""
    x = series.to_numpy(dtype="float64", na_value=np.nan)
    given = ~np.isnan(x)
    if field.kind == "bool":
        reason = np.where(given & (x != 0) & (x != 1), _UNRECOGNISED, _OK).astype(np.int8)
    else:
        reason = _check_numbers(x, field)
    return _Column(x, given, reason)


def _coerce_column(series: pd.Series, field: Field) -> _Column:
    is_number_column = ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(
        series.dtype
    )
    if is_number_column and not _reads_text(field):
        column = _coerce_numeric_dtype(series, field)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        per_unique = _parse_uniques(np.asarray(uniques, dtype=object), field)
        column = _Column(
            per_unique.values[codes], per_unique.given[codes], per_unique.reason[codes]
        )
    column.values = _canonical(column, field, series.index)
    return column


def _canonical(column: _Column, field: Field, index: pd.Index) -> pd.Series:
    """Build the column in its canonical dtype, NA wherever no good value was given."""
    empty = ~column.given | (column.reason != _OK)
    values = column.values
    if field.kind == "category":
        values = values.copy()
        values[empty] = None
        return pd.Series(values, index=index, dtype=object, name=field.name)
    if field.kind == "float":
        return pd.Series(np.where(empty, np.nan, values), index=index, name=field.name)
    filled = np.where(empty, 0, values)
    if field.kind == "bool":
        array = BooleanArray(filled.astype(bool), empty)
    else:
        array = IntegerArray(filled.astype(np.int64), empty)
    return pd.Series(array, index=index, name=field.name)


def _id_text(value: Any) -> str | None:
    if _is_null(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def _coerce_ids(series: pd.Series) -> pd.Series:
    """Leaver ids as plain text (None where missing); never validated further."""
    if ptypes.infer_dtype(series, skipna=True) in ("string", "empty"):
        values = series.to_numpy(dtype=object, na_value=None, copy=True)
        blank = (series.eq("") | series.str.isspace()).to_numpy(dtype=bool, na_value=False)
        values[blank] = None
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        texts = np.array([_id_text(u) for u in uniques] + [None], dtype=object)
        values = texts[codes]
    return pd.Series(values, index=series.index, dtype=object, name="leaver_id")


# --------------------------------------------------------------------------------------
# Rules across columns
# --------------------------------------------------------------------------------------


def _held_flags(columns: Mapping[str, _Column]) -> dict[str, np.ndarray]:
    """Where each interview flag present is known to be true."""
    return {
        name: columns[name].values.eq(True).to_numpy(dtype=bool, na_value=False)
        for name in _INTERVIEW_WORDS
        if name in columns
    }


def _infer_held(columns: dict[str, _Column], by_name: Mapping[str, Field]) -> None:
    """An unanswered interview flag with answers about that interview means it was held."""
    for held_name in _INTERVIEW_WORDS:
        if held_name not in columns:
            continue
        held = columns[held_name]
        answered = np.zeros(len(held.given), dtype=bool)
        for name, column in columns.items():
            if by_name[name].requires == held_name:
                answered |= column.given & (column.reason == _OK)
        inferred = ~held.given & answered
        if inferred.any():
            values = held.values.array.copy()
            values[inferred] = True
            held.values = pd.Series(values, index=held.values.index, name=held_name)
            held.given = held.given | inferred


def _apply_structure(
    columns: dict[str, _Column], by_name: Mapping[str, Field], missing: str
) -> None:
    """Flag answers given without their interview (and, when blanks are rejected, answers
    missing although the interview was held)."""
    held_flags = _held_flags(columns)
    for name, column in columns.items():
        held_name = by_name[name].requires
        if held_name is None or held_name not in columns:
            continue
        not_held = columns[held_name].values.eq(False).to_numpy(dtype=bool, na_value=False)
        readable = column.reason == _OK
        column.reason[not_held & column.given & readable] = _WITHOUT_INTERVIEW
        if missing == "reject":
            column.reason[held_flags[held_name] & ~column.given] = _MISSING_WITH_INTERVIEW


def _apply_required(
    columns: dict[str, _Column], required: set[str], by_name: Mapping[str, Field]
) -> None:
    for name, column in columns.items():
        if name in required and by_name[name].requires is None:
            column.reason[~column.given & (column.reason == _OK)] = _MISSING


def _skipped_mask(
    blank: Mapping[str, np.ndarray], held: Mapping[str, np.ndarray], fields: Sequence[Field]
) -> tuple[tuple[str, ...], np.ndarray]:
    """The used fields and a rows x fields mask of the answers skipped.

    An interview's answers are expected only when the interview is known to have been
    held: without it (or when whether it was held is itself unanswered) they are empty
    by structure, not skipped.
    """
    used = [f for f in fields if f.role in FEATURE_ROLES and f.name in blank]
    n_rows = len(next(iter(blank.values()))) if blank else 0
    mask = np.zeros((n_rows, len(used)), dtype=bool)
    for j, field in enumerate(used):
        mask[:, j] = blank[field.name]
        if field.requires is not None:
            mask[:, j] &= held.get(field.requires, False)
    return tuple(f.name for f in used), mask


def skipped_answers(
    arrays: Mapping[str, np.ndarray], fields: Sequence[Field]
) -> tuple[tuple[str, ...], np.ndarray]:
    """Which used fields each record left unanswered (a skipped survey answer).

    Parameters
    ----------
    arrays : dict of str -> numpy.ndarray
        Validated record values by field: floats with NaN for a blank (booleans as 0/1),
        or objects with None for a blank category.
    fields : sequence of Field
        The fields in use (a model's ``record_fields``); those with a feature role count.

    Returns
    -------
    names : tuple of str
        The fields in use present in ``arrays``, in the order of ``fields``.
    mask : numpy.ndarray of bool, shape (n_records, len(names))
        True where an answer was skipped. An interview's answers count only when the
        interview is known to have been held.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME[n] for n in ("tenure_years", "sup_interview_held",
    ...                                       "sup_welcomed_return")]
    >>> arrays = {"tenure_years": np.array([np.nan, 3.0]),
    ...           "sup_interview_held": np.array([0.0, 1.0]),
    ...           "sup_welcomed_return": np.array([np.nan, np.nan])}
    >>> names, mask = skipped_answers(arrays, fields)
    >>> mask.tolist()
    [[True, False, False], [False, False, True]]
    """
    blank = {name: np.isnan(values) if values.dtype.kind == "f" else pd.isna(values)
             for name, values in arrays.items()}
    held = {name: arrays[name] == 1.0 for name in _INTERVIEW_WORDS if name in arrays}
    return _skipped_mask(blank, held, fields)


def _too_many_blanks(
    columns: Mapping[str, _Column], fields: Sequence[Field], max_missing: float
) -> list[tuple[int, str]]:
    """(row, problem) for each record that left more than ``max_missing`` unanswered."""
    blank = {name: ~column.given for name, column in columns.items()}
    names, mask = _skipped_mask(blank, _held_flags(columns), fields)
    if not names:
        return []
    counts = mask.sum(axis=1)
    rows = np.flatnonzero(counts > max_missing * len(names))
    problems = []
    for row in rows.tolist():
        skipped = [n for n, m in zip(names, mask[row], strict=True) if m]
        shown = ", ".join(skipped[:6]) + (", ..." if len(skipped) > 6 else "")
        problems.append((row, (
            f"{len(skipped)} of the {len(names)} fields in use are unanswered ({shown}), "
            f"more than max_missing {max_missing:g} allows; too little is known to score "
            "this record: fill in some of these answers"
        )))
    return problems


# --------------------------------------------------------------------------------------
# Describing problems
# --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _problem_text(field: Field, reason: int, value: Any) -> str:
    column, expected = field.name, _expectation(field)
    if reason == _UNRECOGNISED and _reads_text(field) and FIELDS_BY_NAME.get(column) != field:
        return (
            f"column {column!r} has {value!r}, which is not declared for this column; "
            f"expected {expected}. A new value must be added to this column's "
            "[[features.extra]] entry of the training config and the model retrained"
        )
    if reason == _UNRECOGNISED:
        return f"column {column!r} has {value!r}; expected {expected}"
    if reason == _NOT_WHOLE:
        return f"column {column!r} has {value!r}, which is not a whole number; expected {expected}"
    if reason == _OUT_OF_RANGE:
        return f"column {column!r} has {value!r}, which is out of range; expected {expected}"
    if reason == _MISSING:
        why = ("training needs every answer of a target" if field.role == "target" else
               "unanswered fields are rejected: missing='reject'")
        return (
            f"column {column!r} is empty ({value!r}) but a value is required ({why}); "
            f"expected {expected}"
        )
    held = field.requires
    interview = _INTERVIEW_WORDS.get(held, f"the interview in {held!r}")
    if reason == _WITHOUT_INTERVIEW:
        return (
            f"column {column!r} has {value!r}, reported without {interview}: {held} is false; "
            "leave it empty (NA)"
        )
    return (
        f"column {column!r} is empty ({value!r}) although {interview} was held ({held} is "
        f"true; unanswered fields are rejected: missing='reject'); expected {expected}, or "
        f"set {held} to false"
    )


def _row_prefix(position: int, label: Any, leaver_id: str | None) -> str:
    details = []
    if not (isinstance(label, numbers.Integral) and label == position):
        details.append(f"index {_plain(label)!r}")
    if leaver_id is not None:
        details.append(f"leaver_id {leaver_id!r}")
    return f"row {position}" + (f" ({', '.join(details)})" if details else "")


def _empty_problems() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _problems_frame(
    frame: pd.DataFrame,
    columns: dict[str, _Column],
    ids: pd.Series | None,
    by_name: Mapping[str, Field],
    record_problems: Sequence[tuple[int, str]] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """One row per problem, ordered by row then by schema column, and one line each.

    ``record_problems`` are (row, text) about a whole record; they come after the
    record's problems with single values.
    """
    records = []
    for name, column in columns.items():
        rows = np.flatnonzero(column.reason != _OK)
        field, original = by_name[name], frame[name]
        for row, reason in zip(rows.tolist(), column.reason[rows].tolist(), strict=True):
            value = _plain(original.iloc[row])
            records.append((row, name, value, _problem_text(field, reason, value)))
    records += [(row, None, None, text) for row, text in record_problems]
    if not records:
        return _empty_problems(), []
    records.sort(key=lambda r: r[0])  # stable: schema order within a row
    rows = [r[0] for r in records]
    leaver_ids = [None if ids is None else ids.iloc[r] for r in rows]
    problems = pd.DataFrame(
        {
            "row": pd.array(rows, dtype="Int64"),
            "leaver_id": pd.Series(leaver_ids, dtype=object),
            "column": pd.Series([r[1] for r in records], dtype=object),
            "value": pd.Series([r[2] for r in records], dtype=object),
            "problem": pd.Series([r[3] for r in records], dtype=object),
        }
    )
    lines = [
        f"{_row_prefix(row, frame.index[row], lid)}: {text}"
        for row, lid, text in zip(rows, leaver_ids, problems["problem"], strict=True)
    ]
    return problems, lines


def _raise_problems(problems: pd.DataFrame, lines: list[str], n_rows: int) -> None:
    n_bad_rows = problems["row"].nunique()
    shown = "\n".join(f"  {line}" for line in lines[:5])
    more = len(lines) - 5
    tail = (
        f"\n  ... and {more} more; the full list is in the .problems attribute of this error"
        if more > 0
        else ""
    )
    message = (
        f"{len(lines)} problem{'s' if len(lines) != 1 else ''} in {n_bad_rows} of {n_rows} "
        f"leaver record{'s' if n_rows != 1 else ''}:\n{shown}{tail}\n"
        "Fix these values, or use errors='report' to keep only the valid rows."
    )
    raise SchemaError(message, problems=problems)


# --------------------------------------------------------------------------------------
# Columns and input shape
# --------------------------------------------------------------------------------------


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        index = None if data.name is None else [data.name]
        return pd.DataFrame([data.to_dict()], index=index)
    if isinstance(data, Mapping):
        return pd.DataFrame([dict(data)])
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        for position, record in enumerate(data):
            if not isinstance(record, Mapping):
                raise TypeError(
                    f"record {position} is a {type(record).__name__}; every record in a "
                    "list must be a dict of column -> value"
                )
        return pd.DataFrame(list(data))
    raise TypeError(
        "leaver records must be a pandas DataFrame, a dict (one record) or a list of dicts, "
        f"not {type(data).__name__}"
    )


def _check_columns(
    frame: pd.DataFrame, required: list[str], by_name: Mapping[str, Field]
) -> None:
    """Raise when a required column is missing or a schema column appears twice."""
    present = list(frame.columns)
    missing = [name for name in required if name not in present]
    repeated = sorted(
        {name for name in present if name in by_name and present.count(name) > 1}
    )
    if not missing and not repeated:
        return
    rows = [(name, "required column is missing; add the column or map your header to it")
            for name in missing]
    rows += [(name, "column appears more than once; keep only one") for name in repeated]
    problems = pd.DataFrame(
        {
            "row": pd.array([None] * len(rows), dtype="Int64"),
            "leaver_id": pd.Series([None] * len(rows), dtype=object),
            "column": pd.Series([r[0] for r in rows], dtype=object),
            "value": pd.Series([None] * len(rows), dtype=object),
            "problem": pd.Series([r[1] for r in rows], dtype=object),
        }
    )
    parts = []
    if missing:
        parts.append(
            f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
            " (add the column or map your header to it)"
        )
    if repeated:
        parts.append(f"repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}"
                     " (keep only one of each)")
    raise SchemaError("leaver records have " + "; ".join(parts), problems=problems)


# --------------------------------------------------------------------------------------
# One record, without a table
# --------------------------------------------------------------------------------------


@functools.cache
def _cached_reader(field: Field) -> Callable[[Any], Any]:
    return _reader(field)


def _read_value(field: Field, value: Any) -> Any:
    """The canonical value (str, or float with NaN for NA); raises _Unreadable if bad."""
    if _is_missing(value):
        return None if field.kind == "category" else math.nan
    read = _cached_reader(field)(value)
    if field.kind in _NUMBER_KINDS and _check_numbers(np.array([read]), field)[0] != _OK:
        raise _Unreadable
    return read


def read_value(field: Field, value: Any) -> Any:
    """One value in canonical form: ``str`` for a category, else ``float`` (NaN if blank).

    Raises
    ------
    ValueError
        The value is not one the field accepts (the message says what is expected).

    Examples
    --------
    >>> read_value(FIELDS_BY_NAME["sup_welcomed_return"], "はい")
    1.0
    """
    try:
        return _read_value(field, value)
    except _Unreadable:
        raise ValueError(
            f"{field.name!r} cannot be {value!r}; expected {_expectation(field)}"
        ) from None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _follows_structure(values: dict[str, Any], fields: Sequence[Field], missing: str) -> bool:
    """Infer unanswered interview flags from their answers, then check the structure."""
    if missing == "impute":
        for field in fields:
            held = field.requires
            if (held in values and field.name in values and _is_blank(values[held])
                    and not _is_blank(values[field.name])):
                values[held] = 1.0
    for field in fields:
        if field.name not in values:
            continue
        given = not _is_blank(values[field.name])
        if field.requires is not None and field.requires in values:
            held = values[field.requires]
            if (given and held == 0.0) or (not given and held == 1.0 and missing == "reject"):
                return False
        elif field.role in FEATURE_ROLES and not given and missing == "reject":
            return False
    return True


def read_record(
    record: Mapping[str, Any],
    fields: Sequence[Field],
    *,
    missing: str = "impute",
    max_missing: float = MAX_MISSING,
) -> dict[str, Any] | None:
    """One record's canonical values by the same rules as :func:`validate_records`.

    The quick path for a single record: no table is built. Categories come back as
    ``str`` (None if missing), every other field as ``float`` (booleans 0.0/1.0, NaN if
    missing), and ``leaver_id`` as text when given. Returns None when the record has any
    problem; :func:`validate_records` then gives the full report.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME["job_level"], FIELDS_BY_NAME["sup_interview_held"]]
    >>> read_record({"job_level": " Staff", "sup_interview_held": "はい"}, fields)
    {'job_level': 'staff', 'sup_interview_held': 1.0}
    >>> read_record({"job_level": "intern", "sup_interview_held": "yes"}, fields) is None
    True
    """
    values: dict[str, Any] = {}
    fields = [field for field in fields if field.kind != "id"]
    for field in fields:
        if field.name not in record:
            if field.role in FEATURE_ROLES:
                return None
            continue
        try:
            values[field.name] = _read_value(field, record[field.name])
        except _Unreadable:
            return None
    if not _follows_structure(values, fields, missing):
        return None
    if missing == "impute":
        blank = {name: np.array([_is_blank(value)]) for name, value in values.items()}
        held = {name: np.array([values[name] == 1.0]) for name in _INTERVIEW_WORDS
                if name in values}
        names, mask = _skipped_mask(blank, held, fields)
        if mask.sum() > max_missing * len(names):
            return None
    if "leaver_id" in record:
        values["leaver_id"] = _id_text(record["leaver_id"])
    return values


# --------------------------------------------------------------------------------------
# The validation entry point
# --------------------------------------------------------------------------------------


def validate_records(
    data: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    require_targets: bool = False,
    errors: Literal["raise", "report"] = "raise",
    fields: Sequence[Field] | None = None,
    missing: Literal["impute", "reject"] = "impute",
    max_missing: float = MAX_MISSING,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Check leaver records against the schema and return them in canonical form.

    Accepted spellings are coerced: text is NFKC-normalised, stripped and case-folded;
    booleans may be true/false, 1/0, yes/no, y/n, t/f or はい/いいえ; numbers may be
    given as text (including full-width digits); empty cells, ``"na"``, ``"n/a"``,
    ``"nan"``, ``"null"`` and ``"none"`` mean missing.

    Parameters
    ----------
    data : pandas.DataFrame, dict or list of dict
        The records: a table, one record, or a list of records. It is not modified.
    require_targets : bool, default False
        Also require ``alumni_engagement`` and ``rehire_intent``, with a value in every row
        (for training). Otherwise targets are validated when present and may be empty.
    errors : {"raise", "report"}, default "raise"
        ``"raise"``: raise :class:`~rehire_model.exceptions.SchemaError` on any problem.
        ``"report"``: return the valid rows and a table of the problems instead. A missing
        required column raises in both modes.
    fields : sequence of Field, optional
        The fields to check, instead of the schema's :data:`FIELDS`. A trained model
        passes the fields its training config uses, which may leave out schema fields
        and add a company's own columns. The columns of fields with a feature role must
        be present; the others are checked when present.
    missing : {"impute", "reject"}, default "impute"
        ``"impute"``: an unanswered field (a skipped survey answer) is not a problem; it
        stays empty (NA) for the model to handle. An unanswered interview flag whose
        answers about that interview are given reads as held. ``"reject"``: every field
        with a feature role needs a value, and an interview held needs its answers.
        Either way, an answer about an interview marked as not held is a problem.
    max_missing : float, default 0.5
        With ``missing="impute"``: a record that leaves more than this share of its
        fields in use unanswered is a problem (too little is known to score it). An
        interview's answers count only when the interview is known to have been held.

    Returns
    -------
    pandas.DataFrame or tuple of (pandas.DataFrame, pandas.DataFrame)
        The records with only the schema columns present (``leaver_id``, protected
        fields and targets only when given), in schema order, with the input's index.
        Dtypes: categories ``object`` (str), booleans ``"boolean"``, ordinals and ints
        ``"Int64"``, floats ``float64``, ``leaver_id`` ``object`` (str, None if missing).
        With ``errors="report"``: ``(valid, problems)`` where ``valid`` holds only the rows
        without problems and ``problems`` has one row per problem with columns ``row``
        (0-based position), ``leaver_id``, ``column``, ``value`` (as given) and ``problem``.

    Raises
    ------
    SchemaError
        A required column is missing, or (with ``errors="raise"``) any value is bad. Its
        ``problems`` attribute lists every problem.
    TypeError
        ``data`` is not a table, a record or a list of records.
    ValueError
        ``errors`` is not ``"raise"`` or ``"report"``.

    Examples
    --------
    >>> record = {
    ...     "company_size": "5000+", "industry": "IT_Telecom ", "job_level": "staff",
    ...     "tenure_years": "4.5", "years_since_exit": 1,
    ...     "policy_comeback_program": "yes", "policy_alumni_perks": 0,
    ...     "policy_alumni_community": False, "policy_alumni_events": "no",
    ...     "informal_rehire_custom": "いいえ",
    ...     "sup_interview_held": True, "sup_interview_amicability": "４",
    ...     "hr_interview_held": False, "hr_interview_amicability": None,
    ...     "sup_understood_reason": 1, "sup_respected_timing": 1, "sup_listened_to_end": 0,
    ...     "sup_listened_carefully": 1, "sup_heard_dissatisfaction": 0,
    ...     "sup_answered_questions": 1, "sup_welcomed_return": "y",
    ...     "invited_to_alumni_community": True, "informed_of_rehire_route": False,
    ... }
    >>> out = validate_records(record)
    >>> out.loc[0, "industry"], int(out.loc[0, "sup_interview_amicability"])
    ('it_telecom', 4)
    >>> bad = dict(record, industry="banking")
    >>> valid, problems = validate_records([record, bad], errors="report")
    >>> len(valid), problems.loc[0, "problem"][:35]
    (1, "column 'industry' has 'banking'; ex")
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    if missing not in MISSING_MODES:
        raise ValueError(f"missing must be 'impute' or 'reject', got {missing!r}")
    frame = _as_frame(data)
    fields = FIELDS if fields is None else tuple(fields)
    by_name = {f.name: f for f in fields}
    required = [
        f.name
        for f in fields
        if f.role in FEATURE_ROLES or (require_targets and f.role == "target")
    ]
    if frame.shape[1] == 0 and len(frame) == 0:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in required})
    _check_columns(frame, required, by_name)

    ids = _coerce_ids(frame["leaver_id"]) if "leaver_id" in frame.columns else None
    columns = {
        f.name: _coerce_column(frame[f.name], f)
        for f in fields
        if f.kind != "id" and f.name in frame.columns
    }
    if missing == "impute":
        _infer_held(columns, by_name)
    _apply_structure(columns, by_name, missing)
    answers_needed = {f.name for f in fields if f.role == "target"} & set(required)
    if missing == "reject":
        answers_needed |= set(required)
    _apply_required(columns, answers_needed, by_name)
    record_problems = (_too_many_blanks(columns, fields, max_missing)
                       if missing == "impute" else [])

    output = pd.DataFrame({name: column.values for name, column in columns.items()},
                          index=frame.index)
    if ids is not None:
        output.insert(0, "leaver_id", ids)
    problems, lines = _problems_frame(frame, columns, ids, by_name, record_problems)
    if errors == "raise":
        if lines:
            _raise_problems(problems, lines, len(frame))
        return output
    bad = np.zeros(len(frame), dtype=bool)
    bad[problems["row"].to_numpy(dtype=np.int64)] = True
    return output.iloc[~bad], problems
