"""The model card (``rehire_model.model_card``): its sections in English and Japanese,
its numbers, its results by group, and what it says of a model's data and lineage."""

from __future__ import annotations

import copy
import dataclasses
import math
import re

import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.evaluation import METRICS
from rehire_model.fairness import MIN_GROUP_SIZE, summary_table
from rehire_model.labels import group_value_label
from rehire_model.model_card import (
    CARD_FILES,
    display_name,
    format_bound,
    format_count,
    format_number,
    format_percent,
    format_ratio_bound,
    model_card_markdown,
    model_card_sections,
    write_model_cards,
)
from rehire_model.model_io import default_model_path
from rehire_model.texts import text

CARD_SECTIONS = ("card.details", "card.intended", "card.out", "card.training", "card.metrics",
                 "card.evaluation", "card.analyses", "card.ethics", "card.caveats")
# Three Latin words in a row make an English sentence (or the start of one); two, such as
# "ROC AUC", are a technical abbreviation.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][A-Za-z'’-]+(?:[ ,;:]+[A-Za-z][A-Za-z'’-]+){2,}")
IDENTIFIER = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]+\b")
LANGS = ("en", "ja")

#: A fast training procedure for a company's own (small) survey.
@pytest.fixture(scope="module")
def default_model():
    return rm.load_model()


@pytest.fixture(scope="module")
def updated_model():
    """The default model updated with 300 labelled leavers (calibration-in-the-large)."""
    return rm.update(rm.load_model(), rm.make_leaver_survey(300, random_state=3),
                     method="intercept")


def _variant(model, *, protected=None, include_protected=None, fairness=True, lineage=None):
    """The model with its data described otherwise (a shallow copy)."""
    other = copy.copy(model)
    other.training_data = copy.deepcopy(model.training_data)
    other.metrics = copy.deepcopy(model.metrics)
    if protected is not None:
        other.training_data["protected_columns"] = protected
    if include_protected is not None:
        other.config = dataclasses.replace(model.config, include_protected=include_protected)
    if not fairness:
        for result in other.metrics.values():
            result.pop("fairness", None)
    other.lineage = lineage
    return other


def _table(block: str) -> list[list[str]]:
    """A Markdown table as rows of cells, its header first (the rule left out)."""
    lines = block.splitlines()
    return [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for k, line in enumerate(lines) if k != 1]


def _sections(card: str) -> dict[str, list[str | list[list[str]]]]:
    """The card's sections by heading: paragraphs, and tables as rows of cells."""
    return {heading: [_table(b) if b.startswith("| ") else b for b in blocks]
            for heading, *blocks in (part.strip("\n").split("\n\n")
                                     for part in card.split("\n## ")[1:])}


def _percent(value: float, lang: str) -> str:
    return f"{100 * value:.1f}" + ("%" if lang == "ja" else " %")


# --------------------------------------------------------------------------------------
# Every model folder has its cards (moved from test_report.py)
# --------------------------------------------------------------------------------------


def test_every_model_folder_has_a_model_card_in_each_language(small_model, tmp_path):
    folder = rm.save_model(small_model, tmp_path / "m")
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
# Numbers as people read them
# --------------------------------------------------------------------------------------


def test_metrics_have_three_decimals_and_undefined_reads_n_a():
    assert format_number(0.12345) == "0.123"
    assert format_number(1) == "1.000"
    assert format_number("0.5") == "0.500"
    assert format_number(float("nan")) == "n/a"
    assert format_number(None) == "None" and format_number("abc") == "abc"  # shown as is


def test_counts_have_thousands_separators():
    assert [format_count(n) for n in (0, 999, 1234, 50_000, 1_234_567.0)] == [
        "0", "999", "1,234", "50,000", "1,234,567"]


def test_percentages_have_one_decimal_and_the_languages_sign():
    assert format_percent(0.12345, "en") == "12.3 %"
    assert format_percent(0.12345, "ja") == "12.3%"
    assert format_percent(1, "en") == "100.0 %" and format_percent(0, "ja") == "0.0%"
    assert format_percent(float("nan"), "en") == "n/a" == format_percent(float("nan"), "ja")


