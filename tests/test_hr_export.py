import math
import tomllib
import unicodedata

import pandas as pd
import pytest
from openpyxl import load_workbook

from rehire_model.schema import FIELDS, FIELDS_BY_NAME
from rehire_model.survey import HrExport, make_leaver_survey, write_hr_export
from rehire_model.survey.hr_export import BAD_VALUES
from rehire_model.texts import text

N = 300
COMPANY_WORDING = {
    "company_size": "従業員規模",
    "industry": "業界",
    "job_level": "役職区分",
    "tenure_years": "勤続年数",
    "years_since_exit": "退職後年数",
}
SPELLINGS = {
    "policy_comeback_program": ("有", "無"),
    "policy_alumni_perks": ("有", "無"),
    "policy_alumni_community": ("有", "無"),
    "policy_alumni_events": ("有", "無"),
    "informal_rehire_custom": ("あり", "なし"),
    "sup_interview_held": ("実施", "未実施"),
    "hr_interview_held": ("実施", "未実施"),
    **{f.name: ("○", "×") for f in FIELDS if f.construct},
    "invited_to_alumni_community": ("はい", "いいえ"),
    "informed_of_rehire_route": ("はい", "いいえ"),
    "married": ("あり", "なし"),
    "has_children": ("あり", "なし"),
}
SUP_ANSWERS = [f.name for f in FIELDS if f.requires == "sup_interview_held"]
BEHAVIOURS = [name for name in SUP_ANSWERS if FIELDS_BY_NAME[name].kind == "bool"]
BLANKABLE = [f.name for f in FIELDS if f.role not in ("id", "target")]


@pytest.fixture(scope="module")
def records():
    return make_leaver_survey(N, random_state=5)


@pytest.fixture(scope="module")
def export(records, tmp_path_factory):
    path = tmp_path_factory.mktemp("hr") / "退職者アンケート.xlsx"
    return write_hr_export(records, path, random_state=1, blank_rate=0.05, bad_values=6)


@pytest.fixture(scope="module")
def book(export):
    return load_workbook(export.path)


def read_columns(export):
    """The data rows by field, read through the headers the export says it wrote."""
    sheet = load_workbook(export.path)[export.sheet]
    rows = list(sheet.iter_rows(min_row=export.header_row, values_only=True))
    by_header = dict(zip(rows[0], zip(*rows[1:], strict=True), strict=True))
    return {name: list(by_header[header]) for name, header in export.headers.items()}


@pytest.fixture(scope="module")
def table(export):
    return read_columns(export)


@pytest.fixture(scope="module")
def bad_cells(export):
    return {(row - export.header_row - 1, name) for row, name in export.bad_rows}


def written(table, bad_cells, name):
    """(position, cell) of the cells of ``name`` holding an answer: not blank, not bad."""
    return [(i, v) for i, v in enumerate(table[name])
            if v is not None and (i, name) not in bad_cells]


def test_returns_where_the_table_is(export):
    assert isinstance(export, HrExport)
    assert export.path.suffix == ".xlsx"
    assert export.columns_path == export.path.with_suffix(".columns.toml")
    assert (export.sheet, export.header_row, export.n_rows) == ("退職者一覧", 3, N)


def test_notes_sheet_comes_first_then_the_table(book):
    assert book.sheetnames == ["このファイルについて", "退職者一覧"]
    notes = [row[0] for row in book["このファイルについて"].iter_rows(values_only=True)]
    assert 3 <= len(notes) <= 4
    assert all(isinstance(line, str) and line for line in notes)
    assert any("個人情報" in line or "社外" in line for line in notes)


def test_title_blank_row_then_headers(export, book):
    sheet = book[export.sheet]
    assert sheet["A1"].value == "2024年度 退職者アンケート 集計表"
    assert all(cell.value is None for cell in sheet[1][1:])
    assert all(cell.value is None for cell in sheet[2])
    assert [cell.value for cell in sheet[3]] == list(export.headers.values())
    assert sheet.max_row == 3 + N


def test_headers_are_the_company_wording(records, export):
    headers = export.headers
    assert list(headers) == list(records.columns)
    assert headers["leaver_id"] == "回答者ID"
    for name, header in COMPANY_WORDING.items():
        assert headers[name] == header != text(f"field.{name}", "ja")
    assert headers["gender"] == "性別" and headers["age"] == "年齢"
    own = {name for name in headers if headers[name] != text(f"field.{name}", "ja")}
    assert len(own - {"leaver_id"}) >= 5
    for name in set(headers) - own:
        assert headers[name] == text(f"field.{name}", "ja")


