"""Leaver records written the way a Japanese HR team keeps them in Excel.

:func:`write_hr_export` turns canonical leaver records (as drawn by
:func:`~rehire_model.survey.make_leaver_survey`) into a workbook such as a Japanese HR
department maintains by hand: a notes sheet first, then a title row above the table,
the company's own headers, Japanese category labels written with either wave dash,
several spellings of yes and no, some full-width digits, blank answers and, on
request, a few bad values and a typo in a header. Beside it goes the column map
(``[columns]`` company header -> schema field) that HR would write for it. The files
test and demonstrate that the tool reads such workbooks as they are.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..schema import FIELDS, FIELDS_BY_NAME, Field
from ..texts import text
from ..validation import validate_records

__all__ = [
    "BAD_VALUES",
    "COMPANY_HEADERS",
    "DATA_SHEET",
    "HEADER_ROW",
    "NOTES_SHEET",
    "TITLE",
    "TYPO_HEADER",
    "YES_NO",
    "HrExport",
    "write_hr_export",
]

#: The first sheet: notes about the file.
NOTES_SHEET = "このファイルについて"
#: The sheet holding the table.
DATA_SHEET = "退職者一覧"
#: The title in row 1 of the table's sheet.
TITLE = "2024年度 退職者アンケート 集計表"
#: The row of the headers (row 1 the title, row 2 blank); the data follow.
HEADER_ROW = 3
#: Headers in the company's own wording; other fields take their Japanese label.
COMPANY_HEADERS = {
    "company_size": "従業員規模",
    "industry": "業界",
    "job_level": "役職区分",
    "tenure_years": "勤続年数",
    "years_since_exit": "退職後年数",
    "age": "年齢",
    "gender": "性別",
    "married": "配偶者の有無",
    "has_children": "子どもの有無",
}
#: The header of ``sup_understood_reason`` written with a typo (``typo=True``).
TYPO_HEADER = "上司が退職理由を理解してた"
#: A value no table reads, by field: one of them is written in each bad row.
BAD_VALUES: dict[str, Any] = {
    "company_size": "大企業",
    "industry": "農業",
    "tenure_years": -3,
    "age": "二十五",
}
#: How each yes/no field is spelt: (yes, no).
YES_NO: dict[str, tuple[str, str]] = {
    **{f.name: ("有", "無") for f in FIELDS if f.role == "policy"},
    "informal_rehire_custom": ("あり", "なし"),
    "sup_interview_held": ("実施", "未実施"),
    "hr_interview_held": ("実施", "未実施"),
    **{f.name: ("○", "×") for f in FIELDS if f.requires and f.kind == "bool"},
    **{f.name: ("はい", "いいえ") for f in FIELDS if f.role == "follow_up"},
    "married": ("あり", "なし"),
    "has_children": ("あり", "なし"),
}

_NOTES = (
    TITLE,
    "作成：人事部 人事企画課",
    "作成日：2025年4月1日",
    "本ファイルには個人情報が含まれます。社外への持ち出し及び目的外の利用を禁じます。",
)
_WAVE_DASH, _FULLWIDTH_TILDE = "\u301c", "\uff5e"
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_TILDE_SHARE = 0.5
_FULLWIDTH_SHARE = 0.1
_MAX_BLANK_SHARE = 1 / 3
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class HrExport:
    """A workbook written by :func:`write_hr_export`.

    Attributes
    ----------
    path : pathlib.Path
        The ``.xlsx`` workbook.
    columns_path : pathlib.Path
        The column map beside it: ``[columns]`` company header -> schema field.
    sheet : str
        The sheet holding the table.
    header_row : int
        The Excel row of the headers; the records follow, one a row.
    n_rows : int
        Number of records.
    bad_rows : tuple of (int, str)
        The Excel row and the field of each bad value, by row.
    headers : dict of str -> str
        Field -> its header as written in the workbook.
    records : pandas.DataFrame
        The records as written, in the schema's codes: the ids written, numbers rounded
        as written, blanked answers missing (the bad values are not in it: their
        records keep the values given).
    """

    path: Path
    columns_path: Path
    sheet: str
    header_row: int
    n_rows: int
    bad_rows: tuple[tuple[int, str], ...]
    headers: dict[str, str]
    records: pd.DataFrame = field(repr=False)


def write_hr_export(
    records: pd.DataFrame,
    path: str | Path,
    *,
    random_state: int = 0,
    blank_rate: float = 0.05,
    typo: bool = False,
    id_header: str = "回答者ID",
    bad_values: int = 0,
) -> HrExport:
    """Write leaver records as a Japanese HR team's Excel workbook, with its column map.

    The workbook has two sheets. 「このファイルについて」 holds four lines of notes
    (title, author, date, confidentiality). 「退職者一覧」 holds the title in row 1, a
    blank row 2, the headers in row 3 and one record a row from row 4, in the order of
    ``records``:

    - headers: the company's wording for a few fields (:data:`COMPANY_HEADERS`), the
      Japanese label of :mod:`rehire_model.texts` for the others, ``id_header`` for the
      id, whose values are ``R-0001``, ``R-0002``, ...;
    - categories: their Japanese labels, the wave dash 〜 written as the full-width
      tilde ～ in about half of the rows;
    - yes/no answers: spelt per field as in :data:`YES_NO` (有/無, あり/なし,
      実施/未実施, ○/×, はい/いいえ); the supervisor's behaviours are empty where that
      interview was not held;
    - numbers: amicability as whole numbers, about one in ten as full-width text
      (「４」); tenure and years since leaving rounded to one decimal; age whole; the
      targets as they are.

    The column map ``<path without suffix>.columns.toml`` maps every header to its
    field.

    Parameters
    ----------
    records : pandas.DataFrame
        Leaver records with canonical codes, as from
        :func:`~rehire_model.survey.make_leaver_survey`; the schema fields present are
        written (targets included), others are left out.
    path : str or pathlib.Path
        The ``.xlsx`` file to write (replaced if it exists).
    random_state : int, default 0
        Seed; the same seed and records give the same cells.
    blank_rate : float, default 0.05
        Share of the answers of the fields other than the id and the targets left
        blank, cells chosen at random. A record keeps at least two thirds of its
        answers, and an interview flag stays where answers about that interview are
        given; so a rate near one third may not be reached in full.
    typo : bool, default False
        Write the header of ``sup_understood_reason`` as 「上司が退職理由を理解してた」
        (:data:`TYPO_HEADER`); the column map keeps the correct label.
    id_header : str, default "回答者ID"
        The header of the id column.
    bad_values : int, default 0
        Number of records, chosen at random, given one value that no table reads
        (:data:`BAD_VALUES`: 「大企業」, 「農業」, a tenure of -3, an age of 「二十五」);
        these cells are never blank.

    Returns
    -------
    HrExport
        The paths, where the table is, and the rows holding bad values.

    Raises
    ------
    ValueError
        ``blank_rate`` is not from 0 up to one third, ``bad_values`` is not a whole
        number from 0 to the number of records, or ``id_header`` is empty or the header
        of another column.
    rehire_model.exceptions.SchemaError
        ``records`` are not valid leaver records.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from openpyxl import load_workbook
    >>> from rehire_model.survey import make_leaver_survey, write_hr_export
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> records = make_leaver_survey(40, random_state=0)
    >>> export = write_hr_export(records, folder / "退職者.xlsx", bad_values=2)
    >>> export.sheet, export.header_row, export.n_rows, export.columns_path.name
    ('退職者一覧', 3, 40, '退職者.columns.toml')
    >>> export.headers["company_size"], export.headers["leaver_id"]
    ('従業員規模', '回答者ID')
    >>> book = load_workbook(export.path)
    >>> book.sheetnames
    ['このファイルについて', '退職者一覧']
    >>> [cell.value for cell in book["退職者一覧"]["A"][:5]]
    ['2024年度 退職者アンケート 集計表', None, '回答者ID', 'R-0001', 'R-0002']
    >>> len(export.bad_rows)
    2
    """
    records = validate_records(records)
    path = Path(path)
    names = [f.name for f in FIELDS
             if f.name in records.columns and f.name != "leaver_id"]
    headers = {"leaver_id": id_header, **{name: _header(name, typo) for name in names}}
    _check_arguments(len(records), blank_rate, bad_values, id_header, headers)
    rng = np.random.default_rng(random_state)
    cells = {"leaver_id": _ids(len(records)), **_answers(records, names, rng)}
    bad = _place_bad_values(cells, rng, bad_values)
    _blank(cells, records, rng, blank_rate, keep=bad)
    _write_workbook(path, headers, cells, len(records))
    mapped = {**headers, **{name: _header(name, typo=False) for name in names}}
    columns_path = _write_column_map(path, mapped)
    return HrExport(
        path=path,
        columns_path=columns_path,
        sheet=DATA_SHEET,
        header_row=HEADER_ROW,
        n_rows=len(records),
        bad_rows=tuple((_excel_row(position), name) for position, name in bad),
        headers=headers,
        records=_as_written(records, cells, names),
    )


def _header(name: str, typo: bool) -> str:
    """The header written for field ``name``."""
    if typo and name == "sup_understood_reason":
        return TYPO_HEADER
    return COMPANY_HEADERS.get(name, text(f"field.{name}", "ja"))


def _check_arguments(n_rows: int, blank_rate: float, bad_values: int, id_header: str,
                     headers: Mapping[str, str]) -> None:
    if not (isinstance(blank_rate, numbers.Real) and 0 <= blank_rate < _MAX_BLANK_SHARE):
        raise ValueError(f"blank_rate must be a share from 0 up to one third, got "
                         f"{blank_rate!r}")
    if (not isinstance(bad_values, numbers.Integral) or isinstance(bad_values, bool)
            or not 0 <= bad_values <= n_rows):
        raise ValueError(f"bad_values must be a whole number from 0 to {n_rows}, got "
                         f"{bad_values!r}")
    others = [header for name, header in headers.items() if name != "leaver_id"]
    if not isinstance(id_header, str) or not id_header.strip() or id_header in others:
        raise ValueError(f"id_header must be a header of its own, got {id_header!r}")


def _excel_row(position: int) -> int:
    return HEADER_ROW + 1 + position


def _ids(n_rows: int) -> list[Any]:
    width = max(4, len(str(n_rows)))
    return [f"R-{i:0{width}d}" for i in range(1, n_rows + 1)]


def _answers(records: pd.DataFrame, names: list[str], rng: np.random.Generator
             ) -> dict[str, list[Any]]:
    """The cells of every field but the id, as the workbook holds them."""
    tilde_rows = rng.random(len(records)) < _TILDE_SHARE
    return {name: _column(FIELDS_BY_NAME[name], records[name], tilde_rows, rng)
            for name in names}


def _column(field: Field, values: pd.Series, tilde_rows: np.ndarray,
            rng: np.random.Generator) -> list[Any]:
    if field.kind == "category":
        return _category_cells(field, values, tilde_rows)
    if field.kind == "bool":
        yes, no = YES_NO[field.name]
        return [None if pd.isna(v) else yes if v else no for v in values]
    if field.kind == "float":
        if field.role == "target":
            return [None if pd.isna(v) else float(v) for v in values]
        return [None if pd.isna(v) else _one_decimal(field, v) for v in values]
    whole = [None if pd.isna(v) else int(v) for v in values]
    if field.role == "exit_interview":
        return _some_full_width(whole, rng)
    return whole


def _one_decimal(field: Field, value: Any) -> float:
    """One decimal, as HR writes it, never outside the field's range (0.25 years is
    written 0.3, not 0.2)."""
    return min(max(round(float(value), 1), math.ceil(field.low * 10) / 10), field.high)


def _as_written(records: pd.DataFrame, cells: Mapping[str, list[Any]], names: list[str]
                ) -> pd.DataFrame:
    """The records as the workbook holds them, in the schema's codes: numbers rounded as
    written, blanked answers missing, the ids written."""
    written = records.copy()
    written["leaver_id"] = cells["leaver_id"]
    for name in names:
        f = FIELDS_BY_NAME[name]
        if f.kind == "float" and f.role != "target":
            written[name] = written[name].map(lambda v, f=f: v if pd.isna(v) else
                                              _one_decimal(f, v))
        blank = np.array([cell is None for cell in cells[name]])
        written.loc[blank, name] = None
    return written


def _category_cells(field: Field, values: pd.Series, tilde_rows: np.ndarray) -> list[Any]:
    labels = {code: text(f"value.{field.name}.{code}", "ja") for code in field.categories}
    cells: list[Any] = []
    for value, tilde in zip(values, tilde_rows, strict=True):
        label = None if pd.isna(value) else labels[value]
        if label is not None and tilde:
            label = label.replace(_WAVE_DASH, _FULLWIDTH_TILDE)
        cells.append(label)
    return cells


def _some_full_width(cells: list[Any], rng: np.random.Generator) -> list[Any]:
    """Whole numbers, about one in ten written as full-width digit text."""
    full_width = rng.random(len(cells)) < _FULLWIDTH_SHARE
    return [str(v).translate(_FULLWIDTH_DIGITS) if v is not None and fw else v
            for v, fw in zip(cells, full_width, strict=True)]


def _place_bad_values(cells: dict[str, list[Any]], rng: np.random.Generator, count: int
                      ) -> list[tuple[int, str]]:
    """Write one bad value into each of ``count`` random rows; (position, field) by row."""
    kinds = [name for name in BAD_VALUES if name in cells]
    order = [kinds[i] for i in rng.permutation(len(kinds))]
    positions = np.sort(rng.choice(len(cells["leaver_id"]), size=count, replace=False))
    placed = [(int(p), order[i % len(order)]) for i, p in enumerate(positions)]
    for position, name in placed:
        cells[name][position] = BAD_VALUES[name]
    return placed


def _blankable(cells: Mapping[str, list[Any]]) -> list[str]:
    return [name for name in cells if FIELDS_BY_NAME[name].role not in ("id", "target")]


def _blank(cells: dict[str, list[Any]], records: pd.DataFrame, rng: np.random.Generator,
           rate: float, keep: list[tuple[int, str]]) -> None:
    """Blank ``rate`` of the answers at random, at most a third of each record's."""
    names = _blankable(cells)
    if not names or not rate:
        return
    answered = np.column_stack([records[name].notna().to_numpy() for name in names])
    eligible = answered & ~_answered_interviews(answered, names)
    for position, name in keep:
        eligible[position, names.index(name)] = False
    chosen = _choose_blanks(eligible, answered.sum(axis=1) // 3,
                            round(rate * answered.sum()), rng)
    for flat in chosen:
        row, column = divmod(int(flat), len(names))
        cells[names[column]][row] = None


