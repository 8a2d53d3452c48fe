"""Trust report: does the model work on this data, and is it fair by group?

Scoring people for HR decisions is high-stakes: profiling in employment is a high-risk
use under the EU AI Act (Annex III, point 4) and per-person scores are profiling under
GDPR Article 22. :func:`write_report` writes one self-contained HTML file (inline CSS
and charts, no network) that an HR analyst reads in English or Japanese, every word in
the chosen language (texts in :mod:`rehire_model.texts`): how well the model predicts
(with a reliability chart and score deciles, when the data have outcomes), optionally
its predictions against outcomes wave by wave (:func:`rehire_model.monitor`), fairness
by gender and age band, what drives the scores, what would help most, the segment mix,
optionally per-person reasons, and the model card (:mod:`rehire_model.model_card`).

The figures are never measured on what the model learnt from. A model keeps its
training rows (:mod:`rehire_model.training_rows`): a training row in the data is
measured by its cross-validated prediction, or left out when it has none (the fit rows
of a model measured on a held-out split), and a note says how many of each; the model
card's own figures stand beside the report's. The reliability chart's points are
equal-width tenths of the probability scale, each labelled with its number of people
and drawn with the 95 % Wilson interval of its actual rate, so that a sparse bin reads
as uncertain rather than wrong.

The page fits a 1,280-pixel window (wide tables sit in their own scroll box) and prints
on A4. Chart text stays text in the page's language: a font with Japanese glyphs is
chosen at run time when one is installed, and the charts name a list of common Japanese
fonts, so the reader's browser draws the text with the one it has.

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
import functools
import html
import io
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import expit

from .coaching import coach
from .evaluation import METRICS, probability_metrics
from .fairness import (
    ALPHA,
    FOUR_FIFTHS,
    MIN_GROUP_SIZE,
    RATE_KINDS,
    SMALL_SHARE,
    wilson_interval,
)
from .fairness_audit import FairnessAudit, audit_attributes, audit_scored, audited_records
from .labels import INTERSECTION, attribute_label, group_value_label, p_value_text
from .model import SEGMENTS, RehireModel
from .model_card import (
    display_name,
    format_bound,
    format_count,
    format_number,
    format_percent,
    format_ratio_bound,
    model_card_sections,
)
from .schema import FIELDS_BY_NAME
from .scoring import LeaverBatch
from .texts import check_lang, has_text, message, text
from .whatif import simulate_policies

if TYPE_CHECKING:
    from .monitoring import Monitoring

__all__ = [
    "RELIABILITY_BINS",
    "VERDICT_TEXTS",
    "MeasuredOutcome",
    "measured_outcomes",
    "reliability_bins",
    "report_html",
    "simulation_display",
    "write_report",
]

logger = logging.getLogger(__name__)

#: Leavers whose first checklist item is counted in the report.
COACHED_IN_REPORT = 50
#: Gaps explained per attribute in the report (the audit table has them all): groups with
#: adverse impact, and group rates within chance.
GAPS_IN_REPORT = 5
#: Attributes the report audits by default, when the data have them.
AUDITED_BY_DEFAULT = ("gender", "age_band")
#: Equal-width bins of predicted probability in a reliability chart.
RELIABILITY_BINS = 10
#: Fonts with Japanese glyphs, in order of preference; the charts name them all.
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
             "Yu Gothic", "Meiryo", "IPAexGothic", "IPAGothic", "TakaoGothic", "VL Gothic",
             "Source Han Sans JP")
_RAISES, _LOWERS, _MIXED = "#1f6f8b", "#c0504d", "#9a9a9a"


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


@functools.cache
def _installed_cjk_font() -> str | None:
    """The first font of :data:`CJK_FONTS` installed here, or None (logged once)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in installed), None)
    if found is None:
        logger.warning(message("report.no_cjk_font", fonts=", ".join(CJK_FONTS)))
    return found


def _chart_context(lang: str):
    """matplotlib settings: text kept as text, in a font stack that covers Japanese."""
    import matplotlib

    fonts = list(CJK_FONTS)
    found = _installed_cjk_font() if lang == "ja" else None
    if found is not None:
        fonts.remove(found)
        fonts.insert(0, found)
    stack = [*fonts, "DejaVu Sans"] if lang == "ja" else ["DejaVu Sans", *fonts]
    return matplotlib.rc_context({"svg.fonttype": "none", "font.size": 9,
                                  "font.family": "sans-serif", "font.sans-serif": stack})


def _svg_image(figure: Any, alt: str, name: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img class="chart" data-chart="{html.escape(name)}" alt="{html.escape(alt)}" '
            f'src="data:image/svg+xml;base64,{encoded}">')


