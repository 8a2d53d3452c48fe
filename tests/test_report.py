from __future__ import annotations

import base64
import html
import logging
import re

import numpy as np
import pytest

import rehire_model as rm
from rehire_model import report as report_module
from rehire_model.evaluation import probability_metrics
from rehire_model.fairness import wilson_interval
from rehire_model.fairness_audit import audited_records
from rehire_model.labels import INTERSECTION
from rehire_model.model_card import format_percent
from rehire_model.report import report_html, write_report
from rehire_model.texts import text

from .conftest import OWN

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
    interval = r"\d\.\d{2}\u2060–\u2060\d\.\d{2}"  # an interval is kept on one line
    assert all(re.fullmatch(rf"\d+\.\d % \(\d\.\d{{3}}; {interval}\)", cell)
               for cell in rows["Female"][2:6])
    assert re.search(r'data-suppressed="gender">1<', page)


def test_audit_numbers_in_the_page_are_the_library_audit(pages, cohort):
    page = pages["ja"].read_text(encoding="utf-8")
    expected = rm.audit(rm.load_model(), cohort, by=("gender", "age_band")).table
    for attribute in ("age_band", "gender x age_band"):
        rows = _audit_rows(page, attribute)
        table = expected[(expected["attribute"] == attribute)
                         & (expected["target"] == "alumni_engagement")]
        if INTERSECTION in attribute:  # a pair's groups under 5 are summed up in a line
            small = table[table["suppressed"]]
            assert len(small) and text("report.count_only_line", "ja", groups=len(small),
                                       minimum=5, people=int(small["n"].sum())) in page
            table = table[~table["suppressed"]]
        assert [int(row[1].replace(",", "")) for row in rows] == table["n"].tolist()
        shown = [re.search(r"（([0-9.]+)、([0-9.]+)\u2060–\u2060([0-9.]+)）", row[2]).groups()
                 for row in rows if row[2] != "—"]
        figures = table.dropna(subset=["impact_ratio_selection"])
        assert [float(r) for r, _, _ in shown] == pytest.approx(
            figures["impact_ratio_selection"].tolist(), abs=5e-4)
        assert [float(low) for _, low, _ in shown] == pytest.approx(
            figures["impact_ratio_selection_low"].tolist(), abs=5e-3)
    counts = {row[0]: int(row[1]) for row in _audit_rows(page, "age_band")}
    bands = rm.fairness.age_band(cohort["age"]).value_counts()
    assert counts == {text(f"group.{band}", "ja"): int(n) for band, n in bands.items()}
    within = rm.audit(rm.load_model(), cohort, by=("gender", "age_band")).findings(
        "not_distinguishable")
    for attribute in ("gender", "age_band"):
        count = int((within["attribute"] == attribute).sum())
        assert f'data-within="{attribute}"><b>' not in page
        assert re.search(rf'data-within="{attribute}">{count}件<', page)


def test_only_adverse_impact_is_red_and_what_chance_could_make_is_grey(pages, cohort):
    page = pages["en"].read_text(encoding="utf-8")
    audited = rm.audit(rm.load_model(), cohort, by=("gender", "age_band"))
    for attribute in ("gender", "age_band"):
        table = re.search(rf'data-audit="{attribute}">(.*?)</table>', page, re.S).group(1)
        rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
        styles = [[(re.match(r'<span class="(\w+)">', cell) or [None, ""])[1]
                   for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)[2:6]] for row in rows]
        for t, target in enumerate(("alumni_engagement", "rehire_intent")):
            shown = audited.table[(audited.table["attribute"] == attribute)
                                  & (audited.table["target"] == target)]
            for k, kind in enumerate(("selection", "scoring")):
                expected = [{"adverse_impact": "flag", "not_distinguishable": "quiet"}.get(f, "")
                            for f in shown[f"finding_{kind}"]]
                assert [row[2 * t + k] for row in styles] == expected, (attribute, kind)
    found = audited.findings("adverse_impact")
    within = audited.findings("not_distinguishable")
    assert len(found) and len(within)  # the cohort has both (age: a real effect of the survey)
    sentences = re.search(r'<ul class="quiet" data-within-chance="age_band">(.*?)</ul>',
                          page, re.S).group(1)
    first = within[within["attribute"] == "age_band"].iloc[0]
    assert (f"could be chance at this size (adjusted p {first.p_adjusted:.3f}); about "
            f"{int(first.leavers_needed):,} leavers per group would tell") in sentences


