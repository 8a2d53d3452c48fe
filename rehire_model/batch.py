"""Score a whole file of leavers in chunks: every row scored or rejected with its reason.

A bad row never stops the run: it goes to the rejects file with its line number,
``leaver_id``, column, value and problem (one line per problem); an ``.xlsx`` output
holds them in a second sheet ``rejects``, beside the sheet ``scores``. The counts
always add up: rows read = rows scored + rows rejected. Outputs are written to
temporary files next to their destination and renamed when the run succeeds, so an
interrupted run never leaves a file that looks complete. In CSV outputs, a text that a
spreadsheet would run as a formula (``=HYPERLINK(...)`` in a ``leaver_id``) is written
with a leading apostrophe (see :func:`rehire_model.tables.spreadsheet_safe`) unless
``raw_text=True``; Parquet, ``.xlsx`` and the audit log keep every value exact.

Examples
--------
>>> import tempfile, pathlib
>>> import rehire_model as rm
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> rm.make_leaver_survey(20, random_state=0).to_csv(folder / "leavers.csv", index=False)
>>> summary = score_file(folder / "leavers.csv", folder / "scores.csv")
>>> summary.line()
'read 20 rows: scored 20, rejected 0'
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import datetime
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from .coaching import coach
from .exceptions import InputError
from .model import RehireModel
from .model_io import load_model
from .schema import FIELDS, FIELDS_BY_NAME
from .scoring import SEGMENTS, BlankCounts, LeaverBatch
from .tables import (
    PARQUET_SUFFIXES,
    Chunk,
    ColumnMap,
    XlsxBook,
    check_output_suffix,
    iter_table,
    spreadsheet_safe,
)
from .texts import Message, message, text
from .validation import MAX_MISSING, validate_records

__all__ = ["REJECT_COLUMNS", "OutputWords", "ScoreSummary", "check_file", "rejects_path",
           "score_file"]

logger = logging.getLogger(__name__)

#: Columns of a rejects file.
REJECT_COLUMNS = ("line", "leaver_id", "column", "value", "problem")
#: The sheets of an ``.xlsx`` scores file.
SCORES_SHEET, REJECTS_SHEET = "scores", "rejects"
#: The CSV reader's words for a line with another count of fields than the header.
_FIELD_COUNTS = re.compile(r"Expected (?P<expected>\d+) fields in line \d+, saw (?P<saw>\d+)")


@dataclass
class ScoreSummary:
    """What a scoring run did: rows read = rows scored + rows rejected.

    ``rejects`` is the file holding the rejects; when it is an ``.xlsx`` scores file,
    ``rejects_sheet`` names its sheet (``"rejects"``), else it is None.
    """

    read: int = 0
    scored: int = 0
    rejected: int = 0
    seconds: float = 0.0
    output: Path | None = None
    rejects: Path | None = None
    rejects_sheet: str | None = None
    sheet: str | None = None
    header_row: int = 1
    has_ids: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)

    def line(self, lang: str = "en") -> str:
        """The one summary line printed at the end of a run, in ``lang``: where the table
        was found (a worksheet, or headers below row 1) and the counts."""
        return self.where(lang) + text("cli.scored", lang, read=f"{self.read:,}",
                                       scored=f"{self.scored:,}",
                                       rejected=f"{self.rejected:,}")

    def where(self, lang: str = "en") -> str:
        """Which sheet and header row were read ("" for a table headed in row 1)."""
        if self.sheet is not None:
            return text("cli.table_at", lang, sheet=self.sheet, row=self.header_row)
        if self.header_row != 1:
            return text("cli.headers_at", lang, row=self.header_row)
        return ""

    def notes(self, lang: str = "en") -> str:
        """What the summary line adds: where the rejects are, and a missing id column."""
        notes = (text("cli.rejects_in", lang, path=self.rejects_place(lang))
                 if self.rejected else "")
        return notes + ("" if self.has_ids else text("cli.no_id", lang))

    def found(self, chunk: Chunk) -> None:
        """Note where the table of ``chunk`` was found."""
        self.sheet, self.header_row, self.headers = chunk.sheet, chunk.header_row, chunk.headers
        self.has_ids = "leaver_id" in chunk.frame.columns

    def rejects_place(self, lang: str = "en") -> str:
        """Where the rejects are: ``out.csv.rejects.csv`` or ``sheet 'rejects' of out.xlsx``."""
        if self.rejects_sheet is not None:
            return text("cli.rejects_sheet", lang, sheet=self.rejects_sheet, path=self.rejects)
        return str(self.rejects)


def rejects_path(output: str | Path | None, input_path: str | Path) -> Path:
    """``<output>.rejects.csv``, or ``<input>.rejects.csv`` when writing to stdout."""
    base = Path(input_path) if output in (None, "-") else Path(output)
    return base.with_name(base.name + ".rejects.csv")


# --------------------------------------------------------------------------------------
# Output files, renamed into place on success
# --------------------------------------------------------------------------------------


class _CsvSink:
    """CSV in any encoding, written by pandas; formula-like text neutralised if ``safe``."""

    def __init__(self, stream: IO[str], safe: bool = True) -> None:
        self.stream, self.header, self.safe = stream, True, safe

    def write(self, frame: pd.DataFrame) -> None:
        if self.safe:
            frame = spreadsheet_safe(frame)
        # Text quoted, as Arrow writes it: a carriage return inside a text is then never
        # read as the end of a row.
        frame.to_csv(self.stream, index=False, header=self.header, lineterminator="\n",
                     quoting=csv.QUOTE_NONNUMERIC)
        self.header = False


class _Utf8CsvSink:
    """UTF-8 CSV written by Arrow's CSV writer (an order of magnitude faster)."""

    def __init__(self, stream: IO[bytes], bom: bool, safe: bool = True) -> None:
        self.stream, self.header, self.safe = stream, True, safe
        if bom:
            stream.write(codecs.BOM_UTF8)

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        if self.safe:
            frame = spreadsheet_safe(frame)
        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            # Mixed values in a column (as in the rejects' "value"): write them as text.
            table = pa.Table.from_pandas(_as_text(frame), preserve_index=False)
        options = pa_csv.WriteOptions(include_header=self.header, quoting_style="needed")
        pa_csv.write_csv(table, self.stream, options)
        self.header = False


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns as text (None stays empty)."""
    frame = frame.copy()
    for name, column in frame.items():
        if column.dtype == np.dtype(object):
            frame[name] = [None if pd.isna(v) else str(v) for v in column]
    return frame


class _ParquetSink:
    def __init__(self, path: Path) -> None:
        self.path, self.writer = path, None
        self.header = True

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(_as_text(frame), preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table.cast(self.writer.schema))
        self.header = False

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _is_utf8(encoding: str) -> tuple[bool, bool]:
    """(is UTF-8, with a byte-order mark)."""
    name = codecs.lookup(encoding).name
    return name in ("utf-8", "utf-8-sig"), name == "utf-8-sig"


@contextlib.contextmanager
def _csv_sink(target: Path | None, encoding: str, safe: bool = True) -> Iterator[Any]:
    utf8, bom = _is_utf8(encoding)
    if target is None:
        if utf8:
            sys.stdout.flush()
            yield _Utf8CsvSink(sys.stdout.buffer, bom, safe)
            sys.stdout.buffer.flush()
        else:
            yield _CsvSink(sys.stdout, safe)
        return
    if utf8:
        with open(target, "wb") as stream:
            yield _Utf8CsvSink(stream, bom, safe)
    else:
        with open(target, "w", encoding=encoding, newline="") as stream:
            yield _CsvSink(stream, safe)


def _is_xlsx(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() == ".xlsx"


def _is_parquet(path: Path | None) -> bool:
    return path is not None and path.suffix.lower() in PARQUET_SUFFIXES


@contextlib.contextmanager
def _replaced_on_success(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` that replaces it only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _atomic_workbook(path: Path, layouts: Mapping[str, pd.DataFrame],
                     formats: Mapping[str, str] | None = None) -> Iterator[list[Any]]:
    """Sheets of an ``.xlsx`` workbook (title -> empty layout), saved only on success.

    The sheets can be written in turns; a sheet that receives no rows still gets its
    header row. ``formats`` gives number formats by column name (such as ``"0.0%"``).
    """
    with _replaced_on_success(path) as temporary:
        book = XlsxBook()
        try:
            sheets = [book.sheet(title, formats=formats) for title in layouts]
            yield sheets
            for sheet, empty in zip(sheets, layouts.values(), strict=True):
                if sheet.header:
                    sheet.write(empty)
            book.save(temporary)
        except BaseException:
            book.discard()
            raise


@contextlib.contextmanager
def _atomic_output(path: Path | None, encoding: str, empty: pd.DataFrame,
                   sheet: str = SCORES_SHEET, safe: bool = True,
                   formats: Mapping[str, str] | None = None) -> Iterator[Any]:
    """A sink writing to a temporary file that replaces ``path`` only on success.

    An output that receives no rows still gets its header (from ``empty``). An
    ``.xlsx`` path is a workbook of one sheet named ``sheet``. A CSV neutralises
    formula-like text when ``safe``.
    """
    if path is None:
        with _csv_sink(None, encoding, safe) as sink:
            yield sink
            if sink.header:
                sink.write(empty)
        return
    if _is_xlsx(path):
        with _atomic_workbook(path, {sheet: empty}, formats) as (sink,):
            yield sink
        return
    with _replaced_on_success(path) as temporary:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            sink = _ParquetSink(temporary)
            yield sink
            if sink.header:
                sink.write(empty)
            sink.close()
        else:
            with _csv_sink(temporary, encoding, safe) as sink:
                yield sink
                if sink.header:
                    sink.write(empty)


@contextlib.contextmanager
def _score_outputs(summary: ScoreSummary, encoding: str, empty_scores: pd.DataFrame,
                   empty_rejects: pd.DataFrame, words: OutputWords, targets: Sequence[str],
                   safe: bool = True) -> Iterator[tuple[Any, Any]]:
    """The scores and rejects sinks: two files, or two sheets of one ``.xlsx``.

    In a workbook, the probabilities are shown as percentages (the cells hold the numbers).
    """
    percent = dict.fromkeys(words.probability_headers(targets), "0.0%")
    scores_sheet = words.sheet(SCORES_SHEET)
    if summary.rejects_sheet is not None:
        layouts = {scores_sheet: empty_scores, summary.rejects_sheet: empty_rejects}
        with _atomic_workbook(summary.output, layouts, percent) as (scores, rejects):
            yield scores, rejects
        return
    with (
        _atomic_output(summary.output, encoding, empty_scores, scores_sheet, safe,
                       percent) as scores,
        _atomic_output(summary.rejects, encoding, empty_rejects, words.sheet(REJECTS_SHEET),
                       safe) as rejects,
    ):
        yield scores, rejects


# --------------------------------------------------------------------------------------
# Outputs read by people
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputWords:
    """How output tables read: identifiers for programs, or words for people.

    Under ``lang="ja"`` and unless ``codes`` is set, headers, segments and the names of
    unanswered fields are written in Japanese (a field by the company's own header where
    the file had one), the rejects name the company's headers, and CSV probabilities are
    written as percentages; an ``.xlsx`` keeps them numbers, shown as percentages.

    Attributes
    ----------
    lang : {"en", "ja"}
    codes : bool
        Keep identifiers (``p_rehire_intent``, ``detached``) whatever the language.
    headers : dict of str -> str
        Field -> the header the input file gave it.
    """

    lang: str = "en"
    codes: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def for_people(self) -> bool:
        """Whether tables are written in words (Japanese headers and labels)."""
        return self.lang == "ja" and not self.codes

    def header(self, name: str) -> str:
        """How a column of the input is named: the file's own header (unless it is the
        field's name itself), else the field's label."""
        given = self.headers.get(name)
        if given is not None and given != name:
            return given
        known = FIELDS_BY_NAME.get(name)
        return known.label(self.lang) if known is not None else name

    def sheet(self, name: str) -> str:
        """The name of an output sheet (``scores``, ``rejects``)."""
        keys = {SCORES_SHEET: "output.scores_sheet", REJECTS_SHEET: "output.rejects_sheet"}
        return text(keys[name], self.lang) if self.for_people else name

    def scores(self, frame: pd.DataFrame, targets: Sequence[str], *, percent_text: bool
               ) -> pd.DataFrame:
        """A scores table as people read it (unchanged for programs)."""
        if not self.for_people:
            return frame
        lang, out = self.lang, frame.copy(deep=False)
        if "segment" in out.columns:
            out["segment"] = out["segment"].map(
                {s: text(f"segment.{s}", lang) for s in SEGMENTS.values()})
        if "missing_fields" in out.columns:
            out["missing_fields"] = self._field_lists(out["missing_fields"])
        if percent_text:
            for target in targets:
                out[f"p_{target}"] = _percent_text(out[f"p_{target}"])
        return out.rename(columns=self._score_headers(targets, out.columns))

    def rejects(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A rejects (or problems) table as people read it (unchanged for programs)."""
        if not self.for_people:
            return frame
        out = frame.copy(deep=False)
        out["column"] = out["column"].map(lambda c: c if c is None or pd.isna(c)
                                          else self.header(c))
        lang = self.lang
        return out.rename(columns={
            "line": text("output.line", lang), "leaver_id": self.header("leaver_id"),
            "column": text("output.column", lang), "value": text("output.value", lang),
            "problem": text("output.problem", lang)})

    def probability_headers(self, targets: Sequence[str]) -> list[str]:
        """The headers of the probability columns of a scores table."""
        names = [f"p_{target}" for target in targets]
        if not self.for_people:
            return names
        headers = self._score_headers(targets, ())
        return [headers[name] for name in names]

    def _score_headers(self, targets: Sequence[str], columns: Sequence[str]
                       ) -> dict[str, str]:
        lang = self.lang
        names = {"line": text("output.line", lang), "leaver_id": self.header("leaver_id"),
                 "segment": text("output.segment", lang),
                 "missing_fields": text("output.missing_fields", lang),
                 "coaching": text("output.coaching", lang)}
        for target in targets:
            outcome = text(f"target.{target}", lang)
            names[f"p_{target}"] = text("output.p", lang, outcome=outcome)
            names |= {name: text("output.reason", lang, outcome=outcome,
                                 rank=name.rsplit("_", 1)[1])
                      for name in columns if name.startswith(f"{target}_reason_")}
        return names

    def _field_lists(self, values: pd.Series) -> np.ndarray:
        """``a;b`` lists of field names as the file's headers, each distinct list once."""
        separator = text("output.list_separator", self.lang)
        codes, lists = pd.factorize(values, use_na_sentinel=True)
        shown = [separator.join(self.header(n) for n in names.split(";") if n)
                 for names in lists]
        return np.array([*shown, ""], dtype=object)[codes]


