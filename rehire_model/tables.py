"""Reading leaver tables as HR exports them: CSV in UTF-8 or Shift_JIS, Excel or Parquet.

CSV files are read in chunks, so a file of any size is read in constant memory.
Numbers are parsed as numbers, ``leaver_id`` (and any other column asked for) stays
text, so "007" keeps its form, and only the spellings of a missing value that the
schema accepts ("", "NA", "null", ...) are read as missing. The encoding is detected
from the start of the file (a UTF-8 or UTF-16 byte-order mark, else UTF-8 if it
decodes, else cp932, the Shift_JIS of Japanese Excel) unless given, and so is the
separator (``,``, ``;`` or a tab), so Excel's "Unicode text" export (UTF-16 with a
byte-order mark, tab-separated) and ``;``-separated CSV read as they are.

A header that is a field's name or its label in English or Japanese (「業種」,
"Industry", 「上司が退職理由を理解した」; compared after NFKC, case aside) is read as
that field. A column-mapping file renames a company's other headers to the schema
fields, and may give the company's own spellings of values (see :func:`read_column_map`)::

    # columns.toml
    [columns]
    "社員番号" = "leaver_id"
    "規模" = "company_size"

    [values.company_size]
    "大企業" = "5000+"

Survey exports read as they are. In the exit survey (:mod:`rehire_model.questionnaire`),
each question is named as its field and sits in a group, so KoboToolbox writes headers
such as ``sup_interview/sup_interview_answers/sup_welcomed_return`` (and, exporting
labels, ``Group label/Question label``) and ODK Central
``sup_interview-sup_interview_answers-...``. A header that names nothing as written is
read by its end after the group prefixes (``sup_interview_answers/sup_welcomed_return``,
then ``sup_welcomed_return``) when that end is a field's name or label or a header of
the mapping. Groups are separated by ``/``; by ``-`` only in an ODK Central export
(which has a ``KEY``, ``SubmissionDate`` or ``meta-instanceID`` column), so a company's
own ``Sub-industry`` stays its own column. A header as written always comes first, so a
label holding ``/`` or ``-`` reads as it is. A header read by its end counts as a mapped
one: it and another header naming the same field are an error, as two headers mapped to
one field are.

The columns the survey tools add about each submission (:data:`SURVEY_METADATA_COLUMNS`:
``_submission_time``, ``SubmissionDate``, ``start``, ...) are kept as the company's
other columns are, and never taken for a misread or misspelled header. When no column
is ``leaver_id``, the submission's own id (the first of :data:`SUBMISSION_ID_COLUMNS`
the table has, ``_uuid`` for KoboToolbox, ``meta-instanceID`` for ODK Central) is read
as ``leaver_id``: every score traces back to its submission, and outcomes that arrive
later can be joined to it. An export with its own ``leaver_id`` question keeps it, and
the submission's id stays a column of its own.

The table is found where HR keeps it. In a workbook, the first 20 rows of every sheet
are read, and the row whose cells name the most fields (by the mapping, the id column
or a field's name or label, as written or after group prefixes) is the header row: a
first sheet of notes and a title above the headers are passed over. In a CSV file, the
first 20 lines are read with each separator, and the line and separator naming the most
fields win. When no row names a field, the headers are row 1 of the first sheet, or
line 1 with the separator the line holds most often outside quotes. ``sheet=``,
``header_row=`` and ``sep=`` force them. Under headers below row 1, the blank rows
before the first row of data are passed over. Every row keeps its number in the file:
Excel's row number, or the CSV line.

Excel workbooks (``.xlsx``, ``.xlsm``) are read with openpyxl in read-only mode, row
by row, in chunks as well, and only as far as needed. Cells keep their types (numbers,
booleans, dates; the values Excel last computed for formulas), text columns become text
(a cell 7 reads "7"), and empty cells, cells of only spaces and the missing spellings
above are missing. :func:`write_table` and the scorer write ``.xlsx`` with openpyxl's
write-only mode, every text cell stored as text (never run as a formula). In the CSV
they write, a text that a spreadsheet would run as a formula gets a leading
apostrophe (see :func:`spreadsheet_safe`).

Errors are :class:`~rehire_model.exceptions.InputError` with a
:class:`~rehire_model.texts.Message`, read in English or Japanese.

Examples
--------
>>> import io, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_bytes("退職者ID,業種\\n007,it_telecom\\n".encode("cp932"))
>>> detect_encoding(folder / "a.csv")
'cp932'
>>> next(iter_table(folder / "a.csv", columns={"退職者ID": "leaver_id"})).frame
  leaver_id    industry
0       007  it_telecom
>>> write_table(pd.DataFrame({"退職者ID": ["007"], "年齢": [41]}), folder / "a.xlsx")
>>> read_table(folder / "a.xlsx", columns={"退職者ID": "leaver_id"})
  leaver_id  age
0       007   41
>>> _ = (folder / "b.txt").write_text("社員番号\\t備考\\n007\\tit_telecom\\n", encoding="utf-16")
>>> detect_encoding(folder / "b.txt")
'utf-16'
>>> read_table(folder / "b.txt", id_column="社員番号")
  leaver_id          備考
0       007  it_telecom
>>> _ = (folder / "c.csv").write_text("退職者アンケート\\n\\n退職者ID,業種\\n007,services\\n",
...                                   encoding="utf-8")
>>> chunk = next(iter_table(folder / "c.csv"))
>>> chunk.header_row, chunk.lines.tolist(), chunk.headers
(3, [4], {'leaver_id': '退職者ID', 'industry': '業種'})
>>> _ = (folder / "kobo.csv").write_text('"employer/industry";"_submission_time";"_uuid"\\n'
...                                      '"services";"2025-04-01";"0f9e"\\n', encoding="utf-8")
>>> read_table(folder / "kobo.csv")
   industry _submission_time leaver_id
0  services       2025-04-01      0f9e
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import difflib
import io
import itertools
import math
import re
import tomllib
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

from .exceptions import DataWarning, InputError
from .schema import FIELDS, FIELDS_BY_NAME, MISSING_TEXT, Field, normalise_text
from .texts import Message, message
from .validation import read_value

__all__ = [
    "Chunk",
    "ColumnMap",
    "SUBMISSION_ID_COLUMNS",
    "SURVEY_METADATA_COLUMNS",
    "XlsxBook",
    "XlsxSheet",
    "check_output_suffix",
    "detect_encoding",
    "iter_table",
    "read_column_map",
    "read_table",
    "resolve_columns",
    "spreadsheet_safe",
    "write_table",
]

_SAMPLE_BYTES = 1 << 20
#: How much of a CSV file is read to find its separator and header line.
_HEADER_SAMPLE_BYTES = 1 << 16
#: The rows of each sheet (the lines of a CSV file) searched for the header row.
_HEADER_SEARCH_ROWS = 20
#: How alike (difflib's ratio) a header must be to a mapped one to be a near miss.
_NEAR_MISS = 0.75
#: How many names a message lists before "... (n in all)".
_SHOWN_NAMES = 10
_SKIPPED = re.compile(r"Skipping line (\d+): (.*)")
_FIELD_COUNT = re.compile(r"expected (?P<expected>\d+) fields, saw (?P<saw>\d+)")
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
#: The separators tried, in the order that wins a tie.
_SEPARATOR_ORDER = (",", "\t", ";")
#: The first characters that make a spreadsheet read a text as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain number, which a spreadsheet reads as that number even after ``+`` or ``-``.
_PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
#: A text that begins (after any apostrophes) with one of those characters.
_FORMULA_LIKE = r"'*[=+\-@\t\r]"
_FORMULA_LIKE_RE = re.compile(_FORMULA_LIKE)
#: Separators a file may use, as ``--sep`` names them.
_SEPARATOR_NAMES = {";": "';'", "\t": "tab", ",": "','"}
#: Marks of text decoded in the wrong encoding: UTF-8 read as Latin-1 or cp1252.
_MOJIBAKE = ("\ufffd", "Ã", "Â", "â€", "ï»¿")
#: Characters XML 1.0 cannot hold (written to a workbook as U+FFFD).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The names of the form's ``meta`` group, written ``meta/instanceID`` by KoboToolbox,
#: ``meta-instanceID`` by ODK Central, and ``instanceID`` without groups in the headers.
_META_GROUP = ("instanceID", "instanceName", "deprecatedID", "rootUuid", "audit")
#: The columns KoboToolbox and ODK Central add to a survey's export: the form's metadata
#: questions and ``meta`` group, and each tool's columns about the submission. They are
#: kept as the company's other columns are, and never taken for a misread or misspelled
#: header.
SURVEY_METADATA_COLUMNS = frozenset({
    # XLSForm metadata questions, named as their types.
    "start", "end", "today", "deviceid", "username", "email", "phonenumber", "simserial",
    "subscriberid",
    *(f"{group}{name}" for group in ("meta/", "meta-", "") for name in _META_GROUP),
    # KoboToolbox; the last two only in the sheets of repeated questions.
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_version_", "_tags", "_index", "formhub/uuid",
    "_parent_index", "_parent_table_name",
    # ODK Central; the last only in the tables of repeated questions.
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    "PARENT_KEY",
})
#: Columns every ODK Central export has, whose headers join groups with "-".
_ODK_CENTRAL_COLUMNS = frozenset({"SubmissionDate", "KEY", "meta-instanceID"})
#: The columns that hold a submission's own id, in the order one is read as
#: ``leaver_id`` when a table has none.
SUBMISSION_ID_COLUMNS = ("_uuid", "meta/instanceID", "meta-instanceID", "KEY", "instanceID")


def _key(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def _label_key(text: Any) -> str:
    """A header as it is compared with the fields' names and labels: NFKC, trimmed, and
    case aside, unless it is written in ASCII capitals only (``INDUSTRY`` is another
    system's column name, left to the column mapping)."""
    key = _key(text)
    return key if key.isascii() and key.isupper() else key.casefold()


def _spelling_key(value: Any) -> str:
    """A cell as compared with the spellings of a column mapping's ``[values]``: as the
    schema compares a value with its labels (:func:`rehire_model.schema.normalise_text`)."""
    return normalise_text(value if isinstance(value, str) else _cell_text(value))


def _labels() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.name, f.label_en, f.label_ja):
            table.setdefault(_label_key(name), f.name)
    return table


