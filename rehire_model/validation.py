"""The validation engine: one set of rules for one record and for whole tables.

:func:`validate_records` checks and coerces leaver records (the columns of
:data:`rehire_model.schema.FIELDS`) for training, prediction and batch scoring alike;
:func:`read_record` reads one record by the same rules without building a table (with a
:class:`RecordReader`, compiled once for a set of fields), and :func:`read_value` one
value. Values are read from any of their spellings
(:func:`rehire_model.schema.value_spellings`), and problems are described in English or
Japanese, in a table of :data:`PROBLEM_COLUMNS` (:func:`problems_table`).

Examples
--------
>>> from rehire_model.schema import FIELDS_BY_NAME
>>> read_value(FIELDS_BY_NAME["company_size"], "5,000人以上")
'5000+'
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import functools
import math
import numbers
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from pandas.arrays import BooleanArray, IntegerArray

from rehire_model.exceptions import SchemaError
from rehire_model.schema import (
    FEATURE_ROLES,
    FIELDS,
    FIELDS_BY_NAME,
    INTERVIEW_FLAGS,
    Field,
    answer_keys,
    is_blank,
    normalise_text,
    number_in,
    value_spellings,
    yes_no_spellings,
)
from rehire_model.texts import (
    ANSWER_SPELLINGS,
    LANGS,
    Message,
    check_lang,
    has_text,
    message,
    text,
)

__all__ = [
    "MAX_MISSING",
    "MISSING_MODES",
    "PROBLEM_COLUMNS",
    "RecordReader",
    "answer_masks",
    "as_records_frame",
    "blank_columns",
    "closest_header",
    "expected_flags",
    "problems_table",
    "read_record",
    "read_value",
    "read_yes_no",
    "skipped_answers",
    "validate_records",
]

PROBLEM_COLUMNS = ("row", "leaver_id", "column", "value", "problem")
#: How unanswered fields are treated: kept and handled by the model, or rejected.
MISSING_MODES = ("impute", "reject")
#: Default share of a record's used fields that may be unanswered (``missing="impute"``).
MAX_MISSING = 0.5
#: An answer written as its level and its text: "4：ややそう思う", "4 ややそう思う", "4. Agree".
_NUMBERED_ANSWER = re.compile(r"(\d+) ?[.:)=、,-]? ?(\D.*)")

# What went wrong with one value; 0 means nothing.
_OK, _UNRECOGNISED, _NOT_WHOLE, _OUT_OF_RANGE = 0, 1, 2, 3
_MISSING, _WITHOUT_INTERVIEW, _MISSING_WITH_INTERVIEW, _MISMATCHED = 4, 5, 6, 7

_NUMBER_KINDS = ("ordinal", "int", "float")

_Bounds = tuple[float, float, bool, bool]


class _Unreadable(Exception):
    """A single value cannot be read as the field's kind."""


class _Mismatched(_Unreadable):
    """An answer written as a level and a text that name different levels."""


_YES_NO = {interview: yes_no_spellings(interview) for interview in (False, True)}


def _is_null(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and math.isnan(value))


def _read_number(value: Any) -> float:
    """Read a number given as a number or as text; booleans are not numbers.

    Text that reads as not-a-number without being a blank's spelling (``"-nan"``) is not
    a number either.
    """
    number = number_in(value)
    if number is None or math.isnan(number):
        raise _Unreadable
    return number


def _read_bool(spellings: Mapping[str, float], value: Any) -> float:
    """Read a yes/no answer as 1.0 or 0.0.

    A number comes back as it is: the bounds of a yes/no field (:func:`_bounds`) accept
    only 0 and 1, for single values and numeric columns alike.
    """
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, str):
        known = spellings.get(normalise_text(value))
        if known is not None:
            return known
    return _read_number(value)


def read_yes_no(value: Any, *, interview: bool = False) -> bool | None:
    """Read a yes/no answer the way :func:`validate_records` reads it.

    Parameters
    ----------
    value : object
        A bool, 1/0, or any spelling of :data:`YES_TEXT` or :data:`NO_TEXT` (compared
        after :func:`normalise_text`).
    interview : bool, default False
        Also read :data:`HELD_TEXT` and :data:`NOT_HELD_TEXT` (実施/未実施), as the
        interview flags do.

    Returns
    -------
    bool or None
        None for a blank or anything that is not a yes/no answer.

    Examples
    --------
    >>> read_yes_no("○"), read_yes_no(" ＮＯ "), read_yes_no("未実施", interview=True)
    (True, False, False)
    >>> read_yes_no("未実施") is None, read_yes_no(2) is None
    (True, True)
    """
    if is_blank(value):
        return None
    try:
        number = _read_bool(_YES_NO[interview], value)
    except _Unreadable:
        return None
    return {1.0: True, 0.0: False}.get(number)


def _text_reader(allowed: Mapping[str, Any]) -> Callable[[Any], Any]:
    """Read a value by its normalised text: one of ``allowed``'s keys."""

    def read_text(value: Any) -> Any:
        key = normalise_text(value if isinstance(value, str) else str(value))
        if key not in allowed:
            raise _Unreadable
        return allowed[key]

    return read_text


def _answer_reader(answers: Mapping[str, float]) -> Callable[[Any], float]:
    """Read a Likert answer: a level number, an answer's text, or both when they agree."""

    def read_answer(value: Any) -> float:
        if isinstance(value, str):
            key = normalise_text(value)
            if key in answers:
                return answers[key]
            numbered = _NUMBERED_ANSWER.fullmatch(key)
            if numbered and numbered[2] in answers:
                if float(numbered[1]) != answers[numbered[2]]:
                    raise _Mismatched
                return answers[numbered[2]]
        return _read_number(value)

    return read_answer


def _reader(field: Field) -> Callable[[Any], Any]:
    spellings = value_spellings(field)
    if field.kind == "bool":
        return functools.partial(_read_bool, spellings)
    if _reads_text(field):
        return _text_reader(spellings)
    if spellings:
        return _answer_reader(spellings)
    return _read_number


@functools.cache
def _cached_reader(field: Field) -> Callable[[Any], Any]:
    return _reader(field)


def _reads_text(field: Field) -> bool:
    """Values are read by their text (categories, and ordinal levels given as text)."""
    return field.kind == "category" or bool(field.levels)


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


def _number_reason(x: float, bounds: _Bounds) -> int:
    """The reason code of one number against its :func:`_bounds` (as
    :func:`_check_numbers` gives it for an array)."""
    low, high, whole, yes_no = bounds
    reason = _OK
    if whole and math.isfinite(x) and x != round(x):
        reason = _NOT_WHOLE
    elif x < low or x > high:
        reason = _OUT_OF_RANGE
    return _UNRECOGNISED if yes_no and reason != _OK else reason


