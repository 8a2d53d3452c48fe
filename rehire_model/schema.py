"""The leaver record: its columns, and the words its values are written in.

One row describes one person who has left a company (a "leaver"): facts about
the former employer and the job, the employer's alumni policies, how the exit
interviews went and, for training data, the two targets. :data:`FIELDS` lists
every column with its kind, role, lever and English and Japanese labels. Values
are written as their codes or as any of their labels in :mod:`rehire_model.texts`,
in English or Japanese (:func:`value_spellings`), compared after
:func:`normalise_text`; :data:`MISSING_TEXT` spells a blank and :data:`YES_TEXT`,
:data:`NO_TEXT` (and for the interview flags :data:`HELD_TEXT`,
:data:`NOT_HELD_TEXT`) yes and no. :mod:`rehire_model.validation` reads and checks
records by these rules.

Examples
--------
>>> from rehire_model.schema import FIELDS_BY_NAME, field_names
>>> FIELDS_BY_NAME["policy_comeback_program"].label_ja
'カムバック制度（出戻り制度）'
>>> field_names("protected")
('age', 'gender', 'married', 'has_children')
"""


from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rehire_model.texts import ANSWER_SPELLINGS, LANGS, check_lang, has_text, text

__all__ = [
    "COMPANY_SIZES",
    "CONSTRUCTS",
    "CONSTRUCT_LABELS",
    "FEATURE_ROLES",
    "FIELDS",
    "FIELDS_BY_NAME",
    "GENDERS",
    "HELD_TEXT",
    "INTERVIEW_FLAGS",
    "INDUSTRIES",
    "JOB_LEVELS",
    "KINDS",
    "LEVERS",
    "LIKERT",
    "NOT_HELD_TEXT",
    "NO_TEXT",
    "ROLES",
    "MISSING_TEXT",
    "TARGETS",
    "YES_TEXT",
    "Field",
    "answer_keys",
    "construct_scores",
    "field_names",
    "is_blank",
    "normalise_text",
    "number_in",
    "value_spellings",
    "yes_no_spellings",
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



def construct_scores(
    items: Mapping[str, np.ndarray], *, blank: Literal["skip", "zero"] = "skip"
) -> dict[str, np.ndarray]:
    """Each behaviour construct's score: the mean of its items (survey F2.4).

    Parameters
    ----------
    items : dict of str -> numpy.ndarray
        The items of :data:`CONSTRUCTS` as float arrays (NaN for a blank).
    blank : {"skip", "zero"}, default "skip"
        ``"skip"``: the mean of the answered items, NaN where none was (the feature
        pipelines). ``"zero"``: a blank counts 0, as the survey codes an unreported
        behaviour (the synthetic survey and its driver analysis).

    Returns
    -------
    dict of str -> numpy.ndarray
        Construct -> its scores, one per record.

    Examples
    --------
    >>> items = dict.fromkeys(CONSTRUCTS["respect"], np.array([1.0, np.nan]))
    >>> items |= dict.fromkeys(CONSTRUCTS["drawing_out"] + CONSTRUCTS["welcome"],
    ...                        np.array([0.0, 1.0]))
    >>> construct_scores(items)["respect"].tolist()
    [1.0, nan]
    >>> construct_scores(items, blank="zero")["respect"].tolist()
    [1.0, 0.0]
    """
    if blank not in ("skip", "zero"):
        raise ValueError(f"blank must be 'skip' or 'zero', got {blank!r}")
    scores = {}
    for construct, names in CONSTRUCTS.items():
        stacked = np.vstack([items[name] for name in names])
        if blank == "zero":
            scores[construct] = np.mean(np.where(np.isnan(stacked), 0.0, stacked), axis=0)
            continue
        answered = ~np.isnan(stacked)
        counts = answered.sum(axis=0)
        sums = np.where(answered, stacked, 0.0).sum(axis=0)
        scores[construct] = np.divide(sums, counts, out=np.full(counts.shape, np.nan),
                                      where=counts > 0)
    return scores


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
# How values are written
# --------------------------------------------------------------------------------------

#: Text that means a blank (compared after NFKC normalisation, trimming and case-folding).
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none"})

#: The dash and tilde variants Windows and Excel write (after NFKC), all read as "-".
_DASHES = str.maketrans(dict.fromkeys("〜～~－‐‑–—―−", "-"))
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
#: The interview flags: fields other fields require.
INTERVIEW_FLAGS = frozenset(f.requires for f in FIELDS if f.requires)


def normalise_text(text: str) -> str:
    """Text as values are compared with their spellings.

    NFKC (full-width letters and digits become half-width), case-folded, trimmed, runs of
    whitespace folded into one space, every dash and tilde variant Windows and Excel
    write (〜 ～ ~ － ‐ ‑ – — ― −) read as ``-``, and thousands separators between digits
    dropped. The long-vowel mark ー is kept.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_text(" １，０００～４，９９９人 ")
    '1000-4999人'
    >>> normalise_text("Strongly　 AGREE"), normalise_text("データー")
    ('strongly agree', 'データー')
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DASHES)
    return _THOUSANDS.sub("", " ".join(folded.split()))


def is_blank(value: Any) -> bool:
    """Whether a value is a blank: null (None, NaN, NA, NaT) or text in :data:`MISSING_TEXT`.

    Examples
    --------
    >>> [is_blank(v) for v in (None, float("nan"), np.float32("nan"), " N/A ", "0", 0)]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return isinstance(value, str) and normalise_text(value) in MISSING_TEXT


def number_in(value: Any) -> float | None:
    """A value as a number: a real number (not a boolean), or text of one, full-width digits
    included (NFKC, trimmed); else None. Thousands separators and other dashes are not read.

    Examples
    --------
    >>> number_in(" ４.５ "), number_in(3), number_in(True), number_in("1,000")
    (4.5, 3.0, None, None)
    """
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if "_" not in text:
            try:
                return float(text)
            except ValueError:
                return None
    return None


def _spellings(key: str, kind: str) -> frozenset[str]:
    """An answer's spellings, normalised: the text of ``key`` in each language and
    ``ANSWER_SPELLINGS[kind]``."""
    written = [text(key, lang) for lang in LANGS] + list(ANSWER_SPELLINGS[kind])
    return frozenset(normalise_text(spelling) for spelling in written)


#: Spellings read as yes (normalised by :func:`normalise_text`): the ``shown.yes`` text in
#: both languages and ``ANSWER_SPELLINGS["yes"]`` of :mod:`rehire_model.texts`.
YES_TEXT = _spellings("shown.yes", "yes")
#: Spellings read as no: ``shown.no`` in both languages and ``ANSWER_SPELLINGS["no"]``.
NO_TEXT = _spellings("shown.no", "no")
#: Spellings an interview flag also reads as held (yes): ``shown.held`` and
#: ``ANSWER_SPELLINGS["held"]``.
HELD_TEXT = _spellings("shown.held", "held")
#: Spellings an interview flag also reads as not held (no): ``shown.not_held`` and
#: ``ANSWER_SPELLINGS["not_held"]``.
NOT_HELD_TEXT = _spellings("shown.not_held", "not_held")


def _yes_no_table(interview: bool) -> dict[str, float]:
    table = dict.fromkeys(YES_TEXT, 1.0) | dict.fromkeys(NO_TEXT, 0.0)
    if interview:
        table |= dict.fromkeys(HELD_TEXT, 1.0) | dict.fromkeys(NOT_HELD_TEXT, 0.0)
    return table


_YES_NO = {interview: _yes_no_table(interview) for interview in (False, True)}


def yes_no_spellings(interview: bool = False) -> dict[str, float]:
    """The spellings a yes/no answer is read from: 1.0 for yes, 0.0 for no.

    Parameters
    ----------
    interview : bool, default False
        Also :data:`HELD_TEXT` and :data:`NOT_HELD_TEXT` (実施/未実施), as the interview
        flags read them.

    Returns
    -------
    dict of str -> float
        Spelling (normalised by :func:`normalise_text`) -> 1.0 or 0.0.

    Examples
    --------
    >>> yes_no_spellings()["はい"], "未実施" in yes_no_spellings(interview=True)
    (1.0, True)
    """
    return dict(_YES_NO[interview])


def answer_keys(field: Field) -> list[tuple[int, str]]:
    """The levels of a Likert field with the :data:`TEXTS` keys of their answers
    (``answer.<field>.<level>``); empty for any other field."""
    if field.kind != "ordinal" or field.levels or field.low is None or field.high is None:
        return []
    keys = [(level, f"answer.{field.name}.{level}")
            for level in range(int(field.low), int(field.high) + 1)]
    return keys if all(has_text(key) for _, key in keys) else []


def _category_spellings(field: Field) -> dict[str, str]:
    table: dict[str, str] = {}
    for code in field.categories:
        key = f"value.{field.name}.{code}"
        labels = [text(key, lang) for lang in LANGS] if has_text(key) else []
        for spelling in (code, *labels):
            table.setdefault(normalise_text(spelling), code)
    return table


def value_spellings(field: Field) -> dict[str, Any]:
    """The spellings a field's values are read from, and the value each one reads as.

    Spellings are normalised by :func:`normalise_text`. A category reads from its code
    and its English and Japanese labels (``value.<field>.<code>`` in
    :mod:`rehire_model.texts`); a yes/no field from :data:`YES_TEXT` and :data:`NO_TEXT`
    (an interview flag also from :data:`HELD_TEXT` and :data:`NOT_HELD_TEXT`); an ordinal
    with text levels from its levels; a Likert field of the schema from its answers in
    both languages (``answer.<field>.<level>``). Numbers are read besides these, except
    for categories.

    Parameters
    ----------
    field : Field

    Returns
    -------
    dict of str -> object
        Spelling -> the category code, or the number (1.0/0.0 for yes/no, the level for
        an ordinal). Empty for a field read from numbers only.

    Examples
    --------
    >>> value_spellings(FIELDS_BY_NAME["company_size"])["5000人以上"]
    '5000+'
    >>> value_spellings(FIELDS_BY_NAME["rehire_intent"])["ややそう思う"]
    4.0
    """
    if field.kind == "bool":
        return yes_no_spellings(field.name in INTERVIEW_FLAGS)
    if field.kind == "category":
        return _category_spellings(field)
    if field.levels:
        return {normalise_text(level): float(i) for i, level in enumerate(field.levels, 1)}
    return {normalise_text(text(key, lang)): float(level)
            for level, key in answer_keys(field) for lang in LANGS}