#: A field's name and labels (as :func:`_label_key` reads them) -> the field.
_FIELD_BY_LABEL = _labels()


def _label_field(header: Any) -> str | None:
    """The field a header names by the field's name or label, if any."""
    return _FIELD_BY_LABEL.get(_label_key(header))


def _group_ends(header: str, dashes: bool) -> list[str]:
    """A header's ends after its group prefixes, the longest first: ``a/b/c`` gives
    ``b/c`` and ``c``; groups are separated by ``/``, or, where ``dashes``, by ``-`` in a
    header without ``/``."""
    separator = "/" if "/" in header else "-" if dashes else None
    if separator is None:
        return []
    parts = header.split(separator)
    return [separator.join(parts[i:]) for i in range(1, len(parts))]


def _submission_id(headers: Sequence[Any], names: Sequence[Any]) -> int | None:
    """The position of the submission's own id among the headers read as written (the
    first of :data:`SUBMISSION_ID_COLUMNS` the table has), if any."""
    kept = [_key(header) if name == header else None
            for header, name in zip(headers, names, strict=True)]
    return next((kept.index(column) for column in SUBMISSION_ID_COLUMNS if column in kept),
                None)


def _nearest(name: str, candidates: Iterable[Any], cutoff: float = _NEAR_MISS) -> str | None:
    """The candidate most like ``name`` (difflib's ratio on NFKC text), if it reaches
    ``cutoff``; the first of equally near ones."""
    key, best, best_ratio = _key(name), None, cutoff
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, key, _key(candidate)).ratio()
        if ratio > best_ratio or (best is None and ratio >= best_ratio):
            best, best_ratio = str(candidate), ratio
    return best


