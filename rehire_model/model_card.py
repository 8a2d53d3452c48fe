"""The model card of a fitted model, in English and Japanese.

Every model folder holds ``MODEL_CARD.md`` and ``MODEL_CARD.ja.md`` (Mitchell et al.
2019: model details, intended and out-of-scope uses, training and evaluation data,
metrics, results by group, ethical considerations, caveats), written when the model is
saved; the trust report shows the same card in the page's language. The card is built
once as sections of paragraphs and tables (:func:`model_card_sections`) and then
written as Markdown or HTML.

The card describes the model's own data: the synthetic survey or the company's own
records (with their source, when the trainer gave one), which protected attributes
they had and what those were used for, and, for a model updated from another
(:func:`rehire_model.update`), its lineage: the parent, and per outcome the method, the
labelled leavers, the metrics before and after and why that method. A model folder
saved before its data were described keeps the card it had.

Examples
--------
>>> import rehire_model as rm
>>> card = model_card_markdown(rm.load_model(), "default", lang="ja")
>>> card.splitlines()[0]
'# モデルカード：標準モデル'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .evaluation import METRICS
from .fairness import MIN_GROUP_SIZE, summary_table
from .labels import group_value_label, p_value_text
from .texts import check_lang, has_text, text

if TYPE_CHECKING:
    from .model import RehireModel

__all__ = [
    "CARD_FILES",
    "Section",
    "UPDATE_METHODS",
    "display_name",
    "format_bound",
    "format_count",
    "format_number",
    "format_percent",
    "format_ratio_bound",
    "model_card_markdown",
    "model_card_sections",
    "write_model_cards",
]

#: The model card's file in a model folder, per language.
CARD_FILES = {"en": "MODEL_CARD.md", "ja": "MODEL_CARD.ja.md"}
#: The text of each method of :func:`rehire_model.update`, as its lineage names it.
UPDATE_METHODS = {
    "none": "update.method.none",
    "intercept": "update.method.intercept",
    "logistic": "update.method.logistic",
    "revise": "update.method.revise",
    "refit": "update.method.refit",
    "base_rate": "update.method.base_rate",
}
#: Name of the default model folder, shown as a name readers know.
_DEFAULT_NAME = {"en": "default model", "ja": "標準モデル"}


@dataclass
class Section:
    """A heading and its paragraphs and tables, in order."""

    heading: str
    blocks: list[str | pd.DataFrame] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Numbers as people read them
# --------------------------------------------------------------------------------------


def format_number(value: Any) -> str:
    """A metric: three decimals ("n/a" when undefined)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "n/a" if number != number else f"{number:.3f}"


def format_count(value: Any) -> str:
    """A count with thousands separators."""
    return f"{int(value):,}"


def format_percent(value: Any, lang: str) -> str:
    """A share as a percentage with one decimal: "12.3 %" (English), "12.3%" (Japanese)."""
    number = float(value)
    if number != number:
        return "n/a"
    return f"{100 * number:.1f}" + ("%" if lang == "ja" else " %")


def format_bound(value: Any) -> str:
    """A bound of a metric's interval, within [0, 1] where every metric lies (a t interval
    of a mean over folds may stray beyond it)."""
    try:
        number = min(max(float(value), 0.0), 1.0)
    except (TypeError, ValueError):
        return str(value)
    return format_number(number if value == value else value)


def format_ratio_bound(value: Any) -> str:
    """A bound of an impact ratio's interval: two decimals, as wide as the evidence."""
    number = float(value)
    return "n/a" if number != number else f"{number:.2f}"


def display_name(name: str, lang: str) -> str:
    """A model folder's name as shown to readers ("default" reads as the default model)."""
    return _DEFAULT_NAME[check_lang(lang)] if name == "default" else name


# --------------------------------------------------------------------------------------
# The card
# --------------------------------------------------------------------------------------


def _families(model: RehireModel, lang: str) -> str:
    parts = []
    for target, result in model.metrics.items():
        settings = text("coach.separator", lang).join(
            text(f"card.setting.{k}", lang, value=f"{v:g}")
            for k, v in result.get("settings", {}).items() if has_text(f"card.setting.{k}"))
        parts.append(text("card.family_item", lang, outcome=text(f"field.{target}", lang),
                          family=text(f"card.family.{result['selected']}", lang),
                          settings=text("card.settings", lang, settings=settings)
                          if settings else ""))
    return text("coach.separator", lang).join(parts)


def _details(model: RehireModel, lang: str) -> str:
    separator = text("coach.separator", lang)
    return text(
        "card.details_text", lang,
        count=text(f"card.count_{len(model.targets)}", lang),
        meanings=separator.join(text(f"card.meaning.{t}", lang) for t in model.targets),
        families=_families(model, lang),
        missing=text(f"card.missing_{model.config.missing}", lang),
        thresholds=separator.join(f"{text(f'target.{t}', lang)} {format_percent(v, lang)}"
                                  for t, v in model.thresholds.items()),
    )