def _read_cell(read: Callable[[Any], Any], value: Any) -> tuple[Any, bool, int]:
    """One value as given, read by ``read``: ``(value, given, reason)``.

    The value is None when the cell is blank (``given`` False) or cannot be read (reason
    ``_UNRECOGNISED``, or ``_MISMATCHED`` for an answer whose number and text disagree);
    numbers are checked against their bounds afterwards.
    """
    if is_blank(value):
        return None, False, _OK
    try:
        return read(value), True, _OK
    except _Mismatched:
        return None, True, _MISMATCHED
    except _Unreadable:
        return None, True, _UNRECOGNISED


def read_value(field: Field, value: Any) -> Any:
    """One value in canonical form: ``str`` for a category, else ``float`` (NaN if blank).

    Parameters
    ----------
    field : Field
        The field the value is an answer to.
    value : object
        The value as given (any accepted spelling, see :func:`value_spellings`).

    Returns
    -------
    str, float or None
        A category as its declared text (None if blank); any other kind as a float
        (booleans 1.0/0.0, NaN if blank).

    Raises
    ------
    SchemaError
        The value is not one the field accepts (the message says what is expected). It is
        a ValueError, read in Japanese with ``in_language("ja")``.

    Examples
    --------
    >>> read_value(FIELDS_BY_NAME["sup_welcomed_return"], "はい")
    1.0
    >>> read_value(FIELDS_BY_NAME["rehire_intent"], "4：ややそう思う")
    4.0
    """
    read, given, reason = _read_cell(_cached_reader(field), value)
    if given and reason == _OK and field.kind != "category":
        reason = _number_reason(read, _bounds(field))
    if reason != _OK:
        raise SchemaError(message("problem.cannot_be", name=field.name, value=_shown(value),
                                  expected=_expectation(field)))
    if not given:
        return None if field.kind == "category" else math.nan
    return read


def _id_text(value: Any) -> str | None:
    if type(value) is str:
        return value if value.strip() else None
    if _is_null(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


# --------------------------------------------------------------------------------------
# The rules across fields
#
# validate_records reads a table column by column (_read_columns) into a _Checked, with
# one row per field of a _Layout and one column per record; the rules then run on those
# arrays (_apply_rules). A RecordReader (behind read_record) applies the same rules to
# one record in plain Python, reading each value with the same readers.
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
) -> list[tuple[int, list[str]]]:
    """(record, the fields it skipped) for each record that left more than
    ``max_missing`` of the fields in use unanswered."""
    names = layout.used_names
    if not names:
        return []
    mask = _skipped(~checked.given[layout.used], checked.held, layout)
    return [
        (record, [names[row] for row in np.flatnonzero(mask[:, record]).tolist()])
        for record in np.flatnonzero(mask.sum(axis=0) > max_missing * len(names)).tolist()
    ]


def _apply_rules(
    checked: _Checked,
    layout: _Layout,
    *,
    missing: str,
    max_missing: float,
    require_targets: bool,
) -> list[tuple[int, list[str]]]:
    """Apply the rules across fields to values as read.

    Bad values are marked in ``checked.reason``; records with too many blanks are
    returned as (record, the fields it skipped).
    """
    if missing == "impute":
        _infer_held(checked, layout)
    _check_structure(checked, layout, missing)
    _require_answers(checked, layout.needs_answer(missing, require_targets))
    return _too_many_blanks(checked, layout, max_missing) if missing == "impute" else []


def answer_masks(
    arrays: Mapping[str, np.ndarray], fields: Sequence[Field]
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Which used fields each record left blank, and which expected an answer.

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
    blank : numpy.ndarray of bool, shape (n_records, len(names))
        True where the value is blank.
    expected : numpy.ndarray of bool, shape (n_records, len(names))
        True where an answer was expected: an interview's answers only when the
        interview is known to have been held (without it, or when whether it was held
        is itself unanswered, they are empty by structure).

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME[n] for n in ("tenure_years", "sup_interview_held",
    ...                                       "sup_welcomed_return")]
    >>> arrays = {"tenure_years": np.array([np.nan, 3.0]),
    ...           "sup_interview_held": np.array([0.0, 1.0]),
    ...           "sup_welcomed_return": np.array([np.nan, np.nan])}
    >>> names, blank, expected = answer_masks(arrays, fields)
    >>> blank.tolist(), expected.tolist()
    ([[True, False, True], [False, False, True]], [[True, True, False], [True, True, True]])
    """
    layout = _layout(fields, arrays)
    n_records = len(next(iter(arrays.values()))) if arrays else 0
    blank = _rows([
        np.isnan(values) if values.dtype.kind == "f" else pd.isna(values)
        for values in (arrays[name] for name in layout.used_names)
    ], n_records, bool)
    held = _rows([
        np.where(arrays[layout.fields[row].name] == 1.0, 1.0, np.nan) for row in layout.flags
    ], n_records, float)
    expected = _skipped(np.ones_like(blank), held, layout)
    return layout.used_names, np.ascontiguousarray(blank.T), np.ascontiguousarray(expected.T)


def expected_flags(fields: Sequence[Field], columns: Container[str]
                   ) -> tuple[tuple[str, str | None], ...]:
    """Per field in use found in ``columns``, in the order of ``fields``: the interview
    flag that must read as held for its blank to count as skipped, as
    :func:`answer_masks` counts them; None when an answer is always expected, ``""``
    when never (its interview's flag is not among the columns).

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME[n] for n in ("tenure_years", "sup_interview_held",
    ...                                       "sup_welcomed_return")]
    >>> expected_flags(fields, {"tenure_years", "sup_interview_held", "sup_welcomed_return"})
    (('tenure_years', None), ('sup_interview_held', None), ('sup_welcomed_return', 'sup_interview_held'))
    """  # noqa: E501
    layout = _layout(fields, columns)
    flags = [*(layout.fields[row].name for row in layout.flags.tolist()), None, ""]
    return tuple(zip(layout.used_names, (flags[i] for i in layout.expected_by.tolist()),
                     strict=True))


def skipped_answers(
    arrays: Mapping[str, np.ndarray], fields: Sequence[Field]
) -> tuple[tuple[str, ...], np.ndarray]:
    """Which used fields each record left unanswered (a skipped survey answer): blank
    where an answer was expected (see :func:`answer_masks`).

    Returns
    -------
    names : tuple of str
        The fields in use present in ``arrays``, in the order of ``fields``.
    mask : numpy.ndarray of bool, shape (n_records, len(names))
        True where an answer was skipped.

    Examples
    --------
    >>> names, mask = skipped_answers({"tenure_years": np.array([np.nan, 3.0])},
    ...                               [FIELDS_BY_NAME["tenure_years"]])
    >>> names, mask.tolist()
    (('tenure_years',), [[True], [False]])
    """
    names, blank, expected = answer_masks(arrays, fields)
    return names, blank & expected


def _rows(arrays: Sequence[np.ndarray], n_records: int, dtype: Any) -> np.ndarray:
    """Per-field arrays as the rows of one matrix (also when there are none)."""
    return np.array(arrays, dtype=dtype).reshape(len(arrays), n_records)


# --------------------------------------------------------------------------------------
# Describing problems
#
# Every problem is a Message of a ``problem.*`` text, so that it reads in English and in
# Japanese; lists inside it (choices, fields, lines) are written in each language.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Written(Message):
    """A text already written in each language of :data:`LANGS`, shown where a
    :class:`Message` is (a list, joined the way each language joins)."""

    written: tuple[str, ...] = ()

    def render(self, lang: str) -> str:
        return self.written[LANGS.index(check_lang(lang))]


def _in_each_language(write: Callable[[str], str]) -> _Written:
    return _Written("", written=tuple(write(lang) for lang in LANGS))


def _rendered(item: Any, lang: str) -> str:
    return item.render(lang) if isinstance(item, Message) else str(item)


def _joined(items: Sequence[Any], separator: str = "problem.separator") -> _Written:
    """Items (messages or text) one after another, separated by the text of ``separator``."""
    return _in_each_language(
        lambda lang: text(separator, lang).join(_rendered(item, lang) for item in items))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _plain_text(value: Any) -> str:
    """A number or a date as people write it: ``3`` for 3.0, ``2023-03-31`` for midnight."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, datetime.datetime):
        clock = (value.hour, value.minute, value.second, value.microsecond,
                 getattr(value, "nanosecond", 0))
        return value.date().isoformat() if not any(clock) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _shown(value: Any) -> Message:
    """A value as its writer gave it (never a Python repr): text quoted, numbers plain.

    Examples
    --------
    >>> _shown(pd.Timestamp("2023-03-31")).render("en"), _shown(3.0).render("ja")
    ('2023-03-31', '「3」')
    """
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    value = _plain(value)
    if value is None:
        return message("problem.value.none")
    if _is_null(value):
        return message("problem.value.blank")
    if isinstance(value, bool):
        return message("problem.value.true" if value else "problem.value.false")
    if isinstance(value, str):
        return message("problem.value.text" if value.strip() else "problem.value.empty",
                       text=value)
    return message("problem.value.plain", text=_plain_text(value))


