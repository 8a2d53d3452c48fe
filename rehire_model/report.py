"""Trust report and model card: does the model work on this data, and is it fair by group?

Scoring people for HR decisions is high-stakes: profiling in employment is a high-risk
use under the EU AI Act (Annex III, point 4) and per-person scores are profiling under
GDPR Article 22. :func:`write_report` writes one self-contained HTML file (inline CSS
and charts, no network) that an HR analyst can read: the model card (Mitchell et al.
2019), held-out metrics with a reliability diagram and risk deciles (when the data have
outcomes), fairness by gender and age band, the global drivers, the segment mix and,
optionally, per-person reasons. :func:`write_model_card` writes ``MODEL_CARD.md``
into every model folder.

Examples
--------
>>> import tempfile, pathlib
>>> import rehire_model as rm
>>> data = rm.make_leaver_survey(400, random_state=3)
>>> path = write_report(rm.load_model(), data, pathlib.Path(tempfile.mkdtemp()) / "r.html")
>>> "Fairness by group" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from .evaluation import METRICS, probability_metrics
from .explain import TARGET_LABELS
from .fairness import FOUR_FIFTHS, MIN_GROUP_SIZE, audit_groups, fairness_tables
from .model import RehireModel
from .schema import FIELDS_BY_NAME, field_names, validate_records

__all__ = ["model_card_markdown", "report_html", "write_model_card", "write_report"]

INTENDED_USE = (
    "Decision support for HR staff and people-analytics teams: which leavers to keep in "
    "touch with, and which alumni measures and exit-interview practices to prioritise. "
    "Decision support only: never the sole basis for a decision about a person."
)
OUT_OF_SCOPE = (
    "Hiring, firing, pay, promotion or performance decisions; any automated decision "
    "about a person without human review; people outside the population the model was "
    "trained on; inferring a person's protected attributes."
)
ETHICS = (
    "Profiling in employment is a high-risk use under the EU AI Act (Annex III, point 4) "
    "and per-person scores are profiling under GDPR Article 22: keep a human in the loop, "
    "tell leavers how their data are used, keep the audit log (`score --audit-log`). "
    "Age, gender, marital status and children are not model features unless the "
    "training config opted them in; they are used here only to audit the model."
)
CAVEATS = (
    "The reasons show what the model associates with higher or lower scores, not proven "
    "causes. The default model is trained on a synthetic survey calibrated to a "
    "published Japanese survey of 2,000 leavers; retrain and re-audit on your own data "
    "before relying on it. Groups of fewer than 5 people are never shown."
)


# --------------------------------------------------------------------------------------
# Model card (Markdown)
# --------------------------------------------------------------------------------------


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * frame.shape[1]
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return "\n".join([header, rule, *rows])


def _cell(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "n/a" if not np.isfinite(value) else f"{value:.3f}"
    return str(value)


def model_card_markdown(model: RehireModel, name: str = "model") -> str:
    """The model card of a model, in Markdown (Mitchell et al. 2019 sections)."""
    data = model.training_data
    by_cv = data.get("evaluation") == "cross_validation"
    lines = [
        f"# Model card: {name}",
        "",
        "## Model details",
        "",
        f"{_count_words(len(model.targets))} calibrated classifier"
        f"{'s' if len(model.targets) > 1 else ''} from rehire_model: "
        + "; ".join(_TARGET_MEANINGS[t] for t in model.targets)
        + ". Family and settings kept per target by cross-validation: "
        + "; ".join(f"{t}: {_FAMILY_NAMES[m['selected']]} ("
                    + ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                                for k, v in m.get("settings", {}).items()) + ")"
                    for t, m in model.metrics.items())
        + "; fitted on every training row, probabilities calibrated by Platt scaling on "
        "cross-validated predictions of those rows. Skipped answers are "
        + ("handled inside the model (imputed with missing-value indicators for the "
           "logistic model, natively by HistGradientBoosting)"
           if model.config.missing == "impute" else "rejected")
        + ". Thresholds: " + ", ".join(f"{t} {v:g}" for t, v in model.thresholds.items())
        + ".",
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "## Out-of-scope uses",
        "",
        OUT_OF_SCOPE,
        "",
        "## Training data",
        "",
        f"{data.get('source', 'Labelled leaver records supplied by the trainer').rstrip('.')}. "
        f"{data['n_rows']:,} leavers: the models are fitted on {data['n_fit']:,}"
        + (f", {data['n_test']:,} are held out to test" if data["n_test"] else "")
        + (f"; {data['n_left_out']:,} records left out for too many unanswered fields"
           if data.get("n_left_out") else "")
        + ". Positive rates: "
        + ", ".join(f"{t} {r:.1%}" for t, r in data["positive_rate"].items())
        + f". Fingerprint (SHA-256): `{data['fingerprint_sha256']}`. No rows are stored.",
        "",
        "## Metrics",
        "",
        ("Repeated stratified cross-validation on all rows, the model choice made inside "
         "each fold (mean over the folds, with the 95 % interval); " if by_cv
         else "Held-out test split; ")
        + "ROC AUC, average precision, Brier score, expected calibration error over 15 "
        "bins"
        + ("; the oracle is the true probability of the synthetic survey." if any(
            "oracle_test" in m for m in model.metrics.values()) else "."),
        "",
    ]
    rows = []
    for target, result in model.metrics.items():
        rows.append({"target": target, "scorer": "model",
                     **{m: result["test"][m] for m in METRICS}})
        if "interval" in result:
            rows.append({"target": target, "scorer": "95 % interval",
                         **{m: "{:.3f} to {:.3f}".format(*result["interval"][m])
                            for m in METRICS}})
        if "oracle_test" in result:
            rows.append({"target": target, "scorer": "oracle",
                         **{m: result["oracle_test"][m] for m in METRICS}})
    evaluation = (
        f"All {data['n_rows']:,} leavers of the training data, each scored by a model that "
        "did not see it (out of fold)." if by_cv else
        f"The {data['n_test']:,} held-out leavers of the training data, never used to fit, "
        "choose or calibrate."
    )
    lines += [_markdown_table(pd.DataFrame(rows)), "", "## Evaluation data", "",
              evaluation + " Run `rehire-model report` on your own labelled data before "
              "use.", "", "## Quantitative analyses", ""]
    fairness = {t: m.get("fairness") for t, m in model.metrics.items() if m.get("fairness")}
    if not fairness:
        lines.append("No protected attributes were in the training data, so no group "
                     "analysis could be made; audit with `rehire-model report`.")
    for target, by_group in fairness.items():
        for grouping, result in by_group.items():
            flag = " **(under four fifths)**" if result["four_fifths_flag"] else ""
            lines += [
                f"**{target}, by {grouping.replace('_', ' ')}** (selection at the segment "
                f"threshold; lowest/highest selection rate "
                f"{_cell(result['selection_ratio'])}{flag}; {result['suppressed']} groups "
                f"under {MIN_GROUP_SIZE} people not shown)",
                "",
                _markdown_table(pd.DataFrame(result["groups"])),
                "",
            ]
    lines += ["## Ethical considerations", "", ETHICS, "", "## Caveats and recommendations",
              "", CAVEATS, ""]
    return "\n".join(lines)


_TARGET_MEANINGS = {
    "alumni_engagement": "the probability that a leaver stays an engaged alumnus "
                         "(`p_alumni_engagement`)",
    "rehire_intent": "the probability that a leaver would consider returning "
                     "(`p_rehire_intent`)",
}


_FAMILY_NAMES = {"logistic": "logistic regression",
                 "hist_gradient_boosting": "HistGradientBoosting"}


def _count_words(n: int) -> str:
    return {1: "One", 2: "Two"}[n]


def write_model_card(model: RehireModel, path: str | Path, name: str | None = None) -> Path:
    """Write ``MODEL_CARD.md`` for ``model``."""
    path = Path(path)
    path.write_text(model_card_markdown(model, name or path.parent.name), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def _svg_image(figure: Any, alt: str, name: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img class="chart" data-chart="{html.escape(name)}" alt="{html.escape(alt)}" '
            f'src="data:image/svg+xml;base64,{encoded}">')


def _figure(width: float = 6.0, height: float = 3.2) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _chart_context():
    import matplotlib

    return matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9})


def _reliability_chart(y: np.ndarray, p: np.ndarray, target: str) -> str:
    bins = np.minimum((p * 10).astype(int), 9)
    counts = np.bincount(bins, minlength=10)
    shown = counts > 0
    mean_p = np.bincount(bins, weights=p, minlength=10)[shown] / counts[shown]
    rate = np.bincount(bins, weights=y, minlength=10)[shown] / counts[shown]
    figure = _figure(3.4, 3.2)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1)
    axes.plot(mean_p, rate, marker="o", color="#1f6f8b")
    axes.set(xlabel="predicted probability", ylabel="observed rate", xlim=(0, 1),
             ylim=(0, 1), title=f"Reliability: {target}")
    return _svg_image(figure, f"reliability diagram for {target}", f"reliability-{target}")


def _bar_chart(labels: Sequence[str], values: Sequence[float], title: str, name: str,
               xlabel: str, colors: Sequence[str] | None = None) -> str:
    figure = _figure(6.0, 0.35 * len(labels) + 1.0)
    axes = figure.add_subplot()
    if colors is None:
        colors = [_RAISES if v >= 0 else _LOWERS for v in values]
    axes.barh(range(len(labels)), values, color=list(colors))
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.axvline(0, color="#555", linewidth=0.8)
    axes.set(title=title, xlabel=xlabel)
    return _svg_image(figure, title, name)


_RAISES, _LOWERS, _MIXED = "#1f6f8b", "#c0504d", "#9a9a9a"


# --------------------------------------------------------------------------------------
# The HTML report
# --------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #1f6f8b;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0 1.2em}td,th{border:1px solid #ccc;
padding:.3em .6em;text-align:right}th{background:#eef4f7}td:first-child,th:first-child
{text-align:left}.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.6em 1em}
.flag{color:#b00020;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:1em}
img.chart{max-width:100%}
"""