def _own_data(data: Mapping[str, Any]) -> bool | None:
    """Whether the model learnt from a company's own records (False: the synthetic
    survey; None: a folder saved before its data were described)."""
    if data.get("synthetic_oracle") or str(data.get("source")).startswith("synthetic"):
        return False
    return True if "protected_columns" in data else None


def _source(data: Mapping[str, Any], lang: str) -> str:
    """Where the training data came from: the synthetic survey, or the company's own
    records (with the trainer's note of their source, when given)."""
    own_data, source = _own_data(data), data.get("source")
    if own_data is False:
        return text("card.source_synthetic", lang)
    if own_data is None:
        return text("card.source_given", lang)
    own = text("card.source_own", lang)
    return text("card.source_note", lang, own=own, source=source) if source else own


def _training(model: RehireModel, lang: str) -> str:
    data = model.training_data
    return text(
        "card.training_text", lang,
        source=_source(data, lang),
        rows=format_count(data["n_rows"]),
        fitted=format_count(data["n_fit"]),
        held_out=text("card.held_out", lang, test=format_count(data["n_test"]))
        if data["n_test"] else "",
        left_out=text("card.left_out", lang, n=format_count(data["n_left_out"]))
        if data.get("n_left_out") else "",
        rates=text("coach.separator", lang).join(
            f"{text(f'target.{t}', lang)} {format_percent(r, lang)}"
            for t, r in data["positive_rate"].items()),
        fingerprint=data["fingerprint_sha256"][:16] + "…",
    )


def _protected_labels(columns: Sequence[str], lang: str) -> str:
    return text("coach.separator", lang).join(
        text(f"field.{c}", lang) if has_text(f"field.{c}") else str(c) for c in columns)


def _protected(model: RehireModel, lang: str) -> list[str]:
    """Which protected attributes the training data had and what they were used for
    (nothing for a folder saved before the data were described)."""
    columns = model.training_data.get("protected_columns")
    if columns is None:
        return []
    if not columns:
        return [text("card.protected_none", lang)]
    key = ("card.protected_features" if model.config.include_protected
           else "card.protected_audit")
    return [text(key, lang, columns=_protected_labels(columns, lang))]


def _training_blocks(model: RehireModel, lang: str) -> list[str | pd.DataFrame]:
    rows_kept = [text("card.rows_kept", lang)] if model.training_rows is not None else []
    return [_training(model, lang), *_protected(model, lang), *rows_kept]


def _metrics_table(model: RehireModel, lang: str) -> pd.DataFrame:
    rows = []
    for target, result in model.metrics.items():
        outcome = text(f"field.{target}", lang)
        scorers = [("table.model", {m: format_number(result["test"][m]) for m in METRICS})]
        if "interval" in result:
            scorers.append(("table.interval", {
                m: text("table.interval_value", lang, low=format_bound(low),
                        high=format_bound(high))
                for m, (low, high) in result["interval"].items()}))
        if "oracle_test" in result:
            scorers.append(("table.oracle",
                            {m: format_number(result["oracle_test"][m]) for m in METRICS}))
        for key, values in scorers:
            rows.append({text("table.outcome", lang): outcome,
                         text("table.scorer", lang): text(key, lang),
                         **{text(f"metric.{m}", lang): values[m] for m in METRICS}})
    return pd.DataFrame(rows)


def _interval(value: float, low: float, high: float, lang: str, *, percent: bool) -> str:
    if value != value:
        return "—"
    if percent:
        return text("table.rate_interval", lang, rate=format_percent(value, lang),
                    low=format_percent(low, lang), high=format_percent(high, lang))
    return text("table.ratio_interval", lang, ratio=format_number(value),
                low=format_ratio_bound(low), high=format_ratio_bound(high))