def _choices(field: Field, lang: str) -> str:
    """A category's values: the codes in English, the Japanese labels in Japanese."""
    def choice(code: str) -> str:
        key = f"value.{field.name}.{code}"
        shown = text(key, lang) if lang != "en" and has_text(key) else code
        return text("problem.choice", lang, choice=shown)

    return text("problem.separator", lang).join(choice(code) for code in field.categories)


def _levels(field: Field, lang: str) -> str:
    return text("problem.separator", lang).join(
        text("problem.choice", lang, choice=level) for level in field.levels)


def _yes_no_pairs(interview: bool) -> list[tuple[str, str]]:
    """Spellings of yes and no as pairs: the shown texts, then ``ANSWER_SPELLINGS``."""
    kinds = [("shown.yes", "shown.no", "yes", "no")]
    if interview:
        kinds.append(("shown.held", "shown.not_held", "held", "not_held"))
    pairs = []
    for yes_key, no_key, yes, no in kinds:
        pairs += [(text(yes_key, lang), text(no_key, lang)) for lang in LANGS]
        pairs += list(zip(ANSWER_SPELLINGS[yes], ANSWER_SPELLINGS[no], strict=True))
    return list(dict.fromkeys(pairs))


def _also_accepted(interview: bool, lang: str) -> str:
    """The yes/no spellings besides the head of ``problem.expect.yes_no``; Japanese lists
    only those without Latin letters."""
    head = (text("shown.yes", lang), text("shown.no", lang)) if lang != "en" else ("true",
                                                                                   "false")
    pairs = [pair for pair in _yes_no_pairs(interview) if pair != head and (
        lang == "en" or not any(ch.isascii() and ch.isalpha() for ch in "".join(pair)))]
    return text("problem.separator", lang).join(
        text("problem.pair", lang, yes=yes, no=no) for yes, no in pairs)


def _answers(field: Field, lang: str) -> str:
    return text("problem.separator", lang).join(
        text("problem.level_answer", lang, level=level, answer=text(key, lang))
        for level, key in answer_keys(field))


@functools.cache
def _expectation(field: Field) -> Message:
    """What a field accepts, as a message."""
    if field.kind == "category":
        return message("problem.expect.one_of",
                       choices=_in_each_language(functools.partial(_choices, field)))
    if field.levels:
        return message("problem.expect.levels",
                       levels=_in_each_language(functools.partial(_levels, field)))
    if field.kind == "bool":
        interview = field.name in INTERVIEW_FLAGS
        return message("problem.expect.yes_no",
                       also=_in_each_language(functools.partial(_also_accepted, interview)))
    bounds = {"low": f"{field.low:g}", "high": f"{field.high:g}"}
    if field.kind == "float":
        return message("problem.expect.number", **bounds)
    if answer_keys(field):
        return message("problem.expect.answer",
                       answers=_in_each_language(functools.partial(_answers, field)), **bounds)
    return message("problem.expect.whole", **bounds)


_REASON_TEXTS = {
    _UNRECOGNISED: "problem.unrecognised",
    _NOT_WHOLE: "problem.not_whole",
    _OUT_OF_RANGE: "problem.out_of_range",
}
_INTERVIEW_TEXTS = {
    "sup_interview_held": "problem.interview.supervisor",
    "hr_interview_held": "problem.interview.hr",
}


def _mismatch(field: Field, value: Any) -> dict[str, Any]:
    """The number and the answer's level of an answer whose two disagree."""
    numbered = _NUMBERED_ANSWER.fullmatch(normalise_text(str(value)))
    return {"number": numbered[1], "level": f"{value_spellings(field)[numbered[2]]:g}"}


def _column_name(name: str, headers: Mapping[str, str]) -> str | Message:
    """A column as a problem names it: the company's header; else the field's name in
    English and its label in Japanese (never an identifier in Japanese text)."""
    header = headers.get(name, name)
    if header != name or name not in FIELDS_BY_NAME:
        return header
    label = FIELDS_BY_NAME[name].label("ja")
    return _in_each_language(lambda lang: name if lang == "en" else label)


