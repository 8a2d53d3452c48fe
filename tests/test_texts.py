from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import rehire_model as rm
from rehire_model.coaching import ACTIONS
from rehire_model.evaluation import METRICS
from rehire_model.fairness import FINDINGS, RATE_KINDS
from rehire_model.fairness_audit import TABLE_COLUMNS
from rehire_model.model import SEGMENTS
from rehire_model.schema import CONSTRUCTS, FIELDS, LEVERS, LIKERT, TARGETS
from rehire_model.texts import LANGS, TEXTS, has_text, text
from rehire_model.updating import METHODS as UPDATE_METHODS

PACKAGE = Path(rm.__file__).parent
LITERAL_KEY = re.compile(r"""["']((?:report|table|chart|card|cli|shown|reason|coach|metric|"""
                         r"""group|action|segment|target|lever|interview|construct|field|"""
                         r"""value|audit|problem|warning|input|output|model|update|monitor|"""
                         r"""questionnaire)"""
                         r"""\.[A-Za-z0-9_.+ -]+)["']""")


def _dynamic_keys() -> set[str]:
    """Keys the library builds from its own lists (fields, segments, metrics, ...)."""
    keys = {f"field.{f.name}" for f in FIELDS}
    keys |= {f"value.{f.name}.{c}" for f in FIELDS if f.kind == "category"
             for c in f.categories}
    keys |= {f"construct.{c}" for c in CONSTRUCTS}
    keys |= {f"answer.{f.name}.{level}" for f in FIELDS
             if f.name in ("sup_interview_amicability", "hr_interview_amicability",
                           "rehire_intent") for level in LIKERT}
    keys |= {"interview.sup_interview", "interview.hr_interview"}
    keys |= {f"target.{t}" for t in TARGETS} | {f"card.meaning.{t}" for t in TARGETS}
    keys |= {f"lever.{lever}" for lever in LEVERS}
    keys |= {f"segment.{s}" for s in SEGMENTS.values()}
    keys |= {f"metric.{m}" for m in (*METRICS, "n", "positive_rate", "selection_rate",
                                     "true_positive_rate", "false_positive_rate", "auc")}
    keys |= {f"group.{g}" for g in ("gender", "age_band", "under 20", "20s", "30s", "40s",
                                    "50s", "60+", "unknown", "race_ethnicity",
                                    "employment_type", "nationality", "region")}
    keys |= {f"action.{a}" for a in (*ACTIONS, "respect_with_drawing_out")}
    keys |= {f"question.{f.name}" for f in FIELDS}
    keys |= {f"question_hint.{n}" for n in ("leaver_id", "tenure_years", "years_since_exit")}
    keys |= {f"questionnaire.group.{g}" for g in ("employer", "policies", "sup_interview",
                                                  "hr_interview", "follow_up", "outcomes",
                                                  "company", "about_you")}
    keys |= {f"update.method.{m}" for m in ("none", *UPDATE_METHODS, "base_rate")}
    keys |= {f"update.cannot.{m}" for m in UPDATE_METHODS}
    keys |= {f"audit.column.{c}" for c in TABLE_COLUMNS[4:]}
    keys |= {f"finding.{f}" for f in FINDINGS} | {f"rate.{k}" for k in RATE_KINDS}
    keys |= {"card.count_1", "card.count_2", "card.family.logistic",
             "card.family.hist_gradient_boosting", "card.missing_impute",
             "card.missing_reject", "card.setting.C", "card.setting.learning_rate",
             "card.setting.max_leaf_nodes", "reason.raises", "reason.lowers"}
    return keys


FILE_NAME = re.compile(r"\.(html|csv|xlsx|toml|json|md|png|parquet)$")


def _literal_keys() -> set[str]:
    found = set()
    for path in PACKAGE.glob("*.py"):
        if path.name != "texts.py":
            found |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return {key for key in found if not FILE_NAME.search(key)}  # "report.html" is a file


def test_every_text_has_every_language():
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGS), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key


def test_both_languages_fill_the_same_fields():
    fields = string.Formatter()
    for key, entry in TEXTS.items():
        names = [{name for _, name, _, _ in fields.parse(entry[lang]) if name}
                 for lang in LANGS]
        assert names[0] == names[1], key


def test_every_text_is_used_and_every_key_used_exists():
    used = _dynamic_keys() | _literal_keys()
    unused = sorted(set(TEXTS) - used)
    assert unused == [], f"texts no code uses: {unused}"
    missing = sorted(k for k in _literal_keys() if not has_text(k))
    assert missing == [], f"keys used without a text: {missing}"


def test_japanese_texts_use_the_survey_terms():
    assert text("field.policy_comeback_program", "ja") == "カムバック制度（出戻り制度）"
    assert text("construct.welcome", "ja") == "歓迎の意思表示"
    assert text("target.alumni_engagement", "ja") == "アルムナイ意識"
    assert text("field.informed_of_rehire_route", "ja") == "再入社制度内容伝達"


def test_a_text_with_fields_is_filled():
    assert text("cli.scored", "ja", read="3", scored="2", rejected="1") == (
        "3行を読み込み：スコアリング 2行、除外 1行")
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja'"):
        text("segment.detached", "fr")


def test_the_labels_page_lists_the_texts_as_they_are():
    page = (PACKAGE.parent / "docs" / "labels.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|", page, re.M)
    assert len(rows) > 40
    prefixes = ("segment.", "metric.", "value.", "action.", "")
    for key, en, ja in rows:
        full = next(p + key for p in prefixes if has_text(p + key))
        assert (TEXTS[full]["en"], TEXTS[full]["ja"]) == (en.strip(), ja.strip()), key
