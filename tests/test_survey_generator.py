import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.schema import FIELDS, field_names


@pytest.fixture(scope="module")
def survey():
    return rm.make_leaver_survey(20_000, random_state=3, return_truth=True)


def test_records_follow_the_schema(survey):
    df, _ = survey
    assert list(df.columns) == [f.name for f in FIELDS]
    pd.testing.assert_frame_equal(rm.validate_records(df, require_targets=True), df)
    assert df["leaver_id"].is_unique


def test_same_seed_same_data():
    a = rm.make_leaver_survey(300, random_state=11)
    b = rm.make_leaver_survey(300, random_state=11)
    c = rm.make_leaver_survey(300, random_state=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.mark.parametrize("n", [1, 7, 13, 2001])
def test_gender_by_age_band_cells_are_balanced(n):
    df = rm.make_leaver_survey(n, random_state=0)
    cells = df.groupby(["gender", df["age"] // 10]).size()
    assert len(df) == n
    assert cells.max() - cells.min() <= 1 or len(cells) < 8


@pytest.mark.parametrize("bad", [0, -5, 2.5, "100", True])
def test_n_samples_must_be_a_positive_whole_number(bad):
    with pytest.raises(ValueError, match="n_samples must be a positive whole number"):
        rm.make_leaver_survey(bad)


def test_structural_missingness(survey):
    df, _ = survey
    held = df["sup_interview_held"].to_numpy(dtype=bool)
    behaviours = df[[f.name for f in FIELDS if f.construct]]
    assert behaviours[~held].isna().all().all()
    assert behaviours[held].notna().all().all()
    assert df.loc[~held, "sup_interview_amicability"].isna().all()
    hr_held = df["hr_interview_held"].to_numpy(dtype=bool)
    assert df.loc[~hr_held, "hr_interview_amicability"].isna().all()
    assert df.loc[hr_held, "hr_interview_amicability"].notna().all()


def test_truth_is_a_calibrated_probability(survey):
    df, truth = survey
    outcomes = {
        "p_alumni_engagement": df["alumni_engagement"] >= 4,
        "p_rehire_intent": df["rehire_intent"] >= 4,
    }
    for column, observed in outcomes.items():
        p = truth[column]
        assert p.between(0, 1).all()
        # Within each decile of the true probability, the observed rate matches its mean
        # to within 4 binomial standard errors.
        bins = pd.qcut(p, 10, labels=False, duplicates="drop")
        for _, group in p.groupby(bins):
            rate = observed[group.index].mean()
            se = np.sqrt(group.mean() * (1 - group.mean()) / len(group))
            assert abs(rate - group.mean()) < 4 * se + 1e-3


def test_true_probabilities_of_any_record_match_the_draw(survey):
    df, truth = survey
    sample = df.sample(500, random_state=0)
    pd.testing.assert_frame_equal(rm.survey.true_probabilities(sample), truth.loc[sample.index])
    one = rm.survey.true_probabilities(sample.iloc[0].to_dict())
    np.testing.assert_allclose(one.to_numpy()[0], truth.loc[sample.index[0]].to_numpy())


def test_true_probabilities_follow_the_survey_on_counterfactuals(survey):
    df, _ = survey
    held = df[df["sup_interview_held"]].head(2000)
    welcomed = rm.survey.true_probabilities(held.assign(sup_welcomed_return=True))
    not_welcomed = rm.survey.true_probabilities(held.assign(sup_welcomed_return=False))
    assert (welcomed > not_welcomed).all().all()
    program = rm.survey.true_probabilities(df.head(2000).assign(policy_comeback_program=True,
                                                         informal_rehire_custom=False))
    no_program = rm.survey.true_probabilities(df.head(2000).assign(policy_comeback_program=False,
                                                            informal_rehire_custom=False))
    assert (program["p_rehire_intent"] > no_program["p_rehire_intent"]).all()


def test_true_probabilities_need_the_protected_attributes(survey):
    df, _ = survey
    with pytest.raises(rm.SchemaError, match="needs the columns age, gender"):
        rm.survey.true_probabilities(df.drop(columns=["age", "gender"]).head(3))


def test_true_probabilities_validate_counterfactual_records(survey):
    df, _ = survey
    record = df[~df["sup_interview_held"]].iloc[0].to_dict()
    record["sup_welcomed_return"] = True
    with pytest.raises(rm.SchemaError, match="sup_welcomed_return"):
        rm.survey.true_probabilities(record)


def test_policy_columns_are_the_schema_policies():
    assert field_names("policy") == (
        "policy_comeback_program", "policy_alumni_perks", "policy_alumni_community",
        "policy_alumni_events", "informal_rehire_custom",
    )


def test_blanks_at_the_missing_rate_keep_the_people_and_their_truth():
    complete, truth = rm.make_leaver_survey(4000, random_state=3, return_truth=True)
    blanks, blank_truth = rm.make_leaver_survey(4000, random_state=3, return_truth=True,
                                                missing_rate=0.1)
    pd.testing.assert_frame_equal(truth, blank_truth)
    features = list(field_names("fixed", "policy", "follow_up"))
    assert blanks[features].isna().mean().between(0.08, 0.12).all()
    assert not blanks[["leaver_id", "age", "gender", "alumni_engagement",
                       "rehire_intent"]].isna().any().any()
    given = blanks[features].notna()
    pd.testing.assert_frame_equal(blanks[features][given], complete[features][given])
    assert len(rm.validate_records(blanks)) == 4000


@pytest.mark.parametrize("bad", [-0.1, 1, "0.1"])
def test_missing_rate_must_be_a_share(bad):
    with pytest.raises(ValueError, match="missing_rate must be a share"):
        rm.make_leaver_survey(10, missing_rate=bad)
