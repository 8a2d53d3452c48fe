"""Drafting a training config from a company's own survey table.

For data scientists about to retrain on their leaver survey: :func:`draft_config`
looks at every column of the table once and writes a complete, commented training
config (TOML, in the layout of ``training/configs/default.toml``) to review and edit,
instead of starting from an empty file:

- the schema's fields found by their exact name, in their role lists;
- every other column as a ``[[features.extra]]`` table, with the kind its values
  suggest (yes/no, an ordered scale, a number, a category) and its levels, categories
  or range;
- the columns that should not be features (likely protected attributes, columns blank
  or the same in every row, free text and identifiers) as comments saying why, so no
  column disappears silently;
- the targets: the column and what counts as positive where the data tell, else a
  place to fill in with the candidate columns.

The draft is a starting point, not a decision: every inferred kind, range and level
deserves a look before training. ``rehire-model init-config`` writes it to a file.
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._toml import toml_assignment, toml_string
from .config import DEFAULTS
from .exceptions import ConfigError
from .schema import (
    FEATURE_ROLES,
    FIELDS,
    FIELDS_BY_NAME,
    HELD_TEXT,
    NO_TEXT,
    NOT_HELD_TEXT,
    TARGETS,
    YES_TEXT,
    is_blank,
    normalise_text,
    number_in,
)

__all__ = ["draft_config"]

#: Ordered answer scales recognised in text columns, lowest level first. A level may
#: have other spellings after ``|``; the first is the one written when the data do
#: not use the level.
_ORDERED_SCALES: tuple[tuple[str, ...], ...] = (
    ("Low", "Medium", "High"),
    ("Low", "Medium", "High", "Very high"),
    ("Very low", "Low", "Medium", "High", "Very high"),
    ("Strongly disagree", "Disagree", "Agree", "Strongly agree"),
    ("Strongly disagree", "Disagree", "Neither agree nor disagree|Neutral", "Agree",
     "Strongly agree"),
    ("Never", "Rarely", "Sometimes", "Often", "Always"),
    ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied|Neutral",
     "Satisfied", "Very satisfied"),
    ("Poor", "Fair", "Good", "Very good", "Excellent"),
    ("そう思わない", "あまりそう思わない", "ややそう思う", "そう思う"),
    ("そう思わない", "あまりそう思わない", "どちらともいえない|どちらとも言えない",
     "ややそう思う", "そう思う"),
    ("全くそう思わない", "そう思わない", "どちらともいえない|どちらとも言えない", "そう思う",
     "とてもそう思う"),
    ("不満", "やや不満", "どちらともいえない|どちらとも言えない", "やや満足", "満足"),
    ("低い", "やや低い", "普通", "やや高い", "高い"),
)

#: Yes/no answers as the schema reads them, the interview flags' 実施/未実施 included.
_YES_NO = YES_TEXT | NO_TEXT | HELD_TEXT | NOT_HELD_TEXT
# Header words that suggest a protected attribute. Short English words must be whole
# words ("age" but not "manager" or "percentage"); the others may be any part of it.
_PROTECTED_WORDS = frozenset({"age", "sex", "race"})
_PROTECTED_PARTS = (
    "gender", "sexual", "marital", "married", "spouse", "children", "kids", "nationality",
    "ethnic", "religion", "disability",
    "年齢", "性別", "婚姻", "既婚", "配偶者", "子ども", "子供", "国籍", "人種", "民族", "宗教",
    "障害",
)
_ID_WORDS = frozenset({"id", "no", "number", "code", "key"})
_ID_PARTS = ("番号", "コード")

_MAX_CATEGORIES = 50
_MAX_ORDINAL_VALUES = 11
_NUMERIC_SCALES = ((1, 4), (1, 5), (1, 7))
_WIDTH = 88
_DATA_NOTES = {
    "missing": "Skipped answers are kept and handled inside the model; a record missing "
    "more than `max_missing` of its used fields is rejected.",
    "test_size": "Share of the rows held out to test the models.",
    "small_sample_rows": "Below this many labelled rows, the metrics come from repeated "
    "cross-validation on all rows instead of a held-out test split.",
    "cv_repeats": "Repeats of that cross-validation.",
}
_FEATURE_NOTES = {
    "include_protected": "Age, gender, marriage and children are for fairness audits only; "
    "true makes them model features.",
    "constructs": "The supervisor's exit-interview behaviours as the survey's three "
    "constructs (respect for the decision, drawing out feelings, welcome signal).",
    "behaviour_items": "Each supervisor behaviour as its own column too.",
    "interaction": "Respect for the decision x drawing out feelings (survey finding F2.6).",
}
_PROTECTED_NOTE = "likely protected attribute: kept out of the features; audit with it instead"


# --------------------------------------------------------------------------------------
# Reading values
# --------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """The value as a finite number (text too, full-width digits included), else None."""
    number = number_in(value)
    return number if number is not None and math.isfinite(number) else None


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _key(value: Any) -> str:
    """How a value compares: normalised text, numbers in one spelling."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    number = _number(value) if isinstance(value, numbers.Real) else None
    return normalise_text(str(value)) if number is None else _number_text(number)