def _figure(width: float = 6.0, height: float = 3.2) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def reliability_bins(y: Any, p: Any, n_bins: int = RELIABILITY_BINS) -> pd.DataFrame:
    """The points of a reliability chart: people binned by predicted probability.

    Bins are equal-width tenths of the probability scale (not quantiles), so a point's
    place on the x axis reads as a probability and a sparse region of the scale shows as
    a point of few people with a wide interval, rather than being merged into its
    neighbours. Empty bins are left out.

    Parameters
    ----------
    y : array-like of 0/1
    p : array-like of float in [0, 1]
    n_bins : int, default 10

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``bin`` (0-based), ``n``, ``events``,
        ``mean_predicted``, ``observed_rate`` and its 95 % Wilson interval ``low``,
        ``high``.

    Examples
    --------
    >>> table = reliability_bins([0, 1, 1, 0], [0.05, 0.08, 0.91, 0.93])
    >>> table[["bin", "n", "events"]].to_numpy().tolist()
    [[0, 2, 1], [9, 2, 1]]
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    bins = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    shown = np.flatnonzero(counts)
    events = np.bincount(bins, weights=y, minlength=n_bins)[shown]
    n = counts[shown]
    low, high = wilson_interval(events, n)
    return pd.DataFrame({
        "bin": shown, "n": n, "events": events.round().astype(np.int64),
        "mean_predicted": np.bincount(bins, weights=p, minlength=n_bins)[shown] / n,
        "observed_rate": events / n, "low": low, "high": high})


def _rate_points(axes: Any, x: Any, rate: Any, low: Any, high: Any, n: Any,
                 label: str) -> None:
    """Actual rates with their interval bars; points sized by, and labelled with, the
    number of people they stand for."""
    rate, low, high, n = (np.asarray(v, dtype=np.float64) for v in (rate, low, high, n))
    axes.errorbar(x, rate, yerr=[rate - low, high - rate], fmt="none", ecolor=_RAISES,
                  elinewidth=1.2, capsize=3, label=label)
    sizes = 12 + 120 * np.sqrt(n / max(n.max(), 1))
    axes.scatter(x, rate, s=sizes, color=_RAISES, zorder=3)
    for xi, yi, ni, si in zip(x, rate, n, sizes, strict=True):
        offset = np.sqrt(si) / 2 + 1  # beside the marker, whatever its size: below
        below = yi >= 0.05 * axes.get_ylim()[1]  # right, unless at the bottom
        axes.annotate(format_count(ni), (xi, yi), xytext=(offset, -offset if below else offset),
                      textcoords="offset points", fontsize=7, color="#444",
                      va="top" if below else "bottom")


def _reliability_chart(y: np.ndarray, p: np.ndarray, target: str, lang: str) -> str:
    table = reliability_bins(y, p)
    figure = _figure(3.6, 3.4)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1)
    title = text("chart.reliability", lang, outcome=text(f"target.{target}", lang))
    axes.set(xlabel=text("chart.predicted", lang), ylabel=text("chart.observed", lang),
             xlim=(-0.02, 1.02), ylim=(-0.02, 1.05), title=title)
    _rate_points(axes, table["mean_predicted"], table["observed_rate"], table["low"],
                 table["high"], table["n"], text("chart.observed_interval", lang))
    axes.legend(loc="upper left", fontsize=7, frameon=False)
    return _svg_image(figure, title, f"reliability-{target}")


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


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Hiragino Sans","Yu Gothic UI",
"Yu Gothic",Meiryo,"Noto Sans CJK JP","Noto Sans JP",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:2px solid #1f6f8b;padding-bottom:.2em;margin-top:2em}
.table-wrap{max-width:100%;overflow-x:auto;margin:.6em 0 1.2em}
table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top;
white-space:nowrap}
th,td.text{white-space:normal;overflow-wrap:break-word}
th{background:#eef4f7;font-weight:600;max-width:16em}
td:first-child,th:first-child,.text{text-align:left}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.6em 1em}
.flag{color:#b00020;font-weight:bold}
.quiet{color:#777;font-style:italic}ul.quiet{font-size:.92em}
table[data-audit] th:nth-child(-n+2),table[data-audit] td:nth-child(-n+2),
table[data-audit] th:last-child{white-space:nowrap}
#metrics td,#monitoring td{white-space:normal;min-width:3.5em}
table[data-audit] td:nth-child(n+3){white-space:normal;min-width:6.5em}
#metrics td:first-child,#monitoring td:nth-child(-n+2){white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:1em}img.chart{max-width:100%;height:auto}
@page{size:A4;margin:14mm}
@media print{body{max-width:none;margin:0;font-size:10pt}.table-wrap{overflow:visible}
table{width:100%}thead{display:table-header-group}tr,img.chart,.note{break-inside:avoid}
h2,h3,h4{break-after:avoid}
.charts{display:block}}
"""


