"""The shifted company world: a world unlike the survey's, to test model updating on.

The figures pinned here are those of docs/shifted-world.md (training/shifted_world.py).
"""

import re

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.evaluation import evaluate
from rehire_model.survey import structure

N = 20_000


def _binomial_se(rate, n=N):
    return np.sqrt(rate * (1 - rate) / n)


def _rates(df):
    return {"alumni_engagement": float((df["alumni_engagement"] >= 4).mean()),
            "rehire_intent": float((df["rehire_intent"] >= 4).mean())}


@pytest.fixture(scope="module")
def shifted():
    return rm.make_leaver_survey(N, random_state=2026, return_truth=True, world="shifted")


@pytest.fixture(scope="module")
def survey():
    return rm.make_leaver_survey(N, random_state=2026, return_truth=True)


@pytest.fixture(scope="module")
def default_on_shifted(shifted):
    data, truth = shifted
    model = rm.load_model()
    return evaluate(model, data, truth=truth), model.predict(data)


@pytest.mark.parametrize(("target", "survey_rate", "shifted_rate"),
                         [("alumni_engagement", 0.17, 0.25), ("rehire_intent", 0.16, 0.33)])
def test_base_rates_of_both_worlds_are_the_documented_ones(survey, shifted, target,
                                                           survey_rate, shifted_rate):
    # Within four binomial standard errors at 20,000 leavers (plus 0.005 for the level
    # solved on another draw).
    for (df, _), rate in ((survey, survey_rate), (shifted, shifted_rate)):
        assert abs(_rates(df)[target] - rate) < 4 * _binomial_se(rate) + 0.005


def test_prevalences_moved(survey, shifted):
    for (df, _), comeback, sup_interview in ((survey, 0.086, 0.67), (shifted, 0.155, 0.85)):
        assert abs(df["policy_comeback_program"].mean() - comeback) < 4 * _binomial_se(comeback)
        assert abs(df["sup_interview_held"].mean() - sup_interview) < (
            4 * _binomial_se(sup_interview))
    for policy in ("policy_alumni_perks", "policy_alumni_community", "policy_alumni_events"):
        assert shifted[0][policy].mean() > 1.6 * survey[0][policy].mean()


def test_default_model_keeps_its_ranking_but_not_its_level(shifted, default_on_shifted):
    data, _ = shifted
    table, predicted = default_on_shifted
    actual = _rates(data)
    # The level: about 0.20 predicted where 0.33 intend to return.
    assert predicted["p_rehire_intent"].mean() < actual["rehire_intent"] - 0.10
    assert predicted["p_alumni_engagement"].mean() < actual["alumni_engagement"] - 0.03
    for target in ("alumni_engagement", "rehire_intent"):
        ours = table.loc[(target, "model"), "roc_auc"]
        oracle = table.loc[(target, "oracle"), "roc_auc"]
        # The ranking: 0.98 and 0.97 of the oracle's AUC (documented), not its own
        # world's 0.997: some drivers are stronger or weaker here.
        assert 0.95 < ours / oracle < 0.99
        assert oracle - ours > 0.008
        assert table.loc[(target, "model"), "brier"] > table.loc[(target, "oracle"), "brier"]


def test_truth_matches_the_outcome_frequencies(shifted):
    data, truth = shifted
    for target, observed in _rates(data).items():
        p = truth[f"p_{target}"]
        assert p.between(0, 1).all()
        assert abs(p.mean() - observed) < 4 * _binomial_se(observed)
        bins = pd.qcut(p, 5, labels=False)
        outcome = (data[target] >= 4).to_numpy()
        for _, group in p.groupby(bins):
            rate = outcome[group.index].mean()
            assert abs(rate - group.mean()) < 4 * _binomial_se(group.mean(), len(group))


