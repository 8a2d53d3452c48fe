from __future__ import annotations

import re
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

import rehire_model as rm
from rehire_model.batch import score_file
from rehire_model.questionnaire import FORM_ID, questionnaire
from rehire_model.schema import FIELDS_BY_NAME, field_names
from rehire_model.tables import read_column_map, read_table
from rehire_model.texts import text

from .conftest import OWN

#: A company's training config with its own columns of every kind.
COMPANY_CONFIG = {
    "features": {
        "extra": [
            {"name": "remote_work", "kind": "bool", "lever": "policy",
             "label_en": "Could you work remotely?", "label_ja": "在宅勤務ができましたか。"},
            {"name": "dept", "kind": "category", "categories": ["sales", "rnd", "ops"]},
            {"name": "workload", "kind": "ordinal", "levels": ["low", "medium", "high"]},
            {"name": "overtime_hours", "kind": "float", "low": 0, "high": 120},
            {"name": "moves", "kind": "int", "low": 0, "high": 10},
        ],
    },
}

ENGLISH_WORDS = re.compile(r"\b[A-Za-z][A-Za-z'’-]+(?:[ ,;:]+[A-Za-z][A-Za-z'’-]+){2,}")
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]+\b")


@pytest.fixture(scope="module")
def form():
    return questionnaire()


def _convert(path: Path) -> tuple[str, list[str]]:
    found: list[str] = []
    return convert(xlsform=str(path), warnings=found).xform, found


# --------------------------------------------------------------------------------------
# The XLSForm
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [("ja", "en"), ("ja",), ("en",), ("en", "ja")])
@pytest.mark.parametrize("protected", [True, False])
def test_the_form_converts_to_an_xform_without_errors_or_warnings(tmp_path, lang, protected):
    path = tmp_path / "exit_survey.xlsx"
    written = questionnaire(path, lang=lang, protected=protected).write(path)
    assert written == [path, tmp_path / "exit_survey.columns.toml"]
    xform, found = _convert(path)
    assert found == []
    for code in lang:
        assert f'lang="{ {"ja": "Japanese (ja)", "en": "English (en)"}[code]}"' in xform
    assert f'<h:title>{text("questionnaire.title", lang[0])}</h:title>' in xform
    assert ("<age" in xform) == protected


