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
from collections.abc import Callable, Container, Mapping, Sequence
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
    "as_records_frame",
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

_Bounds = tuple[float, float, bool, bool]


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
    """Read a yes/no answer as 1.0 or 0.0.

    A number comes back as it is: the bounds of a yes/no field (:func:`_bounds`) accept
    only 0 and 1, for single values and numeric columns alike.
    """
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str):
        text = _normalise_text(value)
        if text in _TRUE_TEXT:
            return 1.0
        if text in _FALSE_TEXT:
            return 0.0
    return _read_number(value)


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


@functools.cache
def _cached_reader(field: Field) -> Callable[[Any], Any]:
    return _reader(field)


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


def _bounds(field: Field) -> _Bounds:
    """What a field's numbers must meet: ``(low, high, whole, yes_no)``.

    A yes/no field takes only 0 and 1, and any other number is not an answer to it
    (``yes_no``); a category has no numbers (NaN bounds).
    """
    if field.kind == "bool":
        return 0.0, 1.0, True, True
    if field.kind in _NUMBER_KINDS:
        return float(field.low), float(field.high), field.kind != "float", False
    return math.nan, math.nan, False, False


def _check_numbers(x: np.ndarray, low: Any, high: Any, whole: Any, yes_no: Any) -> np.ndarray:
    """Reason codes for numbers outside their :func:`_bounds`.

    The bounds are scalars for values of one field, or arrays for one value of each
    field of a layout.
    """
    reason = np.zeros(x.shape, dtype=np.int8)
    reason[whole & np.isfinite(x) & (x != np.round(x))] = _NOT_WHOLE
    reason[((x < low) | (x > high)) & (reason == _OK)] = _OUT_OF_RANGE
    reason[yes_no & (reason != _OK)] = _UNRECOGNISED
    return reason


def _read_cell(read: Callable[[Any], Any], value: Any) -> tuple[Any, bool, int]:
    """One value as given, read by ``read``: ``(value, given, reason)``.

    The value is None when the cell is blank (``given`` False) or cannot be read (reason
    ``_UNRECOGNISED``); numbers are checked against their bounds afterwards.
    """
    if _is_missing(value):
        return None, False, _OK
    try:
        return read(value), True, _OK
    except _Unreadable:
        return None, True, _UNRECOGNISED


def read_value(field: Field, value: Any) -> Any:
    """One value in canonical form: ``str`` for a category, else ``float`` (NaN if blank).

    Parameters
    ----------
    field : Field
        The field the value is an answer to.
    value : object
        The value as given (any accepted spelling, see :func:`validate_records`).

    Returns
    -------
    str, float or None
        A category as its declared text (None if blank); any other kind as a float
        (booleans 1.0/0.0, NaN if blank).

    Raises
    ------
    ValueError
        The value is not one the field accepts (the message says what is expected).

    Examples
    --------
    >>> read_value(FIELDS_BY_NAME["sup_welcomed_return"], "はい")
    1.0
    """
    read, given, reason = _read_cell(_cached_reader(field), value)
    if given and reason == _OK and field.kind != "category":
        reason = int(_check_numbers(np.array([read]), *_bounds(field))[0])
    if reason != _OK:
        raise ValueError(f"{field.name!r} cannot be {value!r}; expected {_expectation(field)}")
    if not given:
        return None if field.kind == "category" else math.nan
    return read


