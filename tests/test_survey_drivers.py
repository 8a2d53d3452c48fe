"""Tests of the driver analysis (OLS with standardized coefficients)."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from rehire_model.exceptions import DataWarning, RehireModelError
from rehire_model.survey import drivers
from rehire_model.survey.drivers import (
    AnalysisError,
    DriverAnalysis,
    driver_analysis,
    significance_stars,
)

RTOL = 1e-8


def make_survey(n: int = 400, seed: int = 11) -> pd.DataFrame:
    """Simulated leaver survey with drivers, numeric/categorical/boolean controls."""
    rng = np.random.default_rng(seed)
    welcome = rng.normal(size=n)
    drawing_out = rng.normal(size=n)
    age = rng.integers(20, 60, n)
    industry = rng.choice(["retail", "IT", "manufacturing"], n)
    female = rng.integers(0, 2, n).astype(bool)
    shift = pd.Series(industry).map({"retail": 0.3, "IT": -0.2, "manufacturing": 0.0})
    engagement = (
        0.4 * welcome
        + 0.2 * drawing_out
        + 0.15 * welcome * drawing_out
        + 0.01 * age
        + shift.to_numpy()
        + 0.1 * female
        + rng.normal(size=n)
    )
    return pd.DataFrame(
        {
            "engagement": engagement,
            "welcome": welcome,
            "drawing_out": drawing_out,
            "age": age,
            "industry": industry,
            "female": female,
        }
    )


def fit_survey(data: pd.DataFrame) -> DriverAnalysis:
    return driver_analysis(
        data,
        "engagement",
        ["welcome", "drawing_out"],
        controls=["age", "industry", "female"],
        interactions=[("welcome", "drawing_out")],
    )


# Term names of driver_analysis -> term names of the statsmodels formula below.
STATSMODELS_TERMS = {
    "Intercept": "Intercept",
    "welcome": "welcome",
    "drawing_out": "drawing_out",
    "welcome:drawing_out": "welcome:drawing_out",
    "age": "age",
    "industry[manufacturing]": "C(industry)[T.manufacturing]",
    "industry[retail]": "C(industry)[T.retail]",
    "female": "female[T.True]",
}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return make_survey()


@pytest.fixture(scope="module")
def result(survey: pd.DataFrame) -> DriverAnalysis:
    return fit_survey(survey)


# ---------------------------------------------------------------------------
# Agreement with statsmodels


def test_matches_statsmodels_ols(survey, result):
    reference = smf.ols(
        "engagement ~ welcome + drawing_out + welcome:drawing_out + age + C(industry) + female",
        survey,
    ).fit()
    names = list(STATSMODELS_TERMS)
    assert list(result.table.index) == names
    theirs = [STATSMODELS_TERMS[name] for name in names]
    np.testing.assert_allclose(result.table["coef"], reference.params[theirs], rtol=RTOL)
    np.testing.assert_allclose(result.table["std_error"], reference.bse[theirs], rtol=RTOL)
    np.testing.assert_allclose(result.table["t"], reference.tvalues[theirs], rtol=RTOL)
    np.testing.assert_allclose(result.table["p_value"], reference.pvalues[theirs], rtol=RTOL)
    np.testing.assert_allclose(result.r2, reference.rsquared, rtol=RTOL)
    np.testing.assert_allclose(result.adj_r2, reference.rsquared_adj, rtol=RTOL)
    assert result.n == int(reference.nobs)
    assert result.df_resid == int(reference.df_resid)
    cov = reference.cov_params().loc[theirs, theirs].to_numpy()
    np.testing.assert_allclose(result.cov.to_numpy(), cov, rtol=1e-7, atol=1e-14)


def test_standardized_beta_equals_slope_on_z_scores(survey, result):
    design = pd.DataFrame(
        {
            "welcome": survey["welcome"],
            "drawing_out": survey["drawing_out"],
            "welcome:drawing_out": survey["welcome"] * survey["drawing_out"],
            "age": survey["age"].astype(float),
            "industry[manufacturing]": (survey["industry"] == "manufacturing").astype(float),
            "industry[retail]": (survey["industry"] == "retail").astype(float),
            "female": survey["female"].astype(float),
        }
    )
    z_design = (design - design.mean()) / design.std(ddof=1)
    z_target = (survey["engagement"] - survey["engagement"].mean()) / survey["engagement"].std(
        ddof=1
    )
    reference = sm.OLS(z_target, sm.add_constant(z_design)).fit()
    betas = result.table["beta"]
    assert np.isnan(betas["Intercept"])
    np.testing.assert_allclose(
        betas.drop("Intercept"), reference.params[design.columns], rtol=RTOL
    )
    assert result.beta("welcome") == pytest.approx(reference.params["welcome"], rel=RTOL)


def test_result_layout(result):
    assert list(result.table.columns) == ["coef", "std_error", "t", "p_value", "beta", "stars"]
    assert result.table.index.name == "term"
    assert result.target == "engagement"
    assert result.predictors == ("welcome", "drawing_out")
    assert result.controls == ("age", "industry[manufacturing]", "industry[retail]", "female")
    assert result.interactions == (("welcome", "drawing_out"),)
    assert result.interaction_terms == ("welcome:drawing_out",)
    assert result.p_value("age") == result.table.loc["age", "p_value"]
    for term, row in result.table.iterrows():
        assert row["stars"] == significance_stars(row["p_value"]), term


# ---------------------------------------------------------------------------
# A planted model is recovered


@pytest.fixture(scope="module")
def planted() -> DriverAnalysis:
    rng = np.random.default_rng(2019)
    n = 5000
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    noise_driver = rng.normal(size=n)
    y = 0.5 * x1 - 0.2 * x2 + 0.3 * x1 * x2 + rng.normal(size=n)
    data = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "noise_driver": noise_driver})
    return driver_analysis(data, "y", ["x1", "x2", "noise_driver"], interactions=[("x1", "x2")])


def test_planted_model_recovers_effects(planted):
    coef = planted.table["coef"]
    assert coef["x1"] == pytest.approx(0.5, abs=0.05)
    assert coef["x2"] == pytest.approx(-0.2, abs=0.05)
    assert coef["x1:x2"] == pytest.approx(0.3, abs=0.05)
    assert planted.beta("x1") > 0 > planted.beta("x2")
    assert planted.beta("x1:x2") > 0
    for term in ["x1", "x2", "x1:x2"]:
        assert planted.table.loc[term, "stars"] == "***"
    assert planted.p_value("noise_driver") > 0.01


def test_simple_slopes_of_planted_interaction(planted):
    coef = planted.table["coef"]
    assert planted.slope("x1", at={"x2": 1}) == pytest.approx(0.8, abs=0.05)
    assert planted.slope("x1", at={"x2": 1}) == pytest.approx(coef["x1"] + coef["x1:x2"])
    assert planted.slope("x1", at={"x2": 0}) == pytest.approx(coef["x1"])
    assert planted.slope("x2", at={"x1": -1}) == pytest.approx(coef["x2"] - coef["x1:x2"])
    assert planted.slope("noise_driver") == pytest.approx(coef["noise_driver"])


def test_slope_test_matches_a_recentred_fit(planted):
    """The simple slope at x2 == 1 is the x1 coefficient once x2 is shifted by 1."""
    test = planted.slope_test("x1", at={"x2": 1})
    rng = np.random.default_rng(2019)
    n = 5000
    x1, x2, noise_driver = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    y = 0.5 * x1 - 0.2 * x2 + 0.3 * x1 * x2 + rng.normal(size=n)
    shifted = pd.DataFrame({"y": y, "x1": x1, "x2": x2 - 1, "noise_driver": noise_driver})
    refit = driver_analysis(
        shifted, "y", ["x1", "x2", "noise_driver"], interactions=[("x1", "x2")]
    )
    assert test["slope"] == pytest.approx(refit.table.loc["x1", "coef"], rel=1e-9)
    assert test["std_error"] == pytest.approx(refit.table.loc["x1", "std_error"], rel=1e-9)
    assert test["p_value"] == pytest.approx(refit.table.loc["x1", "p_value"], rel=1e-6)
    assert test["stars"] == "***"


def test_slope_needs_the_partner_value(planted):
    with pytest.raises(AnalysisError, match="interacts with 'x2'"):
        planted.slope("x1")
    with pytest.raises(AnalysisError, match="not in the model"):
        planted.slope("x1", at={"x2": 1, "tenure": 3})
    with pytest.raises(AnalysisError, match="not for 'x1:x2'"):
        planted.slope("x1:x2", at={})
    with pytest.raises(AnalysisError, match="unknown term 'x9'"):
        planted.beta("x9")


# ---------------------------------------------------------------------------
# Significance marks


@pytest.mark.parametrize(
    ("p", "stars"),
    [
        (0.0, "***"),
        (0.0099, "***"),
        (0.01, "**"),
        (0.049, "**"),
        (0.05, "*"),
        (0.099, "*"),
        (0.1, ""),
        (0.8, ""),
        (float("nan"), ""),
    ],
)
def test_significance_stars_thresholds(p, stars):
    assert significance_stars(p) == stars


# ---------------------------------------------------------------------------
# Coding of categorical and boolean columns


def test_categorical_coding():
    data = pd.DataFrame(
        {
            "y": [1.0, 2.0, 3.5, 2.5, 5.0, 4.0, 6.5, 5.5],
            "x": [0.1, 0.5, 0.2, 0.9, 0.3, 0.4, 0.8, 0.7],
            "size": pd.Categorical(
                ["large", "small", "large", "small", "mid", "mid", "large", "small"],
                categories=["small", "mid", "large"],
            ),
            "band": [2, 1, 3, 2, 1, 3, 2, 1],
            "manager": [True, False, True, True, False, False, True, False],
        }
    )
    result = driver_analysis(
        data, "y", ["x"], controls=["size", "band", "manager"], categorical=["band"]
    )
    # a category dtype keeps its declared order; other columns use the smallest value
    assert result.controls == ("size[mid]", "size[large]", "band[2]", "band[3]", "manager")


def test_string_dtype_levels_are_sorted():
    data = make_survey(n=60).astype({"industry": "string"})
    result = fit_survey(data)
    assert "industry[IT]" not in result.table.index
    assert {"industry[manufacturing]", "industry[retail]"} <= set(result.table.index)


# ---------------------------------------------------------------------------
# Missing values


def test_rows_with_missing_values_are_dropped_with_a_warning(survey):
    data = survey.copy()
    data.loc[[0, 1, 2], "welcome"] = np.nan
    data.loc[[2, 3], "industry"] = None
    with pytest.warns(DataWarning, match=r"dropped 4 of 400 rows.*welcome: 3, industry: 2"):
        result = fit_survey(data)
    assert result.n == 396
    complete = fit_survey(survey.drop(index=[0, 1, 2, 3]))
    pd.testing.assert_frame_equal(result.table, complete.table)


def test_missing_values_in_unused_columns_are_ignored(survey):
    data = survey.assign(comment=None)
    assert fit_survey(data).n == len(survey)


# ---------------------------------------------------------------------------
# Errors


def test_analysis_error_is_a_value_error():
    assert issubclass(AnalysisError, ValueError)
    assert issubclass(AnalysisError, RehireModelError)


def test_unknown_column_is_named_with_the_available_ones(survey):
    with pytest.raises(AnalysisError, match=r"unknown column\(s\) 'tenure'.*available.*welcome"):
        driver_analysis(survey, "engagement", ["welcome", "tenure"])
    with pytest.raises(AnalysisError, match="unknown column"):
        driver_analysis(survey, "engagement", ["welcome"], interactions=[("welcome", "tenure")])


def test_constant_predictor(survey):
    data = survey.assign(program=1.0)
    with pytest.raises(AnalysisError, match=r"constant column\(s\).*'program'"):
        driver_analysis(data, "engagement", ["welcome", "program"])
    data = survey.assign(program="none")
    with pytest.raises(AnalysisError, match="'program' is constant"):
        driver_analysis(data, "engagement", ["welcome"], controls=["program"])


def test_collinear_columns_are_named(survey):
    data = survey.assign(welcome_plus_age=survey["welcome"] + survey["age"])
    with pytest.raises(AnalysisError, match="collinear") as info:
        driver_analysis(data, "engagement", ["welcome", "welcome_plus_age"], controls=["age"])
    message = str(info.value)
    assert "welcome_plus_age" in message
    assert "'age'" in message
    assert "drawing_out" not in message


def test_too_few_rows(survey):
    with pytest.raises(AnalysisError, match="too few rows: 4 complete rows for 3 terms"):
        driver_analysis(survey.head(4), "engagement", ["welcome", "drawing_out", "age"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"predictors": []}, "at least one predictor"),
        ({"predictors": ["engagement"]}, "target 'engagement' cannot also be"),
        ({"controls": ["welcome"]}, "both as predictor and control"),
        ({"interactions": [("welcome", "industry")]}, "categorical column"),
        ({"interactions": [("welcome", "welcome")]}, "two different columns"),
        ({"interactions": [("welcome", "age")]}, "not a predictor or control"),
    ],
)
def test_invalid_specifications(survey, kwargs, message):
    arguments = {"predictors": ["welcome"], "controls": ["industry"], **kwargs}
    predictors = arguments.pop("predictors")
    with pytest.raises(AnalysisError, match=message):
        driver_analysis(survey, "engagement", predictors, **arguments)


def test_target_must_be_numeric_and_vary(survey):
    with pytest.raises(AnalysisError, match="must be a numeric"):
        driver_analysis(survey, "industry", ["welcome"])
    with pytest.raises(AnalysisError, match="target 'flat' is constant"):
        driver_analysis(survey.assign(flat=3.0), "flat", ["welcome"])


# ---------------------------------------------------------------------------
# Report


def test_summary_reads_like_a_survey_table(result):
    text = result.summary()
    assert str(result) == text
    assert f"Adjusted R^2 = {result.adj_r2:.3f}" in text
    assert "n = 400" in text
    assert "***" in text
    assert "*** p<0.01, ** p<0.05, * p<0.1" in text
    welcome_line = next(line for line in text.splitlines() if line.strip().startswith("welcome "))
    assert f"{result.beta('welcome'):.3f}{result.table.loc['welcome', 'stars']}" in welcome_line
    for heading in ("Drivers", "Interactions", "Controls"):
        assert heading in text
    assert "Intercept" not in text


def test_docstring_examples_run():
    outcome = doctest.testmod(drivers, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_code_leaver_survey_codes_absent_answers_as_zero():
    import rehire_model as rm

    records = rm.make_leaver_survey(400, random_state=5)
    coded = rm.survey.code_leaver_survey(records)
    held = records["sup_interview_held"].to_numpy(dtype=bool)
    assert (coded.loc[~held, ["respect", "drawing_out", "welcome", "sup_amicability"]] == 0).all(
        axis=None)
    expected = records.loc[held, ["sup_understood_reason", "sup_respected_timing"]].astype(
        float).mean(axis=1)
    np.testing.assert_allclose(coded.loc[held, "respect"], expected)
    assert set(coded["female"].unique()) == {0.0, 1.0}
    assert len(coded) == len(records)