def _answered_interviews(answered: np.ndarray, names: list[str]) -> np.ndarray:
    """True at an interview flag of a record that answers questions about that interview."""
    flags = np.zeros_like(answered)
    for column, name in enumerate(names):
        about = [i for i, other in enumerate(names) if FIELDS_BY_NAME[other].requires == name]
        if about:
            flags[:, column] = answered[:, about].any(axis=1)
    return flags


def _choose_blanks(eligible: np.ndarray, cap: np.ndarray, count: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Up to ``count`` random flat positions of ``eligible``, at most ``cap`` a row."""
    candidates = rng.permutation(np.flatnonzero(eligible))
    rows = candidates // eligible.shape[1]
    rank = pd.Series(rows).groupby(rows).cumcount().to_numpy()
    return candidates[rank < cap[rows]][:count]


def _write_workbook(path: Path, headers: Mapping[str, str], cells: Mapping[str, list[Any]],
                    n_rows: int) -> None:
    book = Workbook()
    notes = book.active
    notes.title = NOTES_SHEET
    for line in _NOTES:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 90
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(list(headers.values()))
    for cell in sheet[HEADER_ROW]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    names = list(headers)
    for position in range(n_rows):
        sheet.append([cells[name][position] for name in names])
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    book.properties.creator = "人事部 人事企画課"
    book.save(path)


def _write_column_map(path: Path, headers: Mapping[str, str]) -> Path:
    """Write ``[columns]`` header -> field beside the workbook."""
    lines = [f"# Headers of the sheet {DATA_SHEET} (row {HEADER_ROW}) -> schema fields",
             "[columns]"]
    lines += [f"{json.dumps(header, ensure_ascii=False)} = {json.dumps(name)}"
              for name, header in headers.items()]
    columns_path = path.with_suffix(".columns.toml")
    columns_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return columns_path