_TEXT = {
    "en": {
        "title": "rehire_model trust report", "card": "Model card",
        "details": "Model details", "intended": "Intended use",
        "out": "Out-of-scope uses", "training": "Training data",
        "metrics": "Held-out metrics", "evaluation": "Evaluation data",
        "fairness": "Fairness by group", "drivers": "Global drivers",
        "segments": "Segment mix", "people": "Reasons for selected leavers",
        "ethics": "Ethical considerations", "caveats": "Caveats",
        "deciles": "Predicted and actual rates by risk decile",
        "help": "What would help most",
        "coaching": "Most common first coaching item for the supervisor, of the first "
                    "leavers",
        "no_outcomes": "The data have no outcome columns: this report describes the scored "
                       "cohort; metrics, calibration and error rates need outcomes.",
    },
    "ja": {
        "title": "rehire_model 信頼性レポート", "card": "モデルカード",
        "details": "モデルの詳細", "intended": "想定される用途",
        "out": "想定外の用途", "training": "学習データ",
        "metrics": "検証データでの評価指標", "evaluation": "評価データ",
        "fairness": "グループ別の公平性", "drivers": "全体の要因",
        "segments": "セグメント構成", "people": "指定した退職者の理由",
        "ethics": "倫理的な配慮", "caveats": "注意事項",
        "deciles": "リスク十分位ごとの予測率と実際の率",
        "help": "最も効果が見込める施策・行動",
        "coaching": "上司への助言で最も多い第一項目（先頭の退職者）",
        "no_outcomes": "データに結果の列がないため、このレポートはスコアリングした"
                       "集団を記述します。評価指標・較正・誤り率には結果の列が必要です。",
    },
}


