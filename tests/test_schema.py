"""Tests of the leaver record schema and its validation."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import re
import tracemalloc
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehire_model.exceptions import SchemaError
from rehire_model.schema import (
    COMPANY_SIZES,
    CONSTRUCT_LABELS,
    CONSTRUCTS,
    FEATURE_ROLES,
    FIELDS,
    FIELDS_BY_NAME,
    GENDERS,
    HELD_TEXT,
    INDUSTRIES,
    JOB_LEVELS,
    LIKERT,
    MISSING_TEXT,
    NO_TEXT,
    NOT_HELD_TEXT,
    TARGETS,
    YES_TEXT,
    Field,
    field_names,
    normalise_text,
    value_spellings,
)
from rehire_model.texts import ANSWER_SPELLINGS, LANGS, TEXTS, has_text, text
from rehire_model.validation import (
    MISSING_MODES,
    PROBLEM_COLUMNS,
    RecordReader,
    blank_columns,
    closest_header,
    read_record,
    read_value,
    read_yes_no,
    validate_records,
)

BEHAVIOURS = tuple(name for items in CONSTRUCTS.values() for name in items)
EXPECTED_DTYPES = {"category": "object", "bool": "boolean", "ordinal": "Int64",
                   "int": "Int64", "float": "float64", "id": "object"}


def valid_record(**changes):
    """One complete, valid leaver: supervisor interview held, no HR interview."""
    record = {
        "leaver_id": "L0001",
        "company_size": "1000-4999",
        "industry": "manufacturing",
        "job_level": "staff",
        "tenure_years": 6.5,
        "years_since_exit": 2.0,
        "policy_comeback_program": True,
        "policy_alumni_perks": False,
        "policy_alumni_community": True,
        "policy_alumni_events": False,
        "informal_rehire_custom": False,
        "sup_interview_held": True,
        "sup_interview_amicability": 4,
        "hr_interview_held": False,
        "hr_interview_amicability": None,
        "sup_understood_reason": True,
        "sup_respected_timing": False,
        "sup_listened_to_end": True,
        "sup_listened_carefully": True,
        "sup_heard_dissatisfaction": False,
        "sup_answered_questions": True,
        "sup_welcomed_return": True,
        "invited_to_alumni_community": False,
        "informed_of_rehire_route": True,
    }
    record.update(changes)
    return record


def no_sup_interview(**changes):
    """A valid leaver without a supervisor exit interview."""
    empty = dict.fromkeys((*BEHAVIOURS, "sup_interview_amicability"))
    return valid_record(**{"sup_interview_held": False, **empty, **changes})


def records(n, **changes):
    return [valid_record(leaver_id=f"L{i:04d}", **changes) for i in range(n)]


# --------------------------------------------------------------------------------------
# The schema tables
# --------------------------------------------------------------------------------------


def test_fields_follow_the_contract():
    names = [f.name for f in FIELDS]
    assert names[0] == "leaver_id" and names[-2:] == list(TARGETS)
    assert len(names) == len(set(names)) == 30
    assert set(FIELDS_BY_NAME) == set(names)
    assert len(INDUSTRIES) == 9 and INDUSTRIES[-1] == "other"
    for field in FIELDS:
        assert field.label_en and field.label_ja
        if field.role in ("id", "target"):
            assert field.lever is None
        if field.role == "protected":
            assert field.lever == "fixed"


def test_field_is_frozen():
    with pytest.raises(AttributeError):
        FIELDS_BY_NAME["age"].name = "years"


def test_interview_dependencies_and_constructs():
    requires_sup = {f.name for f in FIELDS if f.requires == "sup_interview_held"}
    assert requires_sup == {*BEHAVIOURS, "sup_interview_amicability"}
    assert FIELDS_BY_NAME["hr_interview_amicability"].requires == "hr_interview_held"
    assert CONSTRUCTS == {
        "respect": ("sup_understood_reason", "sup_respected_timing"),
        "drawing_out": ("sup_listened_to_end", "sup_listened_carefully",
                        "sup_heard_dissatisfaction", "sup_answered_questions"),
        "welcome": ("sup_welcomed_return",),
    }
    assert CONSTRUCT_LABELS["drawing_out"][1] == "想いの引き出し"
    for name in ("invited_to_alumni_community", "informed_of_rehire_route"):
        assert (FIELDS_BY_NAME[name].role, FIELDS_BY_NAME[name].lever) == (
            "follow_up", "exit_interview")
    assert FIELDS_BY_NAME["informal_rehire_custom"].lever == "policy"


def test_japanese_labels_use_the_survey_terms():
    ja = {f.name: f.label_ja for f in FIELDS}
    assert "カムバック制度" in ja["policy_comeback_program"]
    assert ja["sup_interview_amicability"] == "上司の退職面談の円満具合"
    assert ja["sup_welcomed_return"] == "戻ってきても歓迎する意思を示した"
    assert ja["invited_to_alumni_community"] == "退職者コミュニティへの参加呼びかけ"
    assert ja["informed_of_rehire_route"] == "再入社制度内容伝達"
    assert ja["alumni_engagement"] == "アルムナイ意識"
    assert ja["rehire_intent"] == "再入社意向"


def test_field_names_selects_roles_in_schema_order():
    assert field_names("protected") == ("age", "gender", "married", "has_children")
    features = field_names(*FEATURE_ROLES)
    assert len(features) == 23 and "age" not in features and "leaver_id" not in features
    assert field_names() == tuple(f.name for f in FIELDS)
    with pytest.raises(ValueError, match="unknown role"):
        field_names("features")


# --------------------------------------------------------------------------------------
# Valid records
# --------------------------------------------------------------------------------------


def test_valid_record_round_trips_with_canonical_dtypes():
    record = valid_record()
    out = validate_records(record)
    assert list(out.columns) == list(record)
    for name in out.columns:
        assert str(out[name].dtype) == EXPECTED_DTYPES[FIELDS_BY_NAME[name].kind], name
    row = out.iloc[0]
    assert row["industry"] == "manufacturing" and row["tenure_years"] == 6.5
    assert row["sup_interview_amicability"] == 4
    assert out["policy_comeback_program"].tolist() == [True]
    assert pd.isna(row["hr_interview_amicability"])
    assert out["leaver_id"].tolist() == ["L0001"]


def test_no_pandas_category_or_string_dtype_in_output():
    frame = pd.DataFrame(records(3))
    frame["industry"] = frame["industry"].astype("category")
    out = validate_records(frame)
    assert out["industry"].dtype == object
    assert out["company_size"].dtype == object
    assert all(isinstance(v, str) for v in out["industry"])


def test_dict_list_and_frame_inputs_agree():
    record = valid_record()
    from_dict = validate_records(record)
    from_list = validate_records([record])
    from_frame = validate_records(pd.DataFrame([record]))
    pd.testing.assert_frame_equal(from_dict, from_list)
    pd.testing.assert_frame_equal(from_dict, from_frame)


def test_optional_columns_only_when_given():
    record = valid_record()
    del record["leaver_id"]
    out = validate_records(record)
    assert "leaver_id" not in out.columns
    assert not set(field_names("protected", "target")) & set(out.columns)

    with_all = validate_records(
        valid_record(age=35, gender="Female", married="yes", has_children=0,
                     alumni_engagement=3.25, rehire_intent="4", extra_column="dropped")
    )
    assert list(with_all.columns) == [f.name for f in FIELDS]
    assert with_all.loc[0, "gender"] == "female" and with_all.loc[0, "rehire_intent"] == 4


def test_protected_fields_and_optional_targets_may_be_empty():
    out = validate_records(valid_record(age=None, gender="", alumni_engagement=np.nan,
                                        rehire_intent=None))
    assert out[["age", "gender", "alumni_engagement", "rehire_intent"]].isna().all(axis=None)


def test_interview_not_held_leaves_its_answers_empty():
    out = validate_records(no_sup_interview(hr_interview_held=True, hr_interview_amicability=2))
    assert out.loc[0, list(BEHAVIOURS)].isna().all()
    assert out.loc[0, "hr_interview_amicability"] == 2


@pytest.mark.parametrize(
    ("column", "given", "expected"),
    [
        ("policy_alumni_perks", "yes", True),
        ("policy_alumni_perks", "No", False),
        ("policy_alumni_perks", "Y", True),
        ("policy_alumni_perks", "f", False),
        ("policy_alumni_perks", "はい", True),
        ("policy_alumni_perks", "いいえ", False),
        ("policy_alumni_perks", 1, True),
        ("policy_alumni_perks", 0.0, False),
        ("policy_alumni_perks", "1", True),
        ("policy_alumni_perks", "1.0", True),
        ("policy_alumni_perks", " TRUE ", True),
        ("sup_interview_amicability", "4", 4),
        ("sup_interview_amicability", " 4.0 ", 4),
        ("sup_interview_amicability", "４", 4),
        ("sup_interview_amicability", 5.0, 5),
        ("tenure_years", "１２．５", 12.5),
        ("tenure_years", " 3 ", 3.0),
        ("industry", " Manufacturing ", "manufacturing"),
        ("industry", "IT_Telecom ", "it_telecom"),
        ("company_size", "５０００＋", "5000+"),
        ("job_level", "MANAGER", "manager"),
    ],
)
def test_accepted_spellings_are_coerced(column, given, expected):
    out = validate_records(valid_record(**{column: given}))
    assert out.loc[0, column] == expected


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, "", " ", "NA", "n/a", "NaN", "null",
                                     "None"])
def test_missing_spellings_mean_empty(missing):
    out = validate_records(valid_record(hr_interview_amicability=missing, age=missing))
    assert pd.isna(out.loc[0, "hr_interview_amicability"]) and pd.isna(out.loc[0, "age"])


def test_text_table_like_a_csv_read_as_strings():
    frame = pd.DataFrame(records(4)).astype(str).replace({"None": ""})
    out = validate_records(frame)
    expected = validate_records(pd.DataFrame(records(4)))
    pd.testing.assert_frame_equal(out, expected)


def test_numeric_and_nullable_input_dtypes():
    frame = pd.DataFrame(records(3))
    frame["policy_alumni_perks"] = [1, 0, 1]
    frame["sup_understood_reason"] = pd.array([True, False, True], dtype="boolean")
    frame["sup_interview_amicability"] = pd.array([1, 3, 5], dtype="Int64")
    frame["tenure_years"] = pd.array([1, 2, 3], dtype="Int64")
    out = validate_records(frame)
    assert out["policy_alumni_perks"].tolist() == [True, False, True]
    assert out["sup_interview_amicability"].tolist() == [1, 3, 5]
    assert out["tenure_years"].dtype == "float64"


def test_leaver_ids_become_text():
    frame = pd.DataFrame(records(3))
    frame["leaver_id"] = [101.0, np.nan, 103.0]
    assert validate_records(frame)["leaver_id"].tolist() == ["101", None, "103"]
    frame["leaver_id"] = ["A1", "", None]
    assert validate_records(frame)["leaver_id"].tolist() == ["A1", None, None]
    frame["leaver_id"] = pd.Series(["na", " ", None], dtype="str")
    before = frame["leaver_id"].copy()
    assert validate_records(frame)["leaver_id"].tolist() == ["na", None, None]
    pd.testing.assert_series_equal(frame["leaver_id"], before)


def test_index_is_preserved_and_input_not_mutated():
    frame = pd.DataFrame(records(3), index=["x", "y", "z"])
    frame["industry"] = [" Manufacturing", "services", "OTHER"]
    before = frame.copy(deep=True)
    out = validate_records(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.index) == ["x", "y", "z"]
    assert out["industry"].tolist() == ["manufacturing", "services", "other"]

    record = valid_record(industry=" Manufacturing ")
    snapshot = dict(record)
    validate_records(record)
    assert record == snapshot


def test_empty_input_gives_empty_canonical_table():
    out = validate_records([])
    assert len(out) == 0 and list(out.columns) == list(field_names(*FEATURE_ROLES))
    assert out["sup_interview_held"].dtype == "boolean"


def test_series_is_one_record():
    frame = pd.DataFrame(records(2), index=["a", "b"])
    out = validate_records(frame.loc["b"])
    assert list(out.index) == ["b"] and out.loc["b", "leaver_id"] == "L0001"


# --------------------------------------------------------------------------------------
# Bad values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"industry": "banking"},
         r"column 'industry' has 'banking'; expected one of manufacturing, "
         r"construction_real_estate"),
        ({"sup_interview_amicability": 4.5},
         r"'sup_interview_amicability' has 4\.5, which is not a whole number; "
         r"expected a whole number from 1 to 5"),
        ({"sup_interview_amicability": 6},
         r"'sup_interview_amicability' has 6, which is out of range; "
         r"expected a whole number from 1 to 5"),
        ({"sup_interview_amicability": "0"}, r"has '0', which is out of range"),
        ({"age": 12},
         r"'age' has 12, which is out of range; expected a whole number from 15 to 80"),
        ({"tenure_years": 0.1},
         r"'tenure_years' has 0\.1, which is out of range; expected a number from 0\.25 to 50"),
        ({"years_since_exit": 11}, r"'years_since_exit' has 11, which is out of range"),
        ({"alumni_engagement": 5.5}, r"'alumni_engagement' has 5\.5, which is out of range"),
        ({"tenure_years": "six"}, r"'tenure_years' has 'six'; expected a number"),
        ({"policy_alumni_events": "maybe"},
         r"'policy_alumni_events' has 'maybe'; expected true or false"),
        ({"policy_alumni_events": 2}, r"'policy_alumni_events' has 2; expected true or false"),
        ({"sup_interview_amicability": True}, r"'sup_interview_amicability' has True; expected"),
        ({"gender": "f"}, r"'gender' has 'f'; expected one of female, male, other, unknown"),
        ({"policy_alumni_events": "-nan"},
         r"'policy_alumni_events' has '-nan'; expected true or false"),
        ({"sup_interview_amicability": "+NaN"},
         r"'sup_interview_amicability' has '\+NaN'; expected a whole number from 1 to 5"),
    ],
)
def test_bad_value_gets_a_clear_error(changes, pattern):
    with pytest.raises(SchemaError, match=pattern):
        validate_records(valid_record(**changes))


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"industry": ["a"]},
         r"column 'industry' has \['a'\]; expected one of manufacturing, construction"),
        ({"tenure_years": {"x": 1}},
         r"column 'tenure_years' has \{'x': 1\}; expected a number from 0\.25 to 50"),
        ({"sup_interview_held": [1]},
         r"column 'sup_interview_held' has \[1\]; expected true or false"),
        ({"gender": {"female"}}, r"column 'gender' has \{'female'\}; expected one of female"),
    ],
)
def test_a_list_or_a_dict_is_a_bad_value(changes, pattern):
    record = valid_record(**changes)
    with pytest.raises(SchemaError, match=r"\n  row 0 \(leaver_id 'L0001'\): " + pattern):
        validate_records(record)
    assert read_record(record, FIELDS) is None
    assert RecordReader(FIELDS)(record) is None


def test_lists_and_dicts_are_reported_in_their_rows():
    rows = records(4)
    rows[1]["industry"] = ["a"]
    rows[3]["tenure_years"] = {"x": 1}
    rows[2]["leaver_id"] = ["L0002"]  # a leaver id is kept as text, whatever it is
    valid, problems = validate_records(rows, errors="report")
    assert valid["leaver_id"].tolist() == ["L0000", "['L0002']"]
    assert problems[["row", "leaver_id", "column"]].to_numpy().tolist() == [
        [1, "L0001", "industry"], [3, "L0003", "tenure_years"]]
    assert problems["value"].tolist() == [["a"], {"x": 1}]
    assert problems["problem"].tolist() == [
        "column 'industry' has ['a']; expected one of manufacturing, construction_real_estate, "
        "it_telecom, wholesale_retail, finance_insurance, transport_logistics, "
        "healthcare_welfare, services, other",
        "column 'tenure_years' has {'x': 1}; expected a number from 0.25 to 50",
    ]
    with pytest.raises(SchemaError) as info:
        validate_records(rows)
    assert "列「業種」の値「['a']」は読み取れません。" in info.value.in_language("ja")
    assert blank_columns(pd.DataFrame(rows), FIELDS) == []


@pytest.mark.parametrize(
    ("changes", "pattern"),
    [
        ({"job_level": None},
         r"column 'job_level' is empty \(None\) but a value is required \(unanswered fields "
         r"are rejected: missing='reject'\); expected one of"),
        ({"policy_comeback_program": "n/a"},
         r"'policy_comeback_program' is empty \('n/a'\) but a value is required"),
    ],
)
def test_blank_is_an_error_when_blanks_are_rejected(changes, pattern):
    with pytest.raises(SchemaError, match=pattern):
        validate_records(valid_record(**changes), missing="reject")
    out = validate_records(valid_record(**changes))  # the default keeps it, blank
    assert pd.isna(out.loc[0, next(iter(changes))])


@pytest.mark.parametrize("behaviour", [True, False, "yes", 0])
def test_behaviour_reported_without_interview(behaviour):
    record = no_sup_interview(sup_listened_to_end=behaviour)
    pattern = (r"column 'sup_listened_to_end' has .*, reported without a supervisor exit "
               r"interview: sup_interview_held is false; leave it empty \(NA\)")
    with pytest.raises(SchemaError, match=pattern):
        validate_records(record)


def test_amicability_given_without_interview():
    with pytest.raises(SchemaError, match=r"'sup_interview_amicability' has 3, reported without"):
        validate_records(no_sup_interview(sup_interview_amicability=3))
    with pytest.raises(SchemaError, match=r"'hr_interview_amicability' has 2, reported without "
                                          r"an HR exit interview: hr_interview_held is false"):
        validate_records(valid_record(hr_interview_amicability=2))


def test_answers_missing_although_interview_held_when_blanks_are_rejected():
    with pytest.raises(SchemaError, match=r"'sup_interview_amicability' is empty \(None\) "
                                          r"although a supervisor exit interview was held"):
        validate_records(valid_record(sup_interview_amicability=None), missing="reject")
    with pytest.raises(SchemaError, match=r"'hr_interview_amicability' is empty .* although an "
                                          r"HR exit interview was held"):
        validate_records(valid_record(hr_interview_held="yes"), missing="reject")
    with pytest.raises(SchemaError, match=r"'sup_welcomed_return' is empty"):
        validate_records(valid_record(sup_welcomed_return=""), missing="reject")


def test_skipped_answers_of_a_held_interview_stay_blank():
    out = validate_records(valid_record(sup_interview_amicability=None, sup_welcomed_return="",
                                        hr_interview_held="yes"))
    assert out.loc[0, ["sup_interview_amicability", "sup_welcomed_return",
                       "hr_interview_amicability"]].isna().all()
    assert bool(out.loc[0, "sup_interview_held"]) and bool(out.loc[0, "hr_interview_held"])


def test_unanswered_interview_flag_with_answers_reads_as_held():
    out = validate_records(valid_record(sup_interview_held=None))
    assert out.loc[0, "sup_interview_held"] == True  # noqa: E712 (a nullable boolean)
    blank = validate_records(no_sup_interview(sup_interview_held=""))
    assert pd.isna(blank.loc[0, "sup_interview_held"])  # no answers: still unknown
    with pytest.raises(SchemaError, match="'sup_interview_held' is empty"):
        validate_records(valid_record(sup_interview_held=None), missing="reject")


def test_answers_without_the_interview_stay_an_error_with_blanks_allowed():
    with pytest.raises(SchemaError, match=r"'sup_welcomed_return' has True, reported without"):
        validate_records(no_sup_interview(sup_welcomed_return=True, tenure_years=None))


def test_a_record_with_too_many_blanks_is_rejected_with_the_reason():
    blank = dict.fromkeys(("company_size", "industry", "job_level", "tenure_years",
                           "years_since_exit", "policy_comeback_program", "policy_alumni_perks",
                           "policy_alumni_community", "policy_alumni_events",
                           "informal_rehire_custom", "invited_to_alumni_community",
                           "informed_of_rehire_route"))
    good, problems = validate_records([valid_record(), valid_record(**blank)], errors="report")
    assert len(good) == 1 and problems["row"].tolist() == [1]
    assert problems.loc[0, "column"] is None
    assert problems.loc[0, "problem"].startswith(
        "12 of the 23 fields in use are unanswered (company_size, industry, job_level, "
        "tenure_years, years_since_exit, policy_comeback_program, ...), more than "
        "max_missing 0.5 allows")
    assert len(validate_records(valid_record(**blank), max_missing=0.6)) == 1


def test_max_missing_counts_only_answers_expected():
    # No supervisor interview: its eight answers are empty by structure, not skipped, so
    # two blanks are 2 of the 23 fields in use.
    record = no_sup_interview(tenure_years=None, industry=None)
    assert len(validate_records(record, max_missing=2 / 23)) == 1
    with pytest.raises(SchemaError, match=r"2 of the 23 fields in use are unanswered "
                                          r"\(industry, tenure_years\)"):
        validate_records(record, max_missing=0.08)


def test_unknown_interview_flag_does_not_blame_its_answers():
    with pytest.raises(SchemaError) as info:
        validate_records(valid_record(sup_interview_held="perhaps"))
    assert info.value.problems["column"].tolist() == ["sup_interview_held"]


def test_missing_columns_are_all_named():
    record = valid_record()
    del record["industry"], record["sup_welcomed_return"]
    with pytest.raises(SchemaError, match=r"missing required columns: industry, "
                                          r"sup_welcomed_return \(add the column or map your "
                                          r"header to it\)") as info:
        validate_records(record)
    assert info.value.problems["column"].tolist() == ["industry", "sup_welcomed_return"]
    with pytest.raises(SchemaError, match="missing required column: industry"):
        validate_records([record | {"sup_welcomed_return": True}], errors="report")


def test_targets_required_for_training():
    with pytest.raises(SchemaError, match=r"missing required columns: alumni_engagement, "
                                          r"rehire_intent"):
        validate_records(valid_record(), require_targets=True)
    with pytest.raises(SchemaError, match=r"'rehire_intent' is empty \(None\) but a value is "
                                          r"required \(training needs every answer of a "
                                          r"target\)"):
        validate_records(valid_record(alumni_engagement=3.0, rehire_intent=None),
                         require_targets=True)
    out = validate_records(valid_record(alumni_engagement="3.5", rehire_intent=2),
                           require_targets=True)
    assert out.loc[0, "alumni_engagement"] == 3.5 and out.loc[0, "rehire_intent"] == 2


def test_repeated_column_is_rejected():
    frame = pd.DataFrame(records(2))
    frame = pd.concat([frame, frame[["industry"]]], axis=1)
    with pytest.raises(SchemaError, match="repeated column: industry"):
        validate_records(frame)


def test_error_names_row_index_leaver_id_column_value_and_expectation():
    frame = pd.DataFrame(records(5), index=[10, 11, 12, 13, 14])
    frame.loc[13, "industry"] = "banking"
    expected = (r"row 3 \(index 13, leaver_id 'L0003'\): column 'industry' has 'banking'; "
                r"expected one of manufacturing")
    with pytest.raises(SchemaError, match=expected) as info:
        validate_records(frame)
    error = info.value
    assert isinstance(error, ValueError)
    assert str(error).startswith("1 problem in 1 of 5 leaver records:")
    problems = error.problems
    assert list(problems.columns) == list(PROBLEM_COLUMNS)
    assert problems.iloc[0][["row", "leaver_id", "column", "value"]].tolist() == [
        3, "L0003", "industry", "banking"]


def test_row_label_only_when_it_differs_from_position():
    frame = pd.DataFrame(records(3))
    del frame["leaver_id"]
    frame.loc[2, "job_level"] = "boss"
    with pytest.raises(SchemaError, match=r"\n  row 2: column 'job_level' has 'boss'"):
        validate_records(frame)


def test_schema_error_is_a_value_error():
    with pytest.raises(ValueError, match="industry"):
        validate_records(valid_record(industry="banking"))


def test_message_shows_at_most_five_problems_but_keeps_all():
    frame = pd.DataFrame(records(8, industry="banking"))
    with pytest.raises(SchemaError) as info:
        validate_records(frame)
    message = str(info.value)
    assert message.startswith("8 problems in 8 of 8 leaver records:")
    assert len(re.findall(r"^  row \d", message, flags=re.MULTILINE)) == 5
    assert "and 3 more" in message
    assert len(info.value.problems) == 8


# --------------------------------------------------------------------------------------
# errors="report"
# --------------------------------------------------------------------------------------


def test_report_splits_valid_rows_and_problems():
    rows = records(6)
    rows[1]["industry"] = "banking"
    rows[1]["age"] = 200
    rows[4] = no_sup_interview(leaver_id="L0004", sup_welcomed_return=False)
    frame = pd.DataFrame(rows, index=list("abcdef"))
    valid, problems = validate_records(frame, errors="report")
    assert list(valid.index) == ["a", "c", "d", "f"]
    assert list(problems.columns) == list(PROBLEM_COLUMNS)
    assert problems["row"].tolist() == [1, 1, 4]
    assert problems["column"].tolist() == ["industry", "age", "sup_welcomed_return"]
    assert problems["leaver_id"].tolist() == ["L0001", "L0001", "L0004"]
    assert len(valid) + problems["row"].nunique() == len(frame)
    assert str(valid["sup_interview_held"].dtype) == "boolean"


def test_report_without_problems_returns_empty_problem_table():
    valid, problems = validate_records(records(2), errors="report")
    assert len(valid) == 2
    assert problems.empty and list(problems.columns) == list(PROBLEM_COLUMNS)


def test_unknown_errors_mode_and_bad_input_types():
    with pytest.raises(ValueError, match="errors must be 'raise' or 'report'"):
        validate_records(valid_record(), errors="ignore")
    with pytest.raises(TypeError, match="DataFrame, a dict"):
        validate_records("leavers.csv")
    with pytest.raises(TypeError, match="record 1 is a str"):
        validate_records([valid_record(), "oops"])


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

_true = st.sampled_from([True, 1, "yes", "Yes", "y", "t", "true", "はい", "1", "1.0", 1.0])
_false = st.sampled_from([False, 0, "no", "NO", "n", "f", "false", "いいえ", "0", 0.0])
_empty = st.sampled_from([None, np.nan, "", "NA", "n/a", "null"])


def _spelled(values):
    return st.sampled_from(values).flatmap(
        lambda v: st.sampled_from([v, v.upper(), f" {v} ", v.title()])
    )


def _ordinal():
    return st.integers(1, 5).flatmap(
        lambda v: st.sampled_from([v, float(v), str(v), f" {v}.0 ", chr(0xFF10 + v)])
    )


@st.composite
def valid_records_strategy(draw):
    record = {
        "company_size": draw(st.sampled_from(COMPANY_SIZES)),
        "industry": draw(_spelled(INDUSTRIES)),
        "job_level": draw(_spelled(JOB_LEVELS)),
        "gender": draw(_spelled(GENDERS) | _empty),
        "age": draw(st.integers(15, 80) | _empty),
        "tenure_years": draw(st.floats(0.25, 50)),
        "years_since_exit": draw(st.floats(0, 10).map(str)),
    }
    for name in field_names("policy", "follow_up") + ("married", "has_children"):
        record[name] = draw(_true | _false)
    sup_held, hr_held = draw(st.booleans()), draw(st.booleans())
    record["sup_interview_held"] = draw(_true if sup_held else _false)
    record["hr_interview_held"] = draw(_true if hr_held else _false)
    for name in (*BEHAVIOURS, "sup_interview_amicability"):
        answer = _ordinal() if name.endswith("amicability") else _true | _false
        record[name] = draw(answer if sup_held else _empty)
    record["hr_interview_amicability"] = draw(_ordinal() if hr_held else _empty)
    return record


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(valid_records_strategy(), min_size=1, max_size=5))
def test_random_valid_records_always_validate(rows):
    out = validate_records(rows)
    assert len(out) == len(rows)
    assert set(out["industry"]) <= set(INDUSTRIES)
    assert out["sup_interview_amicability"].isna().tolist() == (
        ~out["sup_interview_held"]).tolist()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12) | st.sampled_from(["製造業 ", "ｓｅｒｖｉｃｅｓ", "銀行"]))
def test_garbage_in_a_category_column_is_rejected(written):
    blank = unicodedata.normalize("NFKC", written).strip().casefold() in MISSING_TEXT
    if blank or normalise_text(written) in value_spellings(FIELDS_BY_NAME["industry"]):
        return
    with pytest.raises(SchemaError, match="'industry' has"):
        validate_records(valid_record(industry=written))


# --------------------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------------------


def test_large_table_validates():
    n = 200_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(records(1))
    frame = frame.loc[np.zeros(n, dtype=int)].reset_index(drop=True)
    frame["leaver_id"] = [f"L{i}" for i in range(n)]
    frame["industry"] = rng.choice(INDUSTRIES, n)
    frame["tenure_years"] = rng.uniform(0.25, 50, n).round(2).astype(str)
    frame.loc[::1000, "industry"] = "banking"
    valid, problems = validate_records(frame, errors="report")
    assert len(problems) == n // 1000
    assert len(valid) == n - n // 1000


# --------------------------------------------------------------------------------------
# read_record: one record by the same rules
# --------------------------------------------------------------------------------------


def test_read_record_gives_canonical_values():
    record = valid_record()
    values = read_record(record, FIELDS)
    table = validate_records(record).iloc[0]
    for name, value in values.items():
        expected = table[name]
        if pd.isna(expected):
            assert value is None or np.isnan(value), name
        else:
            assert value == expected, name


def test_read_record_returns_none_for_any_problem():
    record = valid_record()
    assert read_record(dict(record, industry="banking"), FIELDS) is None
    assert read_record({k: v for k, v in record.items() if k != "job_level"}, FIELDS) is None
    held = dict(record, sup_interview_held=False)
    assert read_record(held, FIELDS) is None  # answers given without the interview


def test_read_record_follows_the_rules_for_blanks():
    record = valid_record(sup_interview_held=None, tenure_years="")
    values = read_record(record, FIELDS)
    assert values["sup_interview_held"] == 1.0 and np.isnan(values["tenure_years"])
    assert read_record(record, FIELDS, missing="reject") is None
    assert read_record(record, FIELDS, max_missing=0.01) is None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_records_strategy(), st.sets(st.sampled_from(field_names(*FEATURE_ROLES))),
       st.sampled_from([0.1, 0.5]))
def test_read_record_and_validate_records_agree_on_any_blanks(record, blanks, max_missing):
    record = dict(record, **dict.fromkeys(blanks, ""))
    values = read_record(record, FIELDS, max_missing=max_missing)
    valid, problems = validate_records(record, errors="report", max_missing=max_missing)
    assert (values is None) == (len(valid) == 0)
    if values is not None:
        for name, value in values.items():
            expected = valid.iloc[0][name]
            assert (pd.isna(expected) and pd.isna(value)) or value == expected, name


MOST_FACTS_BLANK = dict.fromkeys(
    ("company_size", "industry", "job_level", "tenure_years", "years_since_exit",
     "policy_comeback_program", "policy_alumni_perks", "policy_alumni_community",
     "policy_alumni_events", "informal_rehire_custom", "invited_to_alumni_community",
     "informed_of_rehire_route"))


@pytest.mark.parametrize(
    ("record", "options", "column", "problem"),
    [
        pytest.param(valid_record(industry="banking"), {}, "industry",
                     r"^column 'industry' has 'banking'; expected one of manufacturing",
                     id="bad-category"),
        pytest.param(valid_record(tenure_years="0.1"), {}, "tenure_years",
                     r"^column 'tenure_years' has '0\.1', which is out of range",
                     id="number-out-of-range"),
        pytest.param(valid_record(sup_interview_amicability=4.5), {},
                     "sup_interview_amicability", r"has 4\.5, which is not a whole number",
                     id="number-not-whole"),
        pytest.param(valid_record(policy_alumni_events=2), {}, "policy_alumni_events",
                     r"has 2; expected true or false", id="number-for-yes-no"),
        pytest.param(no_sup_interview(sup_welcomed_return=True), {}, "sup_welcomed_return",
                     r"has True, reported without a supervisor exit interview",
                     id="answer-without-interview"),
        pytest.param(valid_record(hr_interview_amicability="2"), {},
                     "hr_interview_amicability", r"has '2', reported without an HR exit interview",
                     id="amicability-without-interview"),
        pytest.param(valid_record(sup_interview_amicability=""), {"missing": "reject"},
                     "sup_interview_amicability",
                     r"is empty \(''\) although a supervisor exit interview was held",
                     id="held-interview-without-amicability"),
        pytest.param(valid_record(job_level=""), {"missing": "reject"}, "job_level",
                     r"is empty \(''\) but a value is required", id="blank-rejected"),
        pytest.param(valid_record(sup_interview_held=None), {"missing": "reject"},
                     "sup_interview_held", r"is empty \(None\) but a value is required",
                     id="blank-interview-flag-rejected"),
        pytest.param(valid_record(**MOST_FACTS_BLANK), {}, None,
                     r"^12 of the 23 fields in use are unanswered", id="too-many-blanks"),
        pytest.param(valid_record(tenure_years=None, industry=None), {"max_missing": 0.05},
                     None, r"^2 of the 23 fields in use are unanswered \(industry, tenure_years\)",
                     id="max-missing"),
    ],
)
def test_one_record_and_a_table_get_the_same_verdict(record, options, column, problem):
    # Values are given as text where a table of numbers would turn them into floats.
    assert read_record(record, FIELDS, **options) is None
    alone, alone_problems = validate_records(record, errors="report", **options)
    table = [valid_record(leaver_id="L0100"), record, valid_record(leaver_id="L0102")]
    valid, problems = validate_records(table, errors="report", **options)
    assert alone.empty and valid["leaver_id"].tolist() == ["L0100", "L0102"]
    assert alone_problems["column"].tolist() == [column]
    assert re.search(problem, alone_problems.loc[0, "problem"])
    assert (alone_problems["row"].tolist(), problems["row"].tolist()) == ([0], [1])
    pd.testing.assert_frame_equal(alone_problems.drop(columns="row"),
                                  problems.drop(columns="row"))
    for data, row in ((record, 0), (table, 1)):
        with pytest.raises(SchemaError) as info:
            validate_records(data, **options)
        assert f"\n  row {row} (leaver_id 'L0001'): {alone_problems.loc[0, 'problem']}\n" in (
            str(info.value))


@pytest.mark.parametrize(
    ("record", "options"),
    [
        pytest.param(valid_record(sup_interview_held=None), {}, id="held-inferred-from-answers"),
        pytest.param(no_sup_interview(sup_interview_held=""), {}, id="held-unknown-stays-blank"),
        pytest.param(valid_record(sup_welcomed_return="", tenure_years="n/a"), {},
                     id="skipped-answers-kept"),
        pytest.param(valid_record(hr_interview_held="yes", hr_interview_amicability="３"),
                     {"missing": "reject"}, id="every-answer-given"),
        pytest.param(valid_record(industry=" IT_Telecom", policy_alumni_perks="はい",
                                  tenure_years="１２．５"), {}, id="spellings"),
    ],
)
def test_one_record_and_a_table_read_the_same_values(record, options):
    values = read_record(record, FIELDS, **options)
    row = validate_records([valid_record(leaver_id="L0100"), record], **options).iloc[1]
    assert values is not None and set(values) == set(row.index)
    for name, value in values.items():
        assert (pd.isna(row[name]) and pd.isna(value)) or value == row[name], name


# One record at a time (RecordReader) against the table engine, on any values

_BLANK_VALUES = (None, np.nan, float("nan"), np.float64("nan"), pd.NA, "", " n/a ", "NULL")
_WRONG_VALUES = (["a"], [], {"x": 1}, ("a",), "banking", "-nan", "inf", float("inf"), -1, 2,
                 0.5, 1e9, 100, True, False, np.bool_(True), np.int64(7), np.float64(-0.0),
                 -0.0, "0", "1", "3")
_YES_VALUES = (True, 1, 1.0, "yes", " Y ", "はい", "○", np.True_, np.int64(1),
               np.float64(1.0), "１", "1.0")
_NO_VALUES = (False, 0, 0.0, -0.0, "no", "いいえ", "×", np.False_, np.int64(0), "0")
_HELD_VALUES = ("実施", "実施済み")
_NOT_HELD_VALUES = ("未実施", "実施しなかった")
_ID_VALUES = ("L0001", 17, 17.0, 2.5, None, np.nan, "", " ", np.int64(3), ["x"])
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _company_fields(fields):
    """``fields`` and a company's own columns: a category and an ordinal read by its levels."""
    return (*fields,
            Field("department", "category", "fixed", "fixed", "Department", "部署",
                  categories=("Sales", "R&D")),
            Field("満足度", "ordinal", "fixed", "fixed", "Satisfied", "満足度",
                  levels=LIKERT_JA, low=1, high=4))