def _spelling(value: Any) -> str:
    """The value as written in the data (numbers in one spelling)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        number = _number(value)
        if number is not None:
            return _number_text(number)
    return str(value).strip()


@dataclass
class _Profile:
    """What one column holds: its blanks and its distinct non-blank values."""

    n_rows: int
    n_blank: int = 0
    spellings: dict[str, str] = field(default_factory=dict)  # key -> first spelling seen
    numbers: set[float] | None = field(default_factory=set)  # None: some are not numbers

    @property
    def n_given(self) -> int:
        return self.n_rows - self.n_blank

    @property
    def n_distinct(self) -> int:
        return len(self.numbers) if self.numbers is not None else len(self.spellings)

    @property
    def is_bool(self) -> bool:
        return bool(self.spellings) and set(self.spellings) <= _YES_NO

    @property
    def is_whole(self) -> bool:
        return self.numbers is not None and all(
            x.is_integer() and abs(x) < 2**53 for x in self.numbers
        )

    def blank_note(self) -> str:
        if not self.n_blank:
            return ""
        share = 100 * self.n_blank / self.n_rows
        return f" {'< 0.1' if share < 0.1 else f'{share:.1f}'} % blank."


def _profile(column: pd.Series) -> _Profile:
    profile = _Profile(len(column))
    counts = column.astype(object).value_counts(dropna=False, sort=True)
    for value, count in counts.items():
        if is_blank(value):
            profile.n_blank += int(count)
            continue
        profile.spellings.setdefault(_key(value), _spelling(value))
        number = _number(value)
        if number is None:
            profile.numbers = None
        elif profile.numbers is not None:
            profile.numbers.add(number)
    if not profile.spellings:
        profile.numbers = None
    return profile


# --------------------------------------------------------------------------------------
# Inferring what a column is
# --------------------------------------------------------------------------------------


@dataclass
class _Extra:
    """A column drafted as a ``[[features.extra]]`` table."""

    name: str
    kind: str
    settings: list[tuple[str, Any]]
    note: str


def _words(header: str) -> list[str]:
    text = unicodedata.normalize("NFKC", header)
    return [w.casefold() for w in re.findall(
        r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_A-Za-z]+", text)]


def _is_protected_name(header: str) -> bool:
    text = normalise_text(header)
    return any(part in text for part in _PROTECTED_PARTS) or bool(
        _PROTECTED_WORDS & set(_words(header))
    )


def _is_id_name(header: str) -> bool:
    """A header that names an id: 社員番号, 回答者ID, Employee No, respondent id, ..."""
    return bool(_ID_WORDS & set(_words(header))) or any(
        part in normalise_text(header) for part in _ID_PARTS)


def _looks_like_id(header: str, profile: _Profile) -> bool:
    """Many whole numbers, one per row, named like an id or counting up (1, 2, 3, ...)."""
    distinct = profile.n_distinct
    if not profile.is_whole or distinct != profile.n_given or distinct <= _MAX_ORDINAL_VALUES:
        return False
    values = sorted(profile.numbers or ())
    running = values[-1] - values[0] + 1 == len(values)
    return running or _is_id_name(header)


def _id_column(frame: pd.DataFrame) -> str | None:
    """The column that holds each leaver's id when there is no ``leaver_id``: named as an
    id, with a different value in every row and none blank."""
    if "leaver_id" in frame.columns:
        return None
    for position, name in enumerate(map(str, frame.columns)):
        if name in FIELDS_BY_NAME or not _is_id_name(name):
            continue
        profile = _profile(frame.iloc[:, position])
        if profile.n_blank == 0 and profile.n_distinct == profile.n_rows > 0:
            return name
    return None


def _scale_levels(profile: _Profile) -> list[str] | None:
    """The levels of the smallest known scale holding every value, in the data's spelling."""
    if not profile.spellings:
        return None
    for scale in sorted(_ORDERED_SCALES, key=len):
        index = {normalise_text(s): i for i, level in enumerate(scale) for s in level.split("|")}
        if not set(profile.spellings) <= set(index):
            continue
        seen = {index[key]: spelling for key, spelling in profile.spellings.items()}
        if len(seen) != len(profile.spellings):  # two spellings of one level
            continue
        return [seen.get(i, level.split("|")[0]) for i, level in enumerate(scale)]
    return None


