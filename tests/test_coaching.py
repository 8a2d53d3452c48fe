"""The supervisor's checklist: coaching one leaver and a table of leavers."""

from __future__ import annotations

import numpy as np
import pandas as pd

import rehire_model as rm
from rehire_model.coaching import ACTIONS
from rehire_model.levers import apply_settings


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
        alone = model.what_if(record, settings={"sup_understood_reason": True})
        actions = set(model.coach(record)["action"])
        if alone["change_pp_alumni_engagement"].iat[0] < 0:
            checked += 1
            assert "sup_understood_reason" not in actions
    assert checked > 0


def test_a_planned_exit_is_coached_with_an_assumed_interview(model, cohort):
    record = cohort[~cohort["sup_interview_held"].astype(bool)].iloc[0].to_dict()
    checklist = model.coach(record, amicability=4)
    assert "sup_welcomed_return" in set(checklist["action"])


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


def test_coaching_a_table_gives_each_leavers_own_checklist(model, varied):
    table = model.coach(varied, lang="ja", top_k=None)
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
        one = model.coach(record, lang="ja", top_k=None)
        pd.testing.assert_frame_equal(one, mine.drop(columns=["leaver_id", "row", "rank"]))


def test_coaching_a_table_keeps_top_k_per_leaver(model, varied):
    full = model.coach(varied, top_k=None)
    assert full.groupby("row").size().max() > 3
    for top_k, top in ((2, model.coach(varied, top_k=2)), (3, model.coach(varied))):
        assert top.groupby("row").size().max() == top_k
        pd.testing.assert_frame_equal(
            top.reset_index(drop=True),
            full[full["rank"] <= top_k].reset_index(drop=True))
