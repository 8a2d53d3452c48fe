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

from .schema import CONSTRUCT_LABELS, FIELDS_BY_NAME, Field

__all__ = ["LEVER_TAGS", "TARGET_LABELS", "Reason", "reason_map"]

LEVER_TAGS = {
    "en": {"policy": "Policy", "exit_interview": "Exit interview", "fixed": "Fact"},
    "ja": {"policy": "施策", "exit_interview": "退職面談", "fixed": "事実"},
}
TARGET_LABELS = {
    "en": {"alumni_engagement": "alumni engagement", "rehire_intent": "rehire intent"},
    "ja": {"alumni_engagement": "アルムナイ意識", "rehire_intent": "再入社意向"},
}
_YES_NO = {"en": ("no", "yes"), "ja": ("いいえ", "はい")}
_NOT_ANSWERED = {"en": "not answered", "ja": "未回答"}
_NO_INTERVIEW = {"en": "no supervisor interview", "ja": "上司面談なし"}
_INTERVIEWS = {
    # held flag: (reason key, English label, Japanese label)
    "sup_interview_held": ("sup_interview", "Supervisor's exit interview", "上司の退職面談"),
    "hr_interview_held": ("hr_interview", "HR exit interview", "人事の退職面談"),
}
LANGS = ("en", "ja")


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


def _reason_of(field: Field, by_name: dict[str, Field]) -> Reason:
    if field.construct is not None:
        en, ja = CONSTRUCT_LABELS[field.construct]
        items = tuple(n for n, f in FIELDS_BY_NAME.items() if f.construct == field.construct)
        return Reason(field.construct, "exit_interview", en, ja, items, kind="construct")
    held = field.requires or field.name
    if held in _INTERVIEWS:
        key, en, ja = _INTERVIEWS[held]
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
        return _NOT_ANSWERED[lang]
    if held != 1.0:
        return "not held" if lang == "en" else "実施なし"
    if not answers:
        return "held" if lang == "en" else "実施"
    if _blank(answers[0]):
        return "held, amicability not answered" if lang == "en" else "実施（円満度は未回答）"
    amicability = int(answers[0])
    return (f"held, amicability {amicability} of 5" if lang == "en"
            else f"実施（円満度 {amicability}/5）")


def _construct_value(reason: Reason, arrays: dict[str, np.ndarray], row: int, lang: str
                     ) -> str:
    held = arrays["sup_interview_held"][row] if "sup_interview_held" in arrays else 1.0
    if held == 0.0:
        return _NO_INTERVIEW[lang]
    items = [arrays[name][row] for name in reason.fields if name in arrays]
    answered = [v for v in items if not _blank(v)]
    if _blank(held) or not answered:
        return _NOT_ANSWERED[lang]
    shown = int(sum(v == 1.0 for v in answered))
    if len(items) == 1:
        return _YES_NO[lang][shown]
    skipped = len(items) - len(answered)
    if lang == "ja":
        return f"{len(items)}項目中{shown}" + (f"（{skipped}項目は未回答）" if skipped else "")
    return f"{shown} of {len(items)}" + (f" ({skipped} not answered)" if skipped else "")


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
        return _NOT_ANSWERED[lang]
    if field.kind == "category":
        return str(value)
    if field.kind == "bool":
        return _YES_NO[lang][int(value)]
    if field.levels:
        return field.levels[int(value) - 1]
    if field.kind == "float":
        return f"{value:g}"
    return str(int(value))


def reason_text(reason: Reason, value: str, target: str, pp: float, lang: str) -> str:
    """One reason as a sentence, lever first."""
    tag = LEVER_TAGS[lang][reason.lever]
    outcome = TARGET_LABELS[lang][target]
    size = f"{abs(pp):.1f}"
    if lang == "ja":
        verb = "上げる" if pp >= 0 else "下げる"
        return f"［{tag}］{reason.label_ja}：{value} → {outcome}を{size}pt{verb}"
    verb = "raises" if pp >= 0 else "lowers"
    return f"[{tag}] {reason.label_en}: {value} — {verb} {outcome} by {size} pt"