def test_a_random_column_gives_no_red_and_no_drivers(cohort):
    data = cohort.assign(team=np.random.default_rng(3).choice(["a", "b", "c"], len(cohort)))
    page = report_html(rm.load_model(), data, audit_by=("team",))
    assert "data-gaps=" not in page and '<span class="flag">' not in page.split(
        'data-audit="team"')[1].split("</table>")[0]
    assert re.search(r'data-findings="team">none found<', page)


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
    assert "グループ別の公平性" in page and 'data-findings="age_band"' in page


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


def _open(browser, path):
    """A 1,280-pixel page showing ``path``, and the list its errors are collected in."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    return page, errors


def test_report_renders_in_headless_chromium(pages, cohort, tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    scores = rm.load_model().predict(cohort)
    expected = probability_metrics((cohort["rehire_intent"] >= 4).astype(int),
                                   scores["p_rehire_intent"])
    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
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
                "findings": page.inner_text('[data-findings="gender"]'),
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
        assert shown["findings"].strip()
        assert (tmp_path / f"report-{lang}.png").stat().st_size > 10_000
        pdf = (tmp_path / f"report-{lang}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
        assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)  # A4
    assert ENGLISH_WORDS.findall(seen["ja"]["text"]) == []
    assert IDENTIFIER.findall(seen["ja"]["text"]) == []


# --------------------------------------------------------------------------------------
# Honest figures: a model's own training rows are never measured in-sample
# --------------------------------------------------------------------------------------

#: A fast training procedure for a company's own (small) survey.
TARGETS = ("alumni_engagement", "rehire_intent")


@pytest.fixture(scope="module")
def monitoring(own_model, own_data):
    from rehire_model.monitoring import monitor

    second = rm.make_leaver_survey(60, random_state=43)
    second.loc[:9, "job_level"] = "executive"  # a value the model never learned
    waves = {"2025Q1": rm.make_leaver_survey(250, random_state=42), "2025Q2": second}
    return monitor(own_model, waves, reference=own_data)


@pytest.fixture(scope="module")
def own_pages(own_model, own_data, monitoring):
    """The report of the company's model on its own training data, with monitoring."""
    return {lang: report_html(own_model, own_data, lang=lang, name="ours",
                              monitoring=monitoring) for lang in ("en", "ja")}


@pytest.fixture(scope="module")
def split_model():
    """A model measured on a held-out split: its fit rows have no out-of-sample
    probability."""
    data = rm.make_leaver_survey(700, random_state=44)
    return data, rm.train(data, {**OWN, "data": {"cv_repeats": 1, "small_sample_rows": 500}})


def _matrix(model, data):
    """The model matrix of the records, as the report scores them."""
    return model.scoring.valid(audited_records(model, data)[0]).matrix


def _outcome(data, target):
    return (data[target] >= 4).astype(int).to_numpy()


def _rows(page, target, key):
    match = re.search(rf'data-rows="[^"]*{target}[^"]*:{key}">([0-9,]+)<', page)
    return int(match.group(1).replace(",", ""))


def _metrics_table(page):
    return re.search(r'<table id="metrics">.*?</table>', page, re.S).group(0)


def test_on_its_training_data_the_report_shows_cross_validated_figures(own_pages, own_model,
                                                                       own_data):
    found, out_of_fold = own_model.training_rows.honest(_matrix(own_model, own_data))
    assert found.all()
    in_sample = own_model.predict(own_data)
    page = own_pages["en"]
    table = _metrics_table(page)
    for target in TARGETS:
        y = _outcome(own_data, target)
        honest = probability_metrics(y, out_of_fold[target])
        optimistic = probability_metrics(y, in_sample[f"p_{target}"])
        assert optimistic["roc_auc"] > honest["roc_auc"] + 0.02
        assert _metric(page, target, "roc_auc") == pytest.approx(honest["roc_auc"], abs=5e-4)
        assert _metric(page, target, "brier") == pytest.approx(honest["brier"], abs=5e-4)
        assert f">{optimistic['roc_auc']:.3f}" not in table
        assert (_rows(page, target, "training"), _rows(page, target, "cross_validated"),
                _rows(page, target, "left_out"), _rows(page, target, "fresh")) == (600, 600, 0, 0)
        # The model card's cross-validated figure stands beside, with its interval.
        card = own_model.metrics[target]
        low, high = card["interval"]["roc_auc"]
        shown = re.search(rf'data-card-target="{target}" data-metric="roc_auc">([^<]+)<',
                          page).group(1)
        assert shown == f"{card['test']['roc_auc']:.3f} ({max(low, 0):.3f} to {min(high, 1):.3f})"
    assert html.escape(text("table.card_cv", "en")) in table