_FIELD_SETS = {
    "schema": lambda model: FIELDS,
    "model": lambda model: model.record_fields,
    "company": lambda model: _company_fields(model.record_fields),
    "without the supervisor flag": lambda model: tuple(
        f for f in FIELDS if f.name != "sup_interview_held"),
    "optional supervisor flag": lambda model: tuple(
        dataclasses.replace(f, role="protected") if f.name == "sup_interview_held" else f
        for f in model.record_fields),
}


def _valid_values(field):
    """Values ``field`` reads (in range, in any spelling); a mix of types."""
    if field.kind == "id":
        return _ID_VALUES
    if field.name == "department":
        return ("Sales", " sales", "R&D", "r＆d")
    if field.name == "満足度":
        return (*LIKERT_JA, " そう思う")
    spellings = value_spellings(field)
    if field.kind == "category":
        return (*field.categories, *spellings, *(code.upper() for code in field.categories),
                np.str_(field.categories[0]))
    if field.kind == "bool":
        return _YES_VALUES + _NO_VALUES
    low, high = math.ceil(field.low), int(field.high)
    numbers = (low, high, np.int64(high), float(low), str(high), str(low).translate(_FULL_WIDTH))
    if field.kind == "float":
        between = [field.low + (field.high - field.low) * share for share in (0.1234, 0.5, 0.9)]
        return (*numbers, *between, *map(np.float64, between), f" {between[1]} ", 1, 3.25)
    answers = tuple(spellings)
    numbered = tuple(f"{level:g}：{answer}" for answer, level in list(spellings.items())[:5])
    return (*numbers, *answers, *numbered)


