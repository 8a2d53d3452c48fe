from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.exceptions import LeverError
from rehire_model.whatif import ACTIONS, apply_settings, oracle_agreement, set_levers


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def cohort():
    return rm.make_leaver_survey(400, random_state=12)


def test_what_if_reports_before_after_and_change(model, cohort):
    table = model.what_if(cohort, set={"policy_comeback_program": True})
    scores = model.predict(cohort)
    np.testing.assert_allclose(table["p_rehire_intent_before"], scores["p_rehire_intent"])
    np.testing.assert_allclose(
        table["change_pp_rehire_intent"],
        100 * (table["p_rehire_intent_after"] - table["p_rehire_intent_before"]))
    had = cohort["policy_comeback_program"].astype(bool).to_numpy()
    assert (table.loc[had, "change_pp_rehire_intent"] == 0).all()
    assert (table.loc[~had, "change_pp_rehire_intent"] > 0).all()
    assert {"segment_before", "segment_after", "leaver_id"} <= set(table.columns)


@pytest.mark.parametrize(("settings", "message"), [
    ({"company_size": "5000+"}, "'company_size' is a fact \\(fixed"),
    ({"gender": "female"}, "'gender' is a fact \\(protected"),
    ({"age": 30}, "'age' is a fact"),
    ({"policy_alumni_perks": "maybe"}, "cannot be set to 'maybe'; expected true or false"),
    ({"nickname": 1}, "'nickname' is not a field"),
    ({"sup_welcomed_return": True}, "give sup_interview_amicability"),
])
def test_bad_settings_are_refused_with_the_reason(model, cohort, settings, message):
    with pytest.raises(LeverError, match=message):
        model.what_if(cohort, set=settings)


def test_setting_a_behaviour_holds_the_interview(model, cohort):
    records = rm.validate_records(cohort)
    without = records[~records["sup_interview_held"].astype(bool)]
    changed = apply_settings(without, {"sup_welcomed_return": True}, amicability=4)
    assert changed["sup_interview_held"].all()
    assert (changed["sup_interview_amicability"] == 4).all()
    assert not changed["sup_listened_to_end"].any()
    emptied = apply_settings(records, {"sup_interview_held": False})
    assert emptied["sup_welcomed_return"].isna().all()
    assert emptied["sup_interview_amicability"].isna().all()


def test_simulate_policies_is_sorted_with_intervals(model, cohort):
    table = rm.simulate_policies(model, cohort, n_bootstrap=100)
    assert len(table) == 5 + 10  # five policies and their pairs
    change = table["mean_change_pp_rehire_intent"]
    assert (np.diff(change) <= 0).all()
    assert ((table["ci_low_rehire_intent"] <= change)
            & (change <= table["ci_high_rehire_intent"])).all()
    assert "not proven causal" in table.attrs["note"]


def test_coach_lists_actions_not_yet_taken_in_order(model, cohort):
    record = cohort[cohort["sup_interview_held"].astype(bool)].iloc[0].to_dict()
    checklist = model.coach(record, lang="ja")
    taken = {k for k, v in record.items() if v is True}
    assert not set(checklist["action"]) & taken
    total = checklist["gain_pp_alumni_engagement"] + checklist["gain_pp_rehire_intent"]
    assert (np.diff(total) <= 0).all() and (checklist["gain_pp_alumni_engagement"] >= 0).all()
    assert checklist["item"].str.contains("アルムナイ意識").all()


def test_coach_never_recommends_respect_alone_where_it_lowers_engagement(model):
    survey = rm.make_leaver_survey(600, random_state=3)
    interviewed = survey[survey["sup_interview_held"].astype(bool)]
    no_drawing_out = interviewed[[c for c in interviewed.columns if c in (
        "sup_listened_to_end", "sup_listened_carefully", "sup_heard_dissatisfaction",
        "sup_answered_questions")]].astype(bool).sum(axis=1) == 0
    checked = 0
    for _, row in interviewed[no_drawing_out].head(15).iterrows():
        record = row.to_dict()
        alone = model.what_if(record, set={"sup_understood_reason": True})
        actions = set(model.coach(record)["action"])
        if alone["change_pp_alumni_engagement"].iat[0] < 0:
            checked += 1
            assert "sup_understood_reason" not in actions
    assert checked > 0


def test_a_planned_exit_is_coached_with_an_assumed_interview(model, cohort):
    record = cohort[~cohort["sup_interview_held"].astype(bool)].iloc[0].to_dict()
    checklist = model.coach(record, amicability=4)
    assert "sup_welcomed_return" in set(checklist["action"])


@pytest.mark.slow
def test_what_if_agrees_with_the_synthetic_truth(model):
    survey = rm.make_leaver_survey(2000, random_state=7)
    result = oracle_agreement(model, survey, n_coached=100)
    for target in ("alumni_engagement", "rehire_intent"):
        assert result["sign_agreement"][target] == 1.0
        assert result["spearman"][target] >= 0.8
    assert result["coach_top_in_true_top2"] >= 0.8 and result["n_coached"] >= 50


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
    table = one_target_model.what_if(cohort.head(20), set={"policy_comeback_program": True})
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


def test_coaching_a_leaver_with_skipped_answers(model, cohort):
    record = cohort.iloc[1].to_dict() | {"sup_interview_held": None,
                                         "sup_welcomed_return": None,
                                         "policy_alumni_perks": None}
    checklist = model.coach(record)
    assert len(checklist) > 0
    assert (checklist["gain_pp_alumni_engagement"] >= 0).all()