def _problem_message(field: Field, reason: int, value: Any,
                     headers: Mapping[str, str]) -> Message:
    """What is wrong with one value, naming its column by the company's header."""
    words = {"column": _column_name(field.name, headers), "value": _shown(value),
             "expected": _expectation(field)}
    if reason == _UNRECOGNISED and _reads_text(field) and FIELDS_BY_NAME.get(field.name) != field:
        return message("problem.undeclared", **words)
    if reason in _REASON_TEXTS:
        return message(_REASON_TEXTS[reason], **words)
    if reason == _MISMATCHED:
        return message("problem.answer_mismatch", **words, **_mismatch(field, value))
    if reason == _MISSING:
        return message("problem.missing_target" if field.role == "target"
                       else "problem.missing_rejected", **words)
    flag = _column_name(field.requires, headers)
    interview = message(_INTERVIEW_TEXTS.get(field.requires, "problem.interview.other"),
                        flag=flag)
    return message("problem.without_interview" if reason == _WITHOUT_INTERVIEW
                   else "problem.missing_with_interview", interview=interview, flag=flag,
                   **words)


def _blanks_message(skipped: Sequence[str], n_used: int, max_missing: float,
                    headers: Mapping[str, str]) -> Message:
    """Why a record with too many skipped answers cannot be scored."""
    shown = [_column_name(name, headers) for name in skipped[:6]]
    if len(skipped) > 6:
        shown.append(message("problem.etc"))
    return message("problem.too_many_blanks", skipped=len(skipped), used=n_used,
                   names=_joined(shown), max_missing=f"{max_missing:g}")


_Problem = tuple[int | None, str | None, str | None, Any, str]