def _id_text(value: Any) -> str | None:
    if _is_null(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


# --------------------------------------------------------------------------------------
# The rules across fields
#
# read_record reads a record value by value (_read_cells), validate_records a table
# column by column (_read_columns); both put what they read into a _Checked, with one
# row per field of a _Layout and one column per record. The rules then run on those
# arrays (_apply_rules): the same code for one record as for a table.
# --------------------------------------------------------------------------------------


def _required_names(fields: Sequence[Field], require_targets: bool) -> list[str]:
    """The columns records must have: every field with a feature role (and the targets,
    for training)."""
    return [
        f.name
        for f in fields
        if f.role in FEATURE_ROLES or (require_targets and f.role == "target")
    ]


@dataclass(frozen=True, slots=True)
class _Layout:
    """The fields records are checked on, one row each, and where each rule looks.

    ``flags`` are the rows of the interview flags present (one interview each);
    ``answers`` the rows of the fields that need one of them, grouped by interview, with
    ``answer_of`` their interview and ``answer_starts`` where each group starts. ``used``
    are the rows with a feature role, where skipped answers count; ``expected_by`` says
    per used row when an answer is expected (a row of the matrix in :func:`_skipped`).
    """

    fields: tuple[Field, ...]
    readers: tuple[Callable[[Any], Any], ...]
    text: tuple[bool, ...]
    low: np.ndarray
    high: np.ndarray
    whole: np.ndarray
    yes_no: np.ndarray
    flags: np.ndarray
    answers: np.ndarray
    answer_of: np.ndarray
    answer_starts: np.ndarray
    used: np.ndarray
    used_names: tuple[str, ...]
    expected_by: np.ndarray
    feature_free: np.ndarray
    target_free: np.ndarray
    complete: bool

    def bounds(self, row: int) -> _Bounds:
        """The :func:`_bounds` of the field in ``row``."""
        return self.low[row], self.high[row], self.whole[row], self.yes_no[row]

    def needs_answer(self, missing: str, require_targets: bool) -> np.ndarray | None:
        """Per row, whether a blank is a problem (None: nowhere).

        With ``missing="reject"`` every field with a feature role needs an answer, and for
        training every target; an interview's answers are left to the interview rules.
        """
        if missing == "reject":
            return self.feature_free | self.target_free if require_targets else self.feature_free
        return self.target_free if require_targets else None


def _build_layout(fields: tuple[Field, ...], absent: tuple[str, ...]) -> _Layout:
    present = tuple(f for f in fields if f.kind != "id" and f.name not in absent)
    row_of = {f.name: row for row, f in enumerate(present)}
    flags = list(dict.fromkeys(f.requires for f in present if f.requires in row_of))
    groups = [[row for row, f in enumerate(present) if f.requires == flag] for flag in flags]
    used = [row for row, f in enumerate(present) if f.role in FEATURE_ROLES]
    always, never = len(flags), len(flags) + 1
    expected_by = [
        always if present[row].requires is None
        else flags.index(present[row].requires) if present[row].requires in flags
        else never
        for row in used
    ]
    bounds = [_bounds(f) for f in present]
    low, high = (np.array([b[i] for b in bounds], dtype=float) for i in (0, 1))
    whole, yes_no = (np.array([b[i] for b in bounds], dtype=bool) for i in (2, 3))
    free = np.array([f.requires is None for f in present], dtype=bool)
    return _Layout(
        fields=present,
        readers=tuple(_reader(f) for f in present),
        text=tuple(f.kind == "category" for f in present),
        low=low,
        high=high,
        whole=whole,
        yes_no=yes_no,
        flags=np.array([row_of[flag] for flag in flags], dtype=np.intp),
        answers=np.array([row for group in groups for row in group], dtype=np.intp),
        answer_of=np.array([i for i, group in enumerate(groups) for _ in group], dtype=np.intp),
        answer_starts=np.cumsum([0, *map(len, groups)], dtype=np.intp)[:-1],
        used=np.array(used, dtype=np.intp),
        used_names=tuple(present[row].name for row in used),
        expected_by=np.array(expected_by, dtype=np.intp),
        feature_free=free & np.array([f.role in FEATURE_ROLES for f in present], dtype=bool),
        target_free=free & np.array([f.role == "target" for f in present], dtype=bool),
        complete=not set(_required_names(fields, require_targets=False)) & set(absent),
    )


_LAYOUTS: dict[tuple[int, tuple[str, ...]], tuple[tuple[Field, ...], _Layout]] = {}
_MAX_LAYOUTS = 64


def _layout(fields: Sequence[Field], columns: Container[Any]) -> _Layout:
    """The layout of the ``fields`` found in ``columns`` (a record's keys or a table's
    columns).

    Kept per ``fields`` object, so that a model reading record after record with its
    fields builds it once; checking identity (not hashing every Field) keeps that quick.
    """
    absent = tuple(f.name for f in fields if f.name not in columns)
    key = (id(fields), absent)
    snapshot = tuple(fields)
    kept = _LAYOUTS.get(key)
    if kept is not None and kept[0] == snapshot:
        return kept[1]
    if len(_LAYOUTS) >= _MAX_LAYOUTS:
        _LAYOUTS.clear()
    layout = _build_layout(snapshot, absent)
    _LAYOUTS[key] = (snapshot, layout)
    return layout


@dataclass(slots=True)
class _Checked:
    """Records under the rules: one row per field of a layout, one column per record.

    ``given``: a value was given (not blank). ``reason``: what is wrong with it (0:
    nothing). ``held``: one row per interview of the layout, 1.0 where it was held, 0.0
    where not, NaN where unknown.
    """

    given: np.ndarray
    reason: np.ndarray
    held: np.ndarray

    @classmethod
    def read(cls, given: np.ndarray, reason: np.ndarray, flags: np.ndarray,
             layout: _Layout) -> _Checked:
        """Start from values as read; ``flags`` are the numbers read for the interview
        flags, one row per interview."""
        known = given[layout.flags] & (reason[layout.flags] == _OK)
        return cls(given, reason, np.where(known, flags, np.nan))


def _infer_held(checked: _Checked, layout: _Layout) -> None:
    """An unanswered interview flag with answers about that interview means it was held."""
    if not len(layout.flags):
        return
    rows = layout.answers
    answered = checked.given[rows] & (checked.reason[rows] == _OK)
    inferred = ~checked.given[layout.flags] & np.logical_or.reduceat(
        answered, layout.answer_starts, axis=0)
    checked.held[inferred] = 1.0
    checked.given[layout.flags] |= inferred


def _check_structure(checked: _Checked, layout: _Layout, missing: str) -> None:
    """Flag answers given without their interview (and, when blanks are rejected, answers
    missing although the interview was held)."""
    rows = layout.answers
    given, reason = checked.given[rows], checked.reason[rows]
    not_held = (checked.held == 0.0)[layout.answer_of]
    reason[not_held & given & (reason == _OK)] = _WITHOUT_INTERVIEW
    if missing == "reject":
        reason[(checked.held == 1.0)[layout.answer_of] & ~given] = _MISSING_WITH_INTERVIEW
    checked.reason[rows] = reason


def _require_answers(checked: _Checked, needed: np.ndarray | None) -> None:
    """Flag blanks of the rows that need an answer (see :meth:`_Layout.needs_answer`)."""
    if needed is not None and needed.any():
        blank = ~checked.given & (checked.reason == _OK)
        checked.reason[needed[:, None] & blank] = _MISSING


def _skipped(blank: np.ndarray, held: np.ndarray, layout: _Layout) -> np.ndarray:
    """Per used field (the rows of ``blank``) and record: an answer was skipped.

    An interview's answers are expected only when the interview is known to have been
    held: without it (or when whether it was held is itself unanswered) they are empty
    by structure, not skipped. ``expected`` has a row per interview, then one for the
    fields that are always expected and one for answers whose interview flag is not in
    use (never expected).
    """
    n_records = blank.shape[1]
    expected = np.concatenate((held == 1.0, np.ones((1, n_records), dtype=bool),
                               np.zeros((1, n_records), dtype=bool)))
    return blank & expected[layout.expected_by]


def _too_many_blanks(
    checked: _Checked, layout: _Layout, max_missing: float
) -> list[tuple[int, str]]:
    """(record, problem) for each record that left more than ``max_missing`` unanswered."""
    names = layout.used_names
    if not names:
        return []
    mask = _skipped(~checked.given[layout.used], checked.held, layout)
    problems = []
    for record in np.flatnonzero(mask.sum(axis=0) > max_missing * len(names)).tolist():
        skipped = [names[row] for row in np.flatnonzero(mask[:, record]).tolist()]
        shown = ", ".join(skipped[:6]) + (", ..." if len(skipped) > 6 else "")
        problems.append((record, (
            f"{len(skipped)} of the {len(names)} fields in use are unanswered ({shown}), "
            f"more than max_missing {max_missing:g} allows; too little is known to score "
            "this record: fill in some of these answers"
        )))
    return problems


def _apply_rules(
    checked: _Checked,
    layout: _Layout,
    *,
    missing: str,
    max_missing: float,
    require_targets: bool,
) -> list[tuple[int, str]]:
    """Apply the rules across fields to values as read.

    Bad values are marked in ``checked.reason``; problems with a whole record are
    returned as (record, problem).
    """
    if missing == "impute":
        _infer_held(checked, layout)
    _check_structure(checked, layout, missing)
    _require_answers(checked, layout.needs_answer(missing, require_targets))
    return _too_many_blanks(checked, layout, max_missing) if missing == "impute" else []


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
    layout = _layout(fields, arrays)
    n_records = len(next(iter(arrays.values()))) if arrays else 0
    blank = [
        np.isnan(values) if values.dtype.kind == "f" else pd.isna(values)
        for values in (arrays[name] for name in layout.used_names)
    ]
    held = [
        np.where(arrays[layout.fields[row].name] == 1.0, 1.0, np.nan) for row in layout.flags
    ]
    mask = _skipped(_rows(blank, n_records, bool), _rows(held, n_records, float), layout)
    return layout.used_names, np.ascontiguousarray(mask.T)


def _rows(arrays: Sequence[np.ndarray], n_records: int, dtype: Any) -> np.ndarray:
    """Per-field arrays as the rows of one matrix (also when there are none)."""
    return np.array(arrays, dtype=dtype).reshape(len(arrays), n_records)


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


_Problem = tuple[int | None, str | None, str | None, Any, str]


def _problems_table(found: Sequence[_Problem]) -> pd.DataFrame:
    """The table of problems, one row per ``(row, leaver_id, column, value, problem)``.

    ``row`` (the record's 0-based position, NA for a problem with a whole column) is
    ``Int64``; the other columns hold objects.
    """
    rows, leaver_ids, columns, values, texts = (
        [list(c) for c in zip(*found, strict=True)] if found else [[] for _ in PROBLEM_COLUMNS]
    )
    return pd.DataFrame(
        {
            "row": pd.array(rows, dtype="Int64"),
            "leaver_id": pd.Series(leaver_ids, dtype=object),
            "column": pd.Series(columns, dtype=object),
            "value": pd.Series(values, dtype=object),
            "problem": pd.Series(texts, dtype=object),
        }
    )


def _row_prefix(position: int, label: Any, leaver_id: str | None) -> str:
    details = []
    if not (isinstance(label, numbers.Integral) and label == position):
        details.append(f"index {_plain(label)!r}")
    if leaver_id is not None:
        details.append(f"leaver_id {leaver_id!r}")
    return f"row {position}" + (f" ({', '.join(details)})" if details else "")


def _schema_error(problems: pd.DataFrame, index: pd.Index) -> SchemaError:
    """The error for problems with records: how many, the first five, and what to do."""
    first = problems.iloc[:5]
    shown = "\n".join(
        f"  {_row_prefix(row, index[row], leaver_id)}: {text}"
        for row, leaver_id, text in zip(
            first["row"].tolist(), first["leaver_id"].tolist(), first["problem"].tolist(),
            strict=True,
        )
    )
    n_problems, n_records = len(problems), len(index)
    more = n_problems - 5
    tail = (
        f"\n  ... and {more} more; the full list is in the .problems attribute of this error"
        if more > 0
        else ""
    )
    message = (
        f"{n_problems} problem{'s' if n_problems != 1 else ''} in {problems['row'].nunique()} "
        f"of {n_records} leaver record{'s' if n_records != 1 else ''}:\n{shown}{tail}\n"
        "Fix these values, or use errors='report' to keep only the valid rows."
    )
    return SchemaError(message, problems=problems)


# --------------------------------------------------------------------------------------
# One record, without a table
# --------------------------------------------------------------------------------------


def _read_cells(record: Mapping[str, Any], layout: _Layout) -> tuple[dict[str, Any], _Checked]:
    """A record's values as read (canonical, by field) and the record ready for the rules."""
    values: dict[str, Any] = {}
    x, given, reasons = [], [], []
    for field, read, is_text in zip(layout.fields, layout.readers, layout.text, strict=True):
        value, is_given, reason = _read_cell(read, record[field.name])
        given.append(is_given)
        reasons.append(reason)
        if is_text:
            values[field.name] = value
            x.append(math.nan)
        else:
            values[field.name] = number = math.nan if value is None else value
            x.append(number)
    numbers = np.array(x, dtype=np.float64)
    reason = np.array(reasons, dtype=np.int8)
    reason = np.where(reason == _OK, _check_numbers(numbers, layout.low, layout.high,
                                                    layout.whole, layout.yes_no), reason)
    checked = _Checked.read(np.array(given, dtype=bool)[:, None], reason[:, None],
                            numbers[layout.flags][:, None], layout)
    return values, checked


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

    Parameters
    ----------
    record : dict
        Column -> value, as given.
    fields : sequence of Field
        The fields to read (a model's ``record_fields``). Those with a feature role must
        be keys of ``record``; the others are read when present.
    missing : {"impute", "reject"}, default "impute"
        How unanswered fields are treated, as in :func:`validate_records`.
    max_missing : float, default 0.5
        The share of the fields in use that may be unanswered (``missing="impute"``).

    Returns
    -------
    dict or None
        The canonical values of the fields present, in the order of ``fields`` (then
        ``leaver_id``), or None if the record has a problem.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME["job_level"], FIELDS_BY_NAME["sup_interview_held"]]
    >>> read_record({"job_level": " Staff", "sup_interview_held": "はい"}, fields)
    {'job_level': 'staff', 'sup_interview_held': 1.0}
    >>> read_record({"job_level": "intern", "sup_interview_held": "yes"}, fields) is None
    True
    """
    layout = _layout(fields, record)
    if not layout.complete:
        return None
    values, checked = _read_cells(record, layout)
    if (_apply_rules(checked, layout, missing=missing, max_missing=max_missing,
                     require_targets=False) or checked.reason.any()):
        return None
    for i, row in enumerate(layout.flags.tolist()):
        values[layout.fields[row].name] = float(checked.held[i, 0])
    if "leaver_id" in record:
        values["leaver_id"] = _id_text(record["leaver_id"])
    return values


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def as_records_frame(
    data: pd.DataFrame | pd.Series | Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> pd.DataFrame:
    """Leaver records as a table, the way :func:`validate_records` reads them.

    Parameters
    ----------
    data : pandas.DataFrame, pandas.Series, dict or list of dict
        A table (returned as it is, not copied), one record (a Series keeps its name as
        the row label) or a list of records.

    Returns
    -------
    pandas.DataFrame
        One row per record, the columns as given.

    Raises
    ------
    TypeError
        ``data`` is not a table, a record or a list of records.

    Examples
    --------
    >>> as_records_frame([{"leaver_id": "L1"}, {"leaver_id": "L2"}])["leaver_id"].tolist()
    ['L1', 'L2']
    """
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


def _check_columns(frame: pd.DataFrame, required: list[str], fields: Sequence[Field]) -> None:
    """Raise when a required column is missing or a field's column appears twice."""
    present = list(frame.columns)
    names = {f.name for f in fields}
    missing = [name for name in required if name not in present]
    repeated = sorted({name for name in present if name in names and present.count(name) > 1})
    if not missing and not repeated:
        return
    found: list[_Problem] = [
        (None, None, name, None, "required column is missing; add the column or map your "
         "header to it")
        for name in missing
    ]
    found += [(None, None, name, None, "column appears more than once; keep only one")
              for name in repeated]
    parts = []
    if missing:
        parts.append(
            f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
            " (add the column or map your header to it)"
        )
    if repeated:
        parts.append(f"repeated column{'s' if len(repeated) > 1 else ''}: {', '.join(repeated)}"
                     " (keep only one of each)")
    if missing and present and not names.intersection(present):
        parts.append(_unknown_header(present))
    raise SchemaError("leaver records have " + "; ".join(parts),
                      problems=_problems_table(found))


#: Separators a file may use, as ``--sep`` names them.
_SEPARATOR_NAMES = {";": "';'", "\t": "tab", ",": "','"}
#: Marks of text decoded in the wrong encoding: UTF-8 read as Latin-1 or cp1252.
_MOJIBAKE = ("\ufffd", "Ã", "Â", "â€", "ï»¿")


def _unknown_header(columns: Sequence[Any]) -> str:
    """What a header that names no field looks like, and what to pass to read it."""
    names = [str(name) for name in columns]
    if len(names) == 1:
        for separator, name in _SEPARATOR_NAMES.items():
            if separator in names[0]:
                return (f"the table has one column, whose name contains {name}: the file "
                        f"looks {name}-separated; pass --sep {name} (sep={separator!r} in "
                        "Python)")
    shown = ", ".join(repr(name[:30]) for name in names[:3]) + (", ..." if len(names) > 3
                                                                   else "")
    if any("\x00" in name for name in names):
        return (f"the headers ({shown}) hold NUL bytes: the file is likely UTF-16 text; "
                "pass --encoding utf-16 (utf-16-le or utf-16-be when it has no byte-order "
                "mark)")
    if any(any(mark in name for mark in _MOJIBAKE) or any(
            unicodedata.category(ch) == "Cc" and ch != "\t" for ch in name) for name in names):
        return (f"the headers ({shown}) hold characters of a likely wrong encoding; pass "
                "--encoding (utf-8, cp932 for Shift_JIS, utf-16 for Excel's Unicode text)")
    return (f"no column of the table is a field (the headers are {shown}); name the "
            "columns as the fields, or map your headers to them with --columns")


@dataclass(slots=True)
class _Column:
    """A column as read: values (float, or text for a category), where a value was given,
    and what went wrong."""

    values: np.ndarray
    given: np.ndarray
    reason: np.ndarray


def _read_uniques(uniques: np.ndarray, field: Field, read: Callable[[Any], Any],
                  bounds: _Bounds) -> _Column:
    """Read each distinct value once; the last slot stands for a missing value."""
    n = len(uniques) + 1
    text = field.kind == "category"
    values = np.full(n, None, dtype=object) if text else np.full(n, np.nan)
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
        value, given[i], reason[i] = _read_cell(read, uniques[i])
        if value is not None:
            values[i] = value
    if not text:
        reason = np.where(reason == _OK, _check_numbers(values, *bounds), reason)
    return _Column(values, given, reason)


def _read_column(series: pd.Series, layout: _Layout, row: int) -> _Column:
    """Read the column of the layout's field in ``row``."""
    field = layout.fields[row]
    is_number_column = ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(
        series.dtype
    )
    if is_number_column and not _reads_text(field):
        # A column that already holds numbers: no value needs looking at one by one.
        x = series.to_numpy(dtype="float64", na_value=np.nan)
        return _Column(x, ~np.isnan(x), _check_numbers(x, *layout.bounds(row)))
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    per_unique = _read_uniques(np.asarray(uniques, dtype=object), field, layout.readers[row],
                               layout.bounds(row))
    return _Column(per_unique.values[codes], per_unique.given[codes], per_unique.reason[codes])


def _read_columns(frame: pd.DataFrame, layout: _Layout) -> tuple[list[_Column], _Checked]:
    """A table's columns as read and its records ready for the rules."""
    columns = [_read_column(frame[f.name], layout, row) for row, f in enumerate(layout.fields)]
    n_records = len(frame)
    checked = _Checked.read(
        _rows([c.given for c in columns], n_records, bool),
        _rows([c.reason for c in columns], n_records, np.int8),
        _rows([columns[row].values for row in layout.flags], n_records, float),
        layout,
    )
    return columns, checked


def _canonical(values: np.ndarray, empty: np.ndarray, field: Field, index: pd.Index) -> pd.Series:
    """Build the column in its canonical dtype, NA where ``empty``."""
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


def _canonical_frame(
    columns: Sequence[_Column], checked: _Checked, layout: _Layout, index: pd.Index
) -> pd.DataFrame:
    """The records in canonical dtypes (interview flags as the rules left them)."""
    values = [column.values for column in columns]
    for i, row in enumerate(layout.flags.tolist()):
        values[row] = checked.held[i]
    empty = ~checked.given | (checked.reason != _OK)
    return pd.DataFrame(
        {f.name: _canonical(values[row], empty[row], f, index)
         for row, f in enumerate(layout.fields)},
        index=index,
    )


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


def _table_problems(
    frame: pd.DataFrame,
    checked: _Checked,
    layout: _Layout,
    ids: pd.Series | None,
    record_problems: Sequence[tuple[int, str]],
) -> pd.DataFrame:
    """The problems of a table, ordered by record, then by field, then whole-record ones."""
    found: list[tuple[int, str | None, Any, str]] = []
    for row, field in enumerate(layout.fields):
        records = np.flatnonzero(checked.reason[row])
        if not len(records):
            continue
        original = frame[field.name]
        for record, reason in zip(records.tolist(), checked.reason[row, records].tolist(),
                                  strict=True):
            value = _plain(original.iloc[record])
            found.append((record, field.name, value, _problem_text(field, reason, value)))
    found += [(record, None, None, text) for record, text in record_problems]
    found.sort(key=lambda problem: problem[0])  # stable: field order within a record
    leaver_ids = ids.to_numpy() if ids is not None else None
    return _problems_table([
        (record, None if leaver_ids is None else leaver_ids[record], column, value, text)
        for record, column, value, text in found
    ])


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
    frame = as_records_frame(data)
    fields = FIELDS if fields is None else tuple(fields)
    required = _required_names(fields, require_targets)
    if frame.shape[1] == 0 and len(frame) == 0:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in required})
    _check_columns(frame, required, fields)

    layout = _layout(fields, frame.columns)
    columns, checked = _read_columns(frame, layout)
    record_problems = _apply_rules(checked, layout, missing=missing, max_missing=max_missing,
                                   require_targets=require_targets)

    output = _canonical_frame(columns, checked, layout, frame.index)
    ids = _coerce_ids(frame["leaver_id"]) if "leaver_id" in frame.columns else None
    if ids is not None:
        output.insert(0, "leaver_id", ids)
    problems = _table_problems(frame, checked, layout, ids, record_problems)
    if errors == "raise":
        if len(problems):
            raise _schema_error(problems, frame.index)
        return output
    bad = np.zeros(len(frame), dtype=bool)
    bad[problems["row"].to_numpy(dtype=np.int64)] = True
    return output.iloc[~bad], problems
