from __future__ import annotations

import base64
import html
import logging
import os
import re
import shutil

import numpy as np
import pytest

import rehire_model as rm
from rehire_model import report as report_module
from rehire_model.evaluation import probability_metrics
from rehire_model.model_card import CARD_FILES, model_card_markdown
from rehire_model.model_io import default_model_path
from rehire_model.report import report_html, write_report
from rehire_model.texts import text

CARD_SECTIONS = ("card.details", "card.intended", "card.out", "card.training", "card.metrics",
                 "card.evaluation", "card.analyses", "card.ethics", "card.caveats")
# Three Latin words in a row make an English sentence (or the start of one); two, such as
# "ROC AUC", are a technical abbreviation.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][A-Za-z'’-]+(?:[ ,;:]+[A-Za-z][A-Za-z'’-]+){2,}")
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]+\b")


@pytest.fixture(scope="module")
def cohort():
    data = rm.make_leaver_survey(1500, random_state=31)
    data.loc[:2, "gender"] = "other"  # a group of 3 people: never shown
    return data


@pytest.fixture(scope="module")
def pages(cohort, tmp_path_factory):
    """The report of the default model in each language (with a chosen leaver's reasons)."""
    folder = tmp_path_factory.mktemp("report")
    return {lang: write_report(rm.load_model(), cohort, folder / f"report-{lang}.html",
                               leaver_ids=["L000010"], lang=lang, name="default")
            for lang in ("en", "ja")}


def visible_text(page: str) -> str:
    """What a reader sees: the body's text and every chart's text."""
    charts = [base64.b64decode(data).decode("utf-8")
              for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    chart_text = [t for svg in charts for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]
    body = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page.split("<body>", 1)[1], flags=re.S)
    return html.unescape(" ".join([body, *chart_text]))


# --------------------------------------------------------------------------------------
# Model cards
# --------------------------------------------------------------------------------------


def test_every_model_folder_has_a_model_card_in_each_language(small_model, tmp_path):
    folder = small_model.save(tmp_path / "m")
    for lang, file in CARD_FILES.items():
        card = (folder / file).read_text(encoding="utf-8")
        for key in CARD_SECTIONS:
            assert f"## {text(key, lang)}" in card
        assert text("report.intended_use", lang) in card
        assert text("group.gender", lang) in card and text("group.age_band", lang) in card
    japanese = (folder / "MODEL_CARD.ja.md").read_text(encoding="utf-8")
    assert not ENGLISH_WORDS.search(japanese) and not IDENTIFIER.search(japanese)


def test_committed_default_cards_are_the_ones_the_model_gives():
    for lang, file in CARD_FILES.items():
        committed = (default_model_path() / file).read_text(encoding="utf-8")
        assert committed == model_card_markdown(rm.load_model(), "default", lang)


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def _metric(page, target, metric):
    match = re.search(rf'data-target="{target}" data-metric="{metric}">([0-9.]+)<', page)
    return float(match.group(1))


def test_report_numbers_equal_the_library(pages, cohort):
    scores = rm.load_model().predict(cohort)
    for lang, path in pages.items():
        page = path.read_text(encoding="utf-8")
        for target in ("alumni_engagement", "rehire_intent"):
            expected = probability_metrics((cohort[target] >= 4).astype(int),
                                           scores[f"p_{target}"])
            for metric in ("roc_auc", "average_precision", "brier", "ece"):
                assert _metric(page, target, metric) == pytest.approx(expected[metric],
                                                                      abs=5e-4), lang


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_is_self_contained_with_all_sections(pages, lang):
    page = pages[lang].read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert f'<html lang="{lang}">' in page
    for key in ("report.metrics", "report.fairness", "report.drivers", "report.segments",
                "report.people", "report.card", "report.help", "segment.boomerang_candidate",
                "metric.roc_auc", "action.sup_welcomed_return"):
        assert html.escape(text(key, lang)) in page, key
    assert 'id="policy-simulation"' in page and 'id="coaching"' in page
    assert page.count('src="data:image/svg+xml;base64,') >= 6


