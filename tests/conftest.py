"""Shared fixtures: small trained models (fast) for the model, I/O and training tests,
the local Spark session of the Spark tests, and the Chromium of the browser tests."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

import rehire_model as rm

#: The default training procedure on a smaller grid, for speed.
FAST = {
    "data": {"cv_repeats": 1},
    "model_selection": {
        "cv_folds": 3,
        "logistic": {"C": [0.1, 1.0]},
        "hist_gradient_boosting": {"learning_rate": 0.1, "max_iter": 30,
                                   "max_leaf_nodes": [4, 8]},
    },
}


#: A company's own training: the logistic family, one value of C, few folds.
OWN = {"model_selection": {"candidates": ["logistic"], "cv_folds": 3,
                           "logistic": {"C": [0.1]}},
       "data": {"cv_repeats": 1}}


@pytest.fixture(scope="session")
def survey():
    """3,000 synthetic leavers with their true probabilities."""
    return rm.make_leaver_survey(3000, random_state=11, return_truth=True)


@pytest.fixture(scope="session")
def small_model(survey):
    """A model trained on 3,000 synthetic leavers (both families compared)."""
    data, truth = survey
    return rm.train(data, FAST, truth=truth)


@pytest.fixture(scope="session")
def tree_model():
    """A HistGradientBoosting model (tree SHAP path) trained on 20,000 synthetic leavers."""
    data, truth = rm.make_leaver_survey(20_000, random_state=21, return_truth=True)
    config = {"model_selection": {"candidates": ["hist_gradient_boosting"], "cv_folds": 2,
                                  "hist_gradient_boosting": {"max_leaf_nodes": 15}}}
    return rm.train(data, config, truth=truth)


@pytest.fixture(scope="session")
def one_target_model(survey):
    """A model of rehire intent only, trained on 1,500 leavers, 10 % of answers blank."""
    data = rm.make_leaver_survey(1500, random_state=13, missing_rate=0.1)
    return rm.train(data.drop(columns="alumni_engagement"),
                    {**FAST, "targets": {"alumni_engagement": False}})


@pytest.fixture(scope="session")
def own_data():
    """A company's survey of 600 leavers."""
    return rm.make_leaver_survey(600, random_state=41)


@pytest.fixture(scope="session")
def own_model(own_data):
    """A company's model, measured by cross-validation (600 rows, no true probabilities)."""
    return rm.train(own_data, OWN)


# The default model and the cohorts the what-if, lever and coaching tests share.
@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def cohort():
    return rm.make_leaver_survey(400, random_state=12)


@pytest.fixture(scope="module")
def varied():
    """Leavers with planned exits, unanswered interviews and skipped behaviours."""
    survey = rm.make_leaver_survey(60, random_state=21)
    survey.loc[survey.index[:10], "sup_welcomed_return"] = None
    survey.loc[survey.index[10:16], "sup_interview_held"] = None
    return survey


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (``local[2]``, Arrow on) whose Python workers run this
    environment's Python, for the Spark tests."""
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        session = (SparkSession.builder.master("local[2]")
                   .appName("rehire_model tests")
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                   .config("spark.sql.shuffle.partitions", "2")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="session")
def chromium():
    """The Chromium the browser tests render pages in; without it they are skipped, or
    fail where ``REHIRE_MODEL_REQUIRE_BROWSER=1`` (as in CI)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("REHIRE_MODEL_REQUIRE_BROWSER") == "1":
        pytest.fail("Chromium is required (REHIRE_MODEL_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("Chromium is not installed; .ci/run installs Debian's chromium and requires "
                "this test")