def problems_table(found: Sequence[_Problem]) -> pd.DataFrame:
    """The table of problems, one row per ``(row, leaver_id, column, value, problem)``.

    The one layout of every problems table (:data:`PROBLEM_COLUMNS`), that of
    :func:`validate_records` and of the checks of the feature transformers alike.

    Parameters
    ----------
    found : sequence of tuple
        ``(row, leaver_id, column, value, problem)`` per problem; ``row`` is the record's
        0-based position, None for a problem with a whole column.

    Returns
    -------
    pandas.DataFrame
        ``row`` is ``Int64``; the other columns hold objects.

    Examples
    --------
    >>> problems_table([(None, None, "industry", None, "column missing")]).dtypes.tolist()
    [Int64Dtype(), dtype('O'), dtype('O'), dtype('O'), dtype('O')]
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


def _row_prefix(position: int, label: Any, leaver_id: str | None) -> Message:
    details = []
    if not (isinstance(label, numbers.Integral) and label == position):
        details.append(message("problem.index", label=_shown(label)))
    if leaver_id is not None:
        details.append(message("problem.leaver_id", leaver_id=_shown(leaver_id)))
    if not details:
        return message("problem.row", row=position)
    return message("problem.row_details", row=position, details=_joined(details))


def _schema_error(problems: pd.DataFrame, index: pd.Index,
                  messages: Sequence[Message]) -> SchemaError:
    """The error for problems with records: how many, the first five, and what to do.

    ``messages`` are the problems (the rows of ``problems``) as messages.
    """
    first = problems.iloc[:5]
    lines = [
        message("problem.line", row=_row_prefix(row, index[row], leaver_id), problem=problem)
        for row, leaver_id, problem in zip(first["row"].tolist(), first["leaver_id"].tolist(),
                                           messages[:5], strict=True)
    ]
    n_problems, n_records = len(problems), len(index)
    more = n_problems - 5
    return SchemaError(
        message(
            "problem.records",
            problems=message("problem.count_one" if n_problems == 1 else "problem.count_many",
                             n=n_problems),
            bad=problems["row"].nunique(),
            records=message("problem.records_one" if n_records == 1
                            else "problem.records_many", n=n_records),
            lines=_in_each_language(lambda lang: "\n".join(line.render(lang) for line in lines)),
            more=message("problem.more", n=more) if more > 0 else "",
        ),
        problems=problems,
    )


# --------------------------------------------------------------------------------------
# One record, without a table
# --------------------------------------------------------------------------------------

#: How many distinct values of one field a RecordReader keeps the reading of; past that
#: it starts afresh, so that free text or many distinct numbers take bounded memory.
_MAX_KEPT = 256
#: How many RecordReaders read_record keeps (one per fields, missing and max_missing).
_MAX_READERS = 32

_ABSENT = object()  # a field that is not among a record's keys
_BAD = object()  # a value that cannot be read, or is outside its field's bounds
_NOTHING = object()  # what no value reads as


class _FloatReadings(dict[float, Any]):
    """The readings of one field's floats: a float not yet read (a NaN, a number read as
    itself) is read when asked for, without a KeyError to catch."""

    __slots__ = ("_reading",)

    def __init__(self, reading: _FieldReading) -> None:
        super().__init__()
        self._reading = reading

    def __missing__(self, value: float) -> Any:
        return self._reading(value)


class _FieldReading:
    """How the values of one field read: canonical, ``blank`` (the one object a blank
    reads as: None for a category, NaN otherwise) or ``_BAD``.

    The reading of each value is kept in ``kept``, by its type and then by the value, so
    that a boolean is never taken for the number 1 (nor 1.0 for 1, which a category reads
    as other text). NaNs are not kept (no key finds them again), nor zeros (the key loses
    their sign), nor the floats of a field read from numbers only (each reads as itself).
    """

    __slots__ = ("_bounds", "_n_kept", "_numbers", "_read", "_text", "blank", "kept")

    def __init__(self, field: Field) -> None:
        self._read = _cached_reader(field)
        self._text = field.kind == "category"
        self._numbers = self._read is _read_number
        self._bounds = _bounds(field)
        self.blank: Any = None if self._text else math.nan
        self.kept: dict[type, dict[Any, Any]] = {float: _FloatReadings(self)}
        self._n_kept = 0

    def __call__(self, value: Any) -> Any:
        if type(value) is float:
            if value != value:
                return self.blank
            if self._numbers:
                return value if _number_reason(value, self._bounds) == _OK else _BAD
        read, given, reason = _read_cell(self._read, value)
        if not given:
            result = self.blank
        elif reason != _OK or not (self._text or _number_reason(read, self._bounds) == _OK):
            result = _BAD
        else:
            result = read
        if not (isinstance(value, float | np.floating) and (value != value or value == 0)):
            self._keep(value, result)
        return result

    def _keep(self, value: Any, result: Any) -> None:
        kept = self.kept
        if self._n_kept >= _MAX_KEPT:
            kept.clear()
            kept[float] = _FloatReadings(self)
            self._n_kept = 0
        with contextlib.suppress(TypeError):  # a list, a dict: read each time
            kept.setdefault(type(value), {})[value] = result
            self._n_kept += 1


# One field of a RecordReader's plan: its name, the readings kept, the reading, and its
# blank if a blank counts or, with missing="reject", is a problem (a field with a feature
# role that needs no interview), else _NOTHING.
_Step = tuple[str, dict[type, dict[Any, Any]], _FieldReading, Any]
# An interview: its flag's name, blank, whether the flag is a category, whether its
# blank counts; and its answers as (name, blank, whether a blank counts if it was held).
_Interview = tuple[str, Any, bool, bool, tuple[tuple[str, Any, bool], ...]]


class RecordReader:
    """The checks of one record, compiled once for a set of fields.

    Reads a record by the rules of :func:`validate_records`, in plain Python: each field
    keeps the reading of the values it has been given, so that reading record after
    record (a model scoring one leaver at a time) mostly looks values up. Values are read
    by the same readers as tables are, from the same spellings. :func:`read_record` reads
    with one of these.

    Parameters
    ----------
    fields : sequence of Field
        The fields to read (a model's ``record_fields``). Those with a feature role must
        be keys of each record; the others are read when present.
    missing : {"impute", "reject"}, default "impute"
        How unanswered fields are treated, as in :func:`validate_records`.
    max_missing : float, default 0.5
        The share of the fields in use that may be unanswered (``missing="impute"``).

    Attributes
    ----------
    fields : tuple of Field
        The fields read.
    missing : str
        ``missing`` as given.
    max_missing : float
        ``max_missing`` as given.

    Raises
    ------
    ValueError
        ``missing`` is not ``"impute"`` or ``"reject"``.

    See Also
    --------
    read_record : Reads with a RecordReader kept for its fields and options.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME[name] for name in ("job_level", "sup_interview_held",
    ...                                             "sup_welcomed_return")]
    >>> read = RecordReader(fields)
    >>> read({"job_level": "管理職", "sup_interview_held": "", "sup_welcomed_return": "はい"})
    {'job_level': 'manager', 'sup_interview_held': 1.0, 'sup_welcomed_return': 1.0}
    >>> read({"job_level": "manager", "sup_interview_held": "未実施",
    ...       "sup_welcomed_return": "はい"}) is None
    True
    """

    def __init__(self, fields: Sequence[Field], *, missing: str = "impute",
                 max_missing: float = MAX_MISSING) -> None:
        if missing not in MISSING_MODES:
            raise ValueError(f"missing must be 'impute' or 'reject', got {missing!r}")
        self.fields = tuple(fields)
        self.missing = missing
        self.max_missing = max_missing
        present = [f for f in self.fields if f.kind != "id"]
        readings = [_FieldReading(f) for f in present]
        self._reject = missing == "reject"
        self._required = frozenset(_required_names(self.fields, require_targets=False))
        self._required_ids = tuple(f.name for f in self.fields
                                   if f.kind == "id" and f.name in self._required)
        self._plan: tuple[_Step, ...] = tuple(
            (f.name, reading.kept, reading,
             reading.blank if f.role in FEATURE_ROLES and f.requires is None else _NOTHING)
            for f, reading in zip(present, readings, strict=True)
        )
        by_name = {f.name: (f, reading) for f, reading in zip(present, readings, strict=True)}
        interviews: list[_Interview] = []
        for flag in dict.fromkeys(f.requires for f in present if f.requires in by_name):
            field, reading = by_name[flag]
            answers = tuple((f.name, r.blank, f.role in FEATURE_ROLES)
                            for f, r in zip(present, readings, strict=True) if f.requires == flag)
            interviews.append((flag, reading.blank, field.kind == "category",
                               field.role in FEATURE_ROLES and field.requires is None, answers))
        self._interviews = tuple(interviews)
        answer_names = {name for *_, answers in interviews for name, _, _ in answers}
        self._nested = any(flag in answer_names for flag, *_ in interviews)
        n_used = sum(f.role in FEATURE_ROLES for f in present)
        self._limit = math.inf if self._reject or not n_used else max_missing * n_used

    def __repr__(self) -> str:
        return (f"RecordReader({len(self.fields)} fields, missing={self.missing!r}, "
                f"max_missing={self.max_missing!r})")

    def __call__(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """One record's canonical values, or None if it has any problem.

        Parameters
        ----------
        record : dict
            Column -> value, as given.

        Returns
        -------
        dict or None
            As :func:`read_record` returns them: the fields present, in the order of
            ``fields`` (then ``leaver_id``, as text, when the record has it).
        """
        for name in self._required_ids:
            if name not in record:
                return None
        get = record.get
        reject = self._reject
        values: dict[str, Any] = {}
        n_blank = 0
        for name, kept, reading, counted_blank in self._plan:
            value = get(name, _ABSENT)
            if value is _ABSENT:
                if name in self._required:
                    return None
                continue
            try:
                read = kept[type(value)][value]
            except (KeyError, TypeError):  # not read yet, or cannot be hashed (a list)
                read = reading(value)
            if read is _BAD:
                return None
            if read is counted_blank:
                if reject:
                    return None
                n_blank += 1
            values[name] = read
        if self._interviews:
            blanks = self._interview_rules(values, n_blank)
            if blanks is None:
                return None
            n_blank = blanks
        if n_blank > self._limit:
            return None
        if "leaver_id" in record:
            values["leaver_id"] = _id_text(record["leaver_id"])
        return values

    def _interview_rules(self, values: dict[str, Any], n_blank: int) -> int | None:
        """Apply the interview rules to a record's ``values`` (its flags set to whether
        each interview was held); the number of blanks that count, or None on a problem.

        As :func:`_apply_rules`: with ``missing="impute"`` a blank flag whose answers are
        given reads as held; an answer given about an interview not held is a problem,
        and so (with ``missing="reject"``) is one missing from an interview held; an
        interview's blank answers count only when it was held. Only interviews whose
        flag and some answers are present are read.
        """
        if self._nested:
            return self._nested_interview_rules(values, n_blank)
        impute = not self._reject
        get = values.get
        for flag, flag_blank, flag_text, flag_counts, answers in self._interviews:
            value = get(flag, _ABSENT)
            if value is _ABSENT:
                continue
            n_present = n_answered = n_skipped = 0
            for name, blank, counts in answers:
                answer = get(name, _ABSENT)
                if answer is _ABSENT:
                    continue
                n_present += 1
                if answer is blank:
                    n_skipped += counts
                else:
                    n_answered += 1
            if not n_present:
                continue
            if value is flag_blank:
                if impute and n_answered:
                    held = values[flag] = 1.0
                    n_blank -= flag_counts  # the flag now reads as given
                else:
                    held = values[flag] = math.nan
            elif flag_text:
                held = values[flag] = math.nan
            else:
                held = value
            if held == 0.0:
                if n_answered:
                    return None
            elif held == 1.0 and n_present > n_answered:
                if not impute:
                    return None
                n_blank += n_skipped
        return n_blank

    def _nested_interview_rules(self, values: dict[str, Any], n_blank: int) -> int | None:
        """:meth:`_interview_rules` when a flag is itself an answer about another
        interview: whether each flag was held is settled first, as the table does."""
        impute = not self._reject
        held: list[tuple[str, float, list[tuple[str, bool, bool]]]] = []
        inferred: set[str] = set()
        for flag, flag_blank, flag_text, flag_counts, answers in self._interviews:
            value = values.get(flag, _ABSENT)
            if value is _ABSENT:
                continue
            given = [(name, values[name] is not blank, counts)
                     for name, blank, counts in answers if name in values]
            if not given:
                continue
            known = value is not flag_blank
            if impute and not known and any(answered for _, answered, _ in given):
                inferred.add(flag)
                n_blank -= flag_counts
                held.append((flag, 1.0, given))
            else:
                held.append((flag, value if known and not flag_text else math.nan, given))
        for flag, was_held, given in held:
            values[flag] = was_held
            for name, answered, counts in given:
                if answered or name in inferred:
                    if was_held == 0.0:
                        return None
                elif was_held == 1.0:
                    if not impute:
                        return None
                    n_blank += counts
        return n_blank


def _compiled_reader(fields: tuple[Field, ...], missing: str, max_missing: float
                     ) -> RecordReader:
    return RecordReader(fields, missing=missing, max_missing=max_missing)


_kept_reader = functools.lru_cache(maxsize=_MAX_READERS)(_compiled_reader)
_READERS: dict[tuple[int, str, float], tuple[tuple[Field, ...], RecordReader]] = {}


def _record_reader(fields: Sequence[Field], missing: str, max_missing: float) -> RecordReader:
    """The RecordReader of ``fields``: kept per ``fields`` object (checked by identity,
    which is quicker than hashing every Field), and per equal fields."""
    key = (id(fields), missing, max_missing)
    snapshot = tuple(fields)
    kept = _READERS.get(key)
    if kept is not None and kept[0] == snapshot:
        return kept[1]
    try:
        reader = _kept_reader(snapshot, missing, max_missing)
    except TypeError:  # a field that cannot be hashed
        reader = _compiled_reader(snapshot, missing, max_missing)
    if len(_READERS) >= _MAX_READERS:
        _READERS.clear()
    _READERS[key] = (snapshot, reader)
    return reader


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
    problem; :func:`validate_records` then gives the full report. Reads with a
    :class:`RecordReader` kept for ``fields``, ``missing`` and ``max_missing``.

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

    Raises
    ------
    ValueError
        ``missing`` is not ``"impute"`` or ``"reject"``.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME["job_level"], FIELDS_BY_NAME["sup_interview_held"]]
    >>> read_record({"job_level": " Staff", "sup_interview_held": "はい"}, fields)
    {'job_level': 'staff', 'sup_interview_held': 1.0}
    >>> read_record({"job_level": "intern", "sup_interview_held": "yes"}, fields) is None
    True
    """
    return _record_reader(fields, missing, max_missing)(record)


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


