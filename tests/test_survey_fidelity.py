"""The synthetic survey reproduces every published figure about the 2,000 leavers.

Rates are checked on 100,000 draws within four binomial standard errors of the
published value (a miss of that size has probability below 1e-4 for a calibrated
generator); regression figures on 2,000-leaver samples, as the survey ran them,
averaged over ten draws: betas and adjusted R^2 within 0.03 of the published value
(the standard deviation of the average of ten is at most 0.008 for a beta and 0.005
for an adjusted R^2, measured over 60 draws).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rehire_model as rm
from rehire_model.survey.fidelity import (
    SURVEY_SAMPLE_SIZE,
    assumptions_table,
    fidelity_table,
    survey_regression,
)

N_LARGE = 100_000
N_DRAWS = 10


@pytest.fixture(scope="module")
def large():
    return rm.make_leaver_survey(N_LARGE, random_state=2024)


@pytest.fixture(scope="module")
def fits():
    out = {"F2.2": [], "F2.5": [], "F2.6": []}
    for seed in range(100, 100 + N_DRAWS):
        coded = rm.survey.code_leaver_survey(rm.make_leaver_survey(SURVEY_SAMPLE_SIZE, seed))
        for fact, results in out.items():
            results.append(survey_regression(coded, fact))
    return out


def assert_rate(values, published):
    values = np.asarray(values, dtype=float)
    se = np.sqrt(published * (1 - published) / len(values))
    assert abs(values.mean() - published) < 4 * se, (values.mean(), published, se)


def test_f0_1_sample_design(large):
    cells = large.groupby(["gender", large["age"] // 10]).size()
    assert sorted(cells.index.get_level_values(0).unique()) == ["female", "male"]
    assert sorted(cells.index.get_level_values(1).unique()) == [2, 3, 4, 5]
    assert cells.max() - cells.min() <= 1
    assert large["age"].between(20, 59).all()
    assert large["years_since_exit"].between(0, 5).all()


def test_f0_3_population(large):
    assert (large["tenure_years"] >= 0.25).all()
    assert set(large["company_size"]) <= set(rm.schema.COMPANY_SIZES)
    assert set(large["job_level"]) == set(rm.schema.JOB_LEVELS)


def test_f0_4_share_from_large_employers(large):
    assert_rate(large["company_size"] == "5000+", 0.1265)


def test_f1_1_and_f1_2_comeback_program(large):
    assert_rate(large["policy_comeback_program"], 0.086)
    assert_rate(large.loc[large["company_size"] == "5000+", "policy_comeback_program"], 0.202)


def rehire_rate(df, mask):
    return (df.loc[mask, "rehire_intent"] >= 4).mean()


def test_f1_3_and_f1_4_rehire_intent_ratios(large):
    policies = large[["policy_comeback_program", "policy_alumni_perks",
                      "policy_alumni_community", "policy_alumni_events"]].to_numpy(dtype=bool)
    informal = large["informal_rehire_custom"].to_numpy(dtype=bool)
    no_measure = ~policies.any(axis=1) & ~informal
    base = rehire_rate(large, no_measure)
    # F1.3: more than three times higher with perks or a comeback program
    for column in ("policy_alumni_perks", "policy_comeback_program"):
        ratio = rehire_rate(large, large[column].to_numpy(dtype=bool)) / base
        assert 3.0 < ratio < 4.0, (column, ratio)
    # F1.4: about twice as high where rehiring happens by custom only
    ratio = rehire_rate(large, informal & ~policies.any(axis=1)) / base
    assert 1.75 < ratio < 2.25, ratio


def test_f2_1_exit_interview_rates(large):
    assert_rate(large["sup_interview_held"], 0.670)
    assert_rate(large["hr_interview_held"], 0.392)


@pytest.mark.parametrize(
    ("item", "published"),
    [
        ("sup_understood_reason", 0.496),
        ("sup_respected_timing", 0.483),
        ("sup_listened_to_end", 0.460),
        ("sup_listened_carefully", 0.452),
        ("sup_welcomed_return", 0.337),
    ],
)
def test_f2_3_behaviour_rates_among_supervisor_interviews(large, item, published):
    held = large["sup_interview_held"].to_numpy(dtype=bool)
    assert_rate(large.loc[held, item].astype(bool), published)


def mean_of(fits, what):
    return float(np.mean([what(fit) for fit in fits]))


def test_f2_2_interview_amicability(fits):
    results = fits["F2.2"]
    assert abs(mean_of(results, lambda f: f.beta("sup_amicability")) - 0.198) < 0.03
    assert all(f.p_value("sup_amicability") < 0.01 for f in results)
    assert abs(mean_of(results, lambda f: f.beta("hr_amicability"))) < 0.03
    # Not significant in most samples: a small true effect may reach p < 0.1 by chance.
    not_significant = sum(f.p_value("hr_amicability") >= 0.1 for f in results)
    assert not_significant > N_DRAWS / 2
    assert abs(mean_of(results, lambda f: f.adj_r2) - 0.091) < 0.03
    assert all(f.n == SURVEY_SAMPLE_SIZE for f in results)


@pytest.mark.parametrize(
    ("term", "published"), [("welcome", 0.321), ("drawing_out", 0.162), ("respect", -0.124)]
)
def test_f2_5_behaviour_constructs(fits, term, published):
    results = fits["F2.5"]
    assert abs(mean_of(results, lambda f: f.beta(term)) - published) < 0.03
    assert sum(f.p_value(term) < 0.01 for f in results) >= N_DRAWS - 1


def test_f2_5_adjusted_r2(fits):
    assert abs(mean_of(fits["F2.5"], lambda f: f.adj_r2) - 0.143) < 0.03


def test_f2_6_respect_helps_only_with_drawing_out(fits):
    results = fits["F2.6"]
    assert mean_of(results, lambda f: f.table.loc["respect:drawing_out", "coef"]) > 0
    assert sum(f.p_value("respect:drawing_out") < 0.01 for f in results) >= N_DRAWS - 2
    assert mean_of(results, lambda f: f.slope("respect", at={"drawing_out": 0})) < 0
    assert mean_of(results, lambda f: f.slope("respect", at={"drawing_out": 1})) > 0


def test_fidelity_table_lists_every_published_figure():
    table = fidelity_table(n_samples=20_000, n_regression_samples=2)
    facts = set(table["fact"])
    expected = {"F0.1", "F0.3", "F0.4", "F1.1", "F1.2", "F1.3", "F1.4", "F2.1", "F2.2",
                "F2.3", "F2.5", "F2.6"}
    assert expected == facts
    assert table[["published", "reproduced"]].notna().all().all()


def test_docs_list_every_assumption():
    doc = (Path(__file__).parents[1] / "docs" / "survey-fidelity.md").read_text(encoding="utf-8")
    for row in assumptions_table().itertuples():
        assert row.assumption in doc and row.value in doc, row.assumption


def test_the_table_is_a_research_name_of_the_survey_package():
    assert rm.survey.fidelity_table is fidelity_table
    assert not hasattr(rm, "calibration_table") and not hasattr(rm, "fidelity_table")


def test_demo_prints_fidelity_metrics_and_a_scored_cohort(tmp_path):
    result = subprocess.run([sys.executable, "-m", "rehire_model"], capture_output=True,
                            text=True, check=True, timeout=300, cwd=tmp_path)
    assert "published" in result.stdout and "reproduced" in result.stdout
    for fact in ("F0.4", "F1.3", "F2.2", "F2.6"):
        assert fact in result.stdout
    assert "model / oracle" in result.stdout
    for target in ("alumni_engagement", "rehire_intent"):
        assert target in result.stdout
    assert "read 300 rows: scored 300, rejected 0" in result.stdout
    assert "再入社意向を" in result.stdout
    assert (tmp_path / "demo" / "scores.csv").is_file()
    assert (tmp_path / "demo" / "report.html").is_file()
