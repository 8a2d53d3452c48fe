"""Reading leaver tables as HR exports them: CSV in UTF-8 or Shift_JIS, Excel or Parquet.

CSV files are read in chunks, so a file of any size is read in constant memory.
Numbers are parsed as numbers, ``leaver_id`` (and any other column asked for) stays
text, so "007" keeps its form, and only the spellings of a missing value that the
schema accepts ("", "NA", "null", ...) are read as missing. The encoding is detected
from the start of the file (a UTF-8 or UTF-16 byte-order mark, else UTF-8 if it
decodes, else cp932, the Shift_JIS of Japanese Excel) unless given, and so is the
separator (``,``, ``;`` or a tab, from the header line), so Excel's "Unicode text"
export (UTF-16 with a byte-order mark, tab-separated) and ``;``-separated CSV read as
they are. A column-mapping file renames a company's own headers to the schema fields::

    # columns.toml
    [columns]
    "退職者ID" = "leaver_id"
    "企業規模" = "company_size"

Excel workbooks (``.xlsx``, ``.xlsm``) are read with openpyxl in read-only mode, row
by row, in chunks as well: the first sheet unless another is named, row 1 the headers,
and each row numbered as Excel shows it. Cells keep their types (numbers, booleans,
dates; the values Excel last computed for formulas), text columns become text (a cell
7 reads "7"), and empty cells, cells of only spaces and the missing spellings above
are missing. :func:`write_table` and the scorer write ``.xlsx`` with openpyxl's
write-only mode, every text cell stored as text (never run as a formula). In the CSV
they write, a text that a spreadsheet would run as a formula gets a leading
apostrophe (see :func:`spreadsheet_safe`).

Examples
--------
>>> import io, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_bytes("退職者ID,業種\\n007,it_telecom\\n".encode("cp932"))
>>> detect_encoding(folder / "a.csv")
'cp932'
>>> next(iter_table(folder / "a.csv", columns={"退職者ID": "leaver_id"})).frame
  leaver_id          業種
0       007  it_telecom
>>> write_table(pd.DataFrame({"退職者ID": ["007"], "年齢": [41]}), folder / "a.xlsx")
>>> read_table(folder / "a.xlsx", columns={"退職者ID": "leaver_id"})
  leaver_id  年齢
0       007  41
>>> _ = (folder / "b.txt").write_text("退職者ID\\t業種\\n007\\tit_telecom\\n", encoding="utf-16")
>>> detect_encoding(folder / "b.txt")
'utf-16'
>>> read_table(folder / "b.txt", columns={"退職者ID": "leaver_id"})
  leaver_id          業種
0       007  it_telecom
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import math
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._toml import read_toml
from .exceptions import InputError
from .schema import MISSING_TEXT

__all__ = [
    "Chunk",
    "XlsxBook",
    "XlsxSheet",
    "check_output_suffix",
    "detect_encoding",
    "iter_table",
    "read_column_map",
    "read_table",
    "spreadsheet_safe",
    "write_table",
]

_SAMPLE_BYTES = 1 << 20
_SKIPPED = re.compile(r"Skipping line (\d+): (.*)")
_NA_VALUES = sorted({form for text in MISSING_TEXT
                     for form in (text, text.upper(), text.capitalize())})
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Excel workbooks read by openpyxl; ``.xlsx`` is the one written.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
#: Excel formats openpyxl cannot read or write (old binary, binary workbook).
_OTHER_EXCEL_SUFFIXES = (".xls", ".xlsb")
_MISSING_CELLS = frozenset(_NA_VALUES)
#: What openpyxl (with zipfile, zlib and the XML parser) raises on an unsound workbook.
_WORKBOOK_ERRORS = (EOFError, LookupError, TypeError, ValueError, SyntaxError,
                    zipfile.BadZipFile, zlib.error)
_MAX_WIDTH = 60
#: The separators read: the name given (``sep=`` or ``--sep``) -> the character.
_SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "\\t": "\t"}
#: The first characters that make a spreadsheet read a text as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain number, which a spreadsheet reads as that number even after ``+`` or ``-``.
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
#: A text that begins (after any apostrophes) with one of those characters.
_FORMULA_LIKE = r"'*[=+\-@\t\r]"
_FORMULA_LIKE_RE = re.compile(_FORMULA_LIKE)
#: Characters XML 1.0 cannot hold (written to a workbook as U+FFFD).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def detect_encoding(path: str | Path) -> str:
    """The encoding of a CSV file: ``utf-8-sig`` or ``utf-16`` (BOM), ``utf-8`` or ``cp932``.

    A UTF-16 byte-order mark (Excel's "Unicode text") gives ``utf-16``; otherwise the
    encoding is decided on the first megabyte, and a file that is neither UTF-8 nor
    cp932 is an error naming the ``--encoding`` option.
    """
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp932"):
        try:
            # Incremental decoding accepts a character cut at the end of the sample.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputError(
        f"cannot tell the encoding of {str(path)!r}: it is neither UTF-8 nor Shift_JIS "
        "(cp932); give it with --encoding (for example --encoding latin-1)"
    )


def _separator(sep: str) -> str:
    """The character of a separator named ``,``, ``;``, ``tab`` or given as a tab."""
    found = _SEPARATORS.get(sep) or _SEPARATORS.get(sep.strip().lower())
    if found is None:
        raise InputError(f"unknown separator {sep!r}: expected ',', ';' or tab (--sep tab "
                         "for a tab-separated file)")
    return found


def _separator_counts(text: str, lines: int = 2) -> list[dict[str, int]]:
    """For each of the first ``lines`` lines of ``text``, the separators outside quotes."""
    counts: list[dict[str, int]] = []
    current = dict.fromkeys(",;\t", 0)
    quoted, after_cr = False, False
    for ch in text:
        if ch == "\n" and after_cr:  # the end of a \r\n line, already counted
            after_cr = False
            continue
        after_cr = False
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "\r\n":
            counts.append(current)
            if len(counts) == lines:
                return counts
            current, after_cr = dict.fromkeys(",;\t", 0), ch == "\r"
        elif ch in current:
            current[ch] += 1
    counts.append(current)
    return counts


def _detect_separator(path: Path, encoding: str) -> str:
    """``,``, ``;`` or a tab: the one the header line holds most often, outside quotes.

    A tie goes to the separator the next line holds as often as the header, then to
    ``,``, a tab and ``;`` in that order; a header with none of them (one column) is
    read with ``,``.
    """
    with open(path, "rb") as f:
        sample = f.read(1 << 16)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    counts = _separator_counts(text)
    header = counts[0]
    following = counts[1] if len(counts) > 1 else header
    order = (",", "\t", ";")
    best = max(order, key=lambda c: (header[c], header[c] == following[c], -order.index(c)))
    return best if header[best] else ","


def read_column_map(path: str | Path) -> dict[str, str]:
    """The ``[columns]`` table of a mapping file: your header -> schema field.

    Raises
    ------
    InputError
        The file is unreadable, is not TOML, or has no ``[columns]`` table of text.
    """
    columns = read_toml(path, "column mapping", InputError).get("columns")
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise InputError(
            f"column mapping {str(path)!r} needs a [columns] table of "
            '"your header" = "schema field" lines'
        )
    targets = list(columns.values())
    repeated = sorted({t for t in targets if targets.count(t) > 1})
    if repeated:
        raise InputError(
            f"column mapping {str(path)!r} maps several headers to {', '.join(repeated)}"
        )
    return dict(columns)


def _rename(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    if not columns:
        return frame
    by_key = {_key(k): v for k, v in columns.items()}
    renamed = frame.rename(columns=lambda c: by_key.get(_key(c), c))
    names = list(renamed.columns)
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise InputError(
            f"after the column mapping, the table has more than one column {clashes}; "
            "map only one header to each field"
        )
    return renamed


@dataclass
class Chunk:
    """Consecutive rows of a table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, headers mapped to schema fields (CSV values as text).
    lines : numpy.ndarray
        Each row's line in the CSV file (the header is line 1), its row number in the
        worksheet (the header is row 1), or its 1-based row number in a Parquet file.
    malformed : list of (int, str)
        CSV lines that could not be split into the header's columns, or worksheet rows
        with a value in a column that has no header, with the reason.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: list[tuple[int, str]] = field(default_factory=list)


def _csv_chunks(path: Path, encoding: str, sep: str, chunk_rows: int, text: set[str]
                ) -> Iterator[Chunk]:
    skipped: dict[int, str] = {}
    next_line = 2  # line 1 is the header
    reader = pd.read_csv(
        path, encoding=encoding, sep=sep, dtype=dict.fromkeys(text, str),
        keep_default_na=False,
        na_values=_NA_VALUES, skip_blank_lines=False, on_bad_lines="warn",
        chunksize=chunk_rows,
    )
    with reader:
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    frame = next(reader)
                except StopIteration:
                    frame = None
            for warning in caught:
                for line, reason in _SKIPPED.findall(str(warning.message)):
                    skipped[int(line)] = reason.strip()
            if frame is None:
                break
            # The rows' lines: the next ones, passing over the malformed lines.
            pending = sorted(line for line in skipped if line >= next_line)
            candidates = np.arange(next_line, next_line + len(frame) + len(pending))
            lines = candidates[~np.isin(candidates, pending)][: len(frame)]
            next_line = int(lines[-1]) + 1 if len(lines) else next_line
            malformed = [(line, skipped.pop(line)) for line in pending if line < next_line]
            yield Chunk(frame, lines.astype(np.int64), malformed)
    # Malformed lines after the last row.
    if skipped:
        header = pd.read_csv(path, encoding=encoding, sep=sep, dtype=str, nrows=0)
        yield Chunk(header, np.empty(0, dtype=np.int64), sorted(skipped.items()))


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    start = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
        frame = batch.to_pandas()
        yield Chunk(frame, np.arange(start, start + len(frame), dtype=np.int64))
        start += len(frame)


# --------------------------------------------------------------------------------------
# Excel workbooks, read
# --------------------------------------------------------------------------------------


def _is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def _refuse_other_excel(path: Path) -> None:
    if path.suffix.lower() in _OTHER_EXCEL_SUFFIXES:
        raise InputError(
            f"{str(path)!r} is in an Excel format that cannot be read ({path.suffix}); "
            "open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV"
        )


def _is_missing_cell(value: Any) -> bool:
    """An empty cell, a cell of only spaces, or a missing spelling ("NA", "null", ...)."""
    return value is None or (isinstance(value, str)
                             and (value in _MISSING_CELLS or not value.strip()))


def _cell_text(value: Any) -> str:
    """A cell's value as text, as a CSV export shows it: 7 and 7.0 read "7"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _worksheet(book: Any, path: Path, sheet: str | None) -> Any:
    """The sheet named (exactly, or after NFKC and trimming), else the first."""
    sheets = book.worksheets
    if not sheets:
        raise InputError(f"{str(path)!r} has no worksheet")
    if sheet is None:
        return sheets[0]
    by_key = {_key(ws.title): ws for ws in reversed(sheets)}
    found = next((ws for ws in sheets if ws.title == sheet), by_key.get(_key(sheet)))
    if found is None:
        names = ", ".join(repr(ws.title) for ws in sheets)
        raise InputError(f"{str(path)!r} has no sheet {sheet!r}; its sheets are {names}: "
                         "name one of them with --sheet")
    return found


def _unique(names: Iterable[str]) -> list[str]:
    """Repeated headers numbered as pandas numbers them in a CSV: a, a.1, a.2."""
    seen: set[str] = set()
    unique = []
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        unique.append(new)
    return unique


def _excel_header(cells: Sequence[Any] | None, where: str) -> list[str]:
    """Row 1 as the headers, up to its last filled cell; every one must be filled."""
    from openpyxl.utils import get_column_letter

    cells = list(cells or ())
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()
    if not cells:
        raise InputError(f"{where} has no headers: row 1 is empty; put the column headers "
                         "in row 1")
    for number, value in enumerate(cells, start=1):
        if value is None or not str(value).strip():
            letter = get_column_letter(number)
            raise InputError(f"{where}: the header cell {letter}1 is blank; give column "
                             f"{letter} a header in row 1, or delete the column")
    return _unique(_cell_text(value) for value in cells)


class _Rows:
    """Worksheet rows gathered into chunks."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.values: list[list[Any]] = []
        self.lines: list[int] = []
        self.malformed: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.values) + len(self.malformed)

    def take(self) -> Chunk:
        frame = pd.DataFrame(self.values, columns=self.header)
        chunk = Chunk(frame, np.asarray(self.lines, dtype=np.int64), self.malformed)
        self.values, self.lines, self.malformed = [], [], []
        return chunk