# --------------------------------------------------------------------------------------
# Coaching a table: every candidate action scored for the whole batch at once
# --------------------------------------------------------------------------------------

RESPECT = ("sup_understood_reason", "sup_respected_timing")
DRAWING_OUT = ("sup_listened_to_end", "sup_listened_carefully", "sup_heard_dissatisfaction",
               "sup_answered_questions")


def _checklist_one_by_one(model, record, amicability=3):
    """The checklist of one record, action by action through apply_settings and predict."""
    records = rm.validate_records(pd.DataFrame([record])).reset_index(drop=True)

    def taken(name):
        value = records.loc[0, name]
        return not pd.isna(value) and bool(value)

    if not taken("sup_interview_held"):
        records = apply_settings(records, {"sup_interview_held": True}, amicability=amicability)
    candidates = [(name, {name: True}) for name in ACTIONS if not taken(name)]
    if any(not taken(n) for n in RESPECT) and any(not taken(n) for n in DRAWING_OUT):
        candidates.append(("respect_with_drawing_out",
                           dict.fromkeys((*RESPECT, *DRAWING_OUT), True)))
    base = model.predict(records)
    rows = []
    for key, settings in candidates:
        after = model.predict(apply_settings(records, settings, amicability=amicability))
        gains = {t: 100 * float(after[f"p_{t}"].iat[0] - base[f"p_{t}"].iat[0])
                 for t in model.targets}
        if gains["alumni_engagement"] >= 0 and sum(gains.values()) > 0:
            rows.append({"action": key, **{f"gain_pp_{t}": g for t, g in gains.items()}})
    table = pd.DataFrame(rows, columns=["action", "gain_pp_alumni_engagement",
                                        "gain_pp_rehire_intent"])
    total = table["gain_pp_alumni_engagement"] + table["gain_pp_rehire_intent"]
    return table.iloc[total.sort_values(ascending=False).index].reset_index(drop=True)


@pytest.fixture(scope="module")
def varied():
    """Leavers with planned exits, unanswered interviews and skipped behaviours."""
    survey = rm.make_leaver_survey(60, random_state=21)
    survey.loc[survey.index[:10], "sup_welcomed_return"] = None
    survey.loc[survey.index[10:16], "sup_interview_held"] = None
    return survey


def test_coaching_a_table_gives_each_leavers_own_checklist(model, varied):
    table = model.coach(varied, lang="ja")
    assert list(table.columns) == ["leaver_id", "row", "rank", "action", "item",
                                   "gain_pp_alumni_engagement", "gain_pp_rehire_intent"]
    for row, record in enumerate(varied.to_dict("records")):
        expected = _checklist_one_by_one(model, record)
        mine = table[table["row"] == row].reset_index(drop=True)
        assert mine["leaver_id"].eq(record["leaver_id"]).all()
        assert mine["rank"].tolist() == list(range(1, len(expected) + 1))
        assert mine["action"].tolist() == expected["action"].tolist()
        for target in model.targets:  # the same numbers, not just close ones
            assert mine[f"gain_pp_{target}"].tolist() == expected[f"gain_pp_{target}"].tolist()
        one = model.coach(record, lang="ja")
        pd.testing.assert_frame_equal(one, mine.drop(columns=["leaver_id", "row", "rank"]))


def test_coaching_a_table_keeps_top_k_per_leaver(model, varied):
    full = model.coach(varied)
    top = model.coach(varied, top_k=2)
    assert top.groupby("row").size().max() == 2
    pd.testing.assert_frame_equal(
        top.reset_index(drop=True),
        full[full["rank"] <= 2].reset_index(drop=True))


@pytest.mark.parametrize("call", [
    lambda model, X: model.coach(X, top_k=3),
    lambda model, X: model.what_if(X, set={"sup_welcomed_return": True}, amicability=3),
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


def test_set_levers_gives_the_records_apply_settings_gives(model, varied):
    batch = model.scoring.read(varied)
    for settings in ({"sup_welcomed_return": True}, {"sup_interview_held": False},
                     {"policy_alumni_perks": True, "informed_of_rehire_route": False}):
        changed = set_levers(batch, settings, amicability=4)
        expected = model.scoring.read(apply_settings(rm.validate_records(varied), settings,
                                                     amicability=4))
        for name, values in changed.arrays.items():
            np.testing.assert_array_equal(values, expected.arrays[name], err_msg=name)


def test_simulate_policies_bootstrap_matches_resampling(model, varied):
    table = rm.simulate_policies(model, varied, n_bootstrap=120, pairs=False, random_state=5)
    before = model.predict(varied)["p_rehire_intent"].to_numpy()
    resamples = np.random.default_rng(5).integers(0, len(varied), size=(120, len(varied)))
    for option in table.itertuples():
        after = model.what_if(varied, set={option.levers: True})["p_rehire_intent_after"]
        change = 100 * (after.to_numpy() - before)
        low, high = np.percentile(change[resamples].mean(axis=1), [2.5, 97.5])
        assert option.ci_low_rehire_intent == pytest.approx(low, abs=1e-9)
        assert option.ci_high_rehire_intent == pytest.approx(high, abs=1e-9)