def _percent_text(p: pd.Series) -> pd.Series:
    """Probabilities as percentages with one decimal ("23.4%")."""
    return (p * 100).map("{:.1f}%".format)


# --------------------------------------------------------------------------------------
# One chunk
# --------------------------------------------------------------------------------------


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows with no value at all (blank lines, lines of only commas)."""
    blank = np.ones(len(frame), dtype=bool)
    for _, column in frame.items():
        missing = column.isna().to_numpy()
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            missing = missing | column.eq("").to_numpy(dtype=bool, na_value=True)
        blank &= missing
        if not blank.any():  # the usual case: stop at the first column
            break
    return blank


def _malformed_text(reason: Any, lang: str) -> str:
    """Why a line could not be read, in ``lang`` (the CSV reader's count of fields, or
    the reader's own message)."""
    if isinstance(reason, Message):
        return text("output.malformed", lang, reason=reason.render(lang))
    counts = _FIELD_COUNTS.search(str(reason))
    if counts:
        return text("output.malformed_fields", lang, expected=counts["expected"],
                    saw=counts["saw"])
    return text("output.malformed", lang, reason=reason)


def _rejects(chunk: Chunk, blank: np.ndarray, problems: pd.DataFrame,
             kept: np.ndarray, lang: str = "en") -> pd.DataFrame:
    """One rejects row per problem, blank row and malformed line."""
    ids = chunk.frame["leaver_id"] if "leaver_id" in chunk.frame.columns else None
    rows = problems["row"].to_numpy(dtype=np.int64)
    # Problem rows are positions within the rows left after removing blank rows.
    positions = kept[rows]
    parts = [
        pd.DataFrame({
            "line": chunk.lines[positions],
            "leaver_id": problems["leaver_id"].to_numpy(dtype=object),
            "column": problems["column"].to_numpy(dtype=object),
            "value": problems["value"].to_numpy(dtype=object),
            "problem": problems["problem"].to_numpy(dtype=object),
        }),
        pd.DataFrame({
            "line": chunk.lines[blank],
            "leaver_id": None if ids is None else ids.to_numpy(dtype=object)[blank],
            "column": None,
            "value": None,
            "problem": text("output.empty_row", lang),
        }),
        pd.DataFrame({
            "line": [line for line, _ in chunk.malformed],
            "leaver_id": None,
            "column": None,
            "value": None,
            "problem": [_malformed_text(reason, lang) for _, reason in chunk.malformed],
        }),
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=list(REJECT_COLUMNS))
    return pd.concat(parts, ignore_index=True).sort_values("line", kind="stable")


def _coaching_column(model: RehireModel, leavers: LeaverBatch, lang: str, top_k: int
                     ) -> np.ndarray:
    """Each leaver's first ``top_k`` checklist items, joined by " / "."""
    checklists = coach(model, leavers, lang=lang, top_k=top_k)
    counts = np.bincount(checklists["row"].to_numpy(), minlength=len(leavers))
    ends = np.cumsum(counts).tolist()
    items = checklists["item"].tolist()  # sorted by row, then rank
    return np.array([" / ".join(items[end - n:end]) for n, end in zip(counts.tolist(), ends,
                                                                     strict=True)],
                    dtype=object)


def _audit_lines(model: RehireModel, leavers: LeaverBatch, scores: pd.DataFrame,
                 sentences: Any) -> list[str]:
    """One JSON line per scored person: the record a deployer keeps (not the record)."""
    arrays, ids = leavers.arrays, leavers.ids
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    model_sha = (model.manifest or {}).get("manifest_sha256")
    names = sorted(arrays)
    targets = model.targets
    texts = np.asarray(sentences, dtype=object).reshape(len(scores), len(targets), -1)
    lines = []
    for i in range(len(scores)):
        record = {name: _plain(arrays[name][i]) for name in names}
        record["leaver_id"] = None if ids is None else ids[i]
        digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False)
                                .encode("utf-8")).hexdigest()
        lines.append(json.dumps({
            "timestamp": now,
            "model": model.name,
            "model_sha256": model_sha,
            "leaver_id": record["leaver_id"],
            "input_sha256": digest,
            **{f"p_{t}": float(scores[f"p_{t}"].iat[i]) for t in targets},
            **({"segment": scores["segment"].iat[i]} if model.has_segments else {}),
            "missing_fields": scores["missing_fields"].iat[i],
            "reasons": {t: list(texts[i, k]) for k, t in enumerate(targets)},
        }, ensure_ascii=False))
    return lines