def test_the_japanese_page_has_no_english_sentence_and_no_identifier(pages):
    seen = visible_text(pages["ja"].read_text(encoding="utf-8"))
    assert ENGLISH_WORDS.findall(seen) == []
    assert IDENTIFIER.findall(seen) == []
    assert "再入社候補" in seen and "ROC AUC（順位付けの正確さ" in seen


def test_the_english_page_shows_no_identifier(pages):
    assert IDENTIFIER.findall(visible_text(pages["en"].read_text(encoding="utf-8"))) == []


def test_numbers_are_formatted_for_people(pages):
    page = pages["en"].read_text(encoding="utf-8")
    assert "<b id='n-scored'>1,500</b>" in page
    assert re.search(r"<td>\d{1,2}\.\d %</td>", page)  # percentages: 12.3 %
    assert re.search(r"<td>\d{1,2}\.\d%</td>", pages["ja"].read_text(encoding="utf-8"))


def _audit_rows(page: str, attribute: str) -> list[list[str]]:
    table = re.search(rf'data-audit="{re.escape(attribute)}">(.*?)</table>', page, re.S)
    return [re.findall(r"<td[^>]*>(?:<span[^>]*>)?(.*?)(?:</span>)?</td>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1])]


def test_tiny_groups_show_their_count_only(pages):
    page = pages["en"].read_text(encoding="utf-8")
    rows = {row[0]: row for row in _audit_rows(page, "gender")}
    assert set(rows) == {"Female", "Male", "Other"}
    other = rows["Other"]
    assert other[1] == "3" and other[2:6] == ["—"] * 4 and "fewer than 5" in other[6]
    assert all(re.fullmatch(r"\d+\.\d % \(\d\.\d{3}\)", cell) for cell in rows["Female"][2:6])
    assert re.search(r'data-suppressed="gender">1<', page)


def test_audit_numbers_in_the_page_are_the_library_audit(pages, cohort):
    page = pages["ja"].read_text(encoding="utf-8")
    expected = rm.audit(rm.load_model(), cohort, by=("gender", "age_band")).table
    for attribute in ("age_band", "gender x age_band"):
        rows = _audit_rows(page, attribute)
        table = expected[(expected["attribute"] == attribute)
                         & (expected["target"] == "alumni_engagement")]
        assert [int(row[1].replace(",", "")) for row in rows] == table["n"].tolist()
        shown = [float(re.search(r"（([0-9.]+)）", row[2]).group(1)) for row in rows
                 if row[2] != "—"]
        assert shown == pytest.approx(table["impact_ratio_selection"].dropna().tolist(),
                                      abs=5e-4)
    counts = {row[0]: int(row[1]) for row in _audit_rows(page, "age_band")}
    bands = rm.fairness.age_band(cohort["age"]).value_counts()
    assert counts == {text(f"group.{band}", "ja"): int(n) for band, n in bands.items()}
    lowest = expected.query("target == 'alumni_engagement' and attribute == 'age_band'")
    assert float(re.search(r'data-ratio="alumni_engagement:age_band">([0-9.]+)<',
                           page).group(1)) == pytest.approx(
        lowest["impact_ratio_selection"].min(), abs=5e-4)


def test_flagged_gaps_are_explained_with_levers_apart_from_facts(pages):
    for lang in ("en", "ja"):
        page = pages[lang].read_text(encoding="utf-8")
        gaps = re.search(r'<ul data-gaps="age_band">(.*?)</ul>', page, re.S).group(1)
        sentences = re.findall(r"<li>(.*?)</li>", gaps)
        assert sentences
        assert html.escape(text("audit.levers", lang, reasons="")) in gaps or html.escape(
            text("audit.facts", lang, reasons="")) in gaps


def test_the_audit_takes_any_column_and_can_leave_out_intersections(cohort):
    data = cohort.assign(region=np.where(np.arange(len(cohort)) % 3 == 0, "north", "south"))
    page = report_html(rm.load_model(), data, lang="ja", audit_by=("region", "gender"),
                       intersections=False)
    assert 'data-audit="region"' in page and 'data-audit="gender"' in page
    assert "data-audit=\"region x gender\"" not in page and 'data-audit="age_band"' not in page
    assert "<h3>地域</h3>" in page
    with pytest.raises(rm.SchemaError, match="no column 'race_ethnicity'"):
        report_html(rm.load_model(), cohort, audit_by=("race_ethnicity",))


def test_without_outcomes_the_report_describes_the_cohort(cohort):
    page = report_html(rm.load_model(), cohort.drop(columns=["alumni_engagement",
                                                             "rehire_intent"]), lang="ja")
    assert "結果（アルムナイ意識・再入社意向）の列がない" in page and 'id="metrics"' not in page
    assert "グループ別の公平性" in page and 'data-ratio="rehire_intent:age_band"' in page


def test_bad_rows_are_counted_not_hidden(cohort):
    bad = cohort.head(200).copy()
    bad.loc[5, "industry"] = "banking"
    page = report_html(rm.load_model(), bad)
    assert "<b id='n-scored'>199</b>" in page and "<b id='n-rejected'>1</b>" in page


def test_bad_language():
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        report_html(rm.load_model(), rm.make_leaver_survey(10), lang="fr")


def test_report_of_a_one_target_model(one_target_model, cohort):
    page = report_html(one_target_model, cohort.drop(columns="alumni_engagement"))
    assert 'data-target="rehire_intent"' in page
    assert 'data-target="alumni_engagement"' not in page
    assert 'id="segments"' not in page and "boomerang" not in page.lower()
    assert "One calibrated classifier" in page and "95 % interval" in page


def test_chart_text_names_japanese_fonts_and_says_when_none_is_installed(monkeypatch, caplog):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    report_module._installed_cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="rehire_model.report"), \
                report_module._chart_context("ja"):
            chart = report_module._bar_chart(["歓迎の意思表示"], [0.5], "再入社意向", "x", "効果")
    finally:
        report_module._installed_cjk_font.cache_clear()
    assert "no font with Japanese glyphs is installed" in caplog.text
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", chart).group(1)).decode("utf-8")
    assert "歓迎の意思表示" in svg  # text stays text, for the reader's browser to draw
    assert "Noto Sans CJK JP" in svg and "Yu Gothic" in svg and "Hiragino Sans" in svg


# --------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("REHIRE_MODEL_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium is required (REHIRE_MODEL_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("Chromium is not installed; .ci/run installs Debian's chromium and requires "
                "this test")


