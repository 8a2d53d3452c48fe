"""what_if and the policy simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm


def test_what_if_reports_before_after_and_change(model, cohort):
    table = model.what_if(cohort, settings={"policy_comeback_program": True})
    scores = model.predict(cohort)
    np.testing.assert_allclose(table["p_rehire_intent_before"], scores["p_rehire_intent"])
    np.testing.assert_allclose(
        table["change_pp_rehire_intent"],
        100 * (table["p_rehire_intent_after"] - table["p_rehire_intent_before"]))
    had = cohort["policy_comeback_program"].astype(bool).to_numpy()
    assert (table.loc[had, "change_pp_rehire_intent"] == 0).all()
    assert (table.loc[~had, "change_pp_rehire_intent"] > 0).all()
    assert {"segment_before", "segment_after", "leaver_id"} <= set(table.columns)


def test_simulate_policies_is_sorted_with_intervals(model, cohort):
    table = rm.simulate_policies(model, cohort, n_bootstrap=100)
    assert len(table) == 5 + 10  # five policies and their pairs
    change = table["mean_change_pp_rehire_intent"]
    assert (np.diff(change) <= 0).all()
    assert ((table["ci_low_rehire_intent"] <= change)
            & (change <= table["ci_high_rehire_intent"])).all()
    assert "not proven causal" in table.attrs["note"]


def test_simulate_command(tmp_path, cohort):
    import subprocess
    import sys
    from pathlib import Path

    cohort.to_csv(tmp_path / "c.csv", index=False)
    script = Path(sys.executable).with_name("rehire-model")
    result = subprocess.run([str(script), "simulate", str(tmp_path / "c.csv"), "-o",
                             str(tmp_path / "s.csv"), "--bootstrap", "50"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "not proven causal" in result.stderr
    assert len(pd.read_csv(tmp_path / "s.csv")) == 15


def test_what_if_coaching_and_simulation_of_a_one_target_model(one_target_model, cohort):
    table = one_target_model.what_if(cohort.head(20), settings={"policy_comeback_program": True})
    assert [c for c in table.columns if c != "leaver_id"] == [
        "p_rehire_intent_before", "p_rehire_intent_after", "change_pp_rehire_intent"]
    record = cohort.iloc[0].to_dict()
    checklist = one_target_model.coach(record, lang="ja")
    assert list(checklist.columns) == ["action", "item", "gain_pp_rehire_intent"]
    assert (checklist["gain_pp_rehire_intent"] > 0).all()
    assert checklist["item"].str.contains("再入社意向").all()
    assert not checklist["item"].str.contains("アルムナイ意識").any()
    simulated = rm.simulate_policies(one_target_model, cohort.head(100), n_bootstrap=20)
    assert "new_boomerang_candidates" not in simulated.columns
    assert simulated["mean_change_pp_rehire_intent"].is_monotonic_decreasing


@pytest.mark.parametrize("call", [
    lambda model, X: model.coach(X, top_k=3),
    lambda model, X: model.what_if(X, settings={"sup_welcomed_return": True}, amicability=3),
    lambda model, X: rm.simulate_policies(model, X, n_bootstrap=20),
], ids=["coach", "what_if", "simulate_policies"])
def test_records_are_validated_once_per_call(model, varied, monkeypatch, call):
    from rehire_model import scoring

    calls = []
    original = scoring.validate_records

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(scoring, "validate_records", counted)
    call(model, varied)
    assert len(calls) == 1


def test_simulate_policies_bootstrap_matches_resampling(model, varied):
    table = rm.simulate_policies(model, varied, n_bootstrap=120, pairs=False, random_state=5)
    before = model.predict(varied)["p_rehire_intent"].to_numpy()
    resamples = np.random.default_rng(5).integers(0, len(varied), size=(120, len(varied)))
    for option in table.itertuples():
        after = model.what_if(varied, settings={option.levers: True})["p_rehire_intent_after"]
        change = 100 * (after.to_numpy() - before)
        low, high = np.percentile(change[resamples].mean(axis=1), [2.5, 97.5])
        assert option.ci_low_rehire_intent == pytest.approx(low, abs=1e-9)
        assert option.ci_high_rehire_intent == pytest.approx(high, abs=1e-9)