def _plain(value: Any) -> Any:
    if isinstance(value, float) and np.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class _Scoring:
    """What a scoring run does to each chunk, and what it keeps across chunks."""

    model: RehireModel
    keep: Sequence[str]
    explain: int
    words: OutputWords
    coach: int = 0
    audit: list[str] | None = None
    blanks: BlankCounts = field(default_factory=BlankCounts)

    def __call__(self, chunk: Chunk) -> tuple[pd.DataFrame, pd.DataFrame, int]:
        """The chunk's scores and rejects (as validated) and its count of rejected rows."""
        model, lang, frame = self.model, self.words.lang, chunk.frame
        blank = _blank_rows(frame)
        kept = np.flatnonzero(~blank)
        given = frame.iloc[kept]
        valid, problems = validate_records(given, errors="report", lang=lang,
                                           headers=self.words.headers,
                                           **model.config.validation_options)
        leavers = model.scoring.valid(valid)
        # Blank answers counted from the validated records, and as given where rejected.
        self.blanks.add_batch(leavers)
        rejected = ~given.index.isin(valid.index)
        if rejected.any():
            self.blanks.add(given[rejected], model.record_fields)
        if self.explain or self.audit is not None:
            leavers.raw_contributions()  # the scores then add up from them
        out = leavers.predictions()
        if leavers.ids is None:  # each row is named by its line instead
            out.insert(0, "line", chunk.lines[frame.index.get_indexer(valid.index)])
        for offset, name in enumerate(self.keep, start=1):  # after leaver_id or line
            out.insert(offset, name, frame.loc[valid.index, name].to_numpy())
        if self.explain:
            for name, values in leavers.reason_columns(self.explain, lang).items():
                out[name] = values
        if self.audit is not None:
            sentences = leavers.reason_sentences(self.explain or 3, lang)
            self.audit.extend(_audit_lines(model, leavers, out, sentences))
        if self.coach:
            out["coaching"] = _coaching_column(model, leavers, lang, self.coach)
        rejects = _rejects(chunk, blank, problems, kept, lang)
        n_rejected = int(blank.sum()) + problems["row"].nunique() + len(chunk.malformed)
        return out, rejects, n_rejected


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def _progress(enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(unit=" rows", unit_scale=True, disable=not enabled, file=sys.stderr,
                mininterval=0.5)


def _check_columns(frame: pd.DataFrame, model: RehireModel, keep: Sequence[str],
                   explain: int, headers: Mapping[str, str]) -> None:
    outputs = {"leaver_id", "line", "segment", "missing_fields", "coaching",
               *(f"p_{t}" for t in model.targets)}
    outputs |= {f"{t}_reason_{r}" for t in model.targets for r in range(1, explain + 1)}
    taken = [name for name in keep if name in outputs]
    if taken:
        raise InputError(message("output.keep_taken", names=", ".join(taken)))
    missing_keep = [name for name in keep if name not in frame.columns]
    if missing_keep:
        raise InputError(message("output.keep_missing", names=", ".join(missing_keep),
                                 columns=", ".join(str(headers.get(c, c))
                                                   for c in frame.columns)))
    # Raises a SchemaError naming every required column that is missing.
    validate_records(frame.head(0), fields=model.record_fields)


def score_file(
    input_path: str | Path,
    output: str | Path | None,
    *,
    model: RehireModel | str | Path | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    keep: Sequence[str] = (),
    explain: int = 0,
    lang: str = "en",
    rejects: str | Path | None = None,
    chunk_rows: int = 50_000,
    output_encoding: str | None = None,
    progress: bool | None = None,
    audit_log: str | Path | None = None,
    coach: int = 0,
    sheet: str | None = None,
    sep: str | None = None,
    raw_text: bool = False,
    codes: bool = False,
    header_row: int | None = None,
    id_column: str | None = None,
) -> ScoreSummary:
    """Score every leaver of a CSV, Excel or Parquet file, in chunks of rows.

    Parameters
    ----------
    input_path : str or pathlib.Path
        A CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Shift_JIS/cp932; separated
        by ``,``, ``;`` or tabs), Excel workbook (``.xlsx``, ``.xlsm``) or Parquet file.
    output : str, pathlib.Path or None
        The scores file (CSV; Parquet or an ``.xlsx`` workbook by suffix); None or
        ``"-"`` for stdout (CSV). An ``.xlsx`` workbook has a sheet ``scores`` and,
        unless ``rejects`` is given, a sheet ``rejects``; its text cells are text,
        never formulas.
    model : RehireModel, path or None
        The model, a model folder, or None for the default model.
    encoding : str, optional
        Encoding of a CSV input; detected when not given.
    columns : dict of str -> str, optional
        Your header -> schema field (see :func:`rehire_model.tables.read_column_map`).
    keep : sequence of str
        Input columns to carry through to the output, after ``leaver_id``.
    explain : int, default 0
        Add this many reasons per target as text columns ``<target>_reason_<rank>``.
    lang : {"en", "ja"}
        Language of the reasons, the rejects' problems and, under ``"ja"``, of the output
        tables: Japanese headers, segment labels, unanswered fields by the file's own
        headers, probabilities as percentages (see :class:`OutputWords`).
    rejects : str or pathlib.Path, optional
        The rejects file; default :func:`rejects_path`, or the sheet ``rejects`` of an
        ``.xlsx`` output. Always written (header only when no row is rejected), so a
        stale file from an earlier run cannot mislead.
    chunk_rows : int, default 50,000
        Rows read, scored and written at a time (memory does not grow with the file).
    output_encoding : str, optional
        Encoding of CSV outputs; default ``utf-8-sig`` (UTF-8 with a byte-order mark,
        which Japanese Excel opens intact) under ``lang="ja"``, else ``utf-8``. An
        ``.xlsx`` output has none.
    progress : bool, optional
        Show a progress bar (rows, rows/s) on stderr; default when stderr is a terminal.
    audit_log : str or pathlib.Path, optional
        Append one JSON line per scored person to this file when the run succeeds:
        timestamp (UTC), model name and ``manifest_sha256``, ``leaver_id``, the SHA-256
        of the validated input record (not the record), both probabilities, the segment
        and the top reasons. This is the record a deployer keeps of each use of the
        system (EU AI Act Articles 12 and 26).
    coach : int, default 0
        Add a ``coaching`` column: the top K exit-interview actions not yet taken, with
        their predicted gains (see :func:`rehire_model.coaching.coach`).
    sheet : str, optional
        The worksheet of an Excel input; default the first.
    sep : {",", ";", "\\t", "tab"}, optional
        The separator of a CSV input; detected from its header line when not given.
    raw_text : bool, default False
        Write the text of CSV outputs exactly as it is; by default a text that a
        spreadsheet would run as a formula gets a leading apostrophe (see
        :func:`rehire_model.tables.spreadsheet_safe`). Parquet, ``.xlsx`` and the audit
        log are always exact.
    codes : bool, default False
        Keep identifiers in the output tables under ``lang="ja"`` (``p_rehire_intent``,
        ``detached``, probabilities as numbers), for programs.
    header_row : int, optional
        The row (line) of the headers, as Excel numbers it; found when not given.
    id_column : str, optional
        The input's column holding each leaver's id, when it is not ``leaver_id`` (or
        mapped to it). Without any id, the outputs carry each row's ``line``.

    Returns
    -------
    ScoreSummary
        With the sheet and header row read, and the counts. A field blank in every row,
        or in more than half of them, is named in a
        :class:`~rehire_model.exceptions.DataWarning`.

    Raises
    ------
    InputError
        The input cannot be read, ``keep`` names a column it lacks, or an output is
        named as an Excel format other than ``.xlsx``.
    SchemaError
        A column the model needs is missing from the input.
    """
    started = time.perf_counter()
    if not isinstance(model, RehireModel):
        model = load_model(model)
    if model.config.columns:
        given = columns if isinstance(columns, ColumnMap) else ColumnMap(columns)
        columns = given.under(model.config.columns)
    chunks = iter_table(input_path, encoding=encoding, columns=columns, chunk_rows=chunk_rows,
                        text_columns=("leaver_id", *keep), sheet=sheet, sep=sep,
                        header_row=header_row, id_column=id_column)
    first = next(chunks, None)
    if first is None:
        raise InputError(message("output.no_header", path=str(input_path)))
    words = OutputWords(lang, codes, first.headers)
    summary = _outputs(input_path, output, rejects, words)
    summary.found(first)
    _check_columns(first.frame, model, keep, explain, first.headers)
    run = _Scoring(model, keep, explain, words, coach, None if audit_log is None else [])
    targets, csv_out = model.targets, not _is_xlsx(summary.output) and not _is_parquet(
        summary.output)
    empty = dataclasses.replace(first, frame=first.frame.head(0), lines=first.lines[:0],
                                malformed=[])
    empty_scores = words.scores(dataclasses.replace(run, audit=None)(empty)[0], targets,
                                percent_text=csv_out)
    empty_rejects = words.rejects(pd.DataFrame(columns=list(REJECT_COLUMNS)))
    if output_encoding is None:
        output_encoding = "utf-8-sig" if lang == "ja" else "utf-8"
    bar = _progress(progress)
    with (
        _score_outputs(summary, output_encoding, empty_scores, empty_rejects, words, targets,
                       safe=not raw_text) as (scores_sink, rejects_sink),
        bar,
    ):
        for chunk in _chain(first, chunks):
            scored, rejected, n_rejected = run(chunk)
            if len(scored):
                scores_sink.write(words.scores(scored, targets, percent_text=csv_out))
            if len(rejected):
                rejects_sink.write(words.rejects(rejected))
            n_read = len(chunk.frame) + len(chunk.malformed)
            summary.read += n_read
            summary.scored += len(scored)
            summary.rejected += n_rejected
            bar.update(n_read)
            logger.debug("chunk of %d rows: %d scored, %d rejected", n_read, len(scored),
                         n_rejected)
    if summary.read != summary.scored + summary.rejected:  # pragma: no cover - invariant
        raise AssertionError(f"rows do not add up: {summary.line()}")
    if run.audit is not None:  # appended only when the whole run succeeded
        with open(audit_log, "a", encoding="utf-8") as log:
            log.writelines(line + "\n" for line in run.audit)
    for warning in run.blanks.warnings(words.headers):
        warnings.warn(warning, stacklevel=2)
    summary.seconds = time.perf_counter() - started
    return summary


def _outputs(input_path: str | Path, output: str | Path | None,
             rejects: str | Path | None, words: OutputWords) -> ScoreSummary:
    """A summary naming the outputs: scores, and rejects beside them or in a sheet."""
    out_path = None if output in (None, "-") else Path(output)
    for path in (out_path, rejects):
        if path is not None:
            check_output_suffix(path)
    if _is_xlsx(out_path) and (rejects is None or Path(rejects) == out_path):
        return ScoreSummary(output=out_path, rejects=out_path,
                            rejects_sheet=words.sheet(REJECTS_SHEET))
    rejects_file = Path(rejects) if rejects is not None else rejects_path(output, input_path)
    return ScoreSummary(output=out_path, rejects=rejects_file)


def check_file(
    input_path: str | Path,
    *,
    fields: Sequence[Any] | None = None,
    missing: str = "impute",
    max_missing: float = MAX_MISSING,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    chunk_rows: int = 50_000,
    sheet: str | None = None,
    sep: str | None = None,
    lang: str = "en",
    header_row: int | None = None,
    id_column: str | None = None,
) -> tuple[ScoreSummary, pd.DataFrame]:
    """Check every row of a file against the schema without scoring it.

    Parameters
    ----------
    input_path, encoding, columns, chunk_rows, sheet, sep, header_row, id_column
        As for :func:`score_file`.
    fields, missing, max_missing
        As for :func:`rehire_model.validate_records` (a model's are in
        ``model.config.validation_options``); default the schema's fields, with
        unanswered fields allowed up to half of a record's.
    lang : {"en", "ja"}
        Language of the problems, which name the columns by the file's own headers.

    Returns
    -------
    summary : ScoreSummary
        ``scored`` counts the valid rows; the sheet and header row read.
    problems : pandas.DataFrame
        One row per problem, in the layout of a rejects file (:data:`REJECT_COLUMNS`).
        A field blank in every row, or in more than half of them, is named in a
        :class:`~rehire_model.exceptions.DataWarning`.
    """
    summary, found, blanks = ScoreSummary(), [], BlankCounts()
    in_use = FIELDS if fields is None else tuple(fields)
    for chunk in iter_table(input_path, encoding=encoding, columns=columns,
                            chunk_rows=chunk_rows, sheet=sheet, sep=sep,
                            header_row=header_row, id_column=id_column):
        if not summary.read:
            summary.found(chunk)
        blank = _blank_rows(chunk.frame)
        kept = np.flatnonzero(~blank)
        blanks.add(chunk.frame.iloc[kept], in_use)
        _, problems = validate_records(chunk.frame.iloc[kept], fields=fields,
                                       missing=missing, max_missing=max_missing,
                                       errors="report", lang=lang, headers=summary.headers)
        found.append(_rejects(chunk, blank, problems, kept, lang))
        n_bad = int(blank.sum()) + problems["row"].nunique() + len(chunk.malformed)
        summary.read += len(chunk.frame) + len(chunk.malformed)
        summary.rejected += n_bad
        summary.scored += len(chunk.frame) - int(blank.sum()) - problems["row"].nunique()
    problems = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=list(REJECT_COLUMNS))
    for warning in blanks.warnings(summary.headers):
        warnings.warn(warning, stacklevel=2)
    return summary, problems


def _chain(first: Chunk, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield first
    yield from rest