def _wrong_values(field):
    if field.kind in ("float", "int", "ordinal") and not field.levels:
        return (*_WRONG_VALUES, field.low - 1, field.high + 0.5, str(field.high + 1), 2.5)
    return _WRONG_VALUES


@functools.cache
def _any_value(field, *, valid, blank, wrong):
    """Values of ``field``: valid, blank or anything else, in the proportions given."""
    pools = [st.sampled_from(values) for values, weight in (
        (_valid_values(field), valid), (_BLANK_VALUES, blank), (_wrong_values(field), wrong))
        for _ in range(weight)]
    return st.sampled_from(pools).flatmap(lambda pool: pool)


_FLAG_VALUES = {True: st.sampled_from(_YES_VALUES + _HELD_VALUES),
                False: st.sampled_from(_NO_VALUES + _NOT_HELD_VALUES),
                None: st.sampled_from(_BLANK_VALUES)}
_NOISE = tuple(st.sampled_from(weights)
               for weights in ([0, 1, 3, 6], [0, 0, 2, 20], [0, 0, 0, 1], [0, 0, 0, 1]))
_HELD_OR_NOT = st.sampled_from([True, True, False, False, None])


@functools.cache
def _every_field():
    return {f.name: f for f in _company_fields(FIELDS)}


@st.composite
def any_records(draw):
    """A record of every field (schema and company): mostly valid, interviews held, not
    held or unanswered with their answers mostly given as they should be; as often as
    not with some blanks (skipped answers of an interview held among them), values of a
    wrong type, out of range or misspelled, answers about an interview not held, or a
    missing key."""
    blank, skipped, wrong, stray = (draw(noise) for noise in _NOISE)
    held = {flag: draw(_HELD_OR_NOT) for flag in ("sup_interview_held", "hr_interview_held")}
    fields = _every_field()
    record = {}
    for name, field in fields.items():
        if name in held:
            record[name] = draw(_FLAG_VALUES[held[name]])
        elif field.kind == "id":
            record[name] = draw(_any_value(field, valid=1, blank=0, wrong=0))
        elif field.requires is not None and held[field.requires] is False:
            record[name] = draw(_any_value(field, valid=stray, blank=40, wrong=wrong))
        elif field.requires is not None:
            record[name] = draw(_any_value(field, valid=40, blank=skipped, wrong=wrong))
        else:
            record[name] = draw(_any_value(field, valid=40, blank=blank, wrong=wrong))
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=1)):
        if draw(st.sampled_from([True, False, False])):
            record.pop(name, None)
        else:
            record[name] = draw(_any_value(fields[name], valid=0, blank=1, wrong=3))
    return record


