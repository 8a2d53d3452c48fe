"""Per-person reasons: model-column contributions summed back to what HR knows.

Each model column is traced to the leaver-record fields it is computed from
(``LeaverFeatures.feature_sources_``). A *reason* is a record field, except where a
group reads better: the supervisor's behaviours form the constructs of the survey
(respect for the decision, drawing out feelings, welcome signal), and an exit
interview is one reason with its amicability (which exists only when the interview
was held), so "no interview" shows as one effect rather than two that cancel.

A column computed from several reasons is shared equally among them (the respect x
drawing-out interaction half to each, the number of alumni measures a quarter to
each measure), as SHAP interaction values share an interaction between its two
features; the shares of every column sum to one, so each person's reasons plus the
base value still add up to the model's output exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._groups import first_of_each
from .schema import CONSTRUCT_LABELS, FIELDS_BY_NAME, Field
from .texts import LANGS, has_text, text

__all__ = ["Reason", "describe_reasons", "display_value", "reason_map", "reason_text",
           "reason_text_parts", "value_label"]

#: The reason that stands for an interview (its held flag and amicability together).
_INTERVIEWS = {"sup_interview_held": "sup_interview", "hr_interview_held": "hr_interview"}
_SUPERVISOR_HELD = "sup_interview_held"
#: pandas' own type of text columns (Arrow-backed where pandas uses Arrow for text).
TEXT_DTYPE = pd.Series(dtype="str").dtype


@dataclass(frozen=True)
class Reason:
    """One reason: a record field, or a behaviour construct (its items together)."""

    key: str
    lever: str
    label_en: str
    label_ja: str
    fields: tuple[str, ...]
    kind: str = "field"  # "field", "construct" or "interview"

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en

    @property
    def shown_from(self) -> tuple[str, ...]:
        """The fields the person's value is read from (see :func:`display_value`)."""
        return (*self.fields, _SUPERVISOR_HELD) if self.kind == "construct" else self.fields


def _reason_of(field: Field, by_name: dict[str, Field]) -> Reason:
    if field.construct is not None:
        en, ja = CONSTRUCT_LABELS[field.construct]
        items = tuple(n for n, f in FIELDS_BY_NAME.items() if f.construct == field.construct)
        return Reason(field.construct, "exit_interview", en, ja, items, kind="construct")
    held = field.requires or field.name
    if held in _INTERVIEWS:
        key = _INTERVIEWS[held]
        en, ja = (text(f"interview.{key}", lang) for lang in LANGS)
        answers = [n for n, f in by_name.items() if f.requires == held and f.construct is None]
        return Reason(key, "exit_interview", en, ja, (held, *answers), kind="interview")
    return Reason(field.name, field.lever or "fixed", field.label_en, field.label_ja,
                  (field.name,))


def reason_map(
    sources: dict[str, tuple[str, ...]], fields: tuple[Field, ...], *, constructs: bool = True
) -> tuple[list[Reason], np.ndarray]:
    """The reasons of a model and the share of each column in each (columns x reasons).

    Parameters
    ----------
    sources : dict of column -> source fields
        ``feature_sources_`` of the fitted encoder, in column order.
    fields : tuple of Field
        The model's record fields (schema fields used and a company's own).
    constructs : bool, default True
        Group behaviour items into their construct and an interview with its
        amicability; otherwise every reason is a field.

    Returns
    -------
    reasons : list of Reason
    shares : numpy.ndarray of shape (n_columns, n_reasons)
        Rows sum to one.
    """
    by_name = {f.name: f for f in fields}
    reasons: dict[str, Reason] = {}
    column_reasons = []
    for column_sources in sources.values():
        keys = []
        for name in column_sources:
            field = by_name[name]
            reason = _reason_of(field, by_name) if constructs else Reason(
                field.name, field.lever or "fixed", field.label_en, field.label_ja, (name,))
            reasons.setdefault(reason.key, reason)
            keys.append(reason.key)
        column_reasons.append(list(dict.fromkeys(keys)))
    order = list(reasons)
    shares = np.zeros((len(sources), len(order)))
    for i, keys in enumerate(column_reasons):
        for key in keys:
            shares[i, order.index(key)] = 1.0 / len(keys)
    return [reasons[key] for key in order], shares


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _interview_value(reason: Reason, arrays: dict[str, np.ndarray], row: int, lang: str
                     ) -> str:
    held, *answers = (arrays[name][row] for name in reason.fields if name in arrays)
    if _blank(held):
        return text("shown.not_answered", lang)
    if held != 1.0:
        return text("shown.not_held", lang)
    if not answers:
        return text("shown.held", lang)
    if _blank(answers[0]):
        return text("shown.held_amicability_not_answered", lang)
    return text("shown.held_amicability", lang, level=int(answers[0]))


def _construct_value(reason: Reason, arrays: dict[str, np.ndarray], row: int, lang: str
                     ) -> str:
    held = arrays[_SUPERVISOR_HELD][row] if _SUPERVISOR_HELD in arrays else 1.0
    if held == 0.0:
        return text("shown.no_supervisor_interview", lang)
    items = [arrays[name][row] for name in reason.fields if name in arrays]
    answered = [v for v in items if not _blank(v)]
    if _blank(held) or not answered:
        return text("shown.not_answered", lang)
    shown = int(sum(v == 1.0 for v in answered))
    if len(items) == 1:
        return text("shown.yes" if shown else "shown.no", lang)
    skipped = len(items) - len(answered)
    key = "shown.items_skipped" if skipped else "shown.items"
    return text(key, lang, shown=shown, total=len(items), skipped=skipped)