def _nearest_header(name: str, headers: Iterable[Any]) -> str | None:
    """The header most like ``name``, as written or by its end after group prefixes
    (a survey export's ``Group label/Question label``); the header is given whole."""
    whole: dict[str, str] = {}
    for header in map(str, headers):
        for text in (header, *_group_ends(header, dashes=True)):
            whole.setdefault(text, header)
    nearest = _nearest(name, whole)
    return None if nearest is None else whole[nearest]


# --------------------------------------------------------------------------------------
# How the names in a message read
# --------------------------------------------------------------------------------------


def _quoted(values: Sequence[Any]) -> Message | str:
    """Names as a list, each quoted as the language quotes them ('a', 'b' or 「a」、「b」)."""
    items = [message("input.quoted", value=value) for value in values[:_SHOWN_NAMES]]
    if not items:
        return ""
    shown: Message = items[-1]
    for item in reversed(items[:-1]):
        shown = message("input.list", first=item, rest=shown)
    if len(values) > _SHOWN_NAMES:
        return message("input.list_more", shown=shown, n=len(values))
    return shown


def _file(path: Path) -> Message:
    return message("input.file", path=str(path))


def _sheet_of(title: str, path: Path) -> Message:
    return message("input.sheet_of", sheet=title, path=str(path))


def _field_words(name: str) -> Message:
    """A field as a message names it: its name, and in Japanese its label too."""
    if name in FIELDS_BY_NAME:
        return message("input.field", name=name, label=message(f"field.{name}"))
    return message("input.quoted", value=name)


def _misread_header(headers: Sequence[Any]) -> Message | None:
    """What a header that names no field shows of a wrong separator or encoding, if
    anything, and what to pass to read the file."""
    names = [str(header) for header in headers]
    if len(names) == 1:
        for separator, name in _SEPARATOR_NAMES.items():
            if separator in names[0]:
                return message("input.header.separator", name=name, separator=repr(separator))
    shown = _quoted([repr(name[:30])[1:-1] for name in names[:3]])
    if any("\x00" in name for name in names):
        return message("input.header.nul", shown=shown)
    if any(any(mark in name for mark in _MOJIBAKE) or any(
            unicodedata.category(ch) == "Cc" and ch != "\t" for ch in name) for name in names):
        return message("input.header.encoding", shown=shown)
    return None


def _nearest_hint(name: str, candidates: Iterable[Any]) -> Message | str:
    nearest = _nearest(name, candidates)
    return "" if nearest is None else message("input.nearest", nearest=nearest)


def _accepted(f: Field) -> Message:
    """What a field's values may be, as a message says it."""
    if f.kind == "category":
        return message("input.accepts_one_of", values=_quoted(f.categories))
    if f.levels:
        return message("input.accepts_levels", values=_quoted(f.levels))
    if f.kind == "bool":
        return message("input.accepts_yes_no")
    key = "input.accepts_number" if f.kind == "float" else "input.accepts_whole"
    return message(key, low=f"{f.low:g}", high=f"{f.high:g}")


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
    raise InputError(message("input.unknown_file_encoding", path=str(path)))


def _separator(sep: str) -> str:
    """The character of a separator named ``,``, ``;``, ``tab`` or given as a tab."""
    found = _SEPARATORS.get(sep) or _SEPARATORS.get(sep.strip().lower())
    if found is None:
        raise InputError(message("input.unknown_separator", sep=sep))
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


def _sample_text(path: Path, encoding: str) -> tuple[str, bool]:
    """The start of a CSV file as text, and whether the file goes on after it."""
    with open(path, "rb") as f:
        sample = f.read(_HEADER_SAMPLE_BYTES + 1)
    cut = len(sample) > _HEADER_SAMPLE_BYTES
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample[:_HEADER_SAMPLE_BYTES]), cut


def _detect_separator(path: Path, encoding: str) -> str:
    """``,``, ``;`` or a tab: the one the header line holds most often, outside quotes.

    A tie goes to the separator the next line holds as often as the header, then to
    ``,``, a tab and ``;`` in that order; a header with none of them (one column) is
    read with ``,``.
    """
    counts = _separator_counts(_sample_text(path, encoding)[0])
    header = counts[0]
    following = counts[1] if len(counts) > 1 else header
    order = _SEPARATOR_ORDER
    best = max(order, key=lambda c: (header[c], header[c] == following[c], -order.index(c)))
    return best if header[best] else ","


# --------------------------------------------------------------------------------------
# Column mappings
# --------------------------------------------------------------------------------------


class ColumnMap(dict):
    """A column mapping: your header -> schema field, and your spellings of values.

    It is the ``dict`` of headers, so it is used wherever a mapping of headers is, and
    carries the ``[values.<field>]`` tables of the mapping file besides.

    Parameters
    ----------
    columns : mapping of str -> str, optional
        Your header -> schema field (or another column name).
    spellings : mapping of str -> mapping of str -> str, optional
        For a field (or another column): your spelling of a value -> the code read.

    Attributes
    ----------
    spellings : dict of str -> dict of str -> str
        The value spellings by field (the ``[values.<field>]`` tables).

    Examples
    --------
    >>> names = ColumnMap({"規模": "company_size"}, {"company_size": {"大企業": "5000+"}})
    >>> names["規模"], names.spellings["company_size"]
    ('company_size', {'大企業': '5000+'})
    """

    def __init__(self, columns: Mapping[str, str] | None = None,
                 spellings: Mapping[str, Mapping[str, str]] | None = None) -> None:
        super().__init__(columns or {})
        self.spellings = {name: dict(table) for name, table in (spellings or {}).items()}

    def __repr__(self) -> str:
        return f"ColumnMap({dict.__repr__(self)}, spellings={self.spellings!r})"

    def under(self, other: Mapping[str, str]) -> ColumnMap:
        """This mapping with ``other``'s headers added where it names none of them (a
        model's own ``[columns]`` under the one given for a file)."""
        return ColumnMap({**other, **self}, self.spellings)


