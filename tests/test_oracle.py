"""The model's what-if and coaching answers against the synthetic survey's truth."""

from __future__ import annotations

import pytest

import rehire_model as rm
from rehire_model.oracle import oracle_agreement


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.mark.slow
def test_what_if_agrees_with_the_synthetic_truth(model):
    survey = rm.make_leaver_survey(2000, random_state=7)
    result = oracle_agreement(model, survey, n_coached=100)
    for target in ("alumni_engagement", "rehire_intent"):
        assert result["sign_agreement"][target] == 1.0
        assert result["spearman"][target] >= 0.8
    assert result["coach_top_in_true_top2"] >= 0.8 and result["n_coached"] >= 50