def _numeric_scale(values: set[float]) -> tuple[int, int]:
    low, high = int(min(values)), int(max(values))
    for scale_low, scale_high in _NUMERIC_SCALES:
        if scale_low <= low and high <= scale_high:
            return scale_low, scale_high
    return (0, 10) if high > 7 else (low, high)


def _as_int_or_float(number: float, kind: str) -> int | float:
    return int(number) if kind == "int" else float(number)


def _numeric_extra(name: str, profile: _Profile) -> _Extra:
    values = profile.numbers or set()
    low, high = min(values), max(values)
    seen = f"{_number_text(low)} to {_number_text(high)}"
    if profile.is_whole and len(values) <= _MAX_ORDINAL_VALUES and 0 <= low <= high <= 10:
        scale = _numeric_scale(values)
        note = (f"Whole numbers from {seen} seen ({len(values)} distinct): an ordered scale of "
                f"{scale[0]} to {scale[1]}. Widen low/high if the question allowed more.")
        return _Extra(name, "ordinal", [("low", scale[0]), ("high", scale[1])], note)
    kind = "int" if profile.is_whole else "float"
    bound_low = 0 if low >= 0 else low
    note = (f"Numbers from {seen} seen. Widen low/high to every value the column can take: "
            "scoring rejects values outside.")
    settings = [("low", _as_int_or_float(bound_low, kind)), ("high", _as_int_or_float(high, kind))]
    return _Extra(name, kind, settings, note)