def _same_reading(field, got, expected):
    """A value as RecordReader read it is the table's: same text, or the same number as a
    float; a blank None for a category, NaN otherwise."""
    if field.kind == "id":
        return got == expected
    if field.kind == "category":
        return (got is None and expected is None) or (type(got) is str and got == expected)
    if pd.isna(expected):
        return type(got) is float and np.isnan(got)
    return type(got) is float and got == float(expected)


def _reads_as_the_table(reader, record):
    """Assert that ``reader`` reads ``record`` as the table engine does: the same verdict
    and, for a valid record, the same values. Returns whether the record is valid."""
    options = {"missing": reader.missing, "max_missing": reader.max_missing}
    values = reader(record)
    try:
        valid, problems = validate_records([record], fields=reader.fields, errors="report",
                                           **options)
    except SchemaError:  # a column the fields need is missing
        assert values is None
        return False
    assert (values is None) == valid.empty, problems["problem"].tolist()
    if values is None:
        return False
    row = valid.iloc[0]
    assert set(values) == set(row.index)
    assert [name for name in values if name != "leaver_id"] == [
        f.name for f in reader.fields if f.name in record and f.kind != "id"]
    by_name = {**FIELDS_BY_NAME, **{f.name: f for f in reader.fields}}
    for name, value in values.items():
        assert _same_reading(by_name[name], value, row[name]), (name, value, row[name])
    assert list(read_record(record, reader.fields, **options)) == list(values)
    return True