def test_sheets_as_the_xlsform_standard_names_them(tmp_path, form):
    form.write(tmp_path / "f.xlsx")
    book = load_workbook(tmp_path / "f.xlsx", read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = next(book["survey"].iter_rows(values_only=True))
    assert {"type", "name", "label::Japanese (ja)", "label::English (en)", "hint::Japanese (ja)",
            "required", "relevant", "constraint",
            "constraint_message::English (en)"} <= set(header)
    settings = dict(zip(*book["settings"].iter_rows(values_only=True), strict=True))
    assert settings["form_id"] == FORM_ID and settings["default_language"] == "Japanese (ja)"
    assert settings["form_title"] == "退職者アンケート"
    assert settings["version"].startswith(rm.__version__ + "-")


def test_every_field_the_model_reads_is_asked_exactly_once(form, model):
    asked = form.fields
    assert len(asked) == len(set(asked))
    assert {f.name for f in model.record_fields} <= set(asked)
    assert {f.name for f in rm.load_config().record_fields} <= set(asked)
    assert {"leaver_id", "alumni_engagement", "rehire_intent"} <= set(asked)
    assert set(asked) <= set(FIELDS_BY_NAME)


def test_names_are_fields_and_choices_are_the_codes_the_schema_reads(form):
    survey, choices = form.survey, form.choices
    for row in survey[survey["type"].str.startswith("select_one ")].to_dict("records"):
        field = FIELDS_BY_NAME[row["name"]]
        names = choices.loc[choices["list_name"] == row["type"].split()[1], "name"].tolist()
        if field.kind == "category":
            assert names == list(field.categories)
        for name in names:
            value = rm.validate_records(pd.DataFrame({field.name: [name]}), fields=[field],
                                        max_missing=1.0)[field.name].iloc[0]
            assert (pd.isna(value)) == (name == "na"), (field.name, name)


def test_outcomes_on_the_training_scales(form):
    survey, choices = form.survey.set_index("name"), form.choices
    for target in ("alumni_engagement", "rehire_intent"):
        list_name = survey.loc[target, "type"].split()[1]
        assert choices.loc[choices["list_name"] == list_name, "name"].tolist() == [
            "1", "2", "3", "4", "5"]
        assert survey.loc[target, "required"] == "yes"


def test_required_where_the_model_needs_the_answer_never_for_protected(form, model):
    survey = form.survey.set_index("name")
    for f in model.record_fields:
        assert survey.loc[f.name, "required"] == "yes", f.name
    for name in field_names("protected"):
        assert survey.loc[name, "required"] == "", name
    assert survey.loc["leaver_id", "required"] == ""


def test_protected_attributes_follow_a_consent_note_and_can_be_left_out(form):
    survey = form.survey
    consent = survey.index[survey["name"] == "consent"][0]
    asked = survey.index[survey["name"].isin(field_names("protected"))]
    assert (asked > consent).all() and len(asked) == 4
    note = survey.loc[consent]
    assert "公平性の監査" in note["label::Japanese (ja)"]
    assert "fairness audits" in note["label::English (en)"]
    without = questionnaire(protected=False)
    assert not set(field_names("protected")) & set(without.fields)
    assert "consent" not in without.survey["name"].tolist()


def test_number_ranges_are_constraints_with_a_message_in_each_language(form):
    survey = form.survey.set_index("name")
    for name in ("tenure_years", "years_since_exit", "age"):
        field = FIELDS_BY_NAME[name]
        row = survey.loc[name]
        assert row["constraint"] == f". >= {field.low:g} and . <= {field.high:g}"
        assert f"{field.low:g}" in row["constraint_message::Japanese (ja)"]
        assert f"{field.high:g}" in row["constraint_message::English (en)"]
    assert survey.loc["tenure_years", "type"] == "decimal"
    assert survey.loc["age", "type"] == "integer"


def test_a_company_config_adds_its_own_questions(tmp_path):
    form = questionnaire(tmp_path / "f.xlsx", config=COMPANY_CONFIG)
    survey = form.survey.set_index("name")
    assert survey.loc["remote_work", "type"] == "select_one yes_no_dont_know"
    assert survey.loc["remote_work", "label::Japanese (ja)"] == "在宅勤務ができましたか。"
    assert survey.loc["dept", "type"] == "select_one dept"
    assert survey.loc["workload", "type"] == "select_one workload"
    assert survey.loc["overtime_hours", ["type", "constraint"]].tolist() == [
        "decimal", ". >= 0 and . <= 120"]
    assert survey.loc["moves", ["type", "constraint"]].tolist() == [
        "integer", ". >= 0 and . <= 10"]
    choices = form.choices
    assert choices.loc[choices["list_name"] == "workload", "name"].tolist() == ["1", "2", "3"]
    assert choices.loc[choices["list_name"] == "dept", "name"].tolist() == ["sales", "rnd",
                                                                            "ops"]
    assert _convert(tmp_path / "f.xlsx")[1] == []


def test_bad_languages_and_formats_are_refused(form, tmp_path):
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja', got 'fr'"):
        questionnaire(lang="ja,fr")
    with pytest.raises(ValueError, match="distinct languages"):
        questionnaire(lang=("ja", "ja"))
    with pytest.raises(ValueError, match="format must be one of xlsform, html, got 'pdf'"):
        form.write(tmp_path / "f.pdf", format="pdf")
    with pytest.raises(ValueError, match="the form is written in ja, not 'en'"):
        questionnaire(lang="ja").to_html("en")


# --------------------------------------------------------------------------------------
# The form's rules over answers
# --------------------------------------------------------------------------------------

_RULE = re.compile(r"^\$\{(\w+)\} = '(\w+)'$")


def _shown(form) -> dict[str, list[tuple[str, str]]]:
    """Each question's conditions: the ``relevant`` rules of the groups around it."""
    conditions, shown = [], {}
    for row in form.survey.to_dict("records"):
        if row["type"] == "begin_group":
            rule = _RULE.match(row["relevant"]) if row["relevant"] else None
            assert rule or not row["relevant"], f"a rule this test cannot read: {row}"
            conditions.append(rule.groups() if rule else None)
        elif row["type"] == "end_group":
            conditions.pop()
        elif row["type"] != "note":
            assert row["relevant"] == "", "rules sit on groups"
            shown[row["name"]] = [c for c in conditions if c]
    return shown


def _choice_name(field, value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "na" if field.role == "policy" else ""
    if field.kind == "bool":
        return "yes" if value else "no"
    if field.name == "alumni_engagement":
        return str(int(round(float(value))))
    if field.kind == "ordinal" and not field.levels:
        return str(int(value))
    return str(value)


def filled_in(form, records: pd.DataFrame) -> pd.DataFrame:
    """The answers a respondent gives the form for each record, as choice names and
    numbers; a question the form's rules hide is left empty, as the tools export it."""
    shown = _shown(form)
    rows = []
    for record in records.to_dict("records"):
        answers: dict[str, str] = {}
        for name, conditions in shown.items():
            field = FIELDS_BY_NAME[name]
            visible = all(answers.get(flag) == value for flag, value in conditions)
            answers[name] = _choice_name(field, record.get(name)) if visible else ""
        rows.append(answers)
    return pd.DataFrame(rows)


def test_the_rules_ask_what_the_schemas_interview_structure_allows(form):
    shown = _shown(form)
    for name, conditions in shown.items():
        field = FIELDS_BY_NAME[name]
        expected = [(field.requires, "yes")] if field.requires else []
        assert conditions == expected, name


def test_answers_given_under_the_rules_read_as_the_records(form, varied):
    known = varied["sup_interview_held"].notna() & varied["hr_interview_held"].notna()
    records = varied[known].assign(alumni_engagement=varied["alumni_engagement"].round())
    answers = filled_in(form, records)
    held = records["sup_interview_held"].astype(bool).to_numpy()
    assert (answers.loc[~held, "sup_welcomed_return"] == "").all()
    assert (answers.loc[held, "sup_interview_amicability"] != "").all()
    read = rm.validate_records(answers.replace("", None), max_missing=1.0)
    expected = rm.validate_records(records, max_missing=1.0)
    pd.testing.assert_frame_equal(read[form.fields].reset_index(drop=True),
                                  expected[form.fields].reset_index(drop=True))


# --------------------------------------------------------------------------------------
# The printable page
# --------------------------------------------------------------------------------------


def test_the_printable_page_renders_on_a4_in_headless_chromium(tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    pages = {}
    for lang in ("ja", "en"):
        pages[lang] = tmp_path / f"exit_survey_{lang}.html"
        questionnaire(pages[lang], lang=lang, format="html")
    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for lang, path in pages.items():
            page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
            errors = []
            page.on("pageerror", lambda e, found=errors: found.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            seen[lang] = {
                "errors": errors,
                "text": page.inner_text("body"),
                "numbers": page.eval_on_selector_all("span.n", "s => s.map(e => e.textContent)"),
                "width": page.evaluate("document.documentElement.scrollWidth"),
            }
            page.screenshot(path=str(tmp_path / f"exit_survey_{lang}.png"))
            page.emulate_media(media="print")
            page.pdf(path=str(tmp_path / f"exit_survey_{lang}.pdf"), format="A4")
        browser.close()
    n = len(questionnaire().fields)
    for lang, shown in seen.items():
        assert shown["errors"] == []
        assert shown["numbers"] == [text("questionnaire.page.question", lang, n=i)
                                    for i in range(1, n + 1)]
        assert shown["width"] <= 794, f"{lang} page is wider than A4: {shown['width']} px"
        assert (tmp_path / f"exit_survey_{lang}.png").stat().st_size > 20_000
        pdf = (tmp_path / f"exit_survey_{lang}.pdf").read_bytes()
        assert pdf.count(b"/Type /Page") >= 3
        assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)  # A4
    japanese = seen["ja"]["text"]
    assert ENGLISH_WORDS.findall(japanese) == [] and IDENTIFIER.findall(japanese) == []
    assert "問13〜問20は、問12で「はい」と答えた方のみお答えください。" in japanese
    assert "公平性の監査" in japanese and "（任意）" in japanese
    assert "Answer Q13-Q20 only if you answered “yes” to Q12." in seen["en"]["text"]


# --------------------------------------------------------------------------------------
# The way back: exports of the survey tools score as the records they came from
# --------------------------------------------------------------------------------------


def _groups_of(form) -> dict[str, list[str]]:
    """Each question's enclosing groups, outermost first."""
    groups, found = [], {}
    for row in form.survey.to_dict("records"):
        if row["type"] == "begin_group":
            groups.append(row)
        elif row["type"] == "end_group":
            groups.pop()
        elif row["type"] != "note":
            found[row["name"]] = list(groups)
    return found


def named_export(form, answers: pd.DataFrame, separator: str) -> pd.DataFrame:
    """Headers as question names under their groups' names (KoboToolbox "/", ODK
    Central "-"), values as choice names."""
    groups = _groups_of(form)
    return answers.rename(columns={
        name: separator.join([*(g["name"] for g in groups[name]), name]) for name in answers})


def labelled_export(form, answers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """KoboToolbox's labels export: headers as question labels under their groups'
    labels, values as choice labels."""
    column = f"label::{ {'ja': 'Japanese (ja)', 'en': 'English (en)'}[lang]}"
    survey = form.survey.set_index("name")
    choices = form.choices
    out = {}
    for name, groups in _groups_of(form).items():
        header = "/".join([*(g[column] or g["name"] for g in groups), survey.loc[name, column]])
        kind = survey.loc[name, "type"]
        values = answers[name]
        if kind.startswith("select_one "):
            listed = choices[choices["list_name"] == kind.split()[1]]
            values = values.map(dict(zip(listed["name"], listed[column], strict=True)))
        out[header] = values.fillna("")
    return pd.DataFrame(out)


def kobo_metadata(n: int) -> dict[str, list]:
    return {"start": ["2026-11-02T09:00:00+09:00"] * n, "end": ["2026-11-02T09:07:00+09:00"] * n,
            "_id": list(range(1, n + 1)), "_uuid": [str(uuid.UUID(int=i)) for i in range(n)],
            "_submission_time": ["2026-11-02T00:07:00"] * n,
            "_validation_status": [""] * n, "_notes": [""] * n,
            "_status": ["submitted_via_web"] * n,
            "_submitted_by": [""] * n, "__version__": ["vQ9"] * n, "_tags": [""] * n,
            "_index": list(range(1, n + 1))}


def central_metadata(n: int) -> dict[str, list]:
    keys = [f"uuid:{uuid.UUID(int=i)}" for i in range(n)]
    return {"SubmissionDate": ["2026-11-02T00:07:00.000Z"] * n, "meta-instanceID": keys,
            "KEY": keys, "SubmitterID": [7] * n, "SubmitterName": ["hr-kiosk"] * n,
            "AttachmentsPresent": [0] * n, "AttachmentsExpected": [0] * n,
            "Status": [""] * n, "ReviewState": [""] * n, "DeviceID": [""] * n, "Edits": [0] * n,
            "FormVersion": ["0.1.0"] * n}


@pytest.fixture(scope="module")
def collected():
    """300 leavers as the form collects them: a few answers skipped, each interview
    known to have been held or not."""
    survey = rm.make_leaver_survey(300, random_state=5, missing_rate=0.05)
    known = survey[["sup_interview_held", "hr_interview_held"]].notna().all(axis=1)
    return survey[known].reset_index(drop=True)


def _written(frame: pd.DataFrame, path: Path, sep: str = ",") -> Path:
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False, sep=sep)
    return path


@pytest.mark.parametrize("style", ["kobo_csv", "kobo_xlsx", "kobo_labels_ja",
                                   "kobo_labels_en", "central_csv"])
def test_an_export_scores_with_no_rejects_and_the_records_probabilities(
        tmp_path, form, model, collected, style):
    answers = filled_in(form, collected)
    n = len(answers)
    columns = None
    if style == "kobo_csv":
        export = named_export(form, answers, "/").assign(**kobo_metadata(n))
        path = _written(export, tmp_path / "kobo.csv", sep=";")
    elif style == "kobo_xlsx":
        export = named_export(form, answers, "/").assign(**kobo_metadata(n))
        path = _written(export, tmp_path / "kobo.xlsx")
    elif style.startswith("kobo_labels"):
        lang = style.rsplit("_", 1)[1]
        export = labelled_export(form, answers, lang).assign(**kobo_metadata(n))
        path = _written(export, tmp_path / "kobo_labels.xlsx")
        columns = form.write(tmp_path / "exit_survey.xlsx")[1]
    else:
        export = pd.DataFrame(central_metadata(n)).join(named_export(form, answers, "-"))
        path = _written(export, tmp_path / "central.csv")
    mapping = read_column_map(columns) if columns else None
    summary = score_file(path, tmp_path / "scores.csv", model=model, columns=mapping,
                         progress=False)
    assert (summary.read, summary.scored, summary.rejected) == (n, n, 0)
    scores = pd.read_csv(tmp_path / "scores.csv", dtype={"leaver_id": str})
    expected = model.predict(collected)
    assert scores["leaver_id"].tolist() == collected["leaver_id"].tolist()
    for target in model.targets:
        np.testing.assert_allclose(scores[f"p_{target}"], expected[f"p_{target}"],
                                   rtol=0, atol=1e-12)
    assert scores["missing_fields"].fillna("").tolist() == expected["missing_fields"].tolist()


def test_an_export_trains_a_model_and_updates_one(tmp_path, form, model, collected):
    answers = filled_in(form, collected)
    export = named_export(form, answers, "/").assign(**kobo_metadata(len(answers)))
    path = _written(export, tmp_path / "kobo.csv", sep=";")
    data = read_table(path)
    trained = rm.train(data, OWN)
    assert len(trained.training_rows.hashes) == len(collected)
    updated = rm.update(model, data)
    assert {entry["n"] for entry in updated.lineage["targets"].values()} == {len(collected)}