def _group_table(rows: pd.DataFrame, grouping: str, lang: str) -> pd.DataFrame:
    """One target's groups of a grouping, judged (see :func:`fairness.summary_table`),
    with readable headers and values."""
    shown = pd.DataFrame({
        text("table.group", lang): [group_value_label(grouping, str(g), lang)
                                    for g in rows["group"]],
        text("table.people", lang): [format_count(n) for n in rows["n"]],
        text("metric.selection_rate", lang): [
            _interval(*v, lang, percent=True) for v in zip(
                rows["selection_rate"], rows["selection_rate_low"],
                rows["selection_rate_high"], strict=True)],
        text("audit.column.impact_ratio_selection", lang): [
            _interval(*v, lang, percent=False) for v in zip(
                rows["impact_ratio_selection"], rows["impact_ratio_selection_low"],
                rows["impact_ratio_selection_high"], strict=True)],
        text("audit.column.p_selection_adjusted", lang): [
            "—" if p != p else p_value_text(p) for p in rows["p_selection_adjusted"]],
        text("audit.column.finding_selection", lang): [
            text(f"finding.{f}", lang) for f in rows["finding_selection"]],
    })
    for column in ("true_positive_rate", "false_positive_rate", "auc"):
        if column in rows:
            shown[text(f"metric.{column}", lang)] = [
                "—" if v is None or v != v else
                format_number(v) if column == "auc" else format_percent(v, lang)
                for v in rows[column]]
    return shown


def _finding(rows: pd.DataFrame, grouping: str, lang: str) -> str:
    """The grouping's finding for one target, in a clause."""
    adverse = rows[rows["finding_selection"] == "adverse_impact"]
    if len(adverse):
        return text("card.finding_adverse", lang, groups=text("audit.list_separator", lang).join(
            group_value_label(grouping, str(g), lang) for g in adverse["group"]))
    lowest = format_number(rows["impact_ratio_selection"].min())
    within = (rows["finding_selection"] == "not_distinguishable").any()
    return text("card.finding_within" if within else "card.finding_none", lang, ratio=lowest)


def _analyses(model: RehireModel, lang: str) -> list[str | pd.DataFrame]:
    fairness = {t: m["fairness"] for t, m in model.metrics.items() if m.get("fairness")}
    if not fairness:
        if model.lineage:  # the parent's group figures are not the updated model's
            return [text("card.no_groups_updated", lang)]
        columns = model.training_data.get("protected_columns")
        return [text("card.no_groups_with", lang, columns=_protected_labels(columns, lang))
                if columns else text("card.no_groups", lang)]
    blocks: list[str | pd.DataFrame] = [text("card.finding_rule", lang)]
    groupings = dict.fromkeys(g for by_group in fairness.values() for g in by_group)
    for grouping in groupings:
        table = summary_table({t: by_group[grouping] for t, by_group in fairness.items()
                               if grouping in by_group})
        for target, rows in table.groupby("target", sort=False):
            blocks.append(text(
                "card.group_heading", lang, outcome=text(f"field.{target}", lang),
                grouping=text(f"group.{grouping}", lang),
                finding=_finding(rows, grouping, lang), minimum=MIN_GROUP_SIZE,
                unknown=format_count(table.attrs["n_unknown"][target])))
            blocks.append(_group_table(rows, grouping, lang))
    return blocks


# --------------------------------------------------------------------------------------
# Updates (a model updated from another with labelled leavers)
# --------------------------------------------------------------------------------------


def _method_label(entry: Mapping[str, Any], lang: str) -> str:
    """How one target was updated, as people read it."""
    method = entry.get("method")
    key = UPDATE_METHODS.get(str(method))
    label = text(key, lang) if key else str(method)
    if method == "base_rate" and entry.get("base_rate") is not None:
        label = text("card.update_rate", lang, method=label,
                     rate=format_percent(entry["base_rate"], lang))
    if entry.get("requested") == "auto":
        label = text("card.update_auto", lang, method=label)
    return label


def _before_after(entry: Mapping[str, Any], metric: str, lang: str) -> str:
    before, after = entry.get("before") or {}, entry.get("after") or {}
    if metric not in before and metric not in after:
        return "—"
    return text("table.before_after", lang,
                before=format_number(before[metric]) if metric in before else "—",
                after=format_number(after[metric]) if metric in after else "—")


def _lineage_table(targets: Mapping[str, Mapping[str, Any]], lang: str) -> pd.DataFrame:
    return pd.DataFrame([{
        text("table.outcome", lang): text(f"field.{target}", lang),
        text("table.update", lang): _method_label(entry, lang),
        text("table.labelled", lang): format_count(entry.get("n", 0)),
        text("table.events", lang): format_count(entry.get("events", 0)),
        text("table.auc_change", lang): _before_after(entry, "roc_auc", lang),
        text("table.brier_change", lang): _before_after(entry, "brier", lang),
    } for target, entry in targets.items()])


def _written(note: Any, lang: str) -> str | None:
    """A sentence the lineage keeps as ``{"key": ..., "en": ..., "ja": ...}`` (written in
    every language when the model was updated) or as ``{"key": ..., "values": {...}}``
    (written now, when the key has a text; method codes among the values read as their
    labels). None when it cannot be written in ``lang``."""
    if not isinstance(note, Mapping):
        return None
    if isinstance(note.get(lang), str):
        return note[lang]
    key = note.get("key")
    if not key or not has_text(key):
        return None
    values = {name: text(UPDATE_METHODS[value], lang)
              if isinstance(value, str) and value in UPDATE_METHODS else value
              for name, value in (note.get("values") or {}).items()}
    try:
        return text(key, lang).format(**values)
    except (KeyError, IndexError, ValueError):  # values that do not fill the text
        return None