def test_a_metrics_interval_bound_stays_within_zero_and_one():
    assert format_bound(0.4567) == "0.457"
    assert format_bound(-0.02) == "0.000" and format_bound(1.3) == "1.000"
    assert format_bound(float("nan")) == "n/a"
    assert format_bound(None) == "None" and format_bound("abc") == "abc"


def test_an_impact_ratios_interval_bound_has_two_decimals_and_may_pass_one():
    assert format_ratio_bound(0.8649) == "0.86"
    assert format_ratio_bound(1.0902) == "1.09" and format_ratio_bound(2.14) == "2.14"
    assert format_ratio_bound(float("nan")) == "n/a"


def test_the_default_folder_reads_as_the_default_model():
    assert display_name("default", "en") == "default model"
    assert display_name("default", "ja") == "標準モデル"
    assert display_name("ours", "en") == "ours" == display_name("ours", "ja")


# --------------------------------------------------------------------------------------
# Sections, in both languages
# --------------------------------------------------------------------------------------


def _no_group_variants(model):
    old = _variant(model, fairness=False)
    for key in ("protected_columns", "synthetic_oracle", "source"):
        old.training_data.pop(key, None)
    return {"no_groups_with": _variant(model, fairness=False),
            "no_protected": _variant(model, protected=[], fairness=False),
            "old_folder": old}


def _shape(section):
    return [("text", None) if isinstance(b, str) else ("table", b.shape)
            for b in section.blocks]


def test_both_languages_have_the_same_sections_in_the_same_order(default_model, updated_model,
                                                                 own_model):
    models = {"default": default_model, "updated": updated_model, "own": own_model,
              **_no_group_variants(default_model)}
    for name, model in models.items():
        keys = list(CARD_SECTIONS)
        if model.lineage:
            keys.insert(keys.index("card.analyses"), "card.updates")
        by_lang = {lang: model_card_sections(model, name, lang) for lang in LANGS}
        for lang, sections in by_lang.items():
            assert [s.heading for s in sections] == [text(k, lang) for k in keys], (name, lang)
            card = model_card_markdown(model, name, lang)
            assert re.findall(r"^## (.*)$", card, re.M) == [text(k, lang) for k in keys]
            assert card.splitlines()[0] == (
                f"# {text('card.title', lang, name=display_name(name, lang))}")
        assert [_shape(s) for s in by_lang["en"]] == [_shape(s) for s in by_lang["ja"]], name


def test_the_japanese_cards_have_no_english_sentence_and_no_identifier(default_model,
                                                                       updated_model):
    models = {"default": default_model, "updated": updated_model,
              "tiny": _with_tiny_and_uncertain_groups(default_model),
              "lineage": _variant(default_model, lineage=_named_lineage()),
              **_no_group_variants(default_model)}
    for name, model in models.items():
        japanese = model_card_markdown(model, "ours", "ja")
        assert ENGLISH_WORDS.findall(japanese) == [], name
        assert IDENTIFIER.findall(japanese) == [], name
        assert IDENTIFIER.findall(model_card_markdown(model, "ours", "en")) == [], name


def test_a_card_in_another_language_is_refused(default_model):
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        model_card_sections(default_model, "default", "fr")
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        model_card_markdown(default_model, "ours", "fr")


def test_write_model_cards_writes_each_languages_card(default_model, tmp_path):
    folder = tmp_path / "default"
    folder.mkdir()
    paths = write_model_cards(default_model, folder)
    assert paths == [folder / CARD_FILES["en"], folder / CARD_FILES["ja"]]
    for lang, path in zip(LANGS, paths, strict=True):
        assert path.read_text(encoding="utf-8") == model_card_markdown(default_model,
                                                                      "default", lang)
    assert paths[0].read_text(encoding="utf-8").startswith("# Model card: default model\n")
    assert paths[1].read_text(encoding="utf-8").startswith("# モデルカード：標準モデル\n")
    named = write_model_cards(default_model, folder, name="ours")
    assert named[0].read_text(encoding="utf-8").startswith("# Model card: ours\n")
    assert named[1].read_text(encoding="utf-8").startswith("# モデルカード：ours\n")