def _excel_row(cells: Sequence[Any], width: int, text: frozenset[int]) -> list[Any]:
    """One row's values under the headers: missing cells None, text columns as text."""
    values: list[Any] = [None] * width
    for i, value in enumerate(cells[:width]):
        if _is_missing_cell(value):
            continue
        values[i] = _cell_text(value) if i in text and not isinstance(value, str) else value
    return values


def _excel_chunks(rows: Iterator[Sequence[Any]], header: list[str], text: frozenset[int],
                  chunk_rows: int) -> Iterator[Chunk]:
    """Chunks of the rows after the header; empty rows after the last value are dropped."""
    from openpyxl.utils import get_column_letter

    width, pending, yielded = len(header), _Rows(header), False
    blank_from = None  # the first of the empty rows since the last row with a value
    for number, cells in enumerate(rows, start=2):
        values = _excel_row(cells, width, text)
        beyond = next((i for i in range(width, len(cells))
                       if not _is_missing_cell(cells[i])), None)
        if beyond is None and all(value is None for value in values):
            blank_from = blank_from or number
            continue
        # Empty rows between rows with values are rows (rejected as empty by the scorer).
        for line in range(blank_from or number, number):
            pending.values.append([None] * width)
            pending.lines.append(line)
            if len(pending) >= chunk_rows:
                yielded = True
                yield pending.take()
        blank_from = None
        if beyond is None:
            pending.values.append(values)
            pending.lines.append(number)
        else:
            pending.malformed.append((number, (
                f"a value in column {get_column_letter(beyond + 1)}, which has no header "
                f"(the headers end at column {get_column_letter(width)})")))
        if len(pending) >= chunk_rows:
            yielded = True
            yield pending.take()
    if len(pending) or not yielded:  # a sheet of headers only still has its columns
        yield pending.take()