def _short(fingerprint: Any) -> str:
    return str(fingerprint)[:16] + "…" if fingerprint else "—"


def _parent(lineage: Mapping[str, Any], lang: str) -> str:
    parent, labelled = lineage.get("parent") or {}, lineage.get("labelled") or {}
    name = str(parent.get("name", ""))
    values = {"parent": text("card.parent_default", lang) if name == "default"
              else text("card.parent_named", lang, name=name),
              "fingerprint": _short(parent.get("fingerprint_sha256")),
              "seed": lineage.get("random_state", 0)}
    if not labelled.get("n_rows"):
        return text("card.update_parent_no_records", lang, **values)
    return text("card.update_parent", lang, n=format_count(labelled["n_rows"]),
                labelled=_short(labelled.get("fingerprint_sha256")), **values)


def _updates(model: RehireModel, lang: str) -> list[Section]:
    """The "Updates" section of a model updated from another (none otherwise): the
    parent, per target the method with its labelled leavers and metrics before and
    after, and why that method."""
    lineage = getattr(model, "lineage", None)
    if not lineage:
        return []
    targets = lineage.get("targets") or {}
    blocks: list[str | pd.DataFrame] = [_parent(lineage, lang)]
    if targets:
        blocks += [_lineage_table(targets, lang), text("card.update_note", lang)]
    for target, entry in targets.items():
        notes = [entry.get("reason"), *(entry.get("notes") or [])]
        for sentence in filter(None, (_written(note, lang) for note in notes)):
            blocks.append(text("card.update_reason", lang,
                               outcome=text(f"field.{target}", lang),
                               reason=sentence.rstrip(".。")))
    return [Section(text("card.updates", lang), blocks)]


def model_card_sections(model: RehireModel, name: str = "model", lang: str = "en"
                        ) -> list[Section]:
    """The model card as sections of paragraphs and tables, in ``lang``."""
    check_lang(lang)
    by_cv = model.training_data.get("evaluation") == "cross_validation"
    rows = format_count(model.training_data["n_rows"])
    test = format_count(model.training_data["n_test"])
    evaluation = (text("card.evaluation_cv", lang, rows=rows) if by_cv
                  else text("card.evaluation_split", lang, test=test))
    if model.lineage:  # the updated outcomes were measured on the update's leavers
        evaluation = text("card.evaluation_updated", lang, parent=evaluation,
                          n=format_count(model.lineage["labelled"]["n_rows"]))
    return [
        Section(text("card.details", lang), [_details(model, lang)]),
        Section(text("card.intended", lang), [text("report.intended_use", lang)]),
        Section(text("card.out", lang), [text("card.out_text", lang)]),
        Section(text("card.training", lang), _training_blocks(model, lang)),
        Section(text("card.metrics", lang), [
            text("card.metrics_cv" if by_cv else "card.metrics_split", lang),
            _metrics_table(model, lang)]),
        Section(text("card.evaluation", lang), [evaluation]),
        *_updates(model, lang),
        Section(text("card.analyses", lang), _analyses(model, lang)),
        Section(text("card.ethics", lang), [text(
            "card.ethics_text_opted_in" if model.config.include_protected
            else "card.ethics_text", lang)]),
        Section(text("card.caveats", lang), [text(
            "card.caveats_own" if _own_data(model.training_data) else "card.caveats_text",
            lang)]),
    ]


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |",
             "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def model_card_markdown(model: RehireModel, name: str = "model", lang: str = "en") -> str:
    """The model card in Markdown, in ``lang`` (``"en"`` or ``"ja"``)."""
    lines = [f"# {text('card.title', lang, name=display_name(name, lang))}", ""]
    for section in model_card_sections(model, name, lang):
        lines += [f"## {section.heading}", ""]
        for block in section.blocks:
            lines += [block if isinstance(block, str) else _markdown_table(block), ""]
    return "\n".join(lines)


def write_model_cards(model: RehireModel, folder: str | Path, name: str | None = None
                      ) -> list[Path]:
    """Write ``MODEL_CARD.md`` and ``MODEL_CARD.ja.md`` into ``folder``."""
    folder = Path(folder)
    paths = []
    for lang, file in CARD_FILES.items():
        path = folder / file
        path.write_text(model_card_markdown(model, name or folder.name, lang),
                        encoding="utf-8")
        paths.append(path)
    return paths