def closest_header(
    field: Field, headers: Iterable[Any], *, cutoff: float = 0.75
) -> tuple[str, str] | None:
    """The header most like a field's name or one of its labels, if any is close.

    Headers are compared after :func:`normalise_text` (NFKC, case-folded), with
    :func:`difflib.get_close_matches`.

    Parameters
    ----------
    field : Field
        The field looked for.
    headers : iterable
        The headers (or a record's keys) present, as given.
    cutoff : float, default 0.75
        How alike (0 to 1) a header must be.

    Returns
    -------
    tuple of (str, str) or None
        ``(header, target)``: the header as given and the field's name or label it is
        close to; None when no header is close.

    Examples
    --------
    >>> field = FIELDS_BY_NAME["sup_understood_reason"]
    >>> closest_header(field, ["業種", "上司が退職理由を理解してた"])
    ('上司が退職理由を理解してた', '上司が退職理由を理解した')
    >>> closest_header(field, ["業種"]) is None
    True
    """
    by_text: dict[str, str] = {}
    for header in headers:
        by_text.setdefault(normalise_text(str(header)), str(header))
    best: tuple[float, str, str] | None = None
    for target in dict.fromkeys((field.name, field.label_en, field.label_ja)):
        wanted = normalise_text(target)
        for match in difflib.get_close_matches(wanted, by_text, n=1, cutoff=cutoff):
            ratio = difflib.SequenceMatcher(None, wanted, match).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, by_text[match], target)
    return None if best is None else best[1:]


def _hint(field: Field, unknown: Sequence[Any], keys: bool) -> Message | None:
    """Which header (or record key) is likely meant for a missing field."""
    near = closest_header(field, unknown)
    if near is None:
        return None
    header, target = near
    if keys:
        return message("problem.near_key", header=header, target=field.name)
    return message("problem.near_name" if target == field.name else "problem.near_label",
                   header=header, target=target)


def _field_words(field: Field) -> _Written:
    """A field as messages name it: its name in English, its label (and name) in Japanese."""
    def write(lang: str) -> str:
        label = field.label(lang)
        return field.name if lang == "en" or label == field.name else f"{label}（{field.name}）"

    return _in_each_language(write)


def _missing_part(missing: Sequence[Field], hints: Mapping[str, Message | None]) -> Message:
    """The missing columns, with the header likely meant for each where there is one."""
    hinted = [field for field in missing if hints[field.name] is not None]
    if len(missing) == 1 and hinted:
        advice: Message = hints[hinted[0].name]
    else:
        advice = _joined(
            ([message("problem.add_column")] if len(hinted) < len(missing) else [])
            + [message("problem.hint_for", name=_field_words(field), hint=hints[field.name])
               for field in hinted],
            "problem.parts_separator",
        )
    return message("problem.missing_column" if len(missing) == 1 else "problem.missing_columns",
                   names=_joined([_field_words(field) for field in missing]), advice=advice)


