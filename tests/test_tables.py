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