def test_on_fresh_data_nothing_is_left_out(own_model):
    fresh = rm.make_leaver_survey(300, random_state=45)
    page = report_html(own_model, fresh)
    assert text("report.rows_fresh", "en") in page
    scores = own_model.predict(fresh)
    for target in TARGETS:
        expected = probability_metrics(_outcome(fresh, target), scores[f"p_{target}"])
        assert _metric(page, target, "roc_auc") == pytest.approx(expected["roc_auc"], abs=5e-4)
    assert re.search(r"<td>300</td><td>\d+\.\d %</td></tr><tr data-card", page)


def test_a_model_measured_on_a_split_leaves_its_fit_rows_out(split_model):
    data, model = split_model
    page = report_html(model, data)
    assert (model.training_data["n_fit"], model.training_data["n_test"]) == (560, 140)
    for target in TARGETS:
        assert (_rows(page, target, "training"), _rows(page, target, "answered"),
                _rows(page, target, "cross_validated"), _rows(page, target, "left_out"),
                _rows(page, target, "fresh")) == (560, 700, 0, 560, 140)
        # What is left is the held-out split: the model card's own figures, exactly.
        held_out = model.metrics[target]["test"]
        for metric in ("roc_auc", "brier"):
            assert _metric(page, target, metric) == pytest.approx(held_out[metric], abs=5e-4)
    assert html.escape(text("table.card_split", "en")) in page


def test_on_its_fit_rows_only_the_report_shows_the_model_cards_figures(split_model):
    data, model = split_model
    found, _ = model.training_rows.honest(_matrix(model, data))
    page = report_html(model, data[found], lang="ja")
    assert text("report.rows_all_training", "ja", outcome="", training="560")[1:] in page
    assert 'data-target="' not in page and 'data-chart="reliability-' not in page
    for target in TARGETS:
        shown = re.search(rf'data-card-target="{target}" data-metric="roc_auc">([0-9.]+)<',
                          page).group(1)
        assert shown == f"{model.metrics[target]['test']['roc_auc']:.3f}"
    seen = visible_text(page)
    assert ENGLISH_WORDS.findall(seen) == [] and IDENTIFIER.findall(seen) == []


def test_a_model_folder_without_its_training_rows_says_the_figures_may_be_in_sample(pages):
    for lang, path in pages.items():
        page = path.read_text(encoding="utf-8")
        if rm.load_model().training_rows is None:
            assert text("report.rows_unknown", lang) in page
        else:
            assert text("report.rows_fresh", lang) in page


# --------------------------------------------------------------------------------------
# Reliability: how many people each point stands for, and how sure it is
# --------------------------------------------------------------------------------------


def test_reliability_points_have_counts_and_wilson_intervals():
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(0.0, 0.2, 500), rng.uniform(0.8, 0.9, 6)])
    y = (rng.uniform(size=len(p)) < p).astype(int)
    table = report_module.reliability_bins(y, p)
    assert table["n"].sum() == len(p) and table["bin"].tolist() == [0, 1, 8]
    low, high = proportion_confint(table["events"], table["n"], method="wilson")
    assert table["low"].to_numpy() == pytest.approx(np.asarray(low), abs=1e-12)
    assert table["high"].to_numpy() == pytest.approx(np.asarray(high), abs=1e-12)
    width = (table["high"] - table["low"]).to_numpy()
    assert width[-1] > 0.35 and width[-1] > 3 * width[:-1].max()  # six people: uncertain
    assert np.isnan(wilson_interval(0, 0)[0])