def _check_columns(
    frame: pd.DataFrame,
    required: list[str],
    fields: Sequence[Field],
    *,
    lang: str,
    headers: Mapping[str, str],
    keys: bool,
) -> None:
    """Raise when a required column is missing or a field's column appears twice.

    ``keys``: the columns are a record's keys (a dict), not a table's headers.
    """
    present = list(frame.columns)
    by_name = {f.name: f for f in fields}
    missing = [by_name[name] for name in required if name not in present]
    repeated = sorted({name for name in present if name in by_name and present.count(name) > 1})
    if not missing and not repeated:
        return
    unknown = [c for c in present if c not in by_name and c not in FIELDS_BY_NAME]
    hints = {field.name: _hint(field, unknown, keys) for field in missing}
    found: list[_Problem] = [
        (None, None, field.name, None, message(
            "problem.column_missing", advice=hints[field.name] or message("problem.add_column"),
        ).render(lang))
        for field in missing
    ]
    found += [(None, None, name, None, text("problem.column_repeated", lang))
              for name in repeated]
    parts = []
    if missing:
        parts.append(_missing_part(missing, hints))
    if repeated:
        parts.append(message(
            "problem.repeated_column" if len(repeated) == 1 else "problem.repeated_columns",
            names=_joined([_column_name(name, headers) for name in repeated])))
    if missing and present and not set(by_name).intersection(present):
        parts.append(_unknown_header(present))
    raise SchemaError(message("problem.columns", parts=_joined(parts, "problem.parts_separator")),
                      problems=problems_table(found))


def _unknown_header(columns: Sequence[Any]) -> Message:
    """The first three headers, when none of them names a field."""
    names = [str(name) for name in columns]
    shown: list[Any] = [message("problem.value.text", text=repr(name[:30])[1:-1])
                        for name in names[:3]]
    if len(names) > 3:
        shown.append(message("problem.etc"))
    return message("problem.header.none", shown=_joined(shown))


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


def _true_false(values: np.ndarray) -> np.ndarray | None:
    """Objects that are all true, false or blank (as ``read_csv`` gives a yes/no column
    with blanks) as 1.0/0.0/NaN, read in one pass; None when they hold anything else."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # text, numbers or mixed values
        return None
    if not pa.types.is_boolean(array.type):
        return None
    return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)


def _read_column(series: pd.Series, layout: _Layout, row: int) -> _Column:
    """Read the column of the layout's field in ``row``."""
    field = layout.fields[row]
    is_number_column = ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(
        series.dtype
    )
    x = None
    if is_number_column and not _reads_text(field):
        # A column that already holds numbers: no value needs looking at one by one.
        x = series.to_numpy(dtype="float64", na_value=np.nan)
    elif field.kind == "bool" and ptypes.is_bool_dtype(series.dtype):
        x = series.to_numpy(dtype="float64", na_value=np.nan)
    elif field.kind == "bool" and series.dtype == object:
        x = _true_false(series.to_numpy())
    if x is not None:
        return _Column(x, ~np.isnan(x), _check_numbers(x, *layout.bounds(row)))
    codes, uniques = _factorize(series)
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


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _factorize(series: pd.Series) -> tuple[np.ndarray, Any]:
    """A column's codes and distinct values, as :func:`pandas.factorize` gives them (code
    -1 for a null); each value that cannot be hashed (a list, a dict) is distinct."""
    try:
        return pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        pass
    values = series.to_numpy(dtype=object)
    hashable = np.fromiter(map(_hashable, values), dtype=bool, count=len(values))
    codes = np.empty(len(values), dtype=np.intp)
    hashed, uniques = pd.factorize(values[hashable], use_na_sentinel=True)
    codes[hashable] = hashed
    others = np.flatnonzero(~hashable)
    codes[others] = len(uniques) + np.arange(len(others))
    return codes, np.concatenate((np.asarray(uniques, dtype=object), values[others]))


def _coerce_ids(series: pd.Series) -> pd.Series:
    """Leaver ids as plain text (None where missing); never validated further."""
    if ptypes.infer_dtype(series, skipna=True) in ("string", "empty"):
        values = series.to_numpy(dtype=object, na_value=None, copy=True)
        blank = (series.eq("") | series.str.isspace()).to_numpy(dtype=bool, na_value=False)
        values[blank] = None
    else:
        codes, uniques = _factorize(series)
        texts = np.array([_id_text(u) for u in uniques] + [None], dtype=object)
        values = texts[codes]
    return pd.Series(values, index=series.index, dtype=object, name="leaver_id")