def _open(browser, path):
    """A 1,280-pixel page showing ``path``, and the list its errors are collected in."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


def test_report_renders_in_headless_chromium(pages, cohort, tmp_path):
    from playwright.sync_api import sync_playwright

    scores = rm.load_model().predict(cohort)
    expected = probability_metrics((cohort["rehire_intent"] >= 4).astype(int),
                                   scores["p_rehire_intent"])
    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(),
                                             args=["--no-sandbox"])
        for lang, path in pages.items():
            page, errors = _open(browser, path)
            page.wait_for_load_state("load")
            seen[lang] = {
                "errors": errors,
                "images": page.evaluate(
                    "Array.from(document.images).map(i => [i.complete, i.naturalWidth, "
                    "i.getBoundingClientRect().width, i.getBoundingClientRect().height])"),
                "width": page.evaluate("document.documentElement.scrollWidth"),
                "text": page.inner_text("body"),
                "auc": page.inner_text('[data-target="rehire_intent"][data-metric="roc_auc"]'),
                "ratio": page.inner_text('[data-ratio="rehire_intent:gender"]'),
            }
            page.screenshot(path=str(tmp_path / f"report-{lang}.png"), full_page=True)
            page.emulate_media(media="print")
            page.pdf(path=str(tmp_path / f"report-{lang}.pdf"), format="A4")
        browser.close()
    for lang, shown in seen.items():
        assert shown["errors"] == [], lang
        assert len(shown["images"]) >= 6
        assert all(done and natural > 0 and width > 0 and height > 0
                   for done, natural, width, height in shown["images"])
        assert shown["width"] <= 1280, f"{lang} page scrolls sideways: {shown['width']} px"
        assert float(shown["auc"]) == pytest.approx(expected["roc_auc"], abs=5e-4)
        assert 0 < float(shown["ratio"]) <= 1
        assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000
        pdf = (tmp_path / f"report-{lang}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
        assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)  # A4
    assert ENGLISH_WORDS.findall(seen["ja"]["text"]) == []
    assert IDENTIFIER.findall(seen["ja"]["text"]) == []