def _read_toml(path: str | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise InputError(message("input.map_unreadable", path=str(path), error=str(e))) from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(message("input.map_not_toml", path=str(path), error=str(e))) from e


def _code_text(code: Any) -> str | None:
    """A code of a ``[values]`` table as text (numbers allowed), or None if not one."""
    if isinstance(code, bool):
        return "true" if code else "false"
    if isinstance(code, str | int | float):
        return code if isinstance(code, str) else _cell_text(code)
    return None


def _value_table(name: str, spellings: Any, path: str | Path) -> dict[str, str]:
    """One ``[values.<name>]`` table, its codes checked when ``name`` is a field."""
    codes = {spelling: _code_text(code) for spelling, code in spellings.items()}
    if any(code is None for code in codes.values()):
        raise InputError(message("input.map_value_lines", path=str(path), field=name))
    f = FIELDS_BY_NAME.get(name)
    if f is None or f.kind == "id":
        return codes
    for spelling, code in codes.items():
        try:
            read_value(f, code)
        except ValueError as e:
            raise InputError(message(
                "input.map_bad_code", path=str(path), field=name,
                label=message(f"field.{name}"), spelling=spelling, code=code,
                accepted=_accepted(f))) from e
    return codes


def read_column_map(path: str | Path) -> ColumnMap:
    """The ``[columns]`` and ``[values.<field>]`` tables of a mapping file.

    ``[columns]`` maps your headers to the schema fields (several headers may name one
    field, such as a question's label in each language: a table holding two of them is
    refused when read); each ``[values.<field>]`` maps your spellings of a field's
    values to the codes the schema reads::

        [columns]
        "規模" = "company_size"

        [values.company_size]
        "大企業" = "5000+"
        "中小企業" = "100-999"

    Each code of a schema field is checked (as :func:`rehire_model.validation.read_value`
    reads it); tables for other columns (a company's own, such as ``[values.部署]``)
    are taken as they are. A file of ``[values]`` only needs no ``[columns]``.

    Returns
    -------
    ColumnMap
        Header -> field, with the spellings in :attr:`ColumnMap.spellings`.

    Raises
    ------
    InputError
        The file is unreadable or is not TOML; it has no ``[columns]`` table of text; a
        ``[values]`` table is not of text, or turns a
        spelling into a code its field cannot be (the message names the file, the field,
        the spelling, the code and what the field takes).
    """
    content = _read_toml(path)
    columns = content.get("columns", {} if "values" in content else None)
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise InputError(message("input.map_no_columns", path=str(path)))
    tables = content.get("values", {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise InputError(message("input.map_values_tables", path=str(path)))
    return ColumnMap(columns, {name: _value_table(name, spellings, path)
                               for name, spellings in tables.items()})


def resolve_columns(names: Iterable[str], columns: Mapping[str, str] | None,
                    present: Iterable[Any]) -> list[Any]:
    """The columns of a table read by :func:`read_table` that ``names`` mean.

    A name is a column of the table (also after NFKC and trimming), a header the column
    mapping renames, or a field's name or label, also after group prefixes, as the
    readers read headers; so ``--by 部署``, ``--by 性別`` or ``--by about_you/gender``
    name the columns the table has after reading. A name that means none of them is
    kept as it is (a column derived later, such as ``age_band``, or one the caller
    reports as missing).

    Examples
    --------
    >>> resolve_columns(["性別", "部署 ", "age_band"], None, ["gender", "部署", "age"])
    ['gender', '部署', 'age_band']
    """
    present = list(present)
    by_key = {_key(c): c for c in reversed(present)}
    reading = _Reading(columns, None, ())
    found = []
    for name in names:
        column = name if name in present else by_key.get(_key(name))
        if column is None:
            target = reading.column_named(name)
            column = target if target in present else name
        found.append(column)
    return found


class _Reading:
    """How a table's headers and values are read: the column mapping, the id column and
    the columns kept as text."""

    def __init__(self, columns: Mapping[str, str] | None, id_column: str | None,
                 text_columns: Sequence[str]) -> None:
        self.columns = dict(columns or {})
        self.id_column = id_column
        self.text_columns = tuple(text_columns)
        self.by_key = {_key(k): v for k, v in self.columns.items()}
        if id_column is not None:
            self.by_key[_key(id_column)] = "leaver_id"
        values = columns.spellings if isinstance(columns, ColumnMap) else {}
        self.spellings = {
            _key(name): {_spelling_key(spelling): code for spelling, code in table.items()}
            for name, table in values.items() if table}

    def _named_as_written(self, text: str) -> str | None:
        """The column a header names as written: by the mapping or the id column, else
        the field whose name or label it is."""
        return self.by_key.get(_key(text)) or _label_field(text)

    def _named_in_group(self, text: str, dashes: bool = True) -> str | None:
        """The column a header names by its end after group prefixes, if any."""
        for end in _group_ends(text, dashes):
            if column := self._named_as_written(end):
                return column
        return None

    def column_named(self, text: str) -> str | None:
        """The column a header names: as written, else by its end after group prefixes
        (``employer/industry``, ``follow_up-informed_of_rehire_route``)."""
        return self._named_as_written(text) or self._named_in_group(text)

    def names_field(self, cell: Any) -> bool:
        """Whether a cell names a column the reader knows: a mapped header, the id
        column, or a field's name or label, as written or after group prefixes."""
        if _is_missing_cell(cell):
            return False
        text = cell if isinstance(cell, str) else _cell_text(cell)
        return self.column_named(text) is not None

    def score(self, cells: Sequence[Any]) -> int:
        """How many cells of a row name a column the reader knows."""
        return sum(self.names_field(cell) for cell in cells)

    def _mapped_name(self, header: Any, dashes: bool) -> Any:
        """A header as the mapping or the id column renames it, as written or after its
        group prefixes; else as it is (a field's name or label as written is read after
        the mappings)."""
        mapped = self.by_key.get(_key(header))
        if mapped is None and _label_field(header) is None:
            mapped = self._named_in_group(str(header), dashes)
        return header if mapped is None else mapped

    def names(self, headers: Sequence[Any], where: Message) -> list[Any]:
        """The column names of a table: headers mapped (the mapping, the id column and
        the headers read after their group prefixes first, then the fields' names and
        labels), never two alike; then, without a ``leaver_id``, the submission's id.

        Raises
        ------
        InputError
            The id column is not among the headers, or two headers are mapped to one
            name.
        """
        keys = [_key(header) for header in headers]
        if self.id_column is not None and _key(self.id_column) not in keys:
            raise InputError(message(
                "input.no_id_column", where=where, column=self.id_column,
                headers=_quoted([str(h) for h in headers]),
                hint=_nearest_hint(self.id_column, headers)))
        # Groups joined by "-" only in ODK Central's exports: elsewhere "Sub-industry"
        # is a company's own column, not the industry.
        dashes = not _ODK_CENTRAL_COLUMNS.isdisjoint(keys)
        names = [self._mapped_name(header, dashes) for header in headers]
        for i, (key, header) in enumerate(zip(keys, headers, strict=True)):
            found = None if key in self.by_key else _label_field(header)
            if found is not None and found not in names:
                names[i] = found
        clashes = sorted({str(n) for n in names if names.count(n) > 1})
        if clashes:
            raise InputError(message("input.repeated_columns", columns=_quoted(clashes)))
        known = FIELDS_BY_NAME.keys() | self.by_key.values()
        if not known.intersection(names) and (hint := _misread_header(headers)):
            raise InputError(message("input.header_misread", where=where, hint=hint))
        self._warn_near_misses(headers, set(keys), names, where)
        if "leaver_id" not in names and (position := _submission_id(headers, names)) is not None:
            names[position] = "leaver_id"
        return names

    def _warn_near_misses(self, headers: Sequence[Any], present: set[str],
                          names: Sequence[Any], where: Message) -> None:
        """A warning for each mapped header the table lacks but nearly has."""
        unused = [header for header, name in zip(headers, names, strict=True)
                  if name == header and name not in FIELDS_BY_NAME
                  and _key(header) not in SURVEY_METADATA_COLUMNS]
        for header, target in self.columns.items():
            if _key(header) in present or target in names:
                continue
            nearest = _nearest_header(header, unused)
            if nearest is not None:
                warnings.warn(DataWarning(message(
                    "input.near_miss", header=header, field=_field_words(target),
                    where=where, nearest=nearest)), stacklevel=2)

    def respell(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the mapping's spellings of values replaced by their codes."""
        for position, name in enumerate(frame.columns):
            table = self.spellings.get(_key(name))
            if table:
                column = _respell(frame.iloc[:, position], table)
                if column is not None:
                    frame.isetitem(position, column)
        return frame


def _respell(column: pd.Series, spellings: Mapping[str, str]) -> pd.Series | None:
    """A column with each value spelled as in ``spellings`` replaced by its code, or
    None when no value is."""
    codes = {}
    for value in column.dropna().unique():
        code = spellings.get(_spelling_key(value))
        if code is not None:
            codes[value] = code
    if not codes:
        return None
    values = column.to_numpy(dtype=object, copy=True)
    hit = column.isin(list(codes)).to_numpy(dtype=bool)
    values[hit] = [codes[value] for value in values[hit]]
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


# --------------------------------------------------------------------------------------
# Chunks of a table, and where the table was found
# --------------------------------------------------------------------------------------


@dataclass
class Chunk:
    """Consecutive rows of a table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, headers mapped to schema fields (CSV values as text).
    lines : numpy.ndarray
        Each row's line in the CSV file, its row number in the worksheet (as Excel
        numbers it), or its 1-based row number in a Parquet file.
    malformed : list of (int, str or Message)
        CSV lines that could not be split into the header's columns (the CSV reader's
        reason), or worksheet rows with a value in a column that has no header (a
        :class:`~rehire_model.texts.Message`), with the reason.
    sheet : str or None
        The worksheet the table was read from; None for CSV and Parquet.
    header_row : int
        The worksheet row or CSV line of the headers (1 for Parquet).
    headers : dict of str -> str
        Each column of ``frame`` -> its header as written in the file, so messages can
        name the company's own headers.

    Every chunk of one table has the same ``sheet``, ``header_row`` and ``headers``.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    malformed: list[tuple[int, str | Message]] = field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Place:
    """Where a table was found and how its columns are named."""

    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    names: tuple[Any, ...]

    def mark(self, chunk: Chunk) -> Chunk:
        """The chunk with the table's column names and place."""
        chunk.frame = chunk.frame.set_axis(list(self.names), axis=1)
        chunk.sheet, chunk.header_row = self.sheet, self.header_row
        chunk.headers = dict(zip(self.names, self.headers, strict=True))
        return chunk


def _check_header_row(header_row: Any) -> None:
    if isinstance(header_row, bool) or not isinstance(header_row, int | np.integer) or (
            header_row < 1):
        raise InputError(message("input.bad_header_row", row=header_row))


# --------------------------------------------------------------------------------------
# CSV files
# --------------------------------------------------------------------------------------


def _records(text: str, cut: bool, sep: str) -> list[list[str]]:
    """The first lines of a CSV sample, split at ``sep`` as the csv module splits them
    (up to twice the lines searched for the header, a line cut at the end left out)."""
    limit = 2 * _HEADER_SEARCH_ROWS
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    with contextlib.suppress(csv.Error):
        records.extend(itertools.islice(reader, limit))
    if cut and len(records) < limit:
        records = records[:-1]
    return records


def _separator_at(parsed: Mapping[str, list[list[str]]], index: int) -> str:
    """The separator that splits line ``index`` into the most cells; a tie goes to the
    one that splits the next line alike, then to ``,``, a tab and ``;``."""
    def rank(sep: str) -> tuple[int, bool, int]:
        records = parsed[sep]
        cells = len(records[index]) if index < len(records) else 0
        following = len(records[index + 1]) if index + 1 < len(records) else cells
        return cells, following == cells, -_SEPARATOR_ORDER.index(sep)

    return max(parsed, key=rank)


@dataclass(frozen=True)
class _CsvHeader:
    """The header line of a CSV file, its separator, and the first lines as split."""

    line: int
    sep: str
    records: list[list[str]]

    def blank_after(self) -> int:
        """How many blank lines follow a header below line 1 (none under line 1)."""
        if self.line == 1:
            return 0
        return sum(1 for _ in itertools.takewhile(
            lambda record: all(_is_missing_cell(cell) for cell in record),
            self.records[self.line:]))

    def written(self, header: Sequence[Any]) -> list[str]:
        """The headers as written on the line (pandas' names where the line is blank)."""
        record = self.records[self.line - 1] if len(self.records) >= self.line else []
        if len(record) != len(header):
            return [str(h) for h in header]
        return [cell if cell.strip() else str(h) for cell, h in zip(record, header,
                                                                      strict=True)]


def _csv_header(path: Path, encoding: str, sep: str | None, header_row: int | None,
                reading: _Reading) -> _CsvHeader:
    """The line and separator whose cells name the most known columns (see the module)."""
    text, cut = _sample_text(path, encoding)
    parsed = {c: _records(text, cut, c) for c in ((sep,) if sep else _SEPARATOR_ORDER)}
    lines = [header_row - 1] if header_row else range(_HEADER_SEARCH_ROWS)
    best_score, best_line = 0, None
    for index in lines:
        score = max((reading.score(records[index]) for records in parsed.values()
                     if index < len(records)), default=0)
        if score > best_score:
            best_score, best_line = score, index
    if best_line is not None:
        tied = {c: records for c, records in parsed.items() if best_line < len(records)
                and reading.score(records[best_line]) == best_score}
        found = _separator_at(tied, best_line)
        return _CsvHeader(best_line + 1, found, parsed[found])
    line = header_row or 1
    if sep is None:
        sep = _detect_separator(path, encoding) if line == 1 else _separator_at(parsed,
                                                                                line - 1)
    return _CsvHeader(line, sep, parsed.get(sep) or _records(text, cut, sep))


def _csv_table(path: Path, encoding: str, sep: str | None, header_row: int | None,
               chunk_rows: int, reading: _Reading) -> Iterator[Chunk]:
    """The chunks of a CSV file, from its header line on."""
    found = _csv_header(path, encoding, sep, header_row, reading)
    blank = found.blank_after()
    skip = [*range(found.line - 1), *range(found.line, found.line + blank)]
    options = {"encoding": encoding, "sep": found.sep, "skiprows": skip or None}
    header = list(pd.read_csv(path, nrows=0, **options).columns)
    names = reading.names(header, _file(path))
    place = _Place(None, found.line, tuple(found.written(header)), tuple(names))
    text = {original for original, name in zip(header, names, strict=True)
            if name in reading.text_columns}
    for chunk in _csv_chunks(path, options, chunk_rows, text, found.line + blank + 1):
        yield place.mark(chunk)


def _csv_chunks(path: Path, options: Mapping[str, Any], chunk_rows: int, text: set[str],
                first_line: int) -> Iterator[Chunk]:
    """Chunks of the rows of a CSV file, the first on ``first_line``."""
    skipped: dict[int, str] = {}
    next_line = first_line
    reader = pd.read_csv(
        path, **options, dtype=dict.fromkeys(text, str),
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
        header = pd.read_csv(path, dtype=str, nrows=0, **options)
        yield Chunk(header, np.empty(0, dtype=np.int64), sorted(skipped.items()))


# --------------------------------------------------------------------------------------
# Parquet files
# --------------------------------------------------------------------------------------


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    start = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
        frame = batch.to_pandas()
        yield Chunk(frame, np.arange(start, start + len(frame), dtype=np.int64))
        start += len(frame)


def _parquet_table(path: Path, chunk_rows: int, reading: _Reading) -> Iterator[Chunk]:
    """The chunks of a Parquet file, its column names read as headers."""
    place = None
    for chunk in _parquet_chunks(path, chunk_rows):
        if place is None:
            header = list(chunk.frame.columns)
            names = reading.names(header, _file(path))
            place = _Place(None, 1, tuple(str(h) for h in header), tuple(names))
        yield place.mark(chunk)


# --------------------------------------------------------------------------------------
# Excel workbooks, read
# --------------------------------------------------------------------------------------


def _is_excel(path: Path) -> bool:
    return path.suffix.lower() in EXCEL_SUFFIXES


def _refuse_other_excel(path: Path) -> None:
    if path.suffix.lower() in _OTHER_EXCEL_SUFFIXES:
        raise InputError(message("input.old_excel", path=str(path), suffix=path.suffix))


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
        raise InputError(message("input.no_worksheet", path=str(path)))
    if sheet is None:
        return sheets[0]
    by_key = {_key(ws.title): ws for ws in reversed(sheets)}
    found = next((ws for ws in sheets if ws.title == sheet), by_key.get(_key(sheet)))
    if found is None:
        raise InputError(message("input.no_sheet", path=str(path), sheet=sheet,
                                 sheets=_quoted([ws.title for ws in sheets])))
    return found


def _row_scores(ws: Any, header_row: int | None, reading: _Reading) -> list[tuple[int, int]]:
    """(row, score) for the rows of a sheet searched for the headers, read no further."""
    low, high = (header_row, header_row) if header_row else (1, _HEADER_SEARCH_ROWS)
    ws.reset_dimensions()
    rows = ws.iter_rows(min_row=low, max_row=high, values_only=True)
    return [(number, reading.score(cells)) for number, cells in enumerate(rows, start=low)]


def _excel_place(book: Any, path: Path, sheet: str | None, header_row: int | None,
                 reading: _Reading) -> tuple[Any, int]:
    """The sheet and row of the headers: the row naming the most known columns in the
    sheet named (or in any sheet), the earlier on a tie; else row 1 (or the row given)
    of the first sheet (or the one named)."""
    first = _worksheet(book, path, sheet)
    best_score, best = 0, (first, header_row or 1)
    for ws in [first] if sheet is not None else book.worksheets:
        for row, score in _row_scores(ws, header_row, reading):
            if score > best_score:
                best_score, best = score, (ws, row)
    return best


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


def _excel_header(cells: Sequence[Any] | None, where: Message, row: int) -> list[str]:
    """The header row as text, up to its last filled cell; every one must be filled."""
    from openpyxl.utils import get_column_letter

    cells = list(cells or ())
    while cells and (cells[-1] is None or not str(cells[-1]).strip()):
        cells.pop()
    if not cells:
        raise InputError(message("input.no_headers", where=where, row=row))
    for number, value in enumerate(cells, start=1):
        if value is None or not str(value).strip():
            letter = get_column_letter(number)
            raise InputError(message("input.blank_header", where=where, cell=f"{letter}{row}",
                                     column=letter, row=row))
    return [_cell_text(value) for value in cells]


class _Rows:
    """Worksheet rows gathered into chunks."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.values: list[list[Any]] = []
        self.lines: list[int] = []
        self.malformed: list[tuple[int, str | Message]] = []

    def __len__(self) -> int:
        return len(self.values) + len(self.malformed)

    def take(self) -> Chunk:
        frame = pd.DataFrame(self.values, columns=range(self.width))
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


def _excel_chunks(rows: Iterator[Sequence[Any]], width: int, text: frozenset[int],
                  chunk_rows: int, first_row: int, skip_leading_blanks: bool
                  ) -> Iterator[Chunk]:
    """Chunks of the rows after the header, the first numbered ``first_row``.

    Empty rows after the last value are dropped, and so are those before the first
    value when ``skip_leading_blanks``; empty rows between rows with values are rows
    (rejected as empty by the scorer).
    """
    from openpyxl.utils import get_column_letter

    pending, yielded, started = _Rows(width), False, not skip_leading_blanks
    blank_from = None  # the first of the empty rows since the last row with a value
    for number, cells in enumerate(rows, start=first_row):
        values = _excel_row(cells, width, text)
        beyond = next((i for i in range(width, len(cells))
                       if not _is_missing_cell(cells[i])), None)
        if beyond is None and all(value is None for value in values):
            if started:
                blank_from = blank_from or number
            continue
        started = True
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
            pending.malformed.append((number, message(
                "input.beyond_headers", column=get_column_letter(beyond + 1),
                last=get_column_letter(width))))
        if len(pending) >= chunk_rows:
            yielded = True
            yield pending.take()
    if len(pending) or not yielded:  # a sheet of headers only still has its columns
        yield pending.take()


def _workbook_table(path: Path, sheet: str | None, header_row: int | None, chunk_rows: int,
                    reading: _Reading) -> Iterator[Chunk]:
    """Chunks of the table of a workbook, read with openpyxl in read-only mode."""
    import openpyxl

    book = None
    try:
        # data_only: a formula cell reads as the value Excel last computed for it.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                      keep_links=False)
        ws, row = _excel_place(book, path, sheet, header_row, reading)
        # Some writers leave a wrong size (a <dimension> tag) in the sheet, and openpyxl
        # would stop reading there: read every row there is.
        ws.reset_dimensions()
        rows = ws.iter_rows(min_row=row, values_only=True)
        where = _sheet_of(ws.title, path)
        written = _excel_header(next(rows, None), where, row)
        names = reading.names(_unique(written), where)
        place = _Place(ws.title, row, tuple(written), tuple(names))
        text = frozenset(i for i, name in enumerate(names) if name in reading.text_columns)
        for chunk in _excel_chunks(rows, len(written), text, chunk_rows, row + 1, row > 1):
            yield place.mark(chunk)
    except InputError:
        raise
    except OSError as e:  # a missing or unreadable file, not a broken workbook
        raise InputError(message("input.unreadable_workbook", path=str(path),
                                 error=str(e))) from e
    except _WORKBOOK_ERRORS as e:
        raise InputError(message("input.bad_workbook", path=str(path), error=str(e))) from e
    finally:
        if book is not None:
            book.close()


# --------------------------------------------------------------------------------------
# Any table
# --------------------------------------------------------------------------------------


def _file_table(path: Path, encoding: str | None, sep: str | None, header_row: int | None,
                chunk_rows: int, reading: _Reading) -> Iterator[Chunk]:
    """Chunks of a CSV or Parquet file, its errors as input errors."""
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            if header_row is not None:
                raise InputError(message("input.header_row_parquet", path=str(path)))
            yield from _parquet_table(path, chunk_rows, reading)
        else:
            encoding = encoding or detect_encoding(path)
            codecs.lookup(encoding)
            yield from _csv_table(path, encoding, sep, header_row, chunk_rows, reading)
    except InputError:
        raise
    except LookupError as e:
        raise InputError(message("input.unknown_encoding", encoding=encoding,
                                 error=str(e))) from e
    except UnicodeDecodeError as e:
        raise InputError(message("input.wrong_encoding", path=str(path), encoding=encoding,
                                 reason=e.reason, byte=e.start)) from e
    except pd.errors.EmptyDataError as e:
        if header_row is not None and header_row > 1:
            raise InputError(message("input.nothing_from_row", path=str(path),
                                     row=header_row)) from e
        raise InputError(message("input.unreadable_table", path=str(path),
                                 error=str(e))) from e
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise InputError(message("input.unreadable_table", path=str(path),
                                 error=str(e))) from e
    except ImportError as e:
        raise InputError(message("input.no_pyarrow", error=str(e))) from e


def iter_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    chunk_rows: int = 50_000,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
) -> Iterator[Chunk]:
    """Read a CSV, Excel or Parquet table in chunks of rows.

    Headers are renamed by the column mapping and ``id_column``, as written or after
    their group prefixes (see the module), then a header that is a field's name or
    label becomes that field (unless another column already is it); without a
    ``leaver_id``, the submission's id of a survey export becomes it. Values spelled as
    a :class:`ColumnMap`'s ``[values]`` give are replaced by their codes.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.parquet`` file, an Excel workbook (``.xlsx``, ``.xlsm``), or a CSV file
        (any other name: ``.csv``, ``.txt``, ``.tsv``, ...).
    encoding : str, optional
        The CSV encoding; detected when not given (see :func:`detect_encoding`).
    columns : dict of str -> str or ColumnMap, optional
        Your header -> schema field (see :func:`read_column_map`).
    chunk_rows : int, default 50,000
        Rows per chunk.
    text_columns : sequence of str, default ("leaver_id",)
        Columns (after the mapping) read as text, never as numbers.
    sheet : str, optional
        The worksheet of an Excel workbook; by default the one holding the headers (see
        the module), else the first.
    sep : {",", ";", "\\t", "tab"}, optional
        The CSV separator; by default the one that splits the header line into the most
        known columns, or (when no line names one) the one of ``,``, ``;`` and a tab
        that line 1 holds most often outside quotes (a line with none of them is one
        column). Not used for workbooks and Parquet.
    header_row : int, optional
        The row of the headers, as Excel numbers it (the CSV line); by default the one
        found (see the module). Not for Parquet.
    id_column : str, optional
        A header of the file to read as ``leaver_id``, as if the mapping said so.

    Yields
    ------
    Chunk

    Raises
    ------
    InputError
        The file cannot be read, decoded or parsed as a table; an ``.xls`` file; a
        workbook without the sheet named or with a blank header cell; ``sheet`` given
        for a file that is not a workbook, ``header_row`` for a Parquet file; an unknown
        ``sep``; no header ``id_column``; two headers mapped to one column.

    Warns
    -----
    DataWarning
        A header of the mapping is not in the file, but one nearly like it is.

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
    if header_row is not None:
        _check_header_row(header_row)
    reading = _Reading(columns, id_column, text_columns)
    if _is_excel(path):
        chunks = _workbook_table(path, sheet, header_row, chunk_rows, reading)
    elif sheet is not None:
        raise InputError(message("input.not_workbook", path=str(path), sheet=sheet))
    else:
        chunks = _file_table(path, encoding, sep, header_row, chunk_rows, reading)
    for chunk in chunks:
        chunk.frame = reading.respell(chunk.frame)
        yield chunk


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
) -> pd.DataFrame:
    """A whole table (see :func:`iter_table`); malformed lines or rows are an error here."""
    return read_numbered_table(path, encoding=encoding, columns=columns,
                               text_columns=text_columns, sheet=sheet, sep=sep,
                               header_row=header_row, id_column=id_column)[0]


def _reason(reason: str | Message) -> str | Message:
    """Why a line is malformed, as a message when the reader's words are known."""
    if isinstance(reason, Message):
        return reason
    counts = _FIELD_COUNT.fullmatch(reason.strip())
    if counts is None:
        return reason
    return message("input.field_count", expected=counts["expected"], saw=counts["saw"])


def read_numbered_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    text_columns: Sequence[str] = ("leaver_id",),
    sheet: str | None = None,
    sep: str | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`read_table` and each row's line in the file (see :class:`Chunk`)."""
    frames, lines = [], []
    for chunk in iter_table(path, encoding=encoding, columns=columns,
                            text_columns=text_columns, sheet=sheet, sep=sep,
                            header_row=header_row, id_column=id_column):
        if chunk.malformed:
            line, reason = chunk.malformed[0]
            key = "input.malformed_row" if _is_excel(Path(path)) else "input.malformed_line"
            raise InputError(message(key, path=str(path), line=line, reason=_reason(reason)))
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
        raise InputError(message("input.excel_output", path=str(path),
                                 name=Path(path).with_suffix(".xlsx").name))


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

    def sheet(self, title: str, formats: Mapping[str, str] | None = None) -> XlsxSheet:
        """A new sheet, after the others; ``formats``: number formats by column name."""
        return XlsxSheet(self.book.create_sheet(title), formats)

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

    Parameters
    ----------
    ws : openpyxl write-only worksheet
        The sheet written.
    formats : mapping of str -> str, optional
        Excel number formats by column name (such as ``"0.0%"``), given to the numbers
        of those columns.

    Attributes
    ----------
    header : bool
        True until the first :meth:`write`, which writes the header row.
    """

    def __init__(self, ws: Any, formats: Mapping[str, str] | None = None) -> None:
        self.ws, self.header = ws, True
        self.formats = dict(formats or {})
        self.positions: dict[int, str] = {}

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (the header row too, the first time)."""
        if self.header:
            self._start(frame)
        formats = self.positions
        for row in frame.itertuples(index=False, name=None):
            self.ws.append([self._formatted(self._cell(value), formats.get(i))
                            for i, value in enumerate(row)])

    def _formatted(self, value: Any, number_format: str | None) -> Any:
        """A number as a cell with ``number_format``; anything else as it is."""
        if number_format is None or isinstance(value, bool) or not isinstance(
                value, int | float):
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = number_format
        return cell

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
        self.positions = {i: self.formats[name] for i, name in enumerate(frame.columns)
                          if name in self.formats}
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