def test_true_probabilities_of_the_shifted_world(shifted):
    data, truth = shifted
    sample = data.sample(500, random_state=0)
    pd.testing.assert_frame_equal(rm.survey.true_probabilities(sample, world="shifted"),
                                  truth.loc[sample.index])
    pd.testing.assert_frame_equal(
        rm.survey.true_probabilities(sample, world=structure.SHIFTED_PARAMETERS),
        truth.loc[sample.index])
    survey_truth = rm.survey.true_probabilities(sample)
    pd.testing.assert_frame_equal(survey_truth,
                                  rm.survey.true_probabilities(sample, world="survey"))
    # The same leavers: likelier to return in the shifted world (on average: a leaver
    # whose only alumni measure is perks less so).
    assert (truth.loc[sample.index, "p_rehire_intent"].mean()
            > survey_truth["p_rehire_intent"].mean() + 0.10)


def test_effect_sizes_moved(survey):
    df = survey[0].head(2000)
    held = df[df["sup_interview_held"]]

    def effect(records, field, target, world):
        on = rm.survey.true_probabilities(records.assign(**{field: True}), world=world)
        off = rm.survey.true_probabilities(records.assign(**{field: False}), world=world)
        return float((on - off)[f"p_{target}"].mean())

    no_custom = df.assign(informal_rehire_custom=False)
    for field, target, grows in (
        ("sup_welcomed_return", "alumni_engagement", True),
        ("sup_welcomed_return", "rehire_intent", True),
        ("policy_comeback_program", "rehire_intent", True),
        ("policy_alumni_perks", "rehire_intent", False),
    ):
        records = held if field.startswith("sup_") else no_custom
        survey_effect = effect(records, field, target, "survey")
        shifted_effect = effect(records, field, target, "shifted")
        assert (shifted_effect > survey_effect) is grows, (field, target)


def test_parameters_are_the_survey_world_with_named_changes():
    assert structure.SurveyParameters() == structure.DEFAULT_PARAMETERS
    assert structure.WORLDS == {"survey": structure.DEFAULT_PARAMETERS,
                                "shifted": structure.SHIFTED_PARAMETERS}
    p = structure.SHIFTED_PARAMETERS
    assert p.welcome_effect > structure.DEFAULT_PARAMETERS.welcome_effect
    assert p.size_scale > structure.DEFAULT_PARAMETERS.size_scale
    for rates in (p.comeback_by_size, p.perks_by_size, p.community_by_size,
                  p.events_by_size, (p.sup_interview_rate,)):
        assert all(0 < r < 1 for r in rates)


def test_the_survey_world_is_the_default_draw():
    pd.testing.assert_frame_equal(rm.make_leaver_survey(300, random_state=5),
                                  rm.make_leaver_survey(300, random_state=5, world="survey"))
    pd.testing.assert_frame_equal(
        rm.make_leaver_survey(300, random_state=5),
        rm.make_leaver_survey(300, random_state=5, world=structure.DEFAULT_PARAMETERS))
    a = rm.make_leaver_survey(300, random_state=5, world="shifted", missing_rate=0.1)
    b = rm.make_leaver_survey(300, random_state=5, world="shifted", missing_rate=0.1)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("bad", ["Shifted", "", "default", None, 1])
def test_a_bad_world_is_refused(bad):
    message = re.escape(
        f"world must be one of 'survey', 'shifted' or a SurveyParameters, got {bad!r}")
    with pytest.raises(ValueError, match=message):
        rm.make_leaver_survey(10, world=bad)
    records = rm.make_leaver_survey(3, random_state=0)
    with pytest.raises(ValueError, match=message):
        rm.survey.true_probabilities(records, world=bad)


def test_world_is_keyword_only():
    records = rm.make_leaver_survey(3, random_state=0)
    with pytest.raises(TypeError):
        rm.survey.true_probabilities(records, "shifted")
    with pytest.raises(TypeError):
        rm.make_leaver_survey(3, 0, False, 0.0, "shifted")
