"""Tests of the feature transformers (leaver records -> model matrix)."""

from __future__ import annotations

import pickle
import re
from functools import partial

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import rehire_model as rm
from rehire_model.exceptions import SchemaError
from rehire_model.features import (
    ExitInterviewFeatures,
    FixedFactFeatures,
    LeaverFeatures,
    PolicyFeatures,
    ProtectedFeatures,
    feature_sources,
)
from rehire_model.schema import FEATURE_ROLES, FIELDS_BY_NAME, field_names
from rehire_model.validation import validate_records

DEFAULT_COLUMNS = [
    "company_size",
    "industry=manufacturing",
    "industry=construction_real_estate",
    "industry=it_telecom",
    "industry=wholesale_retail",
    "industry=finance_insurance",
    "industry=transport_logistics",
    "industry=healthcare_welfare",
    "industry=services",
    "industry=other",
    "job_level=staff",
    "job_level=supervisor",
    "job_level=manager",
    "tenure_years",
    "years_since_exit",
    "policy_comeback_program",
    "policy_alumni_perks",
    "policy_alumni_community",
    "policy_alumni_events",
    "informal_rehire_custom",
    "n_alumni_measures",
    "informal_route_only",
    "sup_interview_held",
    "sup_amicability",
    "hr_interview_held",
    "hr_amicability",
    "respect",
    "drawing_out",
    "welcome",
    "respect_x_drawing_out",
    "invited_to_alumni_community",
    "informed_of_rehire_route",
]

ALL_TRANSFORMERS = [
    PolicyFeatures(),
    ExitInterviewFeatures(),
    ExitInterviewFeatures(items=True, interaction=False),
    ExitInterviewFeatures(constructs=False),
    FixedFactFeatures(),
    ProtectedFeatures(),
    LeaverFeatures(),
    LeaverFeatures(include_protected=True, items=True),
]

RECORD = {
    "leaver_id": "L-1",
    "company_size": "1000-4999",
    "industry": "finance_insurance",
    "job_level": "manager",
    "tenure_years": 6.5,
    "years_since_exit": 2,
    "age": 41,
    "gender": "female",
    "married": True,
    "has_children": False,
    "policy_comeback_program": False,
    "policy_alumni_perks": True,
    "policy_alumni_community": True,
    "policy_alumni_events": False,
    "informal_rehire_custom": True,
    "sup_interview_held": True,
    "sup_interview_amicability": 4,
    "hr_interview_held": False,
    "hr_interview_amicability": None,
    "sup_understood_reason": False,
    "sup_respected_timing": False,
    "sup_listened_to_end": False,
    "sup_listened_carefully": False,
    "sup_heard_dissatisfaction": False,
    "sup_answered_questions": False,
    "sup_welcomed_return": False,
    "invited_to_alumni_community": True,
    "informed_of_rehire_route": False,
}
SUP_ANSWERS = [name for name, f in FIELDS_BY_NAME.items() if f.requires == "sup_interview_held"]


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    frame = rm.make_leaver_survey(300, random_state=0)
    frame.index = pd.RangeIndex(100, 100 + len(frame))  # a non-default index
    return frame


def one(**changes: object) -> pd.DataFrame:
    return validate_records(dict(RECORD, **changes))


def row(transformer, **changes: object) -> pd.Series:
    frame = one(**changes)
    return clone(transformer).fit(frame).transform(frame).iloc[0]


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def test_default_columns_are_pinned(records):
    out = LeaverFeatures().fit_transform(records)
    assert list(out.columns) == DEFAULT_COLUMNS
    assert list(LeaverFeatures().fit(records).get_feature_names_out()) == DEFAULT_COLUMNS


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=repr)
def test_output_is_finite_float64_with_input_index(transformer, records):
    fitted = clone(transformer).fit(records)
    out = fitted.transform(records)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(records.index)
    assert (out.dtypes == np.float64).all()
    assert np.isfinite(out.to_numpy()).all()
    assert list(out.columns) == list(fitted.get_feature_names_out())
    assert out.shape == (len(records), len(fitted.feature_sources_))