_RECORD_READERS: dict = {}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=any_records(), which=st.sampled_from(sorted(_FIELD_SETS)),
       missing=st.sampled_from(["impute", "reject"]),
       max_missing=st.sampled_from([0.1, 0.2, 0.5]))
def test_record_reader_reads_as_the_table_engine(model, record, which, missing, max_missing):
    key = (which, missing, max_missing)  # kept across examples, as a model keeps its reader
    if key not in _RECORD_READERS:
        _RECORD_READERS[key] = RecordReader(_FIELD_SETS[which](model), missing=missing,
                                            max_missing=max_missing)
    _reads_as_the_table(_RECORD_READERS[key], record)


# 23 fields in use: with max_missing=0.1, two may be unanswered, not three.
TWO_BLANKS = {"tenure_years": None, "industry": ""}


@pytest.mark.parametrize(
    ("which", "record", "options", "valid"),
    [
        pytest.param("schema", valid_record(sup_interview_held=None, **TWO_BLANKS),
                     {"max_missing": 0.1}, True, id="flag-read-as-held-is-not-a-blank"),
        pytest.param("schema", valid_record(sup_interview_held=None, job_level="",
                                            **TWO_BLANKS),
                     {"max_missing": 0.1}, False, id="three-blanks"),
        pytest.param("schema", valid_record(sup_welcomed_return=None, **TWO_BLANKS),
                     {"max_missing": 0.1}, False, id="skipped-answer-of-a-held-interview"),
        pytest.param("schema", no_sup_interview(**TWO_BLANKS), {"max_missing": 0.1}, True,
                     id="answers-of-an-interview-not-held-are-not-blanks"),
        pytest.param("optional supervisor flag",
                     {k: v for k, v in valid_record().items() if k != "sup_interview_held"},
                     {"missing": "reject"}, True, id="flag-absent"),
        pytest.param("optional supervisor flag", valid_record(sup_interview_held=""),
                     {"missing": "reject"}, True, id="flag-blank-and-answers-rejecting-blanks"),
        pytest.param("optional supervisor flag", valid_record(sup_interview_held=""), {},
                     True, id="flag-blank-and-answers"),
        pytest.param("optional supervisor flag", no_sup_interview(sup_welcomed_return=True),
                     {}, False, id="answer-without-interview"),
        pytest.param("without the supervisor flag", no_sup_interview(sup_welcomed_return=True),
                     {"missing": "reject"}, True, id="flag-not-in-use"),
    ],
)
def test_record_reader_follows_the_interview_rules(model, which, record, options, valid):
    reader = RecordReader(_FIELD_SETS[which](model), **options)
    assert _reads_as_the_table(reader, record) == valid


