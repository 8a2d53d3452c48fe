"""Reading leaver tables as HR exports them: CSV in UTF-8 or Shift_JIS, or Parquet.

CSV files are read in chunks, so a file of any size is read in constant memory.
Numbers are parsed as numbers, ``leaver_id`` (and any other column asked for) stays
text, so "007" keeps its form, and only the spellings of a missing value that the
schema accepts ("", "NA", "null", ...) are read as missing. The encoding is detected
from the start of the file (a UTF-8 byte-order mark, else UTF-8 if it decodes, else
cp932, the Shift_JIS of Japanese Excel) unless given. A column-mapping file renames a
company's own headers to the schema fields::

    # columns.toml
    [columns]
    "退職者ID" = "leaver_id"
    "企業規模" = "company_size"

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
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._toml import read_toml
from .exceptions import InputError
from .schema import MISSING_TEXT

__all__ = [
    "Chunk",
    "detect_encoding",
    "iter_table",
    "read_column_map",
    "read_table",
    "write_table",
]

_SAMPLE_BYTES = 1 << 20
_SKIPPED = re.compile(r"Skipping line (\d+): (.*)")
_NA_VALUES = sorted({form for text in MISSING_TEXT
                     for form in (text, text.upper(), text.capitalize())})
PARQUET_SUFFIXES = (".parquet", ".pq")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def detect_encoding(path: str | Path) -> str:
    """The encoding of a CSV file: ``utf-8-sig`` (BOM), ``utf-8`` or ``cp932``.

    Decided on the first megabyte; a file that is neither is an error naming the
    ``--encoding`` option.
    """
    with open(path, "rb") as f:
        sample = f.read(_SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
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
        Each row's line in the CSV file (the header is line 1), or its 1-based row
        number in a Parquet file.
    malformed : list of (int, str)
        CSV lines that could not be split into the header's columns, with the reason.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: list[tuple[int, str]] = field(default_factory=list)


def _csv_chunks(path: Path, encoding: str, chunk_rows: int, text: set[str]) -> Iterator[Chunk]:
    skipped: dict[int, str] = {}
    next_line = 2  # line 1 is the header
    reader = pd.read_csv(
        path, encoding=encoding, dtype=dict.fromkeys(text, str), keep_default_na=False,
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
        header = pd.read_csv(path, encoding=encoding, dtype=str, nrows=0)
        yield Chunk(header, np.empty(0, dtype=np.int64), sorted(skipped.items()))


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    start = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
        frame = batch.to_pandas()
        yield Chunk(frame, np.arange(start, start + len(frame), dtype=np.int64))
        start += len(frame)


def iter_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    chunk_rows: int = 50_000,
    text_columns: Sequence[str] = ("leaver_id",),
) -> Iterator[Chunk]:
    """Read a CSV or Parquet table in chunks of rows.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.parquet`` file, or a CSV file.
    encoding : str, optional
        The CSV encoding; detected when not given (see :func:`detect_encoding`).
    columns : dict of str -> str, optional
        Your header -> schema field (see :func:`read_column_map`).
    chunk_rows : int, default 50,000
        Rows per chunk.
    text_columns : sequence of str, default ("leaver_id",)
        Columns (after the mapping) read as text, never as numbers.

    Yields
    ------
    Chunk

    Raises
    ------
    InputError
        The file cannot be read, decoded or parsed as a table.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            chunks = _parquet_chunks(path, chunk_rows)
        else:
            encoding = encoding or detect_encoding(path)
            codecs.lookup(encoding)
            header = pd.read_csv(path, encoding=encoding, nrows=0).columns
            mapped = _rename(pd.DataFrame(columns=header), columns).columns
            text = {original for original, name in zip(header, mapped, strict=True)
                    if name in text_columns}
            chunks = _csv_chunks(path, encoding, chunk_rows, text)
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
) -> pd.DataFrame:
    """A whole table (see :func:`iter_table`); malformed CSV lines are an error here."""
    frames = []
    for chunk in iter_table(path, encoding=encoding, columns=columns,
                            text_columns=text_columns):
        if chunk.malformed:
            line, reason = chunk.malformed[0]
            raise InputError(f"{str(path)!r} line {line} is malformed: {reason}")
        frames.append(chunk.frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def write_table(frame: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8") -> None:
    """Write a table as Parquet (by suffix) or CSV in ``encoding``."""
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, encoding=encoding)