def test_ids_are_numbered_from_r_0001(table):
    assert table["leaver_id"][:2] == ["R-0001", "R-0002"]
    assert len(set(table["leaver_id"])) == N


def test_categories_are_japanese_labels_some_with_fullwidth_tilde(records, table, bad_cells):
    for name in ("company_size", "industry", "job_level", "gender"):
        for i, cell in written(table, bad_cells, name):
            label = text(f"value.{name}.{records[name].iloc[i]}", "ja")
            assert cell.replace("\uff5e", "\u301c") == label
    dashed = [cell for _, cell in written(table, bad_cells, "company_size")
              if "\u301c" in cell or "\uff5e" in cell]
    tilde = sum("\uff5e" in cell for cell in dashed) / len(dashed)
    # Rows get the tilde with probability 1/2; with about 200 dashed cells the share has
    # a standard deviation of about 0.035, so 0.35-0.65 is more than four of them.
    assert 0.35 < tilde < 0.65


def test_yes_no_spelt_per_column(records, table, bad_cells):
    assert set(SPELLINGS) == {f.name for f in FIELDS if f.kind == "bool"}
    for name, (yes, no) in SPELLINGS.items():
        cells = written(table, bad_cells, name)
        assert cells, name
        for i, cell in cells:
            assert cell == (yes if records[name].iloc[i] else no), name
        assert {cell for _, cell in cells} <= {yes, no}
    seen = {cell for name in BEHAVIOURS for _, cell in written(table, bad_cells, name)}
    assert seen == {"○", "×"}


def test_behaviours_blank_without_a_supervisor_interview(records, table):
    not_held = ~records["sup_interview_held"].to_numpy(dtype=bool)
    for name in SUP_ANSWERS:
        assert all(table[name][i] is None for i in range(N) if not_held[i])


def test_amicability_whole_numbers_some_full_width(records, table, bad_cells):
    cells = [(name, i, cell) for name in ("sup_interview_amicability",
                                          "hr_interview_amicability")
             for i, cell in written(table, bad_cells, name)]
    full_width = [cell for _, _, cell in cells if isinstance(cell, str)]
    assert all(isinstance(cell, (int, str)) for _, _, cell in cells)
    assert all(cell in "１２３４５" for cell in full_width)
    for name, i, cell in cells:
        assert int(unicodedata.normalize("NFKC", str(cell))) == records[name].iloc[i]
    # About 1 in 10 of some 350 cells: standard deviation about 0.016; 0.04-0.16 is more
    # than three and a half of them.
    assert 0.04 < len(full_width) / len(cells) < 0.16


def test_numbers_rounded_as_hr_keeps_them(records, table, bad_cells):
    for name in ("tenure_years", "years_since_exit"):
        low = FIELDS_BY_NAME[name].low
        for i, cell in written(table, bad_cells, name):
            assert cell == max(round(float(records[name].iloc[i]), 1), math.ceil(low * 10) / 10)
            assert low <= cell <= FIELDS_BY_NAME[name].high
    for i, cell in written(table, bad_cells, "age"):
        assert isinstance(cell, int) and cell == records["age"].iloc[i]
    assert table["rehire_intent"] == records["rehire_intent"].tolist()
    assert table["alumni_engagement"] == pytest.approx(records["alumni_engagement"].tolist())


def blanked(records, table):
    """Per record and blankable field: the record has an answer, the workbook none."""
    answered = pd.DataFrame({name: records[name].notna() for name in BLANKABLE})
    empty = pd.DataFrame({name: pd.Series(table[name]).isna() for name in BLANKABLE})
    return answered, answered & empty


def test_blank_share_is_the_rate(records, table):
    answered, blank = blanked(records, table)
    total = int(answered.to_numpy().sum())
    # Exactly round(blank_rate * answers) cells are blanked, so the share is off the rate
    # by rounding only (no record reaches its one-third limit at 5 %).
    assert abs(blank.to_numpy().sum() / total - 0.05) <= 0.5 / total


def test_no_record_more_than_a_third_blank(records, table):
    answered, blank = blanked(records, table)
    assert (blank.sum(axis=1) <= answered.sum(axis=1) / 3).all()
    assert (blank.sum(axis=1) <= len(BLANKABLE) / 3).all()