def _workbook_chunks(path: Path, sheet: str | None, chunk_rows: int,
                     columns: Mapping[str, str] | None,
                     text_columns: Sequence[str]) -> Iterator[Chunk]:
    """Chunks of a worksheet, read with openpyxl in read-only mode."""
    import openpyxl

    book = None
    try:
        # data_only: a formula cell reads as the value Excel last computed for it.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                      keep_links=False)
        ws = _worksheet(book, path, sheet)
        # Some writers leave a wrong size (a <dimension> tag) in the sheet, and openpyxl
        # would stop reading there: read every row there is.
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        header = _excel_header(next(rows, None), f"sheet {ws.title!r} of {str(path)!r}")
        mapped = _rename(pd.DataFrame(columns=header), columns).columns
        text = frozenset(i for i, name in enumerate(mapped) if name in text_columns)
        yield from _excel_chunks(rows, header, text, chunk_rows)
    except InputError:
        raise
    except OSError as e:  # a missing or unreadable file, not a broken workbook
        raise InputError(f"cannot read {str(path)!r} as an Excel workbook: {e}") from e
    except _WORKBOOK_ERRORS as e:
        raise InputError(f"cannot read {str(path)!r} as an Excel workbook: {e}; check that "
                         "it opens in Excel, or save it again as .xlsx or CSV") from e
    finally:
        if book is not None:
            book.close()