def _chart_svg(page, name):
    data = re.search(rf'data-chart="{name}" alt="[^"]*" src="data:image/svg\+xml;base64,'
                     r'([^"]+)"', page).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_the_reliability_chart_shows_each_points_count_and_interval(own_pages, own_model,
                                                                    own_data):
    _, out_of_fold = own_model.training_rows.honest(_matrix(own_model, own_data))
    y = _outcome(own_data, "rehire_intent")
    table = report_module.reliability_bins(y, out_of_fold["rehire_intent"])
    svg = _chart_svg(own_pages["ja"], "reliability-rehire_intent")
    labels = re.findall(r"<text[^>]*>\s*([^<]*?)\s*</text>", svg, re.S)
    assert sorted(int(t) for t in labels if t.isdigit()) == sorted(table["n"].tolist())
    assert svg.count('id="LineCollection') >= 1 or "stroke-linecap" in svg  # error bars
    assert html.escape(text("report.reliability_note", "ja")) in own_pages["ja"]


# --------------------------------------------------------------------------------------
# Monitoring by wave
# --------------------------------------------------------------------------------------


def _table_rows(page, table_id):
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S).group(1)
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)) for c in
             re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])]


def test_the_monitoring_section_shows_each_wave_against_its_outcomes(own_pages, monitoring):
    calibration = monitoring.calibration.set_index(["wave", "target"])
    verdicts = monitoring.verdict.set_index(["wave", "target"])["verdict"]
    for lang, page in own_pages.items():
        assert text("report.monitoring", lang) in page
        rows = _table_rows(page, "monitoring")
        assert len(rows) == len(monitoring.verdict)
        for row in rows:
            target = next(t for t in TARGETS if text(f"field.{t}", lang) == row[1])
            c = calibration.loc[(row[0], target)]
            assert row[3] == f"{int(c['n']):,}"
            assert row[5].startswith(format_percent(c["observed_rate"], lang))
            assert row[-1] == text(f"monitor.verdict.{verdicts[(row[0], target)]}", lang)
        svg = _chart_svg(page, "waves-rehire_intent")
        assert "2025Q1" in svg and "2025Q2" in svg
        drift = _table_rows(page, "drift")
        assert [r[0] for r in drift if r[3] == "executive"] == ["2025Q2"]
    assert "再学習が必要" in own_pages["ja"] and verdicts[("2025Q2", "rehire_intent")] == "retrain"


def test_without_monitoring_there_is_no_monitoring_section(pages):
    page = pages["en"].read_text(encoding="utf-8")
    assert text("report.monitoring", "en") not in page and 'id="monitoring"' not in page


def test_the_japanese_report_of_a_companys_model_has_no_english(own_pages):
    seen = visible_text(own_pages["ja"])
    assert ENGLISH_WORDS.findall(seen) == []
    assert IDENTIFIER.findall(seen) == []
    assert "交差検証の予測" in seen and "回ごとの予測と実績" in seen


def test_honest_figures_and_monitoring_render_in_headless_chromium(own_pages, tmp_path,
                                                                   chromium):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "ours-ja.html"
    path.write_text(own_pages["ja"], encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox"])
        page, errors = _open(browser, path)
        page.wait_for_load_state("load")
        seen = {
            "note": page.inner_text("[data-rows-note]"),
            "width": page.evaluate("document.documentElement.scrollWidth"),
            "tables": page.evaluate(
                "['metrics', 'monitoring', 'drift'].map(id => { const t = "
                "document.getElementById(id); return [t.scrollWidth, "
                "t.parentElement.clientWidth]; })"),
            "images": page.evaluate("Array.from(document.images).map(i => i.naturalWidth)"),
            "text": page.inner_text("body"),
        }
        page.screenshot(path=str(tmp_path / "ours-ja.png"), full_page=True)
        browser.close()
    assert errors == []
    assert "交差検証の予測" in seen["note"] and "600" in seen["note"]
    assert seen["width"] <= 1280
    assert all(width <= box for width, box in seen["tables"]), seen["tables"]  # no scrolling
    assert len(seen["images"]) >= 7 and all(w > 0 for w in seen["images"])
    assert ENGLISH_WORDS.findall(seen["text"]) == [] and IDENTIFIER.findall(seen["text"]) == []
    assert (tmp_path / "ours-ja.png").stat().st_size > 10_000