def test_record_reader_follows_the_rules_of_an_interview_within_an_interview():
    # A follow-up talk held only after an HR interview, with an answer of its own.
    talk = Field("hr_follow_up_held", "bool", "exit_interview", "exit_interview",
                 "HR follow-up talk held", "人事のフォローアップ面談の実施",
                 requires="hr_interview_held")
    offer = Field("hr_follow_up_offer", "bool", "follow_up", "exit_interview",
                  "Offered a way back in the follow-up talk", "フォローアップ面談での再入社の打診",
                  requires="hr_follow_up_held")
    fields = (*FIELDS, talk, offer)
    verdicts = set()
    for missing in MISSING_MODES:
        reader = RecordReader(fields, missing=missing, max_missing=0.03)  # no blank
        for hr, held, offered in itertools.product([True, False, None], repeat=3):
            record = valid_record(hr_interview_held=hr, hr_follow_up_held=held,
                                  hr_follow_up_offer=offered,
                                  hr_interview_amicability=None if hr is False else 3)
            verdicts.add(_reads_as_the_table(reader, record))
    assert verdicts == {True, False}


@pytest.mark.parametrize(
    ("field", "reads"),
    [
        (FIELDS_BY_NAME["sup_interview_amicability"], lambda value: not isinstance(value, bool)),
        (FIELDS_BY_NAME["tenure_years"], lambda value: not isinstance(value, bool)),
        (FIELDS_BY_NAME["policy_comeback_program"], lambda value: True),
        (Field("grade", "category", "fixed", "fixed", "Grade", "等級", categories=("1",)),
         lambda value: isinstance(value, (int, str)) and not isinstance(value, bool)),
    ],
    ids=["likert", "number", "yes-no", "category"],
)
def test_record_reader_tells_booleans_integers_and_floats_apart(field, reads):
    # True == 1 == 1.0, but a boolean is not a number, and 1.0 is other text than 1.
    reader = RecordReader([field])
    for value in (1, True, 1.0, np.int64(1), np.True_, np.float64(1.0), "1", 1, 1.0, True):
        table, _ = validate_records({field.name: value}, fields=[field], errors="report")
        assert (reader({field.name: value}) is None) == table.empty, value
        assert table.empty != reads(value.item() if isinstance(value, np.generic) else value)


def test_record_reader_keeps_a_bounded_number_of_readings():
    reader = RecordReader([FIELDS_BY_NAME["industry"]], max_missing=1)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(5_000):
            written = f"free text written in the industry column, number {i:06d}"
            assert reader({"industry": written}) is None
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200_000  # every reading kept would take most of a megabyte
    assert reader({"industry": "情報通信業"}) == {"industry": "it_telecom"}


def test_record_reader_rejects_an_unknown_missing_mode():
    with pytest.raises(ValueError, match="missing must be 'impute' or 'reject'"):
        RecordReader(FIELDS, missing="drop")


# --------------------------------------------------------------------------------------
# A company's own columns
# --------------------------------------------------------------------------------------

LIKERT_JA = ("そう思わない", "あまりそう思わない", "ややそう思う", "そう思う")


def test_ordinal_levels_read_in_order():
    field = Field("満足度", "ordinal", "fixed", "fixed", "Satisfied", "満足度",
                  levels=LIKERT_JA, low=1, high=4)
    out = validate_records(pd.DataFrame({"満足度": ["ややそう思う", " そう思う", None]}),
                           fields=[field], max_missing=1)
    assert out["満足度"].tolist()[:2] == [3, 4] and pd.isna(out["満足度"].iloc[2])
    with pytest.raises(SchemaError, match=r"'満足度' has 3, which is not declared for this "
                                          r"column; expected one of the levels そう思わない, "
                                          r".* \(in this order\)"):
        validate_records(pd.DataFrame({"満足度": [3]}), fields=[field])


def test_undeclared_category_of_a_company_column_says_how_to_add_it():
    field = Field("department", "category", "fixed", "fixed", "Department", "部署",
                  categories=("Sales", "R&D"))
    with pytest.raises(SchemaError, match=r"'department' has 'Legal', which is not declared "
                                          r"for this column; expected one of Sales, R&D\. A new "
                                          r"value must be added to this column's "
                                          r"\[\[features.extra\]\] entry"):
        validate_records({"department": "Legal"}, fields=[field])


# --------------------------------------------------------------------------------------
# Values read from their labels (Japanese exports as they are)
# --------------------------------------------------------------------------------------

DASH_VARIANTS = ("〜", "～", "~", "－", "‐", "‑", "–", "—", "―", "−", "-")
FULL_WIDTH = str.maketrans("0123456789,+", "０１２３４５６７８９，＋")
CATEGORY_VALUES = [(f.name, code) for f in FIELDS if f.kind == "category"
                   for code in f.categories]
INTERVIEW_FLAGS = ("sup_interview_held", "hr_interview_held")
LIKERT_FIELDS = ("sup_interview_amicability", "hr_interview_amicability", "rehire_intent")


def spelled_as_exported(label):
    """A label as Excel, Windows and HR systems write it."""
    forms = {label, label.upper(), f"  {label}\u3000", label.translate(FULL_WIDTH),
             re.sub(r"(?<=\d),(?=\d{3})", "", label), label.replace(" ", "  ")}
    for dash in DASH_VARIANTS:
        forms |= {label.replace("〜", dash), label.replace("-", dash)}
    return sorted(forms)


def spellings_of(kind, shown_key):
    return [text(shown_key, lang) for lang in LANGS] + list(ANSWER_SPELLINGS[kind])


def read_column(name, values, **changes):
    """The values read in column ``name`` of a table of valid records."""
    frame = pd.DataFrame(records(len(values), **changes))
    frame[name] = pd.Series(values, dtype=object)
    return validate_records(frame, fields=FIELDS)[name].tolist()


@pytest.mark.parametrize(("name", "code"), CATEGORY_VALUES)
def test_every_category_label_reads_to_its_code(name, code):
    labels = [code] + [text(f"value.{name}.{code}", lang) for lang in LANGS]
    written = [form for label in labels for form in spelled_as_exported(label)]
    assert read_column(name, written) == [code] * len(written)


def test_japanese_exports_read_as_the_labels_they_are():
    assert read_column("company_size", ["5000人以上", "5,000人以上", "５，０００人以上",
                                        "1,000～4,999人", "10−99人", "5000+",
                                        "5,000 employees or more"]) == [
        "5000+", "5000+", "5000+", "1000-4999", "10-99", "5000+", "5000+"]
    assert read_column("job_level", ["一般社員", "管理職"]) == ["staff", "manager"]
    assert read_column("industry", ["情報通信業", "IT and telecommunications"]) == [
        "it_telecom", "it_telecom"]


def test_normalise_text_folds_only_what_exports_vary_in():
    assert normalise_text(" 5000人以上 ") == normalise_text("５，０００人以上")
    assert normalise_text("10〜99人") == normalise_text("10～99人") == "10-99人"
    assert normalise_text("Wholesale   and\u3000Retail") == "wholesale and retail"
    assert normalise_text("データー") != normalise_text("データ-")  # ー is not a dash
    assert normalise_text("1,5") == "1,5" and normalise_text("12,3456") == "12,3456"


def interview_answers(flag, held):
    """The answers of a valid record whose interview ``flag`` reads ``held``."""
    if flag == "hr_interview_held":
        return {"hr_interview_amicability": 3 if held else None}
    return {} if held else dict.fromkeys((*BEHAVIOURS, "sup_interview_amicability"))


@pytest.mark.parametrize(("spelling", "expected"),
                         [(s, True) for s in spellings_of("yes", "shown.yes")]
                         + [(s, False) for s in spellings_of("no", "shown.no")])
def test_each_yes_no_spelling_reads(spelling, expected):
    written = [spelling, spelling.upper(), f" {spelling} ", unicodedata.normalize(
        "NFKC", spelling).translate(FULL_WIDTH)]
    for name in ("policy_alumni_perks", "married", *INTERVIEW_FLAGS):
        answers = interview_answers(name, expected) if name in INTERVIEW_FLAGS else {}
        assert read_column(name, written, **answers) == [expected] * len(written), name
    assert read_yes_no(spelling) is expected
    assert normalise_text(spelling) in (YES_TEXT if expected else NO_TEXT)


@pytest.mark.parametrize(("spelling", "expected"),
                         [(s, True) for s in spellings_of("held", "shown.held")]
                         + [(s, False) for s in spellings_of("not_held", "shown.not_held")])
def test_held_and_not_held_read_for_the_interview_flags_only(spelling, expected):
    for name in INTERVIEW_FLAGS:
        assert read_column(name, [spelling, f"　{spelling} "],
                           **interview_answers(name, expected)) == [expected] * 2, name
    assert read_yes_no(spelling, interview=True) is expected
    assert read_yes_no(spelling) is None
    with pytest.raises(SchemaError, match=r"'policy_comeback_program' has .*; expected true "
                                          r"or false"):
        validate_records(valid_record(policy_comeback_program=spelling))


def test_spelling_tables_are_unambiguous():
    tables = (YES_TEXT, NO_TEXT, HELD_TEXT, NOT_HELD_TEXT, MISSING_TEXT)
    for i, first in enumerate(tables):
        for second in tables[i + 1:]:
            assert not first & second, first & second
    assert len(ANSWER_SPELLINGS["yes"]) == len(ANSWER_SPELLINGS["no"])
    assert len(ANSWER_SPELLINGS["held"]) == len(ANSWER_SPELLINGS["not_held"])
    for name, code in CATEGORY_VALUES:
        for lang in LANGS:
            label = text(f"value.{name}.{code}", lang)
            assert value_spellings(FIELDS_BY_NAME[name])[normalise_text(label)] == code