@pytest.mark.parametrize("transform", ["pandas", "default"])
def test_set_output(transform, records):
    expected = LeaverFeatures().fit_transform(records)
    out = LeaverFeatures().set_output(transform=transform).fit(records).transform(records)
    pd.testing.assert_frame_equal(out, expected)


def test_one_validated_record():
    frame = one()
    out = LeaverFeatures().fit(frame).transform(frame)
    assert out.shape == (1, len(DEFAULT_COLUMNS))
    got = out.iloc[0]
    assert got["company_size"] == 2.0
    assert got["industry=finance_insurance"] == 1.0
    assert got[[c for c in DEFAULT_COLUMNS if c.startswith("industry=")]].sum() == 1.0
    assert got["job_level=manager"] == 1.0
    assert got["n_alumni_measures"] == 2.0
    assert got["informal_route_only"] == 1.0
    assert got["sup_amicability"] == 4.0
    assert got["hr_interview_held"] == 0.0 and got["hr_amicability"] == 0.0


def test_fitted_on_training_data_transforms_records_without_targets(records):
    fitted = LeaverFeatures().fit(records)  # training data: targets and protected fields
    out = fitted.transform(one())  # a record to score: no targets
    assert list(out.columns) == DEFAULT_COLUMNS


def test_informal_route_only_needs_no_comeback_program():
    got = row(PolicyFeatures(), policy_comeback_program=True)
    assert got["informal_route_only"] == 0.0
    assert got["n_alumni_measures"] == 3.0


# --------------------------------------------------------------------------------------
# Sources and protected attributes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=repr)
def test_feature_sources_cover_outputs_and_name_schema_fields(transformer, records):
    fitted = clone(transformer).fit(records)
    sources = feature_sources(fitted)
    assert list(sources) == list(fitted.get_feature_names_out())
    for name, fields in sources.items():
        assert isinstance(fields, tuple) and fields, name
        assert all(f in FIELDS_BY_NAME for f in fields), name
        assert set(fields) <= set(fitted.feature_names_in_), name
    assert sources is not fitted.feature_sources_


def test_protected_fields_excluded_by_default(records):
    protected = set(field_names("protected"))
    fitted = LeaverFeatures().fit(records)
    for name, fields in fitted.feature_sources_.items():
        assert not protected & set(fields), name
    assert not protected & set(fitted.feature_names_in_)
    # records without protected fields at all are fine
    fitted.transform(records.drop(columns=list(protected)))


def test_protected_fields_present_when_opted_in(records):
    fitted = LeaverFeatures(include_protected=True).fit(records)
    used = {f for fields in fitted.feature_sources_.values() for f in fields}
    assert set(field_names("protected")) <= used
    out = fitted.transform(records)
    assert out.filter(like="gender=").sum(axis=1).eq(1).all()


def test_protected_missing_values_stay_missing():
    got = row(ProtectedFeatures(), age=None, gender=None, married=None, has_children=None)
    assert got.isna().all()


def test_feature_sources_rejects_other_objects():
    with pytest.raises(TypeError):
        feature_sources(object())
    with pytest.raises(NotFittedError):
        feature_sources(LeaverFeatures())


# --------------------------------------------------------------------------------------
# Exit interviews
# --------------------------------------------------------------------------------------


def test_no_supervisor_interview_is_explicit():
    changes = {name: None for name in SUP_ANSWERS}
    got = row(ExitInterviewFeatures(items=True), sup_interview_held=False, **changes)
    zero = [
        "sup_interview_held",
        "sup_amicability",
        "respect",
        "drawing_out",
        "welcome",
        "respect_x_drawing_out",
        *[n for n in SUP_ANSWERS if n in got.index],
    ]
    assert (got[zero] == 0).all()


def test_skipped_answers_stay_nan_and_structure_stays_zero():
    t = ExitInterviewFeatures(items=True)
    skipped = row(t, sup_interview_amicability=None, sup_welcomed_return=None,
                  sup_understood_reason=None, invited_to_alumni_community=None)
    assert np.isnan(skipped[["sup_amicability", "welcome", "sup_welcomed_return",
                             "sup_understood_reason", "invited_to_alumni_community"]]).all()
    assert skipped["respect"] == row(t)["sup_respected_timing"]  # the item answered
    unknown = row(t, sup_interview_held=None, **dict.fromkeys(SUP_ANSWERS))
    assert np.isnan(unknown[["sup_interview_held", "sup_amicability", "respect", "welcome",
                             "respect_x_drawing_out"]]).all()