# --------------------------------------------------------------------------------------
# Any table
# --------------------------------------------------------------------------------------


def iter_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    chunk_rows: int = 50_000,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
) -> Iterator[Chunk]:
    """Read a CSV, Excel or Parquet table in chunks of rows.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.parquet`` file, an Excel workbook (``.xlsx``, ``.xlsm``), or a CSV file
        (any other name: ``.csv``, ``.txt``, ``.tsv``, ...).
    encoding : str, optional
        The CSV encoding; detected when not given (see :func:`detect_encoding`).
    columns : dict of str -> str, optional
        Your header -> schema field (see :func:`read_column_map`).
    chunk_rows : int, default 50,000
        Rows per chunk.
    text_columns : sequence of str, default ("leaver_id",)
        Columns (after the mapping) read as text, never as numbers.
    sheet : str, optional
        The worksheet of an Excel workbook; default the first.
    sep : {",", ";", "\\t", "tab"}, optional
        The CSV separator; by default the one of ``,``, ``;`` and a tab that the header
        line holds most often outside quotes (a header with none of them is one
        column). Not used for workbooks and Parquet.

    Yields
    ------
    Chunk

    Raises
    ------
    InputError
        The file cannot be read, decoded or parsed as a table; an ``.xls`` file; a
        workbook without the sheet named or with a blank header cell; ``sheet`` given
        for a file that is not a workbook; an unknown ``sep``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "leavers.csv"
    >>> _ = path.write_text('leaver_id;note\\n007;"a; b"\\n', encoding="utf-8")
    >>> next(iter_table(path)).frame
      leaver_id  note
    0       007  a; b
    """
    path = Path(path)
    _refuse_other_excel(path)
    if sep is not None:
        sep = _separator(sep)
    if _is_excel(path):
        for chunk in _workbook_chunks(path, sheet, chunk_rows, columns, text_columns):
            chunk.frame = _rename(chunk.frame, columns)
            yield chunk
        return
    if sheet is not None:
        raise InputError(f"{str(path)!r} is not an Excel workbook (.xlsx, .xlsm), so it "
                         f"has no sheet {sheet!r}; leave out --sheet")
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            chunks = _parquet_chunks(path, chunk_rows)
        else:
            encoding = encoding or detect_encoding(path)
            codecs.lookup(encoding)
            sep = sep or _detect_separator(path, encoding)
            header = pd.read_csv(path, encoding=encoding, sep=sep, nrows=0).columns
            mapped = _rename(pd.DataFrame(columns=header), columns).columns
            text = {original for original, name in zip(header, mapped, strict=True)
                    if name in text_columns}
            chunks = _csv_chunks(path, encoding, sep, chunk_rows, text)
        for chunk in chunks:
            chunk.frame = _rename(chunk.frame, columns)
            yield chunk
    except InputError:
        raise
    except LookupError as e:
        raise InputError(f"unknown encoding {encoding!r}: {e}") from e
    except UnicodeDecodeError as e:
        raise InputError(
            f"{str(path)!r} is not valid {encoding} text ({e.reason} at byte {e.start} of a "
            "block); give the right encoding with --encoding"
        ) from e
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise InputError(f"cannot read {str(path)!r} as a table: {e}") from e
    except ImportError as e:
        raise InputError(f"reading Parquet needs pyarrow: {e}") from e


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """A whole table (see :func:`iter_table`); malformed lines or rows are an error here."""
    return read_numbered_table(path, encoding=encoding, columns=columns,
                               text_columns=text_columns, sheet=sheet, sep=sep)[0]