def value_label(field: Field, value: str, lang: str) -> str:
    """A category value as HR staff read it (a company's own values as they are)."""
    key = f"value.{field.name}.{value}"
    return text(key, lang) if has_text(key) else str(value)


def display_value(reason: Reason, arrays: dict[str, np.ndarray], row: int, lang: str,
                  fields: dict[str, Field]) -> str:
    """The person's value of a reason, as HR staff read it ("not answered" if skipped)."""
    if reason.kind == "interview":
        return _interview_value(reason, arrays, row, lang)
    if reason.kind == "construct":
        return _construct_value(reason, arrays, row, lang)
    field = fields[reason.key]
    value: Any = arrays[reason.key][row]
    if _blank(value):
        return text("shown.not_answered", lang)
    if field.kind == "category":
        return value_label(field, value, lang)
    if field.kind == "bool":
        return text("shown.yes" if value else "shown.no", lang)
    if field.levels:
        return field.levels[int(value) - 1]
    if field.kind == "float":
        return f"{value:g}"
    return str(int(value))


def reason_text(reason: Reason, value: str, target: str, pp: float, lang: str) -> str:
    """One reason as a sentence, lever first."""
    return text("reason.raises" if pp >= 0 else "reason.lowers", lang,
                tag=text(f"lever.{reason.lever}", lang), label=reason.label(lang),
                value=value, outcome=text(f"target.{target}", lang), size=f"{abs(pp):.1f}")


def _value_codes(arrays: dict[str, np.ndarray], names: tuple[str, ...], rows: np.ndarray
                 ) -> np.ndarray:
    """One integer per row that is equal exactly when the rows' values of ``names`` are."""
    codes = np.zeros(len(rows), dtype=np.int64)
    for name in names:
        if name in arrays:
            part, uniques = pd.factorize(arrays[name][rows], use_na_sentinel=False)
            codes = codes * (len(uniques) + 1) + part
    return codes


def reason_text_parts(reason: Reason, value: str, target: str, sign: str, lang: str
                   ) -> tuple[str, str]:
    """A reason sentence around its size: the text before it and after it."""
    sentence = text(f"reason.{sign}", lang, tag=text(f"lever.{reason.lever}", lang),
                    label=reason.label(lang), value=value,
                    outcome=text(f"target.{target}", lang), size="\0")
    before, after = sentence.split("\0")
    return before, after


def _one_decimal(x: np.ndarray) -> pa.Array:
    """``f"{v:.1f}"`` of each non-negative number, as Arrow strings.

    Formatting in Arrow keeps a large batch of reasons fast; rounding ``10 x`` to the
    nearest integer is exact except within a hair of a half, where Python formats.
    """
    scaled = x * 10
    tenths = np.floor(scaled + 0.5).astype(np.int64)
    strings = pc.binary_join_element_wise(pc.cast(pa.array(tenths // 10), pa.string()),
                                          pc.cast(pa.array(tenths % 10), pa.string()), ".")
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    if near_half.any():
        exact = pa.array([f"{v:.1f}" for v in x[near_half].tolist()], type=pa.string())
        strings = pc.replace_with_mask(strings, pa.array(near_half), exact)
    return strings


def describe_reasons(
    reasons: list[Reason],
    picked: np.ndarray,
    rows: np.ndarray,
    targets: tuple[str, ...],
    target_of: np.ndarray,
    pp: np.ndarray,
    arrays: dict[str, np.ndarray],
    fields: dict[str, Field],
    lang: str,
) -> tuple[np.ndarray, np.ndarray]:
    """The shown values and the sentences of many reasons at once.

    Entry ``i`` is reason ``reasons[picked[i]]`` of the leaver at ``rows[i]`` for
    ``targets[target_of[i]]``, of size ``pp[i]`` percentage points. Each distinct value and each
    distinct sentence is written once; the entries share them, so the result equals
    :func:`display_value` and :func:`reason_text` entry by entry.

    Returns
    -------
    values : numpy.ndarray of str (object)
    sentences : pandas array of pandas' string type
    """
    n = len(picked)
    values = np.empty(n, dtype=object)
    value_codes = np.zeros(n, dtype=np.int64)
    by_reason = np.argsort(picked, kind="stable")
    bounds = np.cumsum(np.bincount(picked, minlength=len(reasons)))
    for j, entries in enumerate(np.split(by_reason, bounds[:-1])):
        if not len(entries):
            continue
        groups, first = first_of_each(_value_codes(arrays, reasons[j].shown_from, rows[entries]))
        shown = np.array([display_value(reasons[j], arrays, int(rows[entries[k]]), lang,
                                        fields) for k in first.tolist()], dtype=object)
        values[entries] = shown[groups]
        value_codes[entries] = groups
    raises = pp >= 0
    # One code per distinct sentence around its size: reason, shown value, target, sign.
    code = ((picked * (value_codes.max(initial=0) + 1) + value_codes) * len(targets)
            + target_of) * 2 + raises
    groups, first = first_of_each(code)
    pieces = [reason_text_parts(reasons[picked[i]], values[i], targets[target_of[i]],
                             "raises" if raises[i] else "lowers", lang)
              for i in first.tolist()]
    which = pa.array(groups)
    before = pa.array([b for b, _ in pieces], type=pa.string()).take(which)
    after = pa.array([a for _, a in pieces], type=pa.string()).take(which)
    joined = pc.binary_join_element_wise(before, _one_decimal(np.abs(pp)), after, "")
    sentences = pd.array(joined, dtype=TEXT_DTYPE)
    return values, sentences