def _table_problems(
    frame: pd.DataFrame,
    checked: _Checked,
    layout: _Layout,
    ids: pd.Series | None,
    record_messages: Sequence[tuple[int, Message]],
    *,
    headers: Mapping[str, str],
    lang: str,
) -> tuple[pd.DataFrame, list[Message]]:
    """The problems of a table, ordered by record, then by field, then whole-record ones,
    written in ``lang``; and the same problems as messages.

    A text is written once per field, reason and value, however many rows repeat it.
    """
    written: dict[Any, tuple[Message, str]] = {}

    def describe(row: int, reason: int, value: Any) -> tuple[Message, str]:
        key = (row, reason, type(value), value)
        try:
            return written[key]
        except TypeError:
            key = None
        except KeyError:
            pass
        problem = _problem_message(layout.fields[row], reason, value, headers)
        described = (problem, problem.render(lang))
        if key is not None:
            written[key] = described
        return described

    found: list[tuple[int, str | None, Any, tuple[Message, str]]] = []
    for row, field in enumerate(layout.fields):
        records = np.flatnonzero(checked.reason[row])
        if not len(records):
            continue
        original = frame[field.name]
        for record, reason in zip(records.tolist(), checked.reason[row, records].tolist(),
                                  strict=True):
            value = _plain(original.iloc[record])
            found.append((record, field.name, value, describe(row, reason, value)))
    found += [(record, None, None, (problem, problem.render(lang)))
              for record, problem in record_messages]
    found.sort(key=lambda problem: problem[0])  # stable: field order within a record
    leaver_ids = ids.to_numpy() if ids is not None else None
    table = problems_table([
        (record, None if leaver_ids is None else leaver_ids[record], column, value, described[1])
        for record, column, value, described in found
    ])
    return table, [described[0] for *_, described in found]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame`` by name (the first, when the name repeats)."""
    column = frame[name]
    return column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column


def _blank_cells(series: pd.Series) -> np.ndarray:
    """Where a column as given is blank (null, or text meaning missing)."""
    if ptypes.is_numeric_dtype(series.dtype) or ptypes.is_bool_dtype(series.dtype):
        return series.isna().to_numpy(dtype=bool)
    codes, uniques = _factorize(series)
    blank = np.array([is_blank(value) for value in uniques] + [True], dtype=bool)
    return blank[codes]


def _held_as_given(frame: pd.DataFrame, layout: _Layout, given: Mapping[int, np.ndarray]
                   ) -> np.ndarray:
    """Per interview of the layout and record: 1.0 held, 0.0 not held, NaN unknown.

    A blank interview flag with an answer about that interview reads as held, as
    :func:`validate_records` reads it.
    """
    held = []
    for i, row in enumerate(layout.flags.tolist()):
        column = _read_column(_column(frame, layout.fields[row].name), layout, row)
        flag = np.where(column.given & (column.reason == _OK), column.values, np.nan)
        answers = layout.answers[layout.answer_of == i].tolist()
        answered = np.logical_or.reduce([given[r] for r in answers], axis=0) if answers else False
        held.append(np.where(~column.given & answered, 1.0, flag))
    return _rows(held, len(frame), float)


def blank_columns(
    records: pd.DataFrame, fields: Sequence[Field], *, share: float = 0.5
) -> list[tuple[str, int, int]]:
    """The columns in use left blank in more than ``share`` of the rows, or in all of them.

    Blank is missing by the schema's rules (null, ``""``, ``"na"``, ``"n/a"``, ...), on
    the values as given, before validation. An interview's answers count only in the
    rows where the interview was held (its flag reads as yes, or is blank while some of
    its answers are given): without the interview they are empty by structure, not
    skipped.

    Parameters
    ----------
    records : pandas.DataFrame
        The records as given (columns named as the fields).
    fields : sequence of Field
        The fields in use (a model's ``record_fields``); those with a feature role whose
        column is present are counted.
    share : float, default 0.5
        A column is listed when blank in more than this share of the rows where an
        answer was expected (or in every such row); a negative share lists every column
        counted.

    Returns
    -------
    list of tuple of (str, int, int)
        ``(field name, blank rows, rows where an answer was expected)``, in the order of
        ``fields``.

    Examples
    --------
    >>> fields = [FIELDS_BY_NAME[n] for n in ("tenure_years", "sup_interview_held",
    ...                                       "sup_welcomed_return")]
    >>> records = pd.DataFrame({"tenure_years": ["", "n/a", 3],
    ...                         "sup_interview_held": ["いいえ", "いいえ", "はい"],
    ...                         "sup_welcomed_return": [None, None, None]})
    >>> blank_columns(records, fields)
    [('tenure_years', 2, 3), ('sup_welcomed_return', 1, 1)]
    """
    layout = _layout(fields, records.columns)
    rows = sorted({*layout.used.tolist(), *layout.answers.tolist()})
    given = {row: ~_blank_cells(_column(records, layout.fields[row].name)) for row in rows}
    n_records = len(records)
    held = _held_as_given(records, layout, given)
    blank = _rows([~given[row] for row in layout.used.tolist()], n_records, bool)
    expected = _skipped(np.ones_like(blank), held, layout)
    n_blank = (blank & expected).sum(axis=1).tolist()
    n_expected = expected.sum(axis=1).tolist()
    return [
        (name, n_blank[i], n_expected[i])
        for i, name in enumerate(layout.used_names)
        if n_expected[i] and (n_blank[i] > share * n_expected[i] or n_blank[i] == n_expected[i])
    ]


# --------------------------------------------------------------------------------------
# The validation entry point
# --------------------------------------------------------------------------------------


def validate_records(
    records: pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    require_targets: bool = False,
    errors: Literal["raise", "report"] = "raise",
    fields: Sequence[Field] | None = None,
    missing: Literal["impute", "reject"] = "impute",
    max_missing: float = MAX_MISSING,
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Check leaver records against the schema and return them in canonical form.

    Accepted spellings are coerced (see :func:`value_spellings`; text is compared after
    :func:`normalise_text`): a category reads from its code or its English or Japanese
    label (``"5,000人以上"``, ``"5000+"``); a yes/no answer from true/false, 1/0,
    yes/no, y/n, t/f, はい/いいえ, あり/なし, 有/無, ○/×, する/しない (an interview flag
    also from 実施/未実施); a Likert answer from its level, its text in either language,
    or both when they agree (``"4：ややそう思う"``); numbers may be given as text
    (including full-width digits); empty cells, ``"na"``, ``"n/a"``, ``"nan"``,
    ``"null"`` and ``"none"`` mean missing.

    Parameters
    ----------
    records : pandas.DataFrame, dict or list of dict
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
    lang : {"en", "ja"}, default "en"
        The language of the ``problem`` column of the problems table. A
        :class:`~rehire_model.exceptions.SchemaError` reads in English and, with
        ``in_language("ja")``, in Japanese, whatever ``lang`` is.
    headers : dict of str -> str, optional
        Field name -> the column's header as the company wrote it (such as
        ``{"policy_comeback_program": "カムバック制度"}``), by which problems name the
        column; by default the field name.

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
        ``errors`` is not ``"raise"`` or ``"report"``, or ``lang`` not ``"en"`` or ``"ja"``.

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
    >>> _, problems = validate_records(bad, errors="report", lang="ja",
    ...                                headers={"industry": "業種"})
    >>> problems.loc[0, "problem"][:30]
    '列「業種」の値「banking」は読み取れません。「製造業」'
    """
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
    if missing not in MISSING_MODES:
        raise ValueError(f"missing must be 'impute' or 'reject', got {missing!r}")
    check_lang(lang)
    headers = {} if headers is None else headers
    frame = as_records_frame(records)
    fields = FIELDS if fields is None else tuple(fields)
    required = _required_names(fields, require_targets)
    if frame.shape[1] == 0 and len(frame) == 0:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in required})
    _check_columns(frame, required, fields, lang=lang, headers=headers,
                   keys=not isinstance(records, pd.DataFrame))

    layout = _layout(fields, frame.columns)
    columns, checked = _read_columns(frame, layout)
    blanks = _apply_rules(checked, layout, missing=missing, max_missing=max_missing,
                          require_targets=require_targets)
    record_messages = [
        (record, _blanks_message(skipped, len(layout.used_names), max_missing, headers))
        for record, skipped in blanks
    ]

    output = _canonical_frame(columns, checked, layout, frame.index)
    ids = _coerce_ids(frame["leaver_id"]) if "leaver_id" in frame.columns else None
    if ids is not None:
        output.insert(0, "leaver_id", ids)
    problems, messages = _table_problems(frame, checked, layout, ids, record_messages,
                                         headers=headers, lang=lang)
    if errors == "raise":
        if len(problems):
            raise _schema_error(problems, frame.index, messages)
        return output
    bad = np.zeros(len(frame), dtype=bool)
    bad[problems["row"].to_numpy(dtype=np.int64)] = True
    return output.iloc[~bad], problems