def _table_html(frame: pd.DataFrame, *, attrs: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table {attrs}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _outcomes(model: RehireModel, data: pd.DataFrame) -> dict[str, np.ndarray]:
    outcomes = {}
    for spec in model.config.targets:
        if spec.column in data.columns:
            y = spec.labels(data[spec.column].reset_index(drop=True))
            if (~np.isnan(y)).any():
                outcomes[spec.name] = y  # NaN where the outcome was not answered
    return outcomes


def _metrics_section(model, scores, outcomes, text) -> list[str]:
    parts = [f"<h2>{text['metrics']}</h2>"]
    if not outcomes:
        return [*parts, f'<p class="note">{text["no_outcomes"]}</p>']
    rows, charts, deciles = [], [], []
    for target, y in outcomes.items():
        answered = ~np.isnan(y)
        p, y = scores[f"p_{target}"].to_numpy()[answered], y[answered].astype(np.int64)
        result = probability_metrics(y, p)
        rows.append({"target": target, **{m: result[m] for m in METRICS},
                     "n": int(result["n"]), "positive_rate": result["positive_rate"]})
        charts.append(_reliability_chart(y, p, target))
        bands = pd.qcut(pd.Series(p).rank(method="first"), 10, labels=False) + 1
        table = pd.DataFrame({"decile": bands, "p": p, "y": y}).groupby("decile").agg(
            n=("p", "size"), predicted=("p", "mean"), actual=("y", "mean")).reset_index()
        deciles.append(f"<h3>{html.escape(target)}</h3>" + _table_html(table))
    frame = pd.DataFrame(rows)
    metric_cells = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td data-target="{row.target}" data-metric="{m}">{getattr(row, m):.3f}</td>'
            for m in METRICS)
        metric_cells.append(f"<tr><td>{row.target}</td>{cells}<td>{row.n}</td>"
                            f"<td>{row.positive_rate:.3f}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ["target", *METRICS, "n", "positive rate"])
    parts.append(f'<table id="metrics"><thead><tr>{head}</tr></thead>'
                 f"<tbody>{''.join(metric_cells)}</tbody></table>")
    parts.append(f'<div class="charts">{"".join(charts)}</div>')
    parts.append(f"<h3>{text['deciles']}</h3>{''.join(deciles)}")
    return parts


def _fairness_section(tables, text) -> list[str]:
    parts = [f"<h2>{text['fairness']}</h2>",
             f"<p>Selection = probability at or above the segment threshold. Groups of fewer "
             f"than {MIN_GROUP_SIZE} people are never shown. The ratio of the lowest to the "
             f"highest selection rate is flagged under {FOUR_FIFTHS:g} (four-fifths rule)."
             "</p>"]
    if not any(tables.values()):
        return [*parts, '<p class="note">The data have no gender or age column to audit.</p>']
    for target, by_group in tables.items():
        for grouping, table in by_group.items():
            ratio = table.attrs["selection_ratio"]
            flag = table.attrs["four_fifths_flag"]
            status = ('<span class="flag">under four fifths</span>' if flag else "ok")
            parts.append(
                f"<h3>{html.escape(target)} by {grouping.replace('_', ' ')}</h3>"
                + _table_html(table.reset_index(),
                              attrs=f'data-fairness="{target}:{grouping}"')
                + f'<p>lowest / highest selection rate: <b data-ratio="{target}:{grouping}">'
                f"{_cell(ratio)}</b> ({status}); groups suppressed: "
                f'<b data-suppressed="{target}:{grouping}">{table.attrs["suppressed"]}</b></p>')
    return parts


def _driver_colors(model: RehireModel, matrix: np.ndarray, table: pd.DataFrame,
                   keys: Sequence[str]) -> list[str]:
    """Blue: the reason raises the score when its value is higher (or present); red: it
    lowers it; grey: it depends on the category."""
    reasons, shares = model._reasons["reason"]
    order = [r.key for r in reasons]
    colors = []
    for key in keys:
        reason = reasons[order.index(key)]
        field = FIELDS_BY_NAME.get(reason.key)
        if field is not None and field.kind == "category" and field.name != "company_size":
            colors.append(_MIXED)
            continue
        column = int(np.argmax(shares[:, order.index(key)]))
        x, c = matrix[:, column], table[key].to_numpy()
        if np.std(x) == 0 or np.std(c) == 0:
            colors.append(_MIXED)
            continue
        colors.append(_RAISES if np.corrcoef(x, c)[0, 1] >= 0 else _LOWERS)
    return colors


def _drivers_section(model, records, contributions, lang, text) -> list[str]:
    parts = [f"<h2>{text['drivers']}</h2>",
             "<p>Mean absolute contribution of each reason to the log-odds of the predicted "
             "probability, across the cohort. Blue: raises the score when present or higher; "
             "red: lowers it; grey: depends on the category.</p>", '<div class="charts">']
    reasons = {r.key: r for r in model._reasons["reason"][0]}
    matrix = model.features.transform(records).to_numpy()
    for target, table in contributions.items():
        strength = table.drop(columns="base").abs().mean().sort_values(ascending=False)
        strength = strength.head(12)
        parts.append(_bar_chart(
            [reasons[k].label(lang) for k in strength.index], strength.tolist(),
            TARGET_LABELS[lang][target], f"drivers-{target}", "mean |contribution| (log-odds)",
            colors=_driver_colors(model, matrix, table, list(strength.index))))
    parts.append("</div>")
    return parts


def _help_section(model, records, lang, text) -> list[str]:
    """Cohort policy simulation and the most common first coaching items."""
    from .whatif import CAUSAL_NOTE, coach, simulate_policies

    table = simulate_policies(model, records, n_bootstrap=200).head(8)
    labels = [" + ".join(FIELDS_BY_NAME[n].label(lang) if n in FIELDS_BY_NAME else n
                         for n in option.split(" + ")) for option in table["levers"]]
    ranked = "rehire_intent" if "rehire_intent" in model.targets else model.targets[0]
    chart = _bar_chart(labels, table[f"mean_change_pp_{ranked}"].tolist(),
                       TARGET_LABELS[lang][ranked], "policy-simulation",
                       "mean change (percentage points)")
    sample = records.head(COACHED_IN_REPORT)
    firsts = pd.Series([coach(model, sample.iloc[[i]], lang=lang, top_k=1)["item"]
                        .str.split(":").str[0].tolist() for i in range(len(sample))])
    common = firsts.explode().dropna().value_counts().head(5)
    shown = table[["levers", "n_affected",
                   *(f"mean_change_pp_{t}" for t in sorted(model.targets, reverse=True)),
                   *(["new_boomerang_candidates"] if model.has_segments else [])]]
    return [
        f"<h2>{text['help']}</h2>",
        f'<p class="note">{html.escape(CAUSAL_NOTE)}</p>',
        _table_html(shown, attrs='id="policy-simulation"'),
        f'<div class="charts">{chart}</div>',
        f"<h3>{text['coaching']} ({len(sample)})</h3>",
        _table_html(pd.DataFrame({"item": common.index, "leavers": common.to_numpy()}),
                    attrs='id="coaching"'),
    ]


COACHED_IN_REPORT = 50


def _people_section(model, records, leaver_ids, lang, text) -> list[str]:
    if not leaver_ids or "leaver_id" not in records.columns:
        return []
    chosen = records[records["leaver_id"].isin(list(leaver_ids))]
    if chosen.empty:
        return []
    parts = [f"<h2>{text['people']}</h2>", '<div class="charts">']
    reasons = {r.key: r for r in model._reasons["reason"][0]}
    contributions = model.contributions(chosen)
    for leaver_id in chosen["leaver_id"]:
        for target, table in contributions.items():
            row = table.loc[leaver_id].drop("base")
            top = row.reindex(row.abs().sort_values(ascending=False).index[:8])
            p = float(expit(table.loc[leaver_id].sum()))
            parts.append(_bar_chart([reasons[k].label(lang) for k in top.index],
                                    top.tolist(),
                                    f"{leaver_id}: {TARGET_LABELS[lang][target]} {p:.0%}",
                                    f"person-{leaver_id}-{target}", "log-odds"))
    parts.append("</div>")
    return parts


def report_html(
    model: RehireModel,
    data: pd.DataFrame,
    *,
    lang: str = "en",
    leaver_ids: Sequence[str] = (),
    name: str = "model",
) -> str:
    """The trust report of ``model`` on ``data`` as one self-contained HTML page.

    Parameters
    ----------
    model : RehireModel
    data : pandas.DataFrame
        Leaver records; with the target columns of the model's config the report
        evaluates, without them it describes the scored cohort. Rows with problems are
        left out (and counted in the report); gender and age, when present, are used
        for the group audit only.
    lang : {"en", "ja"}
    leaver_ids : sequence of str
        Leavers to show per-person reason charts for.
    name : str
        The model's name in the report.
    """
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'ja', got {lang!r}")
    text = _TEXT[lang]
    protected = tuple(FIELDS_BY_NAME[n] for n in field_names("protected")
                      if n in data.columns and FIELDS_BY_NAME[n] not in model.record_fields)
    options = dict(model.config.validation_options,
                   fields=(*model.record_fields, *protected))
    records, problems = validate_records(data, errors="report", **options)
    kept = data.iloc[np.flatnonzero(~np.isin(np.arange(len(data)), problems["row"]))]
    scores = model.predict(records)
    outcomes = _outcomes(model, kept)
    # Error rates by group need every outcome of the target answered.
    complete = {t: y.astype(np.int64) for t, y in outcomes.items() if not np.isnan(y).any()}
    tables = fairness_tables(scores, model.thresholds, audit_groups(records), complete or None)
    contributions = model.contributions(records)
    card = model_card_markdown(model, name)
    with _chart_context(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        body = [
            f"<h1>{text['title']}: {html.escape(name)}</h1>",
            f'<p class="note">{html.escape(INTENDED_USE)}</p>',
            f"<p>Cohort: <b id='n-scored'>{len(records):,}</b> leavers scored; "
            f"<b id='n-rejected'>{problems['row'].nunique():,}</b> rows left out for "
            "problems in their data.</p>",
            *_metrics_section(model, scores, outcomes, text),
            *_fairness_section(tables, text),
            *_drivers_section(model, records, contributions, lang, text),
            *_help_section(model, records, lang, text),
            *_segments_section(model, scores, text),
            *_people_section(model, records, leaver_ids, lang, text),
            f"<h2>{text['card']}</h2>",
            _markdown_as_html(card),
        ]
    title = html.escape(text["title"])
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def _segments_section(model: RehireModel, scores: pd.DataFrame, text: dict) -> list[str]:
    if not model.has_segments:
        return []
    segments = scores["segment"].value_counts().reindex(
        ["boomerang_candidate", "ambassador", "latent_returner", "detached"], fill_value=0)
    return [f"<h2>{text['segments']}</h2>",
            _table_html(pd.DataFrame({"segment": segments.index, "n": segments.to_numpy(),
                                      "share": segments.to_numpy() / max(len(scores), 1)}),
                        attrs='id="segments"')]


def _markdown_as_html(markdown: str) -> str:
    """The model card's Markdown shown as HTML (headings, paragraphs, tables)."""
    out, table = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table:
            rows = [r for r in table if not set("".join(r)) <= {"-"}]
            out.append(_table_html(pd.DataFrame(rows[1:], columns=rows[0])))
            table = []
        if line.startswith("## "):
            out.append(f"<h3>{html.escape(line[3:])}</h3>")
        elif line.startswith("# "):
            continue
        elif line.strip():
            out.append(f"<p>{html.escape(line).replace('**', '')}</p>")
    return "\n".join(out)


def write_report(
    model: RehireModel,
    data: pd.DataFrame,
    path: str | Path,
    **options: Any,
) -> Path:
    """Write :func:`report_html` to ``path`` (see it for the options)."""
    path = Path(path)
    path.write_text(report_html(model, data, **options), encoding="utf-8")
    return path