def test_skipped_facts_and_policies_stay_nan():
    got = row(LeaverFeatures(), industry=None, company_size=None, tenure_years=None,
              policy_alumni_perks=None)
    industries = [c for c in got.index if c.startswith("industry=")]
    assert np.isnan(got[[*industries, "company_size", "tenure_years", "policy_alumni_perks",
                         "n_alumni_measures"]]).all()
    assert got["informal_route_only"] == row(LeaverFeatures())["informal_route_only"]


def test_without_constructs_each_behaviour_is_a_column():
    t = ExitInterviewFeatures(constructs=False, interaction=False)
    names = list(t.fit(one()).get_feature_names_out())
    assert not {"respect", "drawing_out", "welcome"} & set(names)
    assert {"sup_welcomed_return", "sup_listened_to_end"} <= set(names)


def test_welcome_signal_raises_welcome():
    base = row(ExitInterviewFeatures())
    assert row(ExitInterviewFeatures(), sup_welcomed_return=True)["welcome"] > base["welcome"]


def test_respect_interacts_only_with_drawing_out():
    respect = {"sup_understood_reason": True, "sup_respected_timing": True}
    drawing = {"sup_listened_to_end": True, "sup_listened_carefully": True}
    t = ExitInterviewFeatures()
    none, only_respect = row(t), row(t, **respect)
    only_drawing, both = row(t, **drawing), row(t, **respect, **drawing)
    assert only_respect["respect"] > none["respect"]
    assert only_respect["respect_x_drawing_out"] == none["respect_x_drawing_out"] == 0
    assert both["respect_x_drawing_out"] > only_drawing["respect_x_drawing_out"]
    assert "respect_x_drawing_out" not in row(ExitInterviewFeatures(interaction=False)).index


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=repr)
def test_missing_column_raises_schema_error(transformer, records):
    needed = clone(transformer).fit(records).feature_names_in_
    dropped = [needed[0], needed[-1]]
    with pytest.raises(SchemaError, match=f"missing.*{dropped[0]}, {dropped[1]}"):
        clone(transformer).fit(records.drop(columns=dropped))
    fitted = clone(transformer).fit(records)
    with pytest.raises(SchemaError, match=dropped[0]):
        fitted.transform(records.drop(columns=dropped))


def test_invalid_values_raise_schema_error(records):
    bad = records.copy()
    bad["industry"] = bad["industry"].astype(object)
    bad.loc[bad.index[0], "industry"] = "banking"
    with pytest.raises(SchemaError, match="industry.*banking"):
        LeaverFeatures().fit(bad)
    bad = records.copy()
    bad.loc[bad.index[0], "tenure_years"] = np.inf
    with pytest.raises(SchemaError, match="infinite values in: tenure_years"):
        LeaverFeatures().fit(records).transform(bad)


def test_not_a_dataframe_raises_type_error(records):
    with pytest.raises(TypeError, match="DataFrame"):
        LeaverFeatures().fit(records.to_numpy())


@pytest.mark.parametrize("param", ["include_protected", "constructs", "items", "interaction"])
def test_bad_parameter_raises(param, records):
    with pytest.raises(TypeError, match=param):
        LeaverFeatures(**{param: "yes"}).fit(records)


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=repr)
def test_transform_before_fit_raises(transformer, records):
    with pytest.raises(NotFittedError):
        clone(transformer).transform(records)


def test_clone_and_get_params_round_trip(records):
    t = LeaverFeatures(include_protected=True, items=True, interaction=False)
    params = t.get_params()
    assert params == {
        "include_protected": True,
        "constructs": True,
        "items": True,
        "interaction": False,
        "fields": None,
        "extra": (),
    }
    copy = clone(t)
    assert copy.get_params() == params and copy is not t
    assert LeaverFeatures(**params).get_params() == params
    assert not hasattr(copy.fit(records), "transformers") and hasattr(copy, "transformers_")
    t.set_params(items=False)
    assert t.get_params()["items"] is False