def test_numbers_and_booleans_still_read_as_yes_no():
    assert [read_yes_no(v) for v in (True, np.bool_(False), 1, 0.0, "1.0", 2, "", None)] == [
        True, False, True, False, True, None, None, None]


@pytest.mark.parametrize("blank", [np.nan, None, pd.NA, pd.NaT, ""])
@pytest.mark.parametrize("other", [[], ["はい", 0]])
def test_yes_no_objects_with_blanks_read_as_their_values(blank, other):
    # read_csv gives a yes/no column with blanks as True/False/NaN objects.
    written = [True, False, blank, True, *other]
    records = pd.DataFrame({"policy_comeback_program": pd.Series(written, dtype=object)})
    read = validate_records(records, fields=[FIELDS_BY_NAME["policy_comeback_program"]],
                            max_missing=1.0)
    expected = [True, False, pd.NA, True, *(read_yes_no(v) for v in other)]
    assert read["policy_comeback_program"].astype(object).tolist() == expected


@pytest.mark.parametrize(("name", "level"), [(n, level) for n in LIKERT_FIELDS
                                             for level in LIKERT])
def test_likert_answers_read_in_both_languages(name, level):
    written = []
    for lang in LANGS:
        answer = text(f"answer.{name}.{level}", lang)
        written += [answer, f" {answer.upper()} ", f"{level}：{answer}", f"{level} {answer}",
                    f"{level}. {answer}", f"{chr(0xFF10 + level)}：{answer}", str(level)]
    changes = {} if name != "hr_interview_amicability" else {"hr_interview_held": True}
    assert read_column(name, written, **changes) == [level] * len(written)
    assert read_value(FIELDS_BY_NAME[name], f"{level}：" + text(f"answer.{name}.{level}",
                                                               "ja")) == level


def test_a_numbered_answer_must_agree_with_its_number():
    with pytest.raises(SchemaError, match=r"column 'rehire_intent' has '2：そう思う', whose "
                                          r"number 2 does not match its answer \(that answer "
                                          r"is 5\); expected a whole number from 1 to 5 or its "
                                          r"answer \(1: Strongly disagree") as info:
        validate_records(valid_record(rehire_intent="2：そう思う"))
    japanese = info.value.in_language("ja")
    assert ("列「再入社意向」の値「2：そう思う」は、番号2と回答（回答の番号は5）が"
            "一致しません") in japanese
    assert_japanese(japanese)
    with pytest.raises(SchemaError, match=r"'rehire_intent' has '4 maybe'; expected"):
        validate_records(valid_record(rehire_intent="4 maybe"))


def test_engagement_and_company_levels_keep_their_reading():
    with pytest.raises(SchemaError, match="'alumni_engagement' has 'そう思う'; expected a number"):
        validate_records(valid_record(alumni_engagement="そう思う"))
    field = Field("満足度", "ordinal", "fixed", "fixed", "Satisfied", "満足度",
                  levels=LIKERT_JA, low=1, high=4)
    with pytest.raises(SchemaError, match="not declared for this column"):
        validate_records({"満足度": "3：ややそう思う"}, fields=[field])


# --------------------------------------------------------------------------------------
# Problems in English and Japanese
# --------------------------------------------------------------------------------------

OPTIONS = r"--[a-z-]+(?: [a-z0-9-]+)?"
SETTING = r"\(?[a-z_]+ = (?:\"[a-z]+\"|[0-9.]+)\)?|\[\[[a-z.]+\]\]"


def assert_japanese(written, *, codes=()):
    """No English word is left once values, headers, settings and ``codes`` (and the ID of
    退職者ID) are taken out."""
    rest = re.sub(r"「[^「」]*」", "", written)
    rest = re.sub(f"{OPTIONS}|{SETTING}", "", rest)
    for code in (*codes, "退職者ID"):
        rest = rest.replace(code, "")
    assert not re.search(r"[A-Za-z]{2,}", rest), rest


HEADERS = {"policy_comeback_program": "カムバック制度", "industry": "業種",
           "sup_interview_held": "上司面談", "sup_welcomed_return": "歓迎の意思",
           "tenure_years": "勤続年数", "sup_interview_amicability": "上司面談の円満度"}


@pytest.mark.parametrize(
    ("record", "options", "expected"),
    [
        pytest.param(valid_record(policy_comeback_program="maybe"), {},
                     "列「カムバック制度」の値「maybe」は読み取れません。はい／いいえ（1／0、"
                     "あり／なし、有／無", id="yes-no"),
        pytest.param(valid_record(industry="banking"), {},
                     "列「業種」の値「banking」は読み取れません。「製造業」、「建設・不動産業」、",
                     id="category"),
        pytest.param(valid_record(company_size="huge"), {},
                     "「10〜99人」、「100〜999人」、「1,000〜4,999人」、「5,000人以上」のいずれか",
                     id="category-labels"),
        pytest.param(valid_record(tenure_years=pd.Timestamp("2023-03-31")), {},
                     "列「勤続年数」の値「2023-03-31」は読み取れません。0.25〜50の数値を",
                     id="timestamp"),
        pytest.param(valid_record(sup_interview_amicability=6.0), {},
                     "列「上司面談の円満度」の値「6」は範囲外です。1〜5の整数、またはその回答"
                     "（1：円満ではなかった", id="out-of-range"),
        pytest.param(valid_record(sup_interview_amicability=4.5), {},
                     "列「上司面談の円満度」の値「4.5」は整数ではありません", id="not-whole"),
        pytest.param(no_sup_interview(sup_welcomed_return=True), {},
                     "列「歓迎の意思」に値「はい」がありますが、上司の退職面談は実施されていません"
                     "（列「上司面談」が「いいえ」）。空欄にしてください", id="without-interview"),
        pytest.param(valid_record(industry=None), {"missing": "reject"},
                     "列「業種」に回答がありません（空欄）。未回答を認めない設定"
                     "（missing = \"reject\"）のため", id="blank-rejected"),
        pytest.param(valid_record(sup_interview_amicability=" "), {"missing": "reject"},
                     "列「上司面談の円満度」に回答がありません（空欄）が、上司の退職面談は実施"
                     "されています（列「上司面談」が「はい」）", id="held-without-answer"),
        pytest.param(valid_record(**MOST_FACTS_BLANK), {},
                     "使用する23項目のうち12項目が未回答です（企業規模（従業員数）、業種、役職、"
                     "勤続年数、", id="too-many-blanks"),
    ],
)
def test_japanese_problems_name_the_header_and_the_value_as_written(record, options, expected):
    _, problems = validate_records(record, errors="report", lang="ja", headers=HEADERS,
                                   **options)
    written = problems.loc[0, "problem"]
    assert expected in written
    assert_japanese(written, codes=field_names())
    with pytest.raises(SchemaError) as info:
        validate_records(record, headers=HEADERS, **options)
    assert written in info.value.in_language("ja")
    _, english = validate_records(record, errors="report", headers=HEADERS, **options)
    assert english.loc[0, "problem"] in str(info.value)
    assert english.drop(columns="problem").equals(problems.drop(columns="problem"))


def test_values_are_shown_as_written_never_as_python_reprs():
    frame = pd.DataFrame(records(3, sup_interview_held=False, **dict.fromkeys(
        (*BEHAVIOURS, "sup_interview_amicability"))))
    frame["sup_welcomed_return"] = pd.Series([True, 1, 1.0], dtype=object)
    frame["tenure_years"] = pd.Series([pd.Timestamp("2023-03-31"),
                                       pd.Timestamp("2023-03-31 09:30"), 6.5], dtype=object)
    _, problems = validate_records(frame, errors="report")
    assert problems["problem"].tolist() == [
        "column 'tenure_years' has 2023-03-31; expected a number from 0.25 to 50",
        "column 'sup_welcomed_return' has True, reported without a supervisor exit interview: "
        "sup_interview_held is false; leave it empty (NA)",
        "column 'tenure_years' has 2023-03-31 09:30:00; expected a number from 0.25 to 50",
        "column 'sup_welcomed_return' has 1, reported without a supervisor exit interview: "
        "sup_interview_held is false; leave it empty (NA)",
        "column 'sup_welcomed_return' has 1, reported without a supervisor exit interview: "
        "sup_interview_held is false; leave it empty (NA)",
    ]
    assert not problems["problem"].str.contains("Timestamp|1\\.0").any()


def test_schema_error_reads_in_japanese():
    frame = pd.DataFrame(records(8, industry="banking"), index=range(10, 18))
    with pytest.raises(SchemaError) as info:
        validate_records(frame, headers={"industry": "業種"})
    japanese = info.value.in_language("ja")
    assert japanese.startswith(
        "退職者の記録8件のうち8件に、問題が8件あります（行は0から数えた位置）：\n"
        "  行 0（インデックス「10」、退職者ID「L0000」）：列「業種」の値"
        "「banking」は読み取れません。")
    assert ("\n  …ほか3件（すべての問題はエラーの一覧にあります）\n"
            "値を修正してください。") in japanese
    assert_japanese(japanese)
    assert str(info.value).startswith("8 problems in 8 of 8 leaver records:\n  row 0 (index 10, "
                                      "leaver_id 'L0000'): column '業種' has 'banking'")


