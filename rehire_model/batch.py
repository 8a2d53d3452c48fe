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
import datetime
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from .exceptions import InputError
from .model import RehireModel
from .model_io import load_model
from .schema import MAX_MISSING, validate_records
from .scoring import LeaverBatch
from .tables import (
    PARQUET_SUFFIXES,
    Chunk,
    XlsxBook,
    check_output_suffix,
    iter_table,
    spreadsheet_safe,
)
from .texts import text

__all__ = ["REJECT_COLUMNS", "ScoreSummary", "check_file", "rejects_path", "score_file"]

logger = logging.getLogger(__name__)

#: Columns of a rejects file.
REJECT_COLUMNS = ("line", "leaver_id", "column", "value", "problem")
#: The sheets of an ``.xlsx`` scores file.
SCORES_SHEET, REJECTS_SHEET = "scores", "rejects"


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

    def line(self, lang: str = "en") -> str:
        """The one summary line printed at the end of a run, in ``lang``."""
        return text("cli.scored", lang, read=f"{self.read:,}", scored=f"{self.scored:,}",
                    rejected=f"{self.rejected:,}")

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
def _atomic_workbook(path: Path, layouts: Mapping[str, pd.DataFrame]) -> Iterator[list[Any]]:
    """Sheets of an ``.xlsx`` workbook (title -> empty layout), saved only on success.

    The sheets can be written in turns; a sheet that receives no rows still gets its
    header row.
    """
    with _replaced_on_success(path) as temporary:
        book = XlsxBook()
        try:
            sheets = [book.sheet(title) for title in layouts]
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
                   sheet: str = SCORES_SHEET, safe: bool = True) -> Iterator[Any]:
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
        with _atomic_workbook(path, {sheet: empty}) as (sink,):
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
                   empty_rejects: pd.DataFrame, safe: bool = True
                   ) -> Iterator[tuple[Any, Any]]:
    """The scores and rejects sinks: two files, or two sheets of one ``.xlsx``."""
    if summary.rejects_sheet is not None:
        layouts = {SCORES_SHEET: empty_scores, summary.rejects_sheet: empty_rejects}
        with _atomic_workbook(summary.output, layouts) as (scores, rejects):
            yield scores, rejects
        return
    with (
        _atomic_output(summary.output, encoding, empty_scores, SCORES_SHEET, safe) as scores,
        _atomic_output(summary.rejects, encoding, empty_rejects, REJECTS_SHEET,
                       safe) as rejects,
    ):
        yield scores, rejects


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


def _rejects(chunk: Chunk, blank: np.ndarray, problems: pd.DataFrame,
             kept: np.ndarray) -> pd.DataFrame:
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
            "problem": "empty row",
        }),
        pd.DataFrame({
            "line": [line for line, _ in chunk.malformed],
            "leaver_id": None,
            "column": None,
            "value": None,
            "problem": [f"malformed line: {reason}" for _, reason in chunk.malformed],
        }),
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=list(REJECT_COLUMNS))
    return pd.concat(parts, ignore_index=True).sort_values("line", kind="stable")


def _coaching_column(model: RehireModel, leavers: LeaverBatch, lang: str, top_k: int
                     ) -> np.ndarray:
    """Each leaver's first ``top_k`` checklist items, joined by " / "."""
    from .whatif import coach

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


