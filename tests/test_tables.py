from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rehire_model.exceptions import InputError
from rehire_model.tables import (
    detect_encoding,
    iter_table,
    read_column_map,
    read_table,
    write_table,
)

TEXT = "退職者ID,業種\n007,it_telecom\n008,services\n"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")],
)
def test_encodings_are_detected_and_read(tmp_path, encoding, detected):
    path = tmp_path / "a.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert detect_encoding(path) == detected
    frame = read_table(path, columns={"退職者ID": "leaver_id"})
    assert list(frame.columns) == ["leaver_id", "業種"]
    assert frame["leaver_id"].tolist() == ["007", "008"]  # ids stay text


def test_numbers_are_numbers_and_only_schema_missing_spellings_are_missing(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("leaver_id,n,flag,note\n01,4,NA,#N/A\n02,,null,none\n",
                    encoding="utf-8")
    frame = read_table(path, text_columns=("leaver_id", "note"))
    assert frame["leaver_id"].tolist() == ["01", "02"]
    assert frame["n"].dtype.kind == "f" and np.isnan(frame.loc[1, "n"])
    assert frame["flag"].isna().all()
    assert frame.loc[0, "note"] == "#N/A" and pd.isna(frame.loc[1, "note"])


def test_unknown_encoding_is_explained(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"name\n\xff\xfe\xfa\x80\x81\n")
    with pytest.raises(InputError, match="neither UTF-8 nor Shift_JIS.*--encoding"):
        detect_encoding(path)


def test_wrong_encoding_given_is_an_input_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(TEXT.encode("cp932"))
    with pytest.raises(InputError, match="not valid utf-8 text.*--encoding"):
        read_table(path, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_table(path, encoding="klingon")


def test_column_map_renames_headers_after_normalising(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("退職者ＩＤ ,業種\n7,services\n".encode("cp932"))  # full-width, space
    frame = read_table(path, columns={"退職者ID": "leaver_id", "業種": "industry"})
    assert list(frame.columns) == ["leaver_id", "industry"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[columns\n", "is not valid TOML"),
        ("x = 1\n", "needs a \\[columns\\] table"),
        ('[columns]\n"a" = "industry"\n"b" = "industry"\n', "maps several headers to industry"),
    ],
)
def test_bad_column_maps(tmp_path, content, message):
    path = tmp_path / "map.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_column_map(path)


def test_mapping_two_headers_onto_one_field_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("industry,業種\nservices,other\n", encoding="utf-8")
    with pytest.raises(InputError, match="more than one column \\['industry'\\]"):
        read_table(path, columns={"業種": "industry"})


def test_line_numbers_across_chunks_with_malformed_and_blank_lines(tmp_path):
    path = tmp_path / "a.csv"
    lines = ["a,b", "1,2", "3,4,5", "6,7", "", "8,9", "10,11,12,13", "14,15", "16,17,18"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    chunks = list(iter_table(path, chunk_rows=2, text_columns=("a",)))
    rows = pd.concat([c.frame for c in chunks], ignore_index=True)
    numbers = np.concatenate([c.lines for c in chunks])
    malformed = [m for c in chunks for m in c.malformed]
    assert rows["a"].fillna("").tolist() == ["1", "6", "", "8", "14"]
    assert numbers.tolist() == [2, 4, 5, 6, 8]
    assert [line for line, _ in malformed] == [3, 7, 9]
    assert "expected 2 fields, saw 3" in malformed[0][1]


def test_parquet_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "a.parquet"
    write_table(pd.DataFrame({"a": range(5)}), path)
    chunks = list(iter_table(path, chunk_rows=2))
    assert np.concatenate([c.lines for c in chunks]).tolist() == [1, 2, 3, 4, 5]


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_table(tmp_path / "nowhere.csv", encoding="utf-8")


# --------------------------------------------------------------------------------------
# Excel workbooks
# --------------------------------------------------------------------------------------

JA_MAP = {"退職者ID": "leaver_id", "業種": "industry", "年齢": "age", "既婚": "married"}


def _workbook(path, sheets):
    """An .xlsx of {title: rows} written by openpyxl as Excel would save it."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_an_excel_export_reads_as_the_same_csv(tmp_path):
    header = ["退職者ID", "業種", "年齢", "既婚", "備考"]
    rows = [["007", "it_telecom", 41, "はい", "NA"],
            [8, "services", None, "いいえ", "  "],
            [9.0, "other", 35.5, None, "#N/A"]]
    _workbook(tmp_path / "a.xlsx", {"退職者": [header, *rows]})
    text = "\n".join(",".join("" if v is None else str(v) for v in row)
                     for row in [header, *rows])
    # Excel's 9.0 is 9; a cell of only spaces is missing, as the validator reads a CSV's.
    text = text.replace("9.0", "9").replace("  ", "")
    (tmp_path / "a.csv").write_bytes(text.encode("cp932"))
    excel = read_table(tmp_path / "a.xlsx", columns=JA_MAP)
    csv = read_table(tmp_path / "a.csv", columns=JA_MAP)
    assert list(excel.columns) == ["leaver_id", "industry", "age", "married", "備考"]
    assert excel["leaver_id"].tolist() == ["007", "8", "9"]  # ids stay text
    assert excel["備考"].isna().tolist() == [True, True, False]  # NA and spaces: missing
    pd.testing.assert_frame_equal(excel, csv)


def test_a_sheet_is_picked_by_name_and_an_unknown_one_is_named(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", {"表紙": [["title"], ["cover"]],
                                           "退職者": [["leaver_id"], ["A1"], ["A2"]]})
    assert read_table(path)["title"].tolist() == ["cover"]  # the first sheet by default
    assert read_table(path, sheet="退職者")["leaver_id"].tolist() == ["A1", "A2"]
    with pytest.raises(InputError, match="has no sheet 'Leavers'; its sheets are '表紙', "
                                         "'退職者': name one of them with --sheet"):
        read_table(path, sheet="Leavers")
    (tmp_path / "a.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an Excel workbook .* leave out --sheet"):
        read_table(tmp_path / "a.csv", sheet="退職者")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("old.xls", b"\xd0\xcf\x11\xe0", "cannot be read \\(.xls\\); open it in Excel and save "
                                    "it as an Excel Workbook \\(.xlsx\\) or as CSV"),
    ("broken.xlsx", b"PK\x03\x04 not really", "cannot read '.*broken.xlsx' as an Excel "
                                              "workbook"),
    ("text.xlsx", "退職者ID\n007\n".encode("cp932"), "as an Excel workbook"),
])
def test_unreadable_workbooks_are_input_errors(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_table(tmp_path / name)


def test_a_blank_header_cell_is_named_by_its_column(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", {"s": [["leaver_id", None, "age"], ["1", "x", 3]]})
    with pytest.raises(InputError, match="the header cell B1 is blank; give column B a "
                                         "header"):
        read_table(path)
    path = _workbook(tmp_path / "b.xlsx", {"s": [[], ["1", "x", 3]]})
    with pytest.raises(InputError, match="row 1 is empty"):
        read_table(path)


def test_excel_rows_keep_their_numbers_across_chunks(tmp_path):
    import openpyxl

    rows = [["leaver_id", "n"]] + [[f"L{i:03d}", i] for i in range(2, 25)]
    rows[9] = [None, None]  # row 10: empty, inside the data
    rows[12] = ["L012", 12, "stray"]  # row 13: a value past the headers
    path = _workbook(tmp_path / "a.xlsx", {"s": rows})
    book = openpyxl.load_workbook(path)
    book["s"]["A40"].font = openpyxl.styles.Font(bold=True)  # formatted, empty rows after
    book["s"]["B41"] = "   "
    book.save(path)
    chunks = list(iter_table(path, chunk_rows=7))
    numbers = np.concatenate([c.lines for c in chunks])
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    malformed = [m for c in chunks for m in c.malformed]
    assert numbers.tolist() == [n for n in range(2, 25) if n != 13]
    assert frame.loc[numbers.tolist().index(10)].isna().all()
    assert frame["leaver_id"].dropna().tolist()[:2] == ["L002", "L003"]
    assert frame["n"].dropna().tolist()[-1] == 24
    assert malformed == [(13, "a value in column C, which has no header (the headers end at "
                               "column B)")]
    assert all(len(c.frame) + len(c.malformed) <= 7 for c in chunks)
    with pytest.raises(InputError, match="row 13 is malformed"):
        read_table(path)


def test_excel_cells_keep_their_types(tmp_path):
    import datetime

    path = _workbook(tmp_path / "a.xlsx", {"s": [
        ["leaver_id", "joined", "flag", "x"],
        [1234567890123.0, datetime.datetime(2020, 4, 1), True, "=1+1"],
    ]})
    frame = read_table(path, text_columns=("leaver_id", "x"))
    assert frame.loc[0, "leaver_id"] == "1234567890123"
    assert frame.loc[0, "joined"] == pd.Timestamp(2020, 4, 1)
    assert frame.loc[0, "flag"] == True  # noqa: E712
    assert pd.isna(frame.loc[0, "x"])  # a formula never computed by Excel has no value


def test_a_sheet_of_headers_only_has_its_columns(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", {"s": [["leaver_id", "age"]]})
    chunks = list(iter_table(path))
    assert len(chunks) == 1 and list(chunks[0].frame.columns) == ["leaver_id", "age"]
    assert chunks[0].frame.empty


def test_write_table_writes_excel_with_text_as_text(tmp_path):
    import openpyxl

    frame = pd.DataFrame({"leaver_id": ["=HYPERLINK(\"x\")", "007", None],
                          "p": [0.25, np.nan, 1.0], "n": [1, 2, 3]})
    write_table(frame, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["Sheet1"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert [(c.value, c.data_type) for c in ws["A"][1:]] == [
        ("=HYPERLINK(\"x\")", "s"), ("007", "s"), (None, "n")]
    assert [c.value for c in ws["B"][1:]] == [0.25, None, 1]
    assert read_table(tmp_path / "a.xlsx")["leaver_id"].tolist()[:2] == [
        "=HYPERLINK(\"x\")", "007"]
    with pytest.raises(InputError, match="Excel output is written as .xlsx"):
        write_table(frame, tmp_path / "a.xls")