def test_a_third_is_the_limit_at_a_high_rate(records, tmp_path):
    export = write_hr_export(records, tmp_path / "many.xlsx", blank_rate=0.3)
    answered, blank = blanked(records, read_columns(export))
    assert (blank.sum(axis=1) <= answered.sum(axis=1) / 3).all()
    total = int(answered.to_numpy().sum())
    assert 0.2 < blank.to_numpy().sum() / total <= 0.3 + 0.5 / total


def test_held_flag_stays_where_behaviour_answers_are(records, table):
    with_answers = records[SUP_ANSWERS].notna().any(axis=1).to_numpy()
    assert all(table["sup_interview_held"][i] == "実施" for i in range(N) if with_answers[i])


def test_no_blanks_at_rate_zero(records, tmp_path):
    export = write_hr_export(records, tmp_path / "a.xlsx", blank_rate=0.0)
    columns = read_columns(export)
    for name in BLANKABLE:
        assert [v is None for v in columns[name]] == records[name].isna().tolist()


def test_bad_rows_hold_bad_values(export, book):
    sheet = book[export.sheet]
    columns = {name: i + 1 for i, name in enumerate(export.headers)}
    rows = [row for row, _ in export.bad_rows]
    assert len(export.bad_rows) == 6 and len(set(rows)) == 6 and rows == sorted(rows)
    assert {name for _, name in export.bad_rows} == set(BAD_VALUES)
    for row, name in export.bad_rows:
        assert 4 <= row <= 3 + N
        assert sheet.cell(row=row, column=columns[name]).value == BAD_VALUES[name]
    assert BAD_VALUES["company_size"] == "大企業" and BAD_VALUES["age"] == "二十五"


def test_column_map_maps_every_header(export, book):
    mapping = tomllib.loads(export.columns_path.read_text(encoding="utf-8"))["columns"]
    headers = [cell.value for cell in book[export.sheet][3]]
    assert set(mapping) == set(headers)
    assert [mapping[h] for h in headers] == list(export.headers)


def test_typo_header_is_mapped_by_its_correct_label(records, tmp_path):
    export = write_hr_export(records, tmp_path / "typo.xlsx", typo=True, id_header="社員番号")
    sheet = load_workbook(export.path)[export.sheet]
    headers = [cell.value for cell in sheet[3]]
    assert export.headers["sup_understood_reason"] == "上司が退職理由を理解してた"
    assert "上司が退職理由を理解してた" in headers and headers[0] == "社員番号"
    mapping = tomllib.loads(export.columns_path.read_text(encoding="utf-8"))["columns"]
    assert mapping["上司が退職理由を理解した"] == "sup_understood_reason"
    assert "上司が退職理由を理解してた" not in mapping
    assert set(headers) - set(mapping) == {"上司が退職理由を理解してた"}
    assert mapping["社員番号"] == "leaver_id"


def cell_values(path):
    book = load_workbook(path)
    return [list(sheet.iter_rows(values_only=True)) for sheet in book]


def test_same_seed_same_cells(records, tmp_path):
    options = {"blank_rate": 0.1, "bad_values": 3}
    a = write_hr_export(records, tmp_path / "a.xlsx", random_state=7, **options)
    b = write_hr_export(records, tmp_path / "b.xlsx", random_state=7, **options)
    c = write_hr_export(records, tmp_path / "c.xlsx", random_state=8, **options)
    assert cell_values(a.path) == cell_values(b.path)
    assert a.bad_rows == b.bad_rows
    assert a.columns_path.read_bytes() == b.columns_path.read_bytes()
    assert cell_values(a.path) != cell_values(c.path)


@pytest.mark.parametrize("options, match", [
    ({"blank_rate": 0.5}, "blank_rate"),
    ({"blank_rate": -0.1}, "blank_rate"),
    ({"bad_values": -1}, "bad_values"),
    ({"bad_values": N + 1}, "bad_values"),
    ({"bad_values": 1.5}, "bad_values"),
    ({"id_header": "業界"}, "id_header"),
    ({"id_header": ""}, "id_header"),
])
def test_bad_arguments(records, tmp_path, options, match):
    with pytest.raises(ValueError, match=match):
        write_hr_export(records, tmp_path / "x.xlsx", **options)
    assert not (tmp_path / "x.xlsx").exists()