def _score_chunk(model: RehireModel, chunk: Chunk, keep: Sequence[str], explain: int,
                 lang: str, audit: list[str] | None = None, coaching: int = 0,
                 ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    frame = chunk.frame
    blank = _blank_rows(frame)
    kept = np.flatnonzero(~blank)
    valid, problems = validate_records(frame.iloc[kept], errors="report",
                                       **model.config.validation_options)
    leavers = model.scoring.valid(valid)
    if explain or audit is not None:
        leavers.raw_contributions()  # the scores then add up from them
    out = leavers.predictions()
    first = 0 if leavers.ids is None else 1  # kept columns follow leaver_id
    for offset, name in enumerate(keep):
        out.insert(first + offset, name, frame.loc[valid.index, name].to_numpy())
    if explain:
        for name, values in leavers.reason_columns(explain, lang).items():
            out[name] = values
    if audit is not None:
        sentences = leavers.reason_sentences(explain or 3, lang)
        audit.extend(_audit_lines(model, leavers, out, sentences))
    if coaching:
        out["coaching"] = _coaching_column(model, leavers, lang, coaching)
    rejects = _rejects(chunk, blank, problems, kept)
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
                   explain: int) -> None:
    outputs = {"leaver_id", "segment", "missing_fields", "coaching",
               *(f"p_{t}" for t in model.targets)}
    outputs |= {f"{t}_reason_{r}" for t in model.targets for r in range(1, explain + 1)}
    taken = [name for name in keep if name in outputs]
    if taken:
        raise InputError(
            f"--keep cannot carry {', '.join(taken)}: the output has a column of that name"
        )
    missing_keep = [name for name in keep if name not in frame.columns]
    if missing_keep:
        raise InputError(
            f"--keep names column(s) the input does not have: {', '.join(missing_keep)}; "
            f"the input has: {', '.join(map(str, frame.columns))}"
        )
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
    output_encoding: str = "utf-8",
    progress: bool | None = None,
    audit_log: str | Path | None = None,
    coach: int = 0,
    sheet: str | None = None,
    sep: str | None = None,
    raw_text: bool = False,
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
        Language of the reasons.
    rejects : str or pathlib.Path, optional
        The rejects file; default :func:`rejects_path`, or the sheet ``rejects`` of an
        ``.xlsx`` output. Always written (header only when no row is rejected), so a
        stale file from an earlier run cannot mislead.
    chunk_rows : int, default 50,000
        Rows read, scored and written at a time (memory does not grow with the file).
    output_encoding : str, default "utf-8"
        Encoding of CSV outputs (``utf-8-sig`` opens directly in Excel); an ``.xlsx``
        output has none.
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
        their predicted gains (see :func:`rehire_model.whatif.coach`).
    sheet : str, optional
        The worksheet of an Excel input; default the first.
    sep : {",", ";", "\\t", "tab"}, optional
        The separator of a CSV input; detected from its header line when not given.
    raw_text : bool, default False
        Write the text of CSV outputs exactly as it is; by default a text that a
        spreadsheet would run as a formula gets a leading apostrophe (see
        :func:`rehire_model.tables.spreadsheet_safe`). Parquet, ``.xlsx`` and the audit
        log are always exact.

    Returns
    -------
    ScoreSummary

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
    summary = _outputs(input_path, output, rejects)
    empty_rejects = pd.DataFrame(columns=list(REJECT_COLUMNS))
    chunks = iter_table(input_path, encoding=encoding, columns=columns, chunk_rows=chunk_rows,
                        text_columns=("leaver_id", *keep), sheet=sheet, sep=sep)
    first = next(chunks, None)
    if first is None:
        raise InputError(f"{str(input_path)!r} has no header row")
    _check_columns(first.frame, model, keep, explain)
    empty_scores, _, _ = _score_chunk(model, Chunk(first.frame.head(0), first.lines[:0]),
                                      keep, explain, lang, None, coach)
    bar = _progress(progress)
    audit: list[str] | None = None if audit_log is None else []
    with (
        _score_outputs(summary, output_encoding, empty_scores, empty_rejects,
                       safe=not raw_text) as (scores_sink, rejects_sink),
        bar,
    ):
        for chunk in _chain(first, chunks):
            scored, rejected, n_rejected = _score_chunk(model, chunk, keep, explain, lang,
                                                        audit, coach)
            if len(scored):
                scores_sink.write(scored)
            if len(rejected):
                rejects_sink.write(rejected)
            n_read = len(chunk.frame) + len(chunk.malformed)
            summary.read += n_read
            summary.scored += len(scored)
            summary.rejected += n_rejected
            bar.update(n_read)
            logger.debug("chunk of %d rows: %d scored, %d rejected", n_read, len(scored),
                         n_rejected)
    if summary.read != summary.scored + summary.rejected:  # pragma: no cover - invariant
        raise AssertionError(f"rows do not add up: {summary.line()}")
    if audit is not None:  # appended only when the whole run succeeded
        with open(audit_log, "a", encoding="utf-8") as log:
            log.writelines(line + "\n" for line in audit)
    summary.seconds = time.perf_counter() - started
    return summary


def _outputs(input_path: str | Path, output: str | Path | None,
             rejects: str | Path | None) -> ScoreSummary:
    """A summary naming the outputs: scores, and rejects beside them or in a sheet."""
    out_path = None if output in (None, "-") else Path(output)
    for path in (out_path, rejects):
        if path is not None:
            check_output_suffix(path)
    if _is_xlsx(out_path) and (rejects is None or Path(rejects) == out_path):
        return ScoreSummary(output=out_path, rejects=out_path, rejects_sheet=REJECTS_SHEET)
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
) -> tuple[ScoreSummary, pd.DataFrame]:
    """Check every row of a file against the schema without scoring it.

    Parameters
    ----------
    input_path, encoding, columns, chunk_rows, sheet, sep
        As for :func:`score_file`.
    fields, missing, max_missing
        As for :func:`rehire_model.validate_records` (a model's are in
        ``model.config.validation_options``); default the schema's fields, with
        unanswered fields allowed up to half of a record's.

    Returns
    -------
    summary : ScoreSummary
        ``scored`` counts the valid rows.
    problems : pandas.DataFrame
        One row per problem, in the layout of a rejects file (:data:`REJECT_COLUMNS`).
    """
    summary, found = ScoreSummary(), []
    for chunk in iter_table(input_path, encoding=encoding, columns=columns,
                            chunk_rows=chunk_rows, sheet=sheet, sep=sep):
        blank = _blank_rows(chunk.frame)
        kept = np.flatnonzero(~blank)
        _, problems = validate_records(chunk.frame.iloc[kept], fields=fields,
                                       missing=missing, max_missing=max_missing,
                                       errors="report")
        found.append(_rejects(chunk, blank, problems, kept))
        n_bad = int(blank.sum()) + problems["row"].nunique() + len(chunk.malformed)
        summary.read += len(chunk.frame) + len(chunk.malformed)
        summary.rejected += n_bad
        summary.scored += len(chunk.frame) - int(blank.sum()) - problems["row"].nunique()
    problems = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=list(REJECT_COLUMNS))
    return summary, problems


def _chain(first: Chunk, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield first
    yield from rest