def _table_html(frame: pd.DataFrame, *, attrs: str = "", text_columns: int = 1,
                flagged: np.ndarray | None = None, quiet: np.ndarray | None = None) -> str:
    """A table of display values in its own scroll box; the first ``text_columns`` left,
    cells where ``flagged`` (a boolean array of the frame's shape) is true marked, and
    those where ``quiet`` is true shown in a quieter style."""
    head = "".join(f'<th{" class=text" if j < text_columns else ""}>{html.escape(str(c))}</th>'
                   for j, c in enumerate(frame.columns))
    body = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = "".join(
            f'<td{" class=text" if j < text_columns else ""}>'
            + _marked(html.escape(str(v)), "flag" if flagged is not None and flagged[i, j]
                      else "quiet" if quiet is not None and quiet[i, j] else None)
            + "</td>"
            for j, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (f'<div class="table-wrap"><table {attrs}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _marked(cell: str, style: str | None) -> str:
    return f'<span class="{style}">{cell}</span>' if style else cell


def _outcomes(model: RehireModel, data: pd.DataFrame) -> dict[str, np.ndarray]:
    outcomes = {}
    for spec in model.config.targets:
        if spec.column in data.columns:
            y = spec.labels(data[spec.column].reset_index(drop=True))
            if (~np.isnan(y)).any():
                outcomes[spec.name] = y  # NaN where the outcome was not answered
    return outcomes


@dataclass(frozen=True)
class MeasuredOutcome:
    """One target's known outcomes and the probabilities the model is measured by.

    A row the model was not trained on is measured by the model's prediction; a training
    row by its out-of-sample (cross-validated) probability, kept in the model folder
    (:mod:`rehire_model.training_rows`); a training row without one is left out, since
    the model's prediction of a row it was fitted on is in-sample.

    Attributes
    ----------
    y : numpy.ndarray of int
        The 0/1 outcomes of the rows measured.
    p : numpy.ndarray
        Their probabilities.
    answered : int
        Rows with a known outcome.
    training : int or None
        Of those, rows the model was trained on (None: the model folder does not say).
    cross_validated : int
        Of those, rows measured by their out-of-sample probability.
    """

    y: np.ndarray
    p: np.ndarray
    answered: int
    training: int | None
    cross_validated: int = 0

    @property
    def left_out(self) -> int:
        """Training rows left out: fitted on, with no out-of-sample probability."""
        return (self.training or 0) - self.cross_validated

    @property
    def fresh(self) -> int:
        """Rows measured by the model's prediction (not training rows)."""
        return self.answered - (self.training or 0)


def measured_outcomes(model: RehireModel, leavers: LeaverBatch,
                      outcomes: dict[str, np.ndarray]) -> dict[str, MeasuredOutcome]:
    """Per target with outcomes, what the model is measured on (see
    :class:`MeasuredOutcome`).

    Parameters
    ----------
    model : RehireModel
    leavers : LeaverBatch
        The scored leavers, row-aligned with ``outcomes``.
    outcomes : dict of str -> numpy.ndarray
        Per target, 0/1 outcomes, NaN where unknown.

    Examples
    --------
    >>> import rehire_model as rm
    >>> from rehire_model.fairness_audit import audited_records
    >>> data = rm.make_leaver_survey(300, random_state=4)
    >>> model = rm.load_model()
    >>> leavers = model.scoring.valid(audited_records(model, data)[0])
    >>> y = (data["rehire_intent"] >= 4).to_numpy(float)
    >>> measured = measured_outcomes(model, leavers, {"rehire_intent": y})
    >>> measured["rehire_intent"].answered, measured["rehire_intent"].left_out
    (300, 0)
    """
    predictions = leavers.probabilities()
    rows = getattr(model, "training_rows", None)
    found, out_of_sample = (rows.honest(leavers.matrix) if rows is not None
                            else (np.zeros(len(leavers), dtype=bool), {}))
    measured = {}
    for target, y in outcomes.items():
        answered = ~np.isnan(y)
        p = predictions[target]
        if found.any():
            p = np.where(found, out_of_sample.get(target, np.full(len(p), np.nan)), p)
        used = answered & ~np.isnan(p)
        measured[target] = MeasuredOutcome(
            y=y[used].astype(np.int64), p=p[used], answered=int(answered.sum()),
            training=None if rows is None else int((answered & found).sum()),
            cross_validated=int((answered & found & used).sum()))
    return measured


def _rows_notes(measured: dict[str, MeasuredOutcome], lang: str) -> list[str]:
    """What the figures are measured on: one sentence per group of targets with the same
    counts, saying how many rows were training rows and how each was measured."""
    if any(m.training is None for m in measured.values()):
        return [text("report.rows_unknown", lang)]
    if not any(m.training for m in measured.values()):
        return [text("report.rows_fresh", lang)]
    groups: dict[tuple[int, ...], list[str]] = {}
    for target, m in measured.items():
        key = (m.answered, m.training, m.cross_validated, len(m.y))
        groups.setdefault(key, []).append(target)
    notes = []
    for targets in groups.values():
        m, names = measured[targets[0]], ",".join(targets)
        outcome = text("coach.separator", lang).join(text(f"target.{t}", lang)
                                                      for t in targets)
        if m.answered and not len(m.y):
            notes.append(text("report.rows_all_training", lang, outcome=outcome,
                              training=format_count(m.training)))
            continue
        notes.append(text("report.rows_training", lang, outcome=outcome, **{
            k: f'<b data-rows="{names}:{k}">{format_count(v)}</b>' for k, v in (
                ("training", m.training), ("answered", m.answered),
                ("cross_validated", m.cross_validated), ("left_out", m.left_out),
                ("fresh", m.fresh))}))
    return notes


def _metric_cells(values: dict[str, str], attribute: str) -> str:
    return "".join(f'<td {attribute} data-metric="{m}">{values[m]}</td>' for m in METRICS)


def _data_row(target: str, m: MeasuredOutcome, lang: str) -> str:
    result = probability_metrics(m.y, m.p)
    cells = _metric_cells({k: format_number(result[k]) for k in METRICS},
                          f'data-target="{target}"')
    return (f'<tr><td class=text>{html.escape(text(f"field.{target}", lang))}</td>'
            f'<td class=text>{html.escape(text("table.these_data", lang))}</td>'
            f"{cells}<td>{format_count(result['n'])}</td>"
            f"<td>{format_percent(result['positive_rate'], lang)}</td></tr>")


def _card_row(model: RehireModel, target: str, lang: str) -> str:
    """The model card's measured figures of ``target``, with their interval."""
    result = model.metrics.get(target) or {}
    test, interval = result.get("test") or {}, result.get("interval") or {}
    if not test:
        return ""
    values = {}
    for metric in METRICS:
        value = format_number(test.get(metric, float("nan")))
        low, high = interval.get(metric, (None, None))
        values[metric] = value if low is None else text(
            "table.value_interval", lang, value=value, low=format_bound(low),
            high=format_bound(high))
    by_cv = result.get("evaluation", model.training_data.get("evaluation")
                       ) == "cross_validation"
    scorer = text("table.card_cv" if by_cv else "table.card_split", lang)
    return (f'<tr data-card="{target}"><td class=text>'
            f'{html.escape(text(f"field.{target}", lang))}</td>'
            f"<td class=text>{html.escape(scorer)}</td>"
            + _metric_cells(values, f'data-card-target="{target}"')
            + f"<td>{format_count(test.get('n', 0))}</td>"
            f"<td>{format_percent(test.get('positive_rate', float('nan')), lang)}</td></tr>")


def _metrics_table(model: RehireModel, measured: dict[str, MeasuredOutcome], lang: str
                   ) -> str:
    rows = []
    for target, m in measured.items():
        if len(m.y):
            rows.append(_data_row(target, m, lang))
        rows.append(_card_row(model, target, lang))
    head = "".join(f'<th{" class=text" if j < 2 else ""}>{html.escape(text(key, lang))}</th>'
                   for j, key in enumerate((
                       "table.outcome", "table.measured_on", *(f"metric.{m}" for m in METRICS),
                       "metric.n", "metric.positive_rate")))
    return (f'<div class="table-wrap"><table id="metrics"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _metrics_section(model: RehireModel, measured: dict[str, MeasuredOutcome], lang: str
                     ) -> list[str]:
    parts = [f"<h2>{text('report.metrics', lang)}</h2>"]
    if not measured:
        return [*parts, f'<p class="note">{text("report.no_outcomes", lang)}</p>']
    shown = {t: m for t, m in measured.items() if len(m.y)}
    parts += [f'<p class="note" data-rows-note>{note}</p>'
              for note in _rows_notes(measured, lang)]
    if not shown:  # every row was fitted on: the model card's figures only
        return [*parts, _metrics_table(model, measured, lang)]
    parts += [f"<p>{text('report.metrics_note', lang)}</p>", _metrics_table(model, measured, lang)]
    charts = [_reliability_chart(m.y, m.p, t, lang) for t, m in shown.items()]
    deciles = [f"<div><h4>{html.escape(text(f'field.{t}', lang))}</h4>"
               + _deciles_table(m.y, m.p, lang) + "</div>" for t, m in shown.items()]
    return [*parts, f"<p>{text('report.reliability_note', lang)}</p>",
            f'<div class="charts">{"".join(charts)}</div>',
            f"<h3>{text('report.deciles', lang)}</h3>",
            f"<p>{text('report.deciles_note', lang)}</p>",
            '<div class="charts">', *deciles, "</div>"]


def _deciles_table(y: np.ndarray, p: np.ndarray, lang: str) -> str:
    bands = pd.qcut(pd.Series(p).rank(method="first"), min(10, len(p)), labels=False) + 1
    table = pd.DataFrame({"decile": bands, "p": p, "y": y}).groupby("decile").agg(
        n=("p", "size"), predicted=("p", "mean"), actual=("y", "mean")).reset_index()
    return _table_html(pd.DataFrame({
        text("table.decile", lang): table["decile"].astype(int).astype(str),
        text("table.people", lang): [format_count(n) for n in table["n"]],
        text("table.predicted", lang): [format_percent(v, lang) for v in table["predicted"]],
        text("table.actual", lang): [format_percent(v, lang) for v in table["actual"]],
    }))


def _rate_cell(rate: float, ratio: float, low: float, high: float, lang: str) -> str:
    if rate != rate:
        return "—"
    if ratio != ratio:
        return format_percent(rate, lang)
    cell = text("table.rate_ratio", lang, rate=format_percent(rate, lang),
                ratio=format_number(ratio), low=format_ratio_bound(low),
                high=format_ratio_bound(high))
    return cell.replace("–", "\u2060–\u2060")  # an interval is not broken across lines


_RATE_HEADERS = {"selection": "table.selected_ratio", "scoring": "table.above_median_ratio"}


def _audit_table(rows: pd.DataFrame, attribute: str, lang: str) -> str:
    """One attribute's groups: per target and rate the rate, the impact ratio and its
    interval; adverse impact marked, rates within chance quiet."""
    by_target = {t: rows[rows["target"] == t].reset_index(drop=True)
                 for t in dict.fromkeys(rows["target"])}
    first = next(iter(by_target.values()))
    shown = pd.DataFrame({
        text("table.group", lang): [group_value_label(attribute, g, lang)
                                    for g in first["group"]],
        text("table.people", lang): [format_count(n) for n in first["n"]],
    })
    flagged = pd.DataFrame(False, index=shown.index, columns=shown.columns)
    quiet = flagged.copy()
    for target, table in by_target.items():
        outcome = text(f"target.{target}", lang)
        for kind in RATE_KINDS:
            column = text(_RATE_HEADERS[kind], lang, outcome=outcome)
            ratio = f"impact_ratio_{kind}"
            shown[column] = [_rate_cell(*cells, lang) for cells in zip(
                table[f"{kind}_rate"], table[ratio], table[f"{ratio}_low"],
                table[f"{ratio}_high"], strict=True)]
            finding = table[f"finding_{kind}"].to_numpy()
            flagged[column] = finding == "adverse_impact"
            quiet[column] = finding == "not_distinguishable"
    references = {t: set(table["reference"].dropna()) for t, table in by_target.items()}
    shown[text("table.note", lang)] = [_group_note(row, references, lang)
                                       for row in first.itertuples(index=False)]
    flagged[text("table.note", lang)] = quiet[text("table.note", lang)] = False
    return _table_html(shown, attrs=f'data-audit="{html.escape(attribute)}"',
                       flagged=flagged.to_numpy(), quiet=quiet.to_numpy())


def _group_note(row: Any, references: Mapping[str, set[str]], lang: str) -> str:
    """Count only, the reference group (of which outcomes, when not of all), small."""
    if row.suppressed:
        return text("table.count_only", lang, minimum=MIN_GROUP_SIZE)
    notes = []
    of = [t for t, groups in references.items() if row.group in groups]
    if of:
        notes.append(text("table.reference_group", lang) if len(of) == len(references)
                     else text("table.reference_of", lang, outcomes=text(
                         "audit.list_separator", lang).join(text(f"target.{t}", lang)
                                                           for t in of)))
    if row.small_group:
        notes.append(text("table.small_group", lang, small=format_percent(SMALL_SHARE, lang)))
    return text("audit.list_separator", lang).join(notes)


def _audit_line(audit: FairnessAudit, attribute: str, lang: str) -> str:
    rows = audit.table[audit.table["attribute"] == attribute]
    adverse = audit.findings("adverse_impact")
    adverse = adverse[adverse["attribute"] == attribute]
    found = []
    for target, groups in adverse.groupby("target", sort=False):
        listed = text("audit.list_separator", lang).join(
            text("report.fairness_group_ratio", lang,
                 group=group_value_label(attribute, g, lang), ratio=format_number(r))
            for g, r in groups.drop_duplicates("group")[["group", "impact_ratio"]].itertuples(
                index=False))
        found.append(text("report.fairness_target_ratio", lang,
                          outcome=text(f"target.{target}", lang),
                          groups=f'<span class="flag">{html.escape(listed)}</span>'))
    within = audit.findings("not_distinguishable")
    within = int((within["attribute"] == attribute).sum())
    suppressed = int(rows.loc[rows["target"] == rows["target"].iloc[0], "suppressed"].sum())
    unknown = int(audit.unknown.set_index("attribute").loc[attribute, "n_unknown"])
    return "<p>" + text(
        "report.fairness_ratio", lang,
        findings=(f'<b data-findings="{html.escape(attribute)}">'
                  + (text("audit.list_separator", lang).join(found)
                     or text("report.fairness_none", lang)) + "</b>"),
        within=(f'<b data-within="{html.escape(attribute)}">'
                f'{text("report.within_count", lang, n=within)}</b>'),
        suppressed=f'<b data-suppressed="{html.escape(attribute)}">{suppressed}</b>',
        unknown=f'<b data-unknown="{html.escape(attribute)}">{format_count(unknown)}</b>',
    ) + "</p>"


def _gap_list(audit: FairnessAudit, attribute: str, lang: str) -> list[str]:
    gaps = sorted((g for g in audit.gaps() if g.attribute == attribute),
                  key=lambda g: g.impact_ratio)
    if not gaps:
        return []
    items = "".join(f"<li>{html.escape(g.sentence(lang, audit.reasons))}</li>"
                    for g in gaps[:GAPS_IN_REPORT])
    more = (f"<li>{text('report.more_gaps', lang, n=len(gaps) - GAPS_IN_REPORT)}</li>"
            if len(gaps) > GAPS_IN_REPORT else "")
    return [f"<h4>{text('report.gaps', lang)}</h4>",
            f'<ul data-gaps="{html.escape(attribute)}">{items}{more}</ul>']


def _within_list(audit: FairnessAudit, attribute: str, lang: str) -> list[str]:
    """The rates under four fifths that chance could make: a sentence each, or for a
    pair of attributes one line."""
    within = audit.findings("not_distinguishable")
    within = within[within["attribute"] == attribute]
    if within.empty:
        return []
    mark = f'data-within-chance="{html.escape(attribute)}"'
    if INTERSECTION in attribute:
        line = text("report.within_chance_line", lang, n=len(within),
                    ratio=format_number(within["impact_ratio"].min()),
                    p=p_value_text(within["p_adjusted"].min()))
        return [f'<p class="quiet" {mark}>{html.escape(line)}</p>']
    items = "".join(
        "<li>" + html.escape(text(
            "report.within_chance_item", lang,
            group=group_value_label(attribute, row.group, lang),
            outcome=text(f"target.{row.target}", lang), rate=text(f"rate.{row.rate}", lang),
            ratio=format_number(row.impact_ratio), low=format_ratio_bound(row.impact_ratio_low),
            high=format_ratio_bound(row.impact_ratio_high), p=p_value_text(row.p_adjusted),
            needed=format_count(row.leavers_needed))) + "</li>"
        for row in within.head(GAPS_IN_REPORT).itertuples(index=False))
    more = (f"<li>{text('report.more_within', lang, n=len(within) - GAPS_IN_REPORT)}</li>"
            if len(within) > GAPS_IN_REPORT else "")
    return [f'<h4 class="quiet">{text("report.within_chance", lang)}</h4>',
            f'<ul class="quiet" {mark}>{items}{more}</ul>']


def _count_only_line(rows: pd.DataFrame, lang: str) -> str:
    first = rows[rows["target"] == rows["target"].iloc[0]]
    small = first[first["suppressed"]]
    return ('<p class="note">' + text(
        "report.count_only_line", lang, groups=len(small), minimum=MIN_GROUP_SIZE,
        people=format_count(int(small["n"].sum()))) + "</p>")


def _fairness_section(audit: FairnessAudit | None, lang: str) -> list[str]:
    note = text("report.fairness_note", lang, minimum=MIN_GROUP_SIZE,
                four_fifths=f"{FOUR_FIFTHS:g}", small=format_percent(SMALL_SHARE, lang),
                alpha=f"{ALPHA:g}")
    parts = [f"<h2>{text('report.fairness', lang)}</h2>", f"<p>{note}</p>",
             f'<p class="note">{text("report.audit_scope", lang)}</p>']
    if audit is None:
        return [*parts, f'<p class="note">{text("report.no_groups", lang)}</p>']
    for attribute in audit.attributes:
        label = attribute_label(attribute, lang)
        rows = audit.table[audit.table["attribute"] == attribute]
        pair = INTERSECTION in attribute
        parts += [f"<h3>{html.escape(label[:1].upper() + label[1:])}</h3>",
                  _audit_table(rows[~rows["suppressed"]] if pair else rows, attribute, lang)]
        if pair and rows["suppressed"].any():
            parts.append(_count_only_line(rows, lang))
        parts += [_audit_line(audit, attribute, lang), *_gap_list(audit, attribute, lang),
                  *_within_list(audit, attribute, lang)]
    return parts


def _driver_colors(model: RehireModel, matrix: np.ndarray, table: pd.DataFrame,
                   keys: Sequence[str]) -> list[str]:
    """Blue: the reason raises the score when its value is higher (or present); red: it
    lowers it; grey: it depends on the category."""
    reasons, shares = model.scoring.reasons["reason"]
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
        usable = np.isfinite(x)
        if np.std(x[usable]) == 0 or np.std(c[usable]) == 0:
            colors.append(_MIXED)
            continue
        colors.append(_RAISES if np.corrcoef(x[usable], c[usable])[0, 1] >= 0 else _LOWERS)
    return colors


def _drivers_section(model: RehireModel, leavers: LeaverBatch,
                     contributions: dict[str, pd.DataFrame], lang: str) -> list[str]:
    parts = [f"<h2>{text('report.drivers', lang)}</h2>",
             f"<p>{text('report.drivers_note', lang)}</p>", '<div class="charts">']
    reasons = {r.key: r for r in model.scoring.reasons["reason"][0]}
    matrix = leavers.matrix
    for target, table in contributions.items():
        strength = table.drop(columns="base").abs().mean().sort_values(ascending=False)
        strength = strength.head(12)
        parts.append(_bar_chart(
            [reasons[k].label(lang) for k in strength.index], strength.tolist(),
            text(f"field.{target}", lang), f"drivers-{target}",
            text("chart.drivers_axis", lang),
            colors=_driver_colors(model, matrix, table, list(strength.index))))
    parts.append("</div>")
    return parts


def _policies_label(option: str, model: RehireModel, lang: str) -> str:
    fields = {f.name: f for f in model.record_fields}
    return " + ".join(fields[name].label(lang) for name in option.split(" + "))


def simulation_display(model: RehireModel, table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A :func:`rehire_model.simulate_policies` table as HR staff read it, in ``lang``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> model = rm.load_model()
    >>> table = rm.simulate_policies(model, rm.make_leaver_survey(200, random_state=0),
    ...                              n_bootstrap=20)
    >>> list(simulation_display(model, table, "ja").columns[:2])
    ['導入する施策', '対象となる人数']
    """
    shown = pd.DataFrame({
        text("table.policies", lang): [_policies_label(o, model, lang) for o in table["levers"]],
        text("table.affected", lang): [format_count(n) for n in table["n_affected"]],
    })
    for target in sorted(model.targets, reverse=True):
        shown[text("table.mean_change", lang, outcome=text(f"target.{target}", lang))] = [
            f"{v:+.1f}" for v in table[f"mean_change_pp_{target}"]]
    if model.has_segments:
        shown[text("table.new_candidates", lang)] = [
            format_count(n) for n in table["new_boomerang_candidates"]]
    return shown


def _help_section(model: RehireModel, leavers: LeaverBatch, lang: str) -> list[str]:
    """Cohort policy simulation and the most common first coaching items."""
    table = simulate_policies(model, leavers, n_bootstrap=200).head(8)
    shown = simulation_display(model, table, lang)
    ranked = "rehire_intent" if "rehire_intent" in model.targets else model.targets[0]
    chart = _bar_chart(shown.iloc[:, 0].tolist(), table[f"mean_change_pp_{ranked}"].tolist(),
                       text(f"field.{ranked}", lang), "policy-simulation",
                       text("chart.mean_change", lang))
    sample = leavers.take(np.arange(min(COACHED_IN_REPORT, len(leavers))))
    firsts = coach(model, sample, lang=lang, top_k=1)["action"].value_counts().head(5)
    common = pd.DataFrame({text("table.item", lang): [text(f"action.{a}", lang)
                                                      for a in firsts.index],
                           text("table.leavers", lang): [format_count(n) for n in firsts]})
    return [
        f"<h2>{text('report.help', lang)}</h2>",
        f'<p class="note">{text("coach.causal_note", lang)}</p>',
        f"<p>{text('report.simulation_note', lang)}</p>",
        _table_html(shown, attrs='id="policy-simulation"'),
        f'<div class="charts">{chart}</div>',
        f"<h3>{text('report.coaching', lang, n=len(sample))}</h3>",
        _table_html(common, attrs='id="coaching"'),
    ]


def _segments_section(model: RehireModel, scores: pd.DataFrame, lang: str) -> list[str]:
    if not model.has_segments:
        return []
    names = [SEGMENTS[(True, True)], SEGMENTS[(True, False)], SEGMENTS[(False, True)],
             SEGMENTS[(False, False)]]
    counts = scores["segment"].value_counts().reindex(names, fill_value=0)
    total = max(len(scores), 1)
    table = pd.DataFrame({
        text("table.segment", lang): [text(f"segment.{s}", lang) for s in names],
        text("table.people", lang): [format_count(n) for n in counts],
        text("table.share", lang): [format_percent(n / total, lang) for n in counts],
    })
    return [f"<h2>{text('report.segments', lang)}</h2>",
            f"<p>{text('report.segments_note', lang)}</p>",
            _table_html(table, attrs='id="segments"')]


def _people_section(model: RehireModel, leavers: LeaverBatch, leaver_ids: Sequence[str],
                    lang: str) -> list[str]:
    if not leaver_ids or leavers.ids is None:
        return []
    chosen = leavers.take(np.isin(np.array(leavers.ids, dtype=object), list(leaver_ids)))
    if not len(chosen):
        return []
    parts = [f"<h2>{text('report.people', lang)}</h2>", '<div class="charts">']
    reasons = {r.key: r for r in model.scoring.reasons["reason"][0]}
    contributions = chosen.contributions()
    for leaver_id in chosen.ids:
        for target, table in contributions.items():
            row = table.loc[leaver_id].drop("base")
            top = row.reindex(row.abs().sort_values(ascending=False).index[:8])
            p = float(expit(table.loc[leaver_id].sum()))
            title = text("chart.person", lang, leaver=leaver_id,
                         outcome=text(f"target.{target}", lang),
                         probability=format_percent(p, lang))
            parts.append(_bar_chart([reasons[k].label(lang) for k in top.index],
                                    top.tolist(), title, f"person-{leaver_id}-{target}",
                                    text("chart.effect", lang)))
    parts.append("</div>")
    return parts


def _card_section(model: RehireModel, name: str, lang: str) -> list[str]:
    parts = [f"<h2>{text('report.card', lang)}</h2>"]
    for section in model_card_sections(model, name, lang):
        parts.append(f"<h3>{html.escape(section.heading)}</h3>")
        parts += [f"<p>{html.escape(block)}</p>" if isinstance(block, str)
                  else _table_html(block, text_columns=2) for block in section.blocks]
    return parts


# --------------------------------------------------------------------------------------
# Monitoring: predictions against outcomes by wave
# --------------------------------------------------------------------------------------

#: The text of each verdict of :func:`rehire_model.monitor`.
VERDICT_TEXTS = {"fine": "monitor.verdict.fine", "recalibrate": "monitor.verdict.recalibrate",
                 "retrain": "monitor.verdict.retrain"}


def _signed(value: Any) -> str:
    """A log-odds shift with its sign ("—" when undefined, "∞" when unbounded)."""
    number = float(value)
    if number != number:
        return "—"
    if np.isinf(number):
        return "−∞" if number < 0 else "+∞"
    return f"{number:+.2f}".replace("-", "−")


def _with_interval(value: str, low: str, high: str, lang: str) -> str:
    return text("table.value_interval", lang, value=value, low=low, high=high)


def _wave_chart(calibration: pd.DataFrame, waves: Sequence[str], target: str, lang: str
                ) -> str:
    """Mean predicted probability and actual rate (95 % Wilson interval) per wave."""
    rows = calibration[calibration["target"] == target].set_index("wave")
    rows = rows.reindex([w for w in waves if w in rows.index])
    x = np.arange(len(rows))
    low, high = wilson_interval(rows["events"], rows["n"])
    top = np.nanmax(np.concatenate([high, rows["mean_predicted"].to_numpy(), [0.05]]))
    figure = _figure(max(3.6, 0.8 * len(rows) + 2.0), 3.2)
    axes = figure.add_subplot()
    title = text(f"field.{target}", lang)
    axes.set(xlabel=text("chart.wave", lang), ylabel=text("chart.rate", lang), title=title,
             xlim=(-0.5, len(rows) - 0.5), ylim=(0, min(1.0, 1.25 * top)))
    # Side by side at each wave, so that neither hides the other.
    axes.plot(x - 0.08, rows["mean_predicted"], marker="s", color="#e08a00", linewidth=1.2,
              label=text("chart.mean_predicted", lang))
    _rate_points(axes, x + 0.08, rows["observed_rate"], low, high, rows["n"],
                 text("chart.observed_interval", lang))
    axes.set_xticks(x, [str(w) for w in rows.index])
    axes.legend(loc="best", fontsize=7, frameon=False)
    return _svg_image(figure, title, f"waves-{target}")


def _wave_row(verdict: Any, calibration: pd.DataFrame, people: dict[str, int], lang: str
              ) -> dict[str, str]:
    """One wave and target of the monitoring table, as people read it."""
    found = calibration[(calibration["wave"] == verdict.wave)
                        & (calibration["target"] == verdict.target)]
    row = {text("table.wave", lang): str(verdict.wave),
           text("table.outcome", lang): text(f"field.{verdict.target}", lang),
           text("table.people", lang): format_count(people.get(verdict.wave, 0))}
    cells = dict.fromkeys(("table.outcomes_known", "table.predicted", "table.actual",
                           "table.citl", "table.auc_interval"), "—")
    if len(found):
        c = found.iloc[0]
        low, high = wilson_interval(c["events"], c["n"])
        cells = {
            "table.outcomes_known": format_count(c["n"]),
            "table.predicted": format_percent(c["mean_predicted"], lang),
            "table.actual": _with_interval(format_percent(c["observed_rate"], lang),
                                           format_percent(low, lang),
                                           format_percent(high, lang), lang),
            "table.citl": _with_interval(_signed(c["citl"]), _signed(c["citl_low"]),
                                         _signed(c["citl_high"]), lang),
            "table.auc_interval": _with_interval(format_number(c["auc"]),
                                                 format_number(c["auc_low"]),
                                                 format_number(c["auc_high"]), lang),
        }
    row |= {text(key, lang): value for key, value in cells.items()}
    row[text("table.verdict", lang)] = _verdict_label(verdict.verdict, lang)
    return row


def _verdict_label(verdict: str, lang: str) -> str:
    key = VERDICT_TEXTS.get(verdict)
    return text(key, lang) if key else str(verdict)


def _reasons_list(verdicts: pd.DataFrame, reasons: list[str], lang: str) -> list[str]:
    """Each wave and target's verdict with its reasons, as sentences."""
    items = [text("report.verdict_item", lang, wave=html.escape(str(v.wave)),
                  outcome=text(f"target.{v.target}", lang),
                  verdict=_verdict_label(v.verdict, lang),
                  reasons=html.escape(r.rstrip(".。")))
             for v, r in zip(verdicts.itertuples(index=False), reasons, strict=True) if r]
    if not items:
        return []
    return [f"<h4>{text('report.verdicts', lang)}</h4>",
            '<ul id="verdict-reasons">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"]


def _verdict_reasons(monitoring: Monitoring, lang: str) -> list[str]:
    """Each verdict's reasons in ``lang``, joined as the language joins sentences (the
    English ones only on an English page, when the result cannot write them in
    another language)."""
    frames = getattr(monitoring, "frames", None)
    if frames is not None:
        return [str(r) for r in frames(lang)["verdict"]["reasons"]]
    if lang == "en" and "reasons" in monitoring.verdict.columns:
        return [str(r) for r in monitoring.verdict["reasons"]]
    return [""] * len(monitoring.verdict)


def _drift_table(drift: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The fields whose answers changed beyond the alarm level, or that had values not
    seen in training, by wave; and which cells raised an alarm."""
    alarmed = drift["alarm"].astype(bool)
    if "blank_alarm" in drift.columns:
        alarmed |= drift["blank_alarm"].astype(bool)
    alarmed |= drift["new_values"].fillna("").astype(str).str.len() > 0
    rows = drift[alarmed.to_numpy()]
    shown = pd.DataFrame({
        text("table.wave", lang): rows["wave"].astype(str).tolist(),
        text("table.field", lang): [text(f"field.{f}", lang) if has_text(f"field.{f}")
                                    else str(f) for f in rows["field"]],
        text("table.psi", lang): [text("table.psi_value", lang, psi=format_number(p),
                                       threshold=format_number(t))
                                  for p, t in zip(rows["psi"], rows["psi_threshold"],
                                                  strict=True)],
        text("table.new_values", lang): [_new_values(f, v, lang) for f, v in zip(
            rows["field"], rows["new_values"].fillna(""), strict=True)],
        text("table.blank_rate", lang): [text(
            "table.rate_and_reference", lang, rate=format_percent(r, lang),
            reference=format_percent(q, lang)) for r, q in zip(
                rows["blank_rate"], rows["blank_rate_reference"], strict=True)],
    })
    flagged = np.zeros(shown.shape, dtype=bool)
    flagged[:, 2] = rows["alarm"].astype(bool).to_numpy()
    flagged[:, 3] = (shown.iloc[:, 3] != "—").to_numpy()
    if "blank_alarm" in rows.columns:
        flagged[:, 4] = rows["blank_alarm"].astype(bool).to_numpy()
    return shown, flagged


def _new_values(field: str, values: str, lang: str) -> str:
    shown = [text(f"value.{field}.{v}", lang) if has_text(f"value.{field}.{v}") else v
             for v in str(values).split(";") if v]
    return text("coach.separator", lang).join(shown) or "—"


def _verdict_flags(shown: pd.DataFrame, verdicts: pd.DataFrame) -> np.ndarray:
    """The verdict cells that call for action (not "fine")."""
    flagged = np.zeros(shown.shape, dtype=bool)
    flagged[:, shown.shape[1] - 1] = (verdicts["verdict"] != "fine").to_numpy()
    return flagged


def _monitoring_section(monitoring: Monitoring | None, lang: str) -> list[str]:
    """Predictions against outcomes by wave, with each wave's verdict and the fields
    whose answers changed (nothing without a monitoring result)."""
    if monitoring is None:
        return []
    calibration, verdicts = monitoring.calibration, monitoring.verdict
    waves = list(dict.fromkeys(verdicts["wave"]))
    table = getattr(monitoring, "waves", None)
    people = ({} if table is None else dict(zip(table["wave"], table["n_scored"],
                                                strict=True)))
    notes = [f'<p class="note">{html.escape(n.render(lang))}</p>'
             for n in getattr(monitoring, "notes", ())]
    charts = [_wave_chart(calibration, waves, t, lang)
              for t in dict.fromkeys(calibration["target"])]
    shown = pd.DataFrame([_wave_row(v, calibration, people, lang)
                          for v in verdicts.itertuples(index=False)])
    drift, flagged = _drift_table(monitoring.drift, lang)
    return [f"<h2>{text('report.monitoring', lang)}</h2>", *notes,
            f"<p>{text('report.monitoring_note', lang)}</p>",
            f'<div class="charts">{"".join(charts)}</div>' if charts else "",
            _table_html(shown, attrs='id="monitoring"', text_columns=2,
                        flagged=_verdict_flags(shown, verdicts)),
            *_reasons_list(verdicts, _verdict_reasons(monitoring, lang), lang),
            f"<h3>{text('report.drift', lang)}</h3>",
            f"<p>{text('report.drift_note', lang)}</p>" if len(drift)
            else f"<p>{text('report.no_drift', lang)}</p>",
            _table_html(drift, attrs='id="drift"', text_columns=2, flagged=flagged)
            if len(drift) else ""]


def _audit(leavers: LeaverBatch, records: pd.DataFrame, kept: pd.DataFrame,
           audit_by: Sequence[str] | None, intersections: bool) -> FairnessAudit | None:
    if audit_by is None:
        audit_by = [name for name in AUDITED_BY_DEFAULT
                    if (name if name != "age_band" else "age") in records.columns]
    if not audit_by or not len(leavers):
        return None
    attributes = audit_attributes(audit_by, records, kept)
    return audit_scored(leavers, attributes, intersections=intersections)


def report_html(
    model: RehireModel,
    records: pd.DataFrame,
    *,
    lang: str = "en",
    leaver_ids: Sequence[str] = (),
    name: str = "model",
    audit_by: Sequence[str] | None = None,
    intersections: bool = True,
    monitoring: Monitoring | None = None,
) -> str:
    """The trust report of ``model`` on ``data`` as one self-contained HTML page.

    Parameters
    ----------
    model : RehireModel
    records : pandas.DataFrame
        Leaver records; with the target columns of the model's config the report
        evaluates, without them it describes the scored cohort. Rows with problems are
        left out (and counted in the report); gender and age, when present, are used
        for the group audit only.
    lang : {"en", "ja"}
        Language of every word on the page.
    leaver_ids : sequence of str
        Leavers to show per-person reason charts for.
    name : str
        The model's name in the report (``"default"`` reads as the default model).
    audit_by : sequence of str, optional
        Columns to audit by (see :func:`rehire_model.audit`); default: gender and age
        band, those the data have.
    intersections : bool, default True
        Also audit every pair of the ``audit_by`` attributes.
    monitoring : Monitoring, optional
        A result of :func:`rehire_model.monitor`: adds the predictions against the
        outcomes by wave, each wave's verdict and the fields whose answers changed.
    """
    check_lang(lang)
    records, problems, kept = audited_records(model, records)
    leavers = model.scoring.valid(records)
    scores = leavers.predictions()
    measured = measured_outcomes(model, leavers, _outcomes(model, kept))
    audit = _audit(leavers, records, kept, audit_by, intersections)
    contributions = leavers.contributions()
    title = text("report.title", lang, name=display_name(name, lang))
    cohort = text("report.cohort", lang,
                  scored=f"<b id='n-scored'>{format_count(len(records))}</b>",
                  rejected=f"<b id='n-rejected'>{problems['row'].nunique():,}</b>")
    with _chart_context(lang), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        body = [
            f"<h1>{html.escape(title)}</h1>",
            f'<p class="note">{text("report.intended_use", lang)}</p>',
            f"<p>{cohort}</p>",
            *_metrics_section(model, measured, lang),
            *_monitoring_section(monitoring, lang),
            *_fairness_section(audit, lang),
            *_drivers_section(model, leavers, contributions, lang),
            *_help_section(model, leavers, lang),
            *_segments_section(model, scores, lang),
            *_people_section(model, leavers, leaver_ids, lang),
            *_card_section(model, name, lang),
        ]
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def write_report(
    model: RehireModel,
    records: pd.DataFrame,
    path: str | Path,
    **options: Any,
) -> Path:
    """Write :func:`report_html` to ``path`` (see it for the options)."""
    path = Path(path)
    path.write_text(report_html(model, records, **options), encoding="utf-8")
    return path