# --------------------------------------------------------------------------------------
# Details, data and metrics
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_default_cards_details_training_data_and_metrics(default_model, lang):
    sections = _sections(model_card_markdown(default_model, "default", lang))
    details = sections[text("card.details", lang)][0]
    assert details.startswith(text("card.count_2", lang))
    for target, threshold in default_model.thresholds.items():
        assert f"{text(f'target.{target}', lang)} {_percent(threshold, lang)}" in details
    data = default_model.training_data
    training = sections[text("card.training", lang)]
    assert training[0].startswith(text("card.source_synthetic", lang))
    for count in (data["n_rows"], data["n_fit"], data["n_test"]):
        assert f"{count:,}" in training[0]
    assert data["fingerprint_sha256"][:16] + "…" in training[0]
    for target, rate in data["positive_rate"].items():
        assert f"{text(f'target.{target}', lang)} {_percent(rate, lang)}" in training[0]
    assert training[1] == text("card.protected_audit", lang, columns=text(
        "coach.separator", lang).join(text(f"field.{c}", lang) for c in data["protected_columns"]))
    metrics = sections[text("card.metrics", lang)]
    assert metrics[0] == text("card.metrics_split", lang)
    table = metrics[1]
    assert table[0] == [text("table.outcome", lang), text("table.scorer", lang),
                        *(text(f"metric.{m}", lang) for m in METRICS)]
    expected = [[text(f"field.{target}", lang), text(scorer, lang),
                 *(f"{default_model.metrics[target][key][m]:.3f}" for m in METRICS)]
                for target in default_model.targets
                for key, scorer in (("test", "table.model"), ("oracle_test", "table.oracle"))]
    assert table[1:] == expected
    assert sections[text("card.evaluation", lang)] == [
        text("card.evaluation_split", lang, test=f"{data['n_test']:,}")]
    assert sections[text("card.caveats", lang)] == [text("card.caveats_text", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_a_cross_validated_models_metrics_have_their_interval(own_model, lang):
    sections = _sections(model_card_markdown(own_model, "ours", lang))
    metrics = sections[text("card.metrics", lang)]
    assert metrics[0] == text("card.metrics_cv", lang)
    rows = metrics[1][1:]
    assert [row[1] for row in rows] == [text("table.model", lang),
                                        text("table.interval", lang)] * len(own_model.targets)
    pairs = zip(rows[::2], rows[1::2], strict=True)
    for target, (model_row, interval_row) in zip(own_model.targets, pairs, strict=True):
        result = own_model.metrics[target]
        assert model_row[0] == interval_row[0] == text(f"field.{target}", lang)
        assert model_row[2:] == [f"{result['test'][m]:.3f}" for m in METRICS]
        assert interval_row[2:] == [
            text("table.interval_value", lang, low=f"{min(max(low, 0), 1):.3f}",
                 high=f"{min(max(high, 0), 1):.3f}")
            for low, high in (result["interval"][m] for m in METRICS)]
    assert sections[text("card.evaluation", lang)] == [
        text("card.evaluation_cv", lang, rows=f"{own_model.training_data['n_rows']:,}")]


# --------------------------------------------------------------------------------------
# Results by group
# --------------------------------------------------------------------------------------


def _finding_clause(rows: pd.DataFrame, grouping: str, lang: str) -> str:
    adverse = rows[rows["finding_selection"] == "adverse_impact"]
    if len(adverse):
        return text("card.finding_adverse", lang, groups=text("audit.list_separator", lang).join(
            group_value_label(grouping, g, lang) for g in adverse["group"]))
    key = ("card.finding_within" if (rows["finding_selection"] == "not_distinguishable").any()
           else "card.finding_none")
    return text(key, lang, ratio=f"{rows['impact_ratio_selection'].min():.3f}")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _group_row(row, grouping: str, lang: str) -> list[str]:
    """A judged group as the card should show it, written out here on its own."""
    open_, close = ("（", "）") if lang == "ja" else (" (", ")")
    rate = "—" if _missing(row.selection_rate) else (
        f"{_percent(row.selection_rate, lang)}{open_}{_percent(row.selection_rate_low, lang)}"
        f"–{_percent(row.selection_rate_high, lang)}{close}")
    ratio = "—" if _missing(row.impact_ratio_selection) else (
        f"{row.impact_ratio_selection:.3f}{open_}{row.impact_ratio_selection_low:.2f}"
        f"–{row.impact_ratio_selection_high:.2f}{close}")
    p = row.p_selection_adjusted
    p_shown = "—" if _missing(p) else "< 0.001" if p < 0.001 else f"{p:.3f}"
    errors = ["—" if _missing(getattr(row, c)) else _percent(getattr(row, c), lang)
              for c in ("true_positive_rate", "false_positive_rate")]
    auc = "—" if _missing(row.auc) else f"{row.auc:.3f}"
    return [group_value_label(grouping, str(row.group), lang), f"{row.n:,}", rate, ratio, p_shown,
            text(f"finding.{row.finding_selection}", lang), *errors, auc]


def _expected_analyses(model, lang: str) -> tuple[list, set[str]]:
    """The results by group the card should show, judged by ``fairness.summary_table``."""
    fairness = {t: model.metrics[t]["fairness"] for t in model.targets}
    groupings = list(dict.fromkeys(g for by_group in fairness.values() for g in by_group))
    header = [text("table.group", lang), text("table.people", lang),
              text("metric.selection_rate", lang),
              text("audit.column.impact_ratio_selection", lang),
              text("audit.column.p_selection_adjusted", lang),
              text("audit.column.finding_selection", lang),
              text("metric.true_positive_rate", lang), text("metric.false_positive_rate", lang),
              text("metric.auc", lang)]
    blocks, findings = [text("card.finding_rule", lang)], set()
    for grouping in groupings:
        table = summary_table({t: fairness[t][grouping] for t in model.targets
                               if grouping in fairness[t]})
        for target in model.targets:
            rows = table[table["target"] == target]
            if not len(rows):
                continue
            findings |= set(rows["finding_selection"])
            blocks.append(text(
                "card.group_heading", lang, outcome=text(f"field.{target}", lang),
                grouping=text(f"group.{grouping}", lang),
                finding=_finding_clause(rows, grouping, lang), minimum=MIN_GROUP_SIZE,
                unknown=f"{table.attrs['n_unknown'][target]:,}"))
            blocks.append([header, *(_group_row(r, grouping, lang)
                                     for r in rows.itertuples(index=False))])
    return blocks, findings


@pytest.mark.parametrize("lang", LANGS)
def test_the_default_cards_results_by_group_are_the_judged_group_figures(default_model, lang):
    card = model_card_markdown(default_model, "default", lang)
    shown = _sections(card)[text("card.analyses", lang)]
    expected, findings = _expected_analyses(default_model, lang)
    assert len(shown) == 1 + 2 * 2 * 2  # the rule; per grouping and outcome a heading, a table
    assert shown == expected
    # The default model has both findings: the heading names the adverse one's group.
    assert {"adverse_impact", "no_impact"} <= findings
    twenties = text("card.finding_adverse", lang, groups=group_value_label("age_band", "20s",
                                                                           lang))
    assert sum(twenties in block for block in shown if isinstance(block, str)) >= 1


def _with_tiny_and_uncertain_groups(model):
    """The model with a gender group of three people, and for rehire intent two age bands
    of 20 whose gap chance could make."""
    other = _variant(model)
    for result in other.metrics.values():
        result["fairness"]["gender"]["groups"].append({"group": "other", "n": 3})
    other.metrics["rehire_intent"]["fairness"]["age_band"] = {
        "groups": [{"group": "20s", "n": 20, "selection_count": 4},
                   {"group": "30s", "n": 20, "selection_count": 8}],
        "n_unknown": 7}
    return other


@pytest.mark.parametrize("lang", LANGS)
def test_tiny_groups_show_their_count_only_and_chance_is_named(default_model, lang):
    model = _with_tiny_and_uncertain_groups(default_model)
    shown = _sections(model_card_markdown(model, "v", lang))[text("card.analyses", lang)]
    expected, findings = _expected_analyses(model, lang)
    assert shown == expected
    assert {"count_only", "not_distinguishable"} <= findings
    tables = [block for block in shown if isinstance(block, list)]
    label = group_value_label("gender", "other", lang)
    other = [row for table in tables for row in table if row[0] == label]
    assert other == [[label, "3", "—", "—", "—",
                      text("finding.count_only", lang), "—", "—", "—"]] * 2
    within = text("card.finding_within", lang, ratio="0.500")
    heading = next(block for block in shown if isinstance(block, str) and within in block)
    assert heading == text("card.group_heading", lang, outcome=text("field.rehire_intent", lang),
                           grouping=text("group.age_band", lang), finding=within,
                           minimum=MIN_GROUP_SIZE, unknown="7")


@pytest.mark.parametrize("lang", LANGS)
def test_a_model_without_group_figures_says_so(default_model, lang):
    variants = _no_group_variants(default_model)
    columns = text("coach.separator", lang).join(
        text(f"field.{c}", lang) for c in default_model.training_data["protected_columns"])
    expected = {"no_groups_with": text("card.no_groups_with", lang, columns=columns),
                "no_protected": text("card.no_groups", lang),
                "old_folder": text("card.no_groups", lang)}
    for name, model in variants.items():
        sections = _sections(model_card_markdown(model, name, lang))
        assert sections[text("card.analyses", lang)] == [expected[name]], name
    # A folder saved before its data were described says neither where they came from
    # nor which protected attributes they had.
    old = _sections(model_card_markdown(variants["old_folder"], "old", lang))
    training = old[text("card.training", lang)]
    assert training[0].startswith(text("card.source_given", lang))
    kept = [text("card.rows_kept", lang)] if default_model.training_rows is not None else []
    assert training[1:] == kept
    assert old[text("card.caveats", lang)] == [text("card.caveats_text", lang)]
    assert text("card.protected_none", lang) in _sections(model_card_markdown(
        variants["no_protected"], "x", lang))[text("card.training", lang)]


# --------------------------------------------------------------------------------------
# A company's data (moved from test_report.py)
# --------------------------------------------------------------------------------------


def test_a_companys_model_card_says_its_own_data_and_protected_columns(own_model):
    for lang in ("en", "ja"):
        card = model_card_markdown(own_model, "ours", lang)
        assert text("card.source_own", lang) in card
        assert text("card.source_synthetic", lang) not in card
        assert text("card.protected_audit", lang, columns=text("coach.separator", lang).join(
            text(f"field.{c}", lang) for c in ("age", "gender", "married", "has_children"))
        ) in card
        assert text("card.rows_kept", lang) in card
        assert text("card.no_groups", lang) not in card
        assert text("card.ethics_text", lang) in card
        assert text("card.caveats_own", lang) in card
    assert "synthetic" not in model_card_markdown(own_model, "ours", "en").lower()
    japanese = model_card_markdown(own_model, "ours", "ja")
    assert not ENGLISH_WORDS.search(japanese) and not IDENTIFIER.search(japanese)
    named = _variant(own_model)
    named.training_data["source"] = "人事部の退職者調査2024"
    assert "（出典：人事部の退職者調査2024）" in model_card_markdown(named, "ours", "ja")


def test_the_card_says_what_protected_columns_were_used_for(own_model):
    opted_in = _variant(own_model, include_protected=True)
    card = model_card_markdown(opted_in, "ours", "en")
    assert "The training config opted them in as model features" in card
    assert text("card.ethics_text_opted_in", "en") in card
    assert text("card.ethics_text", "en") not in card
    none = model_card_markdown(_variant(own_model, protected=[], fairness=False), "x", "ja")
    assert text("card.protected_none", "ja") in none and text("card.no_groups", "ja") in none
    married = model_card_markdown(_variant(own_model, protected=["married"], fairness=False),
                                  "x", "en")
    assert text("card.no_groups_with", "en", columns="Married") in married
    assert text("card.no_groups", "en") not in married


# --------------------------------------------------------------------------------------
# Lineage (the first test moved from test_report.py)
# --------------------------------------------------------------------------------------


def _lineage():
    return {
        "parent": {"name": "default", "fingerprint_sha256": "ab" * 32, "manifest_sha256": None},
        "labelled": {"n_rows": 420, "fingerprint_sha256": "cd" * 32},
        "random_state": 7,
        "targets": {
            "alumni_engagement": {
                "method": "intercept", "requested": "auto", "n": 400, "events": 90,
                "base_rate": None,
                "reason": {"key": "update.reason.test_chosen",
                           "values": {"method": "intercept", "loss": "0.4123"}},
                "candidates": {"none": 0.45, "intercept": 0.4123},
                "before": {"roc_auc": 0.7012, "brier": 0.1534},
                "after": {"roc_auc": 0.7012, "brier": 0.1401}},
            "rehire_intent": {
                "method": "base_rate", "requested": "base_rate", "n": 0, "events": 0,
                "base_rate": 0.33,
                "reason": {"key": "update.reason.no_such_text", "values": {}},
                "notes": [{"key": "update.note.x", "en": "written before", "ja": "前に書いた文"}],
                "candidates": {}, "before": {}, "after": {}}},
    }


def test_an_updated_models_card_shows_its_lineage(own_model, monkeypatch):
    from rehire_model import texts

    monkeypatch.setitem(texts.TEXTS, "update.reason.test_chosen", {
        "en": "{method} had the lowest cross-validated log loss ({loss})",
        "ja": "{method}の交差検証の対数損失（{loss}）が最も小さかったため"})
    updated = _variant(own_model, lineage=_lineage())
    for lang in ("en", "ja"):
        card = model_card_markdown(updated, "updated", lang)
        assert f"## {text('card.updates', lang)}" in card
        assert text("card.parent_default", lang) in card and "abababababababab…" in card
        cells = [[c.strip() for c in line.strip().strip("|").split("|")]
                 for line in card.splitlines() if line.startswith("| ")]
        rows = {row[0]: row for row in cells}
        engagement = rows[text("field.alumni_engagement", lang)]
        assert engagement[1] == text("card.update_auto", lang,
                                     method=text("update.method.intercept", lang))
        assert engagement[2:6] == ["400", "90", "0.701 → 0.701", "0.153 → 0.140"]
        rehire = rows[text("field.rehire_intent", lang)]
        assert rehire[1] == text("card.update_rate", lang,
                                 method=text("update.method.base_rate", lang),
                                 rate=format_percent(0.33, lang))
        assert rehire[2:5] == ["0", "0", "—"]
        reason = text("update.reason.test_chosen", lang,
                      method=text("update.method.intercept", lang), loss="0.4123")
        assert text("card.update_reason", lang, outcome=text("field.alumni_engagement", lang),
                    reason=reason) in card
        # A reason written when the model was updated is shown as written; a key
        # without a text is left out.
        assert ({"en": "written before", "ja": "前に書いた文"}[lang] in card
                and "no_such_text" not in card)
    japanese = model_card_markdown(updated, "updated", "ja")
    assert not ENGLISH_WORDS.search(japanese) and not IDENTIFIER.search(japanese)
    assert text("card.updates", "en") not in model_card_markdown(own_model, "ours", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_an_updated_model_has_its_updates_and_no_group_figures(updated_model, lang):
    lineage = updated_model.lineage
    sections = _sections(model_card_markdown(updated_model, "updated", lang))
    headings = list(sections)
    assert headings.index(text("card.updates", lang)) == headings.index(
        text("card.analyses", lang)) - 1 == headings.index(text("card.evaluation", lang)) + 1
    # The parent's group figures are not the updated model's.
    assert sections[text("card.analyses", lang)] == [text("card.no_groups_updated", lang)]
    updates = sections[text("card.updates", lang)]
    assert updates[0] == text(
        "card.update_parent", lang, parent=text("card.parent_default", lang),
        fingerprint=lineage["parent"]["fingerprint_sha256"][:16] + "…", n="300",
        labelled=lineage["labelled"]["fingerprint_sha256"][:16] + "…", seed=0)
    assert updates[1][0] == [text(f"table.{k}", lang) for k in
                             ("outcome", "update", "labelled", "events", "auc_change",
                              "brier_change")]
    assert updates[1][1:] == [
        [text(f"field.{target}", lang), text("update.method.intercept", lang),
         f"{entry['n']:,}", f"{entry['events']:,}",
         f"{entry['before']['roc_auc']:.3f} → {entry['after']['roc_auc']:.3f}",
         f"{entry['before']['brier']:.3f} → {entry['after']['brier']:.3f}"]
        for target, entry in lineage["targets"].items()]
    assert [entry["n"] for entry in lineage["targets"].values()] == [300, 300]
    assert updates[2] == text("card.update_note", lang)
    assert updates[3:] == [
        text("card.update_reason", lang, outcome=text(f"field.{target}", lang),
             reason=entry["reason"][lang].rstrip(".。"))
        for target, entry in lineage["targets"].items()]


def _named_lineage():
    """A lineage from a named parent, without labelled records, whose reasons are kept as
    keys and values."""
    return {
        "parent": {"name": "ours", "fingerprint_sha256": None},
        "labelled": {"n_rows": 0, "fingerprint_sha256": None},
        "random_state": 5,
        "targets": {
            "alumni_engagement": {
                "method": "none", "requested": "none", "n": 0, "events": 0,
                "reason": {"key": "update.reason.requested", "values": {"method": "revise"}},
                "before": {"roc_auc": 0.7}, "after": {}},
            "rehire_intent": {
                "method": "mystery", "n": 0, "events": 0,
                "reason": {"key": "update.reason.too_few", "values": {"n": 3}}}},
    }


@pytest.mark.parametrize("lang", LANGS)
def test_a_lineage_kept_as_keys_is_written_in_the_cards_language(default_model, lang):
    model = _variant(default_model, fairness=False, lineage=_named_lineage())
    updates = _sections(model_card_markdown(model, "again", lang))[text("card.updates", lang)]
    assert updates[0] == text("card.update_parent_no_records", lang,
                              parent=text("card.parent_named", lang, name="ours"),
                              fingerprint="—", seed=5)
    rows = {row[0]: row for row in updates[1][1:]}
    engagement = rows[text("field.alumni_engagement", lang)]
    assert engagement[1:] == [text("update.method.none", lang), "0", "0", "0.700 → —", "—"]
    assert rows[text("field.rehire_intent", lang)][1] == "mystery"  # an unknown method as is
    # A method code among the values reads as its label; values that do not fill the
    # text leave the reason out.
    requested = text("update.reason.requested", lang, method=text("update.method.revise", lang))
    assert updates[3:] == [text("card.update_reason", lang,
                                outcome=text("field.alumni_engagement", lang),
                                reason=requested.rstrip(".。"))]
    assert _sections(model_card_markdown(model, "again", lang))[
        text("card.analyses", lang)] == [text("card.no_groups_updated", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_an_updated_models_metrics_are_said_to_be_the_updates(updated_model, lang):
    evaluation = _sections(model_card_markdown(updated_model, "updated", lang))[
        text("card.evaluation", lang)]
    test = f"{rm.load_model().training_data['n_test']:,}"
    parent = text("card.evaluation_split", lang, test=test)
    assert evaluation[0] == text("card.evaluation_updated", lang, n="300", parent=parent)


def test_a_base_rate_update_shows_no_group_figures_of_its_parent():
    shifted = rm.update(rm.load_model(), None, base_rate={"rehire_intent": 0.33})
    assert "fairness" not in shifted.metrics["rehire_intent"]
    assert "fairness" in shifted.metrics["alumni_engagement"]  # not updated: as it was
    blocks = [b for b in _sections(model_card_markdown(shifted, "shifted", "en"))[
        text("card.analyses", "en")] if isinstance(b, str)]
    assert any(b.startswith("Alumni engagement by") for b in blocks)
    assert not any(b.startswith("Rehire intent by") for b in blocks)


def test_a_bad_language_is_refused_for_the_default_model_too():
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        model_card_markdown(rm.load_model(), "default", "fr")
