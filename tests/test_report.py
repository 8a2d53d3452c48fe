from __future__ import annotations

import os
import re
import shutil

import numpy as np
import pytest

import rehire_model as rm
from rehire_model.evaluation import probability_metrics
from rehire_model.model_io import default_model_path
from rehire_model.report import model_card_markdown, report_html, write_report

CARD_SECTIONS = ("Model details", "Intended use", "Out-of-scope uses", "Training data",
                 "Metrics", "Evaluation data", "Quantitative analyses",
                 "Ethical considerations", "Caveats")


@pytest.fixture(scope="module")
def cohort():
    data = rm.make_leaver_survey(1500, random_state=31)
    data.loc[:2, "gender"] = "other"  # a group of 3 people: never shown
    return data


@pytest.fixture(scope="module")
def report(cohort, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(rm.load_model(), cohort, path, leaver_ids=["L000010"])
    return path


def test_every_model_folder_has_a_model_card(small_model, tmp_path):
    folder = small_model.save(tmp_path / "m")
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    for section in CARD_SECTIONS:
        assert f"## {section}" in card
    assert "never the sole basis for a decision about a person" in card
    assert "by gender" in card and "by age band" in card


def test_committed_default_card_is_the_one_the_model_gives():
    committed = (default_model_path() / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert committed == model_card_markdown(rm.load_model(), "default")


def _metric(html_text, target, metric):
    match = re.search(rf'data-target="{target}" data-metric="{metric}">([0-9.]+)<', html_text)
    return float(match.group(1))


def test_report_numbers_equal_the_library(report, cohort):
    text = report.read_text(encoding="utf-8")
    scores = rm.load_model().predict(cohort)
    for target in ("alumni_engagement", "rehire_intent"):
        expected = probability_metrics((cohort[target] >= 4).astype(int),
                                       scores[f"p_{target}"])
        for metric in ("roc_auc", "average_precision", "brier", "ece"):
            assert _metric(text, target, metric) == pytest.approx(expected[metric], abs=5e-4)


def test_report_is_self_contained_with_all_sections(report):
    text = report.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    for heading in ("Held-out metrics", "Fairness by group", "Global drivers", "Segment mix",
                    "Reasons for selected leavers", "Model card", "What would help most",
                    'id="policy-simulation"', 'id="coaching"'):
        assert heading in text
    assert text.count('src="data:image/svg+xml;base64,') >= 6


def test_tiny_groups_are_never_shown(report):
    text = report.read_text(encoding="utf-8")
    table = re.search(r'data-fairness="rehire_intent:gender">(.*?)</table>', text, re.S)
    assert ">female<" in table.group(1) and ">other<" not in table.group(1)
    assert re.search(r'data-suppressed="rehire_intent:gender">1<', text)


def test_without_outcomes_the_report_describes_the_cohort(cohort):
    text = report_html(rm.load_model(), cohort.drop(columns=["alumni_engagement",
                                                             "rehire_intent"]), lang="ja")
    assert "結果の列がない" in text and 'id="metrics"' not in text
    assert "グループ別の公平性" in text and 'data-fairness="rehire_intent:age_band"' in text


def test_bad_rows_are_counted_not_hidden(cohort):
    bad = cohort.head(200).copy()
    bad.loc[5, "industry"] = "banking"
    text = report_html(rm.load_model(), bad)
    assert "<b id='n-scored'>199</b>" in text and "<b id='n-rejected'>1</b>" in text


def test_bad_language():
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        report_html(rm.load_model(), rm.make_leaver_survey(10), lang="fr")


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


def test_report_renders_in_headless_chromium(report, cohort, tmp_path):
    from playwright.sync_api import sync_playwright

    scores = rm.load_model().predict(cohort)
    expected = probability_metrics((cohort["rehire_intent"] >= 4).astype(int),
                                   scores["p_rehire_intent"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(),
                                             args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, "
            "i.getBoundingClientRect().width, i.getBoundingClientRect().height])")
        shown_auc = page.inner_text('[data-target="rehire_intent"][data-metric="roc_auc"]')
        shown_ratio = page.inner_text('[data-ratio="rehire_intent:gender"]')
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert errors == []
    assert len(images) >= 6
    assert all(done and natural > 0 and width > 0 and height > 0
               for done, natural, width, height in images)
    assert float(shown_auc) == pytest.approx(expected["roc_auc"], abs=5e-4)
    assert 0 < float(shown_ratio) <= 1
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_fairness_numbers_in_the_page_are_the_groups_of_the_data(report, cohort):
    text = report.read_text(encoding="utf-8")
    table = re.search(r'data-fairness="alumni_engagement:age_band">(.*?)</table>', text, re.S)
    counts = dict(re.findall(r"<td>(\d0s)</td><td>(\d+)</td>", table.group(1)))
    bands = rm.fairness.age_band(cohort["age"]).value_counts()
    assert {k: int(v) for k, v in counts.items()} == {k: int(bands[k]) for k in counts}
    assert np.isfinite(float(re.search(r'data-ratio="alumni_engagement:age_band">([0-9.]+)<',
                                       text).group(1)))


def test_report_of_a_one_target_model(one_target_model, cohort):
    page = report_html(one_target_model, cohort.drop(columns="alumni_engagement"))
    assert 'data-target="rehire_intent"' in page
    assert 'data-target="alumni_engagement"' not in page
    assert 'id="segments"' not in page and "boomerang" not in page
    assert "One calibrated classifier" in page and "95 % interval" in page