def test_read_value_error_reads_in_both_languages():
    with pytest.raises(ValueError, match=r"^'policy_alumni_perks' cannot be 'maybe'; expected "
                                         r"true or false") as info:
        read_value(FIELDS_BY_NAME["policy_alumni_perks"], "maybe")
    japanese = info.value.in_language("ja")
    assert japanese.startswith("「policy_alumni_perks」に値「maybe」は使えません。はい／いいえ")
    assert_japanese(japanese, codes=field_names())


def test_column_problems_read_in_japanese():
    record = valid_record()
    del record["industry"]
    frame = pd.concat([pd.DataFrame([record]), pd.DataFrame([record])[["job_level"]]], axis=1)
    with pytest.raises(SchemaError) as info:
        validate_records(frame, lang="ja", headers={"job_level": "役職"})
    japanese = info.value.in_language("ja")
    assert japanese == (
        "退職者の記録の列に問題があります。必須の列がありません：業種（industry）。"
        "列を追加するか、見出しをこの列に対応づけてください。同じ列が複数あります："
        "役職（それぞれ1つだけ残してください）")
    assert info.value.problems["problem"].tolist() == [
        "必須の列がありません。列を追加するか、見出しをこの列に対応づけてください",
        "同じ列が複数あります。1つだけ残してください"]
    assert str(info.value) == ("leaver records have missing required column: industry (add the "
                               "column or map your header to it); repeated column: 役職 (keep "
                               "only one of each)")


@pytest.mark.parametrize("header", ["a;b;c", "\x00a\x00b", "Ã©quipe", "foo"])
def test_header_hints_read_in_japanese(header):
    with pytest.raises(SchemaError) as info:
        validate_records(pd.DataFrame({header: [1]}))
    japanese = info.value.in_language("ja")
    assert "表の列" in japanese or "見出し" in japanese
    technical = ("sep=", "NUL", "UTF-16", "Shift_JIS", "Excel", "Unicode", "utf-8", "cp932",
                 "utf-16-le", "utf-16-be", "utf-16")
    assert_japanese(japanese, codes=(*field_names(), *technical))


# --------------------------------------------------------------------------------------
# Near-match hints
# --------------------------------------------------------------------------------------


def test_missing_column_names_the_header_close_to_its_label():
    record = valid_record()
    record["上司が退職理由を理解してた"] = record.pop("sup_understood_reason")
    with pytest.raises(SchemaError) as info:
        validate_records(pd.DataFrame([record]))
    assert str(info.value) == (
        "leaver records have missing required column: sup_understood_reason (the table has "
        "'上司が退職理由を理解してた', close to its label '上司が退職理由を理解した': correct "
        "the header or map it with --columns)")
    assert info.value.in_language("ja") == (
        "退職者の記録の列に問題があります。必須の列がありません：上司が退職理由を理解した"
        "（sup_understood_reason）。表の列「上司が退職理由を理解してた」がこの列の名前"
        "「上司が退職理由を理解した」に似ています。見出しを直すか、--columns で対応づけてください")
    assert info.value.problems["problem"].tolist() == [
        "required column is missing; the table has '上司が退職理由を理解してた', close to its "
        "label '上司が退職理由を理解した': correct the header or map it with --columns"]


def test_missing_column_names_the_header_close_to_its_name_or_english_label():
    record = valid_record()
    record["Supervisor listened to end"] = record.pop("sup_listened_to_end")
    record["Industri"] = record.pop("industry")
    del record["job_level"]
    with pytest.raises(SchemaError, match=re.escape(
            "missing required columns: industry, job_level, sup_listened_to_end (add the column "
            "or map your header to it; industry: the table has 'Industri', close to its name "
            "'industry': correct the header or map it with --columns; sup_listened_to_end: the "
            "table has 'Supervisor listened to end', close to its label 'Supervisor listened to "
            "the end': correct the header or map it with --columns)")):
        validate_records(pd.DataFrame([record]))


def test_a_misspelled_key_of_a_record_gets_a_did_you_mean():
    record = valid_record()
    record["sup_welcomed_retrun"] = record.pop("sup_welcomed_return")
    assert read_record(record, FIELDS) is None
    for data in (record, [record]):
        with pytest.raises(SchemaError, match=re.escape(
                "missing required column: sup_welcomed_return (the record has the key "
                "'sup_welcomed_retrun': did you mean sup_welcomed_return?)")) as info:
            validate_records(data)
        assert ("記録のキー「sup_welcomed_retrun」は「sup_welcomed_return」の誤りでは"
                "ありませんか") in info.value.in_language("ja")


def test_closest_header():
    field = FIELDS_BY_NAME["sup_welcomed_return"]
    assert closest_header(field, ["sup_welcomed_retrun", "age"]) == ("sup_welcomed_retrun",
                                                                     "sup_welcomed_return")
    assert closest_header(field, ["戻ってきても歓迎する意思を示す"]) == (
        "戻ってきても歓迎する意思を示す", "戻ってきても歓迎する意思を示した")
    full_width = "ＳＵＰ_ＷＥＬＣＯＭＥＤ_ＲＥＴＵＲＮ "
    assert closest_header(field, [full_width]) == (full_width, "sup_welcomed_return")
    assert closest_header(field, ["welcome", "industry"]) is None
    assert closest_header(field, ["welcome"], cutoff=0.3) is not None


# --------------------------------------------------------------------------------------
# Blank columns
# --------------------------------------------------------------------------------------


def test_blank_columns_lists_the_columns_mostly_blank():
    frame = pd.DataFrame(records(4))
    frame["tenure_years"] = ["", "n/a", None, 3.0]
    frame["policy_alumni_perks"] = [None, "NA", True, False]
    frame["informed_of_rehire_route"] = np.nan
    assert blank_columns(frame, FIELDS) == [("tenure_years", 3, 4),
                                            ("informed_of_rehire_route", 4, 4)]
    assert blank_columns(frame, FIELDS, share=0.4) == [
        ("tenure_years", 3, 4), ("policy_alumni_perks", 2, 4),
        ("informed_of_rehire_route", 4, 4)]
    everything = blank_columns(frame, FIELDS, share=-1)  # every column where answers count
    assert [name for name, *_ in everything] == [
        name for name in field_names(*FEATURE_ROLES) if name != "hr_interview_amicability"]
    assert ("industry", 0, 4) in everything


def test_blank_columns_counts_an_interviews_answers_only_where_it_was_held():
    frame = pd.DataFrame([no_sup_interview(leaver_id=f"L{i}") for i in range(3)]
                         + [valid_record(sup_welcomed_return="")])
    found = {name: (blank, n) for name, blank, n in blank_columns(frame, FIELDS, share=-1)}
    assert found["sup_welcomed_return"] == (1, 1)
    assert found["sup_listened_to_end"] == (0, 1)
    assert "hr_interview_amicability" not in found  # no HR interview held: never expected
    assert blank_columns(frame, FIELDS) == [("sup_welcomed_return", 1, 1)]
    frame["sup_interview_held"] = ["", "", "未実施", None]  # the last inferred from answers
    found = {name: (blank, n) for name, blank, n in blank_columns(frame, FIELDS, share=-1)}
    assert found["sup_welcomed_return"] == (1, 1)
    assert found["sup_interview_held"] == (3, 4)


def test_blank_columns_of_a_table_without_every_column():
    frame = pd.DataFrame({"tenure_years": [None, None], "age": [None, None]})
    assert blank_columns(frame, FIELDS) == [("tenure_years", 2, 2)]
    assert blank_columns(frame.head(0), FIELDS) == []


# --------------------------------------------------------------------------------------
# The labels page lists the spellings read
# --------------------------------------------------------------------------------------

LABELS_PAGE = Path(__file__).parent.parent / "docs" / "labels.md"


def test_the_labels_page_lists_every_spelling_read():
    page = LABELS_PAGE.read_text(encoding="utf-8").split("## Spellings read", 1)[1]
    listed = {kind: {normalise_text(s) for s in spellings.split(", ")}
              for kind, spellings in re.findall(
                  r"^- (yes|no|held|not held)(?: \([^)]*\))?: (.+)$", page, re.M)}
    assert listed == {"yes": YES_TEXT, "no": NO_TEXT, "held": HELD_TEXT,
                      "not held": NOT_HELD_TEXT}
    rows = re.findall(r"^\| (\w+) \| (\d) \| ([^|]+) \| ([^|]+) \|$", page, re.M)
    answers = sorted(key for key in TEXTS if key.startswith("answer."))
    assert sorted(f"answer.{name}.{level}" for name, level, _, _ in rows) == answers
    for name, level, en, ja in rows:
        key = f"answer.{name}.{level}"
        assert (en.strip(), ja.strip()) == (text(key, "en"), text(key, "ja"))
    for name, code in CATEGORY_VALUES:
        assert has_text(f"value.{name}.{code}") and f"`{name}`" in page