NO_HR_FIELDS = tuple(n for n in field_names(*FEATURE_ROLES) if not n.startswith("hr_"))


def test_fields_subset_drops_columns_and_input_needs(records):
    without_hr = records.drop(columns=["hr_interview_held", "hr_interview_amicability"])
    t = LeaverFeatures(fields=NO_HR_FIELDS).fit(without_hr)
    out = t.transform(without_hr)
    full = LeaverFeatures().fit_transform(records)
    assert list(out.columns) == [c for c in full.columns if not c.startswith("hr_")]
    pd.testing.assert_frame_equal(out, full[out.columns])
    assert "hr_interview_held" not in t.feature_names_in_


def test_fields_subset_drops_derived_columns_of_a_missing_part(records):
    fields = tuple(n for n in field_names(*FEATURE_ROLES) if n != "policy_alumni_events")
    names = LeaverFeatures(fields=fields).fit(records).get_feature_names_out()
    assert "n_alumni_measures" not in names and "policy_alumni_perks" in names


def test_fields_must_be_feature_fields_of_the_schema(records):
    with pytest.raises(ValueError, match=r"\['age', 'remote_work'\] are not fixed"):
        LeaverFeatures(fields=("company_size", "age", "remote_work")).fit(records)


def test_extra_columns_are_encoded_and_traced(records):
    data = records.assign(
        remote_work=np.arange(len(records)) % 2 == 0,
        region=np.where(np.arange(len(records)) % 3 == 0, "east", "west"),
    )
    extra = (("remote_work", "bool", ()), ("region", "category", ("east", "west")))
    t = LeaverFeatures(extra=extra).fit(data)
    out = t.transform(data)
    assert list(out.columns[-3:]) == ["remote_work", "region=east", "region=west"]
    assert out["remote_work"].tolist() == [1.0, 0.0] * (len(records) // 2)
    assert feature_sources(t)["region=west"] == ("region",)
    with pytest.raises(SchemaError, match="'region' has 'north'"):
        t.transform(data.assign(region="north"))


@pytest.mark.parametrize(
    "spec", [("x", "text", ()), ("x", "category", ()), ("x", "bool", ("a",)), ("x",)]
)
def test_bad_extra_column_spec_raises(spec, records):
    with pytest.raises(ValueError, match="must be \\(name, kind, categories\\)"):
        LeaverFeatures(extra=(spec,)).fit(records)


# --------------------------------------------------------------------------------------
# scikit-learn conventions
# --------------------------------------------------------------------------------------


# Checks that build their own input as numeric (or 1-d) arrays. These transformers read
# named leaver-record columns, so fit refuses such input with a TypeError before anything
# else; the same properties are tested on leaver records in test_conventions_on_records
# below. Each of these checks must end in exactly that refusal: any other error, or none,
# fails the test (a check that now passes should be removed from the list).
_NEEDS_RECORDS = "feeds a numeric array without the leaver-record columns"
_REFUSED = {
    "check_complex_data": f"{_NEEDS_RECORDS}; complex numbers are no record value",
    "check_dict_unchanged": f"{_NEEDS_RECORDS}; covered on records",
    "check_dont_overwrite_parameters": f"{_NEEDS_RECORDS}; covered on records",
    "check_dtype_object": f"{_NEEDS_RECORDS}; object columns are covered on records",
    "check_estimators_dtypes": f"{_NEEDS_RECORDS}; dtypes come from validate_records",
    "check_estimators_fit_returns_self": f"{_NEEDS_RECORDS}; covered on records",
    "check_estimators_overwrite_params": f"{_NEEDS_RECORDS}; covered on records",
    "check_estimators_pickle": f"{_NEEDS_RECORDS}; covered on records",
    "check_f_contiguous_array_estimator": f"{_NEEDS_RECORDS} (Fortran-ordered array)",
    "check_fit1d": f"{_NEEDS_RECORDS} (1-d array)",
    "check_fit2d_1feature": f"{_NEEDS_RECORDS} (one numeric column)",
    "check_fit2d_1sample": f"{_NEEDS_RECORDS}; one record is covered on records",
    "check_fit2d_predict1d": f"{_NEEDS_RECORDS} (1-d array)",
    "check_fit_check_is_fitted": f"{_NEEDS_RECORDS}; covered on records",
    "check_fit_idempotent": f"{_NEEDS_RECORDS}; covered on records",
    "check_fit_score_takes_y": f"{_NEEDS_RECORDS}; fit(X, y=None) is covered on records",
    "check_methods_sample_order_invariance": f"{_NEEDS_RECORDS}; covered on records",
    "check_methods_subset_invariance": f"{_NEEDS_RECORDS}; covered on records",
    "check_n_features_in": f"{_NEEDS_RECORDS}; covered on records",
    "check_n_features_in_after_fitting": f"{_NEEDS_RECORDS}; covered on records",
    "check_pipeline_consistency": f"{_NEEDS_RECORDS}; covered on records",
    "check_readonly_memmap_input": f"{_NEEDS_RECORDS} (memory-mapped array)",
    "check_transformer_data_not_an_array": f"{_NEEDS_RECORDS} (array-like wrapper)",
    "check_transformer_general": f"{_NEEDS_RECORDS}; covered on records",
}
# Checks that catch the same refusal and re-raise it as an AssertionError of their own
# (``raise AssertionError(...) from error``): the refusal is their ``__cause__``.
_REFUSED_WRAPPED = {
    "check_estimators_empty_data_messages": f"{_NEEDS_RECORDS} (empty array; it wants a "
    "ValueError)",
    "check_positive_only_tag_during_fit": f"{_NEEDS_RECORDS} (negative numbers)",
}


def _refusal(estimator) -> str:
    """The TypeError message of fit (``features._select``) for input that is no DataFrame."""
    return (
        rf"^{type(estimator).__name__} needs leaver records as a pandas DataFrame with "
        r"named columns \(see rehire_model\.validate_records\), not \w+$"
    )


@parametrize_with_checks(
    [
        PolicyFeatures(),
        ExitInterviewFeatures(),
        FixedFactFeatures(),
        ProtectedFeatures(),
        LeaverFeatures(),
    ]
)
def test_sklearn_conventions(estimator, check):
    function = check
    while isinstance(function, partial):
        function = function.func
    name = function.__name__
    if name in _REFUSED:
        with pytest.raises(TypeError, match=_refusal(estimator)):
            check(estimator)
    elif name in _REFUSED_WRAPPED:
        with pytest.raises(AssertionError) as raised:
            check(estimator)
        cause = raised.value.__cause__
        assert isinstance(cause, TypeError) and re.search(_refusal(estimator), str(cause)), (
            f"{name} should fail only because fit refuses an array; got {raised.value!r} "
            f"caused by {cause!r}"
        )
    else:
        check(estimator)


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=repr)
def test_conventions_on_records(transformer, records):
    """The generic checks marked above, run on leaver records instead of arrays."""
    original = records.copy()
    estimator = clone(transformer)
    params = estimator.get_params()
    public_before = {k for k in vars(estimator) if not k.startswith("_")}
    assert estimator.fit(records, None) is estimator
    assert estimator.get_params() == params  # fit does not change parameters
    added = {k for k in vars(estimator) if not k.startswith("_")} - public_before
    assert added and all(k.endswith("_") for k in added)  # fit sets only fitted attributes
    assert estimator.n_features_in_ == len(estimator.feature_names_in_)
    out = estimator.transform(records)
    pd.testing.assert_frame_equal(records, original)  # input is not modified
    # idempotent fit, fit_transform, pickling, pipelines
    pd.testing.assert_frame_equal(
        clone(transformer).fit(records).fit(records).transform(records), out
    )
    pd.testing.assert_frame_equal(clone(transformer).fit_transform(records), out)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(estimator)).transform(records), out)
    pd.testing.assert_frame_equal(make_pipeline(clone(transformer)).fit_transform(records), out)
    # each row is transformed on its own: order and subsets do not matter
    order = np.random.default_rng(0).permutation(len(records))
    pd.testing.assert_frame_equal(estimator.transform(records.iloc[order]), out.iloc[order])
    pd.testing.assert_frame_equal(estimator.transform(records.iloc[:7]), out.iloc[:7])
