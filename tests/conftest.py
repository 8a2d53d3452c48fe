"""Shared fixtures: small trained models (fast) for the model, I/O and training tests."""

from __future__ import annotations

import pytest

import rehire_model as rm

FAST = {"model_selection": {"cv_folds": 3, "hist_gradient_boosting": {"max_iter": 30}}}


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
    config = {"model_selection": {"candidates": ["hist_gradient_boosting"], "cv_folds": 2}}
    return rm.train(data, config, truth=truth)