def read_numbered_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`read_table` and each row's line in the file (see :class:`Chunk`)."""
    frames, lines = [], []
    for chunk in iter_table(path, encoding=encoding, columns=columns,
                            text_columns=text_columns, sheet=sheet, sep=sep):
        if chunk.malformed:
            line, reason = chunk.malformed[0]
            where = "row" if _is_excel(Path(path)) else "line"
            raise InputError(f"{str(path)!r} {where} {line} is malformed: {reason}")
        frames.append(chunk.frame)
        lines.append(chunk.lines)
    if not frames:
        return pd.DataFrame(), np.empty(0, dtype=np.int64)
    return pd.concat(frames, ignore_index=True), np.concatenate(lines)


# --------------------------------------------------------------------------------------
# Text a spreadsheet would run as a formula
# --------------------------------------------------------------------------------------


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which no text would run as a formula in a spreadsheet.

    A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (after any apostrophes) and is not a plain number gets one more apostrophe in
    front: ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``, ``@SUM(A1)`` becomes
    ``'@SUM(A1)``, and a spreadsheet opening the CSV shows the text instead of running
    it (CSV injection). Plain numbers written as text (``-12``, ``+3.5``, ``1e-3``),
    other text and missing values are kept as they are, and so are columns of
    numbers, booleans and dates; column names are treated as text values. This is
    what the CSV outputs of :func:`write_table` and the scorer hold unless
    ``raw_text=True`` (Parquet and ``.xlsx`` outputs keep every value exact: an
    ``.xlsx`` stores text as text).

    Exactly one apostrophe is added, so the change can be undone by removing one
    apostrophe where one or more apostrophes and one of those characters follow, for
    example to join the scores back to your records on ``leaver_id``:
    ``ids.str.replace(r"^'(?='*[=+\\-@\\t\\r])", "", regex=True)``.

    Text columns (object, string and categorical) are checked with Arrow's vectorised
    string functions; a column mixing text with other values is checked value by value.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; it is not modified.

    Returns
    -------
    pandas.DataFrame
        A copy with the same index, columns and values but for the text changed; a
        column of text may come back with pandas' string dtype instead of object.

    Examples
    --------
    >>> frame = pd.DataFrame({"leaver_id": ["=1+1", "-5", "@x", "L1", None],
    ...                       "p": [-0.5, 1.0, 2.0, 3.0, 4.0]})
    >>> safe = spreadsheet_safe(frame)
    >>> safe["leaver_id"].tolist()
    ["'=1+1", '-5', "'@x", 'L1', nan]
    >>> safe["p"].tolist()
    [-0.5, 1.0, 2.0, 3.0, 4.0]
    >>> safe["leaver_id"].str.replace(r"^'(?='*[=+\\-@\\t\\r])", "", regex=True).tolist()
    ['=1+1', '-5', '@x', 'L1', nan]
    """
    out = frame.copy(deep=False)
    for position in range(frame.shape[1]):
        column = _safe_column(frame.iloc[:, position])
        if column is not None:
            out.isetitem(position, column)
    names = [_safe_text(name) if isinstance(name, str) else name for name in frame.columns]
    if names != list(frame.columns):
        out.columns = pd.Index(names, dtype=object)
    return out


def _safe_text(value: str) -> str:
    if _FORMULA_LIKE_RE.match(value) and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def _safe_column(column: pd.Series) -> pd.Series | None:
    """The column with formula-like text changed (or as Arrow text), else None."""
    import pyarrow as pa

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = [_safe_text(c) if isinstance(c, str) else c for c in dtype.categories]
        if categories == list(dtype.categories):
            return None
        return column.cat.rename_categories(categories)
    if not (dtype == np.dtype(object) or pd.api.types.is_string_dtype(dtype)):
        return None
    try:
        values = pa.chunked_array([pa.array(column, from_pandas=True)])
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # text mixed with other values
        changed = [_safe_text(v) if isinstance(v, str) else v for v in column.tolist()]
        return pd.Series(changed, index=column.index, name=column.name, dtype=object)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return None  # numbers or booleans in an object column, or only missing values
    values = _safe_arrow_text(values)
    return pd.Series(values.to_pandas(), name=column.name).set_axis(column.index)


def _safe_arrow_text(values: Any) -> Any:
    """Arrow text with an apostrophe before each formula-like value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = pc.utf8_slice_codeunits(values, 0, 1)
    if not pc.any(pc.is_in(first, value_set=pa.array(["'", *_FORMULA_STARTS]))).as_py():
        return values
    formula = pc.and_kleene(
        pc.match_substring_regex(values, "^" + _FORMULA_LIKE),
        pc.invert(pc.match_substring_regex(values, f"^{_PLAIN_NUMBER}$")))
    apostrophe = pa.scalar("'", type=values.type)
    prefixed = pc.binary_join_element_wise(apostrophe, values, pa.scalar("", values.type))
    return pc.if_else(pc.fill_null(formula, False), prefixed, values)