def _shown(values: Iterable[str], limit: int = 8) -> str:
    values = list(values)
    shown = ", ".join(toml_string(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _classify(name: str, profile: _Profile) -> _Extra | str:
    """The extra a column becomes, or why it is left out."""
    if _is_protected_name(name):
        return _PROTECTED_NOTE
    if not name or name != name.strip():
        return "its header is empty or has spaces around it; rename it with --columns to use it"
    if not profile.n_given:
        return "blank in every row"
    if profile.n_distinct == 1:
        only = next(iter(profile.spellings.values()))
        return f"the same in every row ({toml_string(only)})"
    if profile.is_bool:
        seen = sorted(profile.spellings.values())
        return _Extra(name, "bool", [], f"Yes/no answers ({_shown(seen)}).")
    if profile.numbers is not None:
        if _looks_like_id(name, profile):
            return "an identifier (a different whole number in every row)"
        return _numeric_extra(name, profile)
    levels = _scale_levels(profile)
    if levels is not None:
        note = (f"Ordered answers, lowest first, from a known scale (seen: "
                f"{_shown(sorted(profile.spellings.values()))}). Check the order and that "
                "these are the levels your questionnaire offered.")
        return _Extra(name, "ordinal", [("levels", levels)], note)
    if profile.n_distinct > _MAX_CATEGORIES or profile.n_distinct == profile.n_given:
        return f"free text or an identifier ({profile.n_distinct} distinct values)"
    categories = sorted(profile.spellings.values())
    note = (f"{len(categories)} categories seen. A level not listed here is refused at "
            "training and rejected at scoring.")
    return _Extra(name, "category", [("categories", categories)], note)


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------


def _check_targets(frame: pd.DataFrame, targets: Mapping[str, str]) -> None:
    headers = [str(c) for c in frame.columns]
    for name, column in targets.items():
        if name not in TARGETS:
            raise ConfigError(
                f"unknown target {name!r}; expected {' or '.join(TARGETS)} "
                f"(for example --target rehire_intent=COLUMN)"
            )
        if not isinstance(column, str) or column not in headers:
            shown = ", ".join(repr(h) for h in headers[:10])
            more = f" and {len(headers) - 10} more" if len(headers) > 10 else ""
            raise ConfigError(
                f"target {name}: column {column!r} is not in the data; expected one of its "
                f"headers ({shown}{more}); check the spelling, or the header after the "
                "--columns mapping"
            )
        field_ = FIELDS_BY_NAME.get(column)
        if field_ is not None and field_.role != "target":
            raise ConfigError(
                f"target {name}: column {column!r} is the leaver-record field {column} "
                f"({field_.role}), not an outcome; name the column that holds {name}"
            )


def _resolve_targets(
    frame: pd.DataFrame, targets: Mapping[str, str] | None
) -> dict[str, str | bool | None]:
    """Each target's column; False for a target left out, None when unknown."""
    if targets:
        _check_targets(frame, targets)
    headers = {str(c) for c in frame.columns}
    resolved: dict[str, str | bool | None] = {}
    for name in TARGETS:
        if targets and name in targets:
            resolved[name] = targets[name]
        elif name in headers:
            resolved[name] = name
        else:
            resolved[name] = False if targets else None
    return resolved


def _upper_half(levels: Sequence[str]) -> list[str]:
    """The agreeing half of an ordered scale (above the middle level)."""
    return list(levels[len(levels) // 2 + len(levels) % 2:])


def _positive(profile: _Profile) -> tuple[str | list[str], str]:
    """What counts as positive in a target column, and a comment about it."""
    if profile.numbers is not None:
        low, high = min(profile.numbers), max(profile.numbers)
        if profile.numbers <= {0.0, 1.0}:
            return "== 1", "Values 0 and 1: 1 counts as positive."
        if 1 <= low <= high <= 5:
            return ">= 4", "Scores from 1 to 5: 4 and 5 count as positive."
        seen = f"{_number_text(low)} to {_number_text(high)}"
        return "", (f"Fill in positive: numbers from {seen} seen; write a comparison such as "
                    '">= 4".')
    if profile.is_bool:
        yes = [s for k, s in profile.spellings.items() if k in YES_TEXT | HELD_TEXT]
        if yes:
            return sorted(yes), "Yes/no answers: the ones meaning yes count as positive."
    levels = _scale_levels(profile)
    if levels is not None:
        return _upper_half(levels), "Ordered answers: the upper half counts as positive."
    seen = _shown(sorted(profile.spellings.values()))
    return "", (f"Fill in positive: the answer(s) that mean the outcome, as a list of "
                f"labels (seen: {seen or 'nothing'}).")


def _is_candidate(profile: _Profile) -> bool:
    if profile.n_distinct < 2:
        return False
    if profile.is_bool or _scale_levels(profile) is not None:
        return True
    numbers = profile.numbers
    return numbers is not None and min(numbers) >= 1 and max(numbers) <= 5


# --------------------------------------------------------------------------------------
# Writing TOML
# --------------------------------------------------------------------------------------


def _assign(key: str, value: Any, comment: str = "") -> list[str]:
    return toml_assignment(key, value, comment, width=_WIDTH)


def _comment(text: str, *, bullet: bool = False) -> list[str]:
    if bullet:
        return textwrap.wrap(text, _WIDTH, initial_indent="# - ", subsequent_indent="#   ",
                             break_long_words=False, break_on_hyphens=False)
    return textwrap.wrap(text, _WIDTH, initial_indent="# ", subsequent_indent="# ",
                         break_long_words=False, break_on_hyphens=False)


def _header(source: str | None, n_rows: int) -> list[str]:
    where = toml_string(source) if source else "a survey table"
    return [
        *_comment(f"Training config drafted by `rehire-model init-config` from {where} "
                  f"({n_rows:,} row{'s' if n_rows != 1 else ''})."),
        "#",
        *_comment("This is a draft: review every entry, then set the targets. Kinds, ranges, "
                  "levels and categories are inferred from the values seen; train with "
                  "`rehire-model train --data DATA --out models/NAME --config THIS_FILE`."),
        "",
        "# Seed of the data splits, the folds and the models.",
        _assign("seed", DEFAULTS["seed"])[0],
        "",
    ]


def _settings(values: Mapping[str, Any], notes: Mapping[str, str]) -> list[str]:
    """``key = value`` lines, each after its comment when there is one."""
    lines = []
    for key, value in values.items():
        lines += _comment(notes.get(key, ""))
        lines += _assign(key, value)
    return lines


def _columns_section(id_column: str | None) -> list[str]:
    if id_column is None:
        return []
    return [
        "[columns]",
        *_comment(f"Your headers -> the fields they hold. {toml_string(id_column)} holds each "
                  "leaver's id: kept on every output row, never a feature. The model keeps "
                  "this table and applies it to every file it scores."),
        f"{toml_string(id_column)} = \"leaver_id\"",
        "",
    ]


def _data_section() -> list[str]:
    # The loader's own defaults for the rest, so that every key written is one it knows.
    data: dict[str, Any] = dict(DEFAULTS["data"])
    return ["[data]", *_settings(data, _DATA_NOTES), ""]


# --------------------------------------------------------------------------------------
# The features section
# --------------------------------------------------------------------------------------


def _schema_features(present: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Schema feature fields found, by role, and comments on those left out."""
    roles: dict[str, list[str]] = {role: [] for role in FEATURE_ROLES}
    notes, absent = [], []
    for f in FIELDS:
        if f.role not in FEATURE_ROLES:
            continue
        if f.name not in present:
            absent.append(f.name)
        elif f.requires is not None and f.requires not in present:
            notes.append(f"{f.name}: left out: it has a value only when {f.requires} is true, "
                         f"and your data lack {f.requires} (the config loader rejects it alone).")
        else:
            roles[f.role].append(f.name)
    if absent:
        notes.append(f"Your data lack {', '.join(absent)}; left out.")
    return roles, notes


def _protected_notes(present: set[str]) -> list[str]:
    found = [f.name for f in FIELDS if f.role == "protected" and f.name in present]
    if not found:
        return []
    return [f"{', '.join(found)}: in your data; kept for fairness audits, not model features "
            "(include_protected = false)."]


def _extra_lines(extra: _Extra) -> list[str]:
    return [
        "[[features.extra]]",
        *_comment(extra.note),
        *_assign("name", extra.name),
        *_assign("kind", extra.kind),
        *(line for key, value in extra.settings for line in _assign(key, value)),
        *_assign("lever", "fixed",
                 '"policy" or "exit_interview" if the company or a supervisor can change it'),
        *_assign("label_en", extra.name),
        *_assign("label_ja", extra.name),
        "",
    ]


def _features_section(
    roles: Mapping[str, list[str]], notes: list[str], extras: list[_Extra],
    left_out: list[tuple[str, str]],
) -> list[str]:
    lines = [
        "[features]",
        *_comment("Schema fields found in your data by name, by role. Every role is listed, "
                  "even empty: a role left out would mean every schema field of that role."),
    ]
    for role in FEATURE_ROLES:
        lines += _assign(role, roles[role])
    lines += [line for note in notes for line in _comment(note)]
    options = {key: value for key, value in DEFAULTS["features"].items()
               if key not in FEATURE_ROLES and key != "extra"}
    lines += _settings({**options, "include_protected": False}, _FEATURE_NOTES)
    if left_out:
        lines.append("# Columns not used as features:")
        lines += [line for name, why in left_out
                  for line in _comment(f"{toml_string(name)}: {why}", bullet=True)]
    if not extras:
        return [*lines, *_assign("extra", []), ""]
    lines += [
        *_comment("Your own columns, one table each, with the kind their values suggest. "
                  "Delete a table to leave its column out."),
        "",
    ]
    return lines + [line for extra in extras for line in _extra_lines(extra)]


# --------------------------------------------------------------------------------------
# The targets section
# --------------------------------------------------------------------------------------


def _target_table(name: str, column: str | None, profile: _Profile | None,
                  candidates: list[str]) -> list[str]:
    lines = [f"[targets.{name}]"]
    if column is None:
        shown = _shown(candidates, limit=12) if candidates else "none found"
        lines += [
            *_comment(f"Fill in the column of this outcome (or set `{name} = false` under "
                      "[targets] if your survey did not ask it)."),
            *_comment(f"Candidate outcome columns (yes/no or 1 to 5): {shown}. Delete the "
                      "[[features.extra]] table of the one you choose; for a yes/no column, "
                      'set positive to its yes label(s), such as ["yes"].'),
        ]
        positive: str | list[str] = ">= 4"
    else:
        positive, note = _positive(profile) if profile is not None else ("", "")
        lines += _comment(note)
    return [
        *lines,
        *_assign("column", column or ""),
        *_assign("positive", positive),
        *_assign("threshold", DEFAULTS["targets"][name]["threshold"]),
        "",
    ]


def _targets_section(resolved: Mapping[str, str | bool | None],
                     profiles: Mapping[str, _Profile], candidates: list[str]) -> list[str]:
    lines = [
        "# Each target: the column holding it, what counts as positive (a comparison such",
        '# as ">= 4" for a numeric column, or a list of labels such as ["yes", "はい"],',
        "# compared case-insensitively) and the probability from which a leaver counts as",
        "# high (0.3 is about twice the survey's rate).",
        "[targets]",
    ]
    for name, column in resolved.items():
        if column is False:
            lines += _comment(f"No column named for {name}: the model predicts the other "
                              "target only (and no segment). Replace with a table like the "
                              "one below to train it.")
            lines += _assign(name, False)
    lines.append("")
    for name, column in resolved.items():
        if column is not False:
            column = column if isinstance(column, str) else None
            lines += _target_table(name, column, profiles.get(column or ""), candidates)
    return lines


def _model_selection_section() -> list[str]:
    selection = DEFAULTS["model_selection"]
    lines = [
        "[model_selection]",
        *_comment("Families compared per target by stratified cross-validation; the best is "
                  "kept and calibrated. The defaults; see training/configs/default.toml."),
    ]
    if any(isinstance(v, list) for settings in selection.values()
           if isinstance(settings, Mapping) for v in settings.values()):
        lines += _comment("A list of values under a family is a set of choices, searched by "
                          "cross-validation.")
    tables = []
    for key, value in selection.items():
        if isinstance(value, Mapping):
            tables += ["", f"[model_selection.{key}]"]
            tables += [line for k, v in value.items() for line in _assign(k, v)]
        else:
            lines += _assign(key, value)
    return lines + tables


# --------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------


def _other_columns(
    frame: pd.DataFrame, targets: set[str], id_column: str | None = None,
) -> tuple[list[_Extra], list[tuple[str, str]], dict[str, _Profile]]:
    """Extras, columns left out with the reason, and the profile of every column read."""
    headers = [str(c) for c in frame.columns]
    repeated = {name for name, n in Counter(headers).items() if n > 1}
    extras, left_out, profiles = [], [], {}
    for position, name in enumerate(headers):
        if name in repeated:
            if name not in dict(left_out):
                left_out.append((name, "appears more than once; keep only one"))
            continue
        is_schema = name in FIELDS_BY_NAME and FIELDS_BY_NAME[name].role != "target"
        if is_schema or name == id_column:
            continue
        profiles[name] = profile = _profile(frame.iloc[:, position])
        if name in targets:
            continue
        if name in TARGETS:
            left_out.append((name, "the schema's name of a target, not used as one here"))
            continue
        kind = _classify(name, profile)
        if isinstance(kind, _Extra):
            kind.note += profile.blank_note()
            extras.append(kind)
        else:
            left_out.append((name, kind))
    return extras, left_out, profiles


def draft_config(
    records: pd.DataFrame,
    *,
    targets: Mapping[str, str] | None = None,
    source: str | None = None,
) -> str:
    """Draft a complete, commented training config from a survey table.

    Schema fields found by exact name go to their role lists; a column named as an id
    (社員番号, 回答者ID, employee id, ...) with a different value in every row is mapped to
    ``leaver_id`` in a ``[columns]`` table when there is no ``leaver_id``; every other
    column becomes a ``[[features.extra]]`` table (kind ``bool``, ``ordinal`` with text
    ``levels`` or numeric ``low``/``high``, ``int``, ``float`` or ``category``) or, when
    it should not be a feature (a likely protected attribute by its name, blank or the
    same in every row, free text or an identifier), a comment giving the reason.

    Parameters
    ----------
    records : pandas.DataFrame
        The survey table as :func:`rehire_model.tables.read_table` reads it (headers
        already mapped to schema fields; values as text or numbers, blanks as NaN/None).
    targets : mapping of str to str, optional
        Target name (``"alumni_engagement"``, ``"rehire_intent"``) -> the column of
        ``frame`` holding it. A target it does not name, and whose schema name is not a
        column, is written as ``<name> = false`` (a one-target model). Without it, a
        target whose schema name is not a column is left for the user to fill in, with
        the candidate columns in a comment.
    source : str, optional
        The data file's name, written in the header comment.

    Returns
    -------
    str
        The TOML text of the config. It parses with :mod:`tomllib`; the user reviews it
        and fills in what the data could not tell before training.

    Raises
    ------
    ConfigError
        ``targets`` names an unknown target or a column that is not in ``frame`` (or is
        a leaver-record field rather than an outcome).

    Examples
    --------
    >>> import tomllib
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "company_size": ["100-999", "5000+", "10-99", "5000+"],
    ...     "remote_work": ["yes", "no", "yes", "yes"],
    ...     "would_return": ["Yes", "No", "No", "Yes"],
    ... })
    >>> text = draft_config(frame, targets={"rehire_intent": "would_return"}, source="a.csv")
    >>> config = tomllib.loads(text)
    >>> config["features"]["fixed"], [e["kind"] for e in config["features"]["extra"]]
    (['company_size'], ['bool'])
    >>> config["targets"]["alumni_engagement"], config["targets"]["rehire_intent"]["positive"]
    (False, ['Yes'])
    """
    resolved = _resolve_targets(records, targets)
    target_columns = {c for c in resolved.values() if isinstance(c, str)}
    present = {str(c) for c in records.columns}
    roles, notes = _schema_features(present)
    id_column = _id_column(records)
    extras, left_out, profiles = _other_columns(records, target_columns, id_column)
    if not any(roles.values()) and not extras:
        notes.append("No column can be a feature as drafted: add schema fields (map your "
                     "headers with --columns) or your own columns.")
    candidates = [e.name for e in extras if _is_candidate(profiles[e.name])]
    lines = [
        *_header(source, len(records)),
        *_columns_section(id_column),
        *_data_section(),
        *_features_section(roles, notes + _protected_notes(present), extras, left_out),
        *_targets_section(resolved, profiles, candidates),
        *_model_selection_section(),
    ]
    return "\n".join(lines) + "\n"