def write_table(frame: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8",
                sheet: str = "Sheet1", raw_text: bool = False) -> None:
    """Write a table as Parquet or an Excel workbook (by suffix), or CSV in ``encoding``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (its index is not written).
    path : str or pathlib.Path
        ``.parquet`` or ``.pq``, ``.xlsx`` (one sheet, see :class:`XlsxSheet`), else CSV.
    encoding : str, default "utf-8"
        The CSV encoding (``utf-8-sig`` opens in Excel with Japanese intact).
    sheet : str, default "Sheet1"
        The name of the sheet of an ``.xlsx`` file.
    raw_text : bool, default False
        Write a CSV's text exactly as it is, without the apostrophe that
        :func:`spreadsheet_safe` puts before formula-like text (for files read by
        programs, not spreadsheets). Parquet and ``.xlsx`` are always exact.

    Raises
    ------
    InputError
        ``path`` names an Excel format other than ``.xlsx``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.csv"
    >>> write_table(pd.DataFrame({"note": ["=1+1", "-3"]}), path)
    >>> print(path.read_text(encoding="utf-8"), end="")
    note
    '=1+1
    -3
    """
    path = Path(path)
    check_output_suffix(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        frame.to_parquet(path, index=False)
    elif path.suffix.lower() == ".xlsx":
        book = XlsxBook()
        try:
            book.sheet(sheet).write(frame)
            book.save(path)
        except BaseException:
            book.discard()
            raise
    else:
        if not raw_text:
            frame = spreadsheet_safe(frame)
        frame.to_csv(path, index=False, encoding=encoding, quoting=_csv_quoting(frame))


def _csv_quoting(frame: pd.DataFrame) -> int:
    """Quote only where needed, or every text when one holds a carriage return.

    Python's CSV writer leaves a carriage return unquoted, and a spreadsheet would read
    it as the end of a row, so the rest of the text would begin a cell of its own.
    """
    texts: list[Iterable[Any]] = [frame.columns]
    for _, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            texts.append(column.cat.categories)
        elif column.dtype == np.dtype(object) or pd.api.types.is_string_dtype(column.dtype):
            texts.append(column.tolist())
    if any(isinstance(v, str) and "\r" in v for values in texts for v in values):
        return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


def check_output_suffix(path: str | Path) -> None:
    """Refuse to write an Excel format other than ``.xlsx`` (it would not open)."""
    suffix = Path(path).suffix.lower()
    if suffix in (*EXCEL_SUFFIXES, *_OTHER_EXCEL_SUFFIXES) and suffix != ".xlsx":
        name = Path(path).with_suffix(".xlsx").name
        raise InputError(f"cannot write {str(path)!r}: Excel output is written as .xlsx "
                         f"only; name it {name!r}, or use .csv or .parquet")


# --------------------------------------------------------------------------------------
# Excel workbooks, written
# --------------------------------------------------------------------------------------


class XlsxBook:
    """An ``.xlsx`` workbook written row by row (openpyxl's write-only mode).

    Each sheet streams its rows to a temporary file of openpyxl's, so sheets can be
    written in turns and memory does not grow with the rows; :meth:`save` writes the
    workbook once, and :meth:`discard` drops it and those temporary files.
    """

    def __init__(self) -> None:
        import openpyxl

        self.book = openpyxl.Workbook(write_only=True)

    def sheet(self, title: str) -> XlsxSheet:
        """A new sheet, after the others."""
        return XlsxSheet(self.book.create_sheet(title))

    def save(self, path: str | Path) -> None:
        """Write the workbook (once); a sheet never written gets no header row."""
        self.book.save(path)

    def discard(self) -> None:
        """Drop an unsaved workbook and openpyxl's temporary files (best effort)."""
        for ws in self.book.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            for close in (ws.close, writer.close, writer.cleanup):
                with contextlib.suppress(Exception):
                    close()


class XlsxSheet:
    """A sheet of an :class:`XlsxBook`: a bold, frozen header row, then the rows.

    Text is always stored as text cells, so a value such as ``=HYPERLINK(...)``, ``+1``
    or ``@x`` is shown as written and never runs as a formula (no apostrophe is
    added: the value is exact); numbers are number cells, booleans boolean cells,
    dates and times date cells; missing values (None, NaN, NaT) are empty cells.
    Characters that XML cannot hold become U+FFFD, and a carriage return a line break
    (XML keeps no carriage return).
    Column widths follow the headers and the first rows written (at most 60).

    Attributes
    ----------
    header : bool
        True until the first :meth:`write`, which writes the header row.
    """

    def __init__(self, ws: Any) -> None:
        self.ws, self.header = ws, True

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (the header row too, the first time)."""
        if self.header:
            self._start(frame)
        for row in frame.itertuples(index=False, name=None):
            self.ws.append([self._cell(value) for value in row])

    def _start(self, frame: pd.DataFrame) -> None:
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        # Widths and frozen panes must be set before the first row is written.
        sample = frame.head(200)
        for i, name in enumerate(frame.columns):
            widths = [_display_width(str(name))]
            widths += [_display_width(str(v)[:_MAX_WIDTH]) for v in sample.iloc[:, i]
                       if not _is_na(v)]
            width = min(_MAX_WIDTH, max(8, max(widths) + 2))
            self.ws.column_dimensions[get_column_letter(i + 1)].width = width
        self.ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = [self._text(str(name)) for name in frame.columns]
        for cell in header:
            cell.font = bold
        self.ws.append(header)
        self.header = False

    def _text(self, text: str) -> Any:
        from openpyxl.cell import WriteOnlyCell

        text = _NOT_XML.sub("\ufffd", text)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
        return cell

    def _cell(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, np.generic):
            value = value.item()
        if value is None or _is_na(value):
            return None
        if isinstance(value, bool | int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else self._text(str(value))
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
            # Excel dates have no time zone: a zoned one is written as text.
            return value if getattr(value, "tzinfo", None) is None else self._text(
                value.isoformat())
        return self._text(str(value))


def _is_na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values
        return False


def _display_width(text: str) -> int:
    """Columns a text takes on screen: wide (Japanese) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
