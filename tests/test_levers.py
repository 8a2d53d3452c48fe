"""Setting levers on records: the settings checks and the interview structure."""

from __future__ import annotations

import numpy as np
import pytest

import rehire_model as rm
from rehire_model.exceptions import LeverError
from rehire_model.levers import actionable_levers, apply_settings, is_lever, set_levers


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
        model.what_if(cohort, settings=settings)


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


def test_set_levers_gives_the_records_apply_settings_gives(model, varied):
    batch = model.scoring.read(varied)
    for settings in ({"sup_welcomed_return": True}, {"sup_interview_held": False},
                     {"policy_alumni_perks": True, "informed_of_rehire_route": False}):
        changed = set_levers(batch, settings, amicability=4)
        expected = model.scoring.read(apply_settings(rm.validate_records(varied), settings,
                                                     amicability=4))
        for name, values in changed.arrays.items():
            np.testing.assert_array_equal(values, expected.arrays[name], err_msg=name)


def test_one_lever_test_for_settings_and_for_the_levers_a_model_reads(model):
    levers = actionable_levers(model)
    assert len(levers) == 14  # five policies, seven behaviours, two follow-ups
    assert [f.name for f in rm.FIELDS if is_lever(f) and f.kind == "bool"] == [
        *levers[:5], "sup_interview_held", "hr_interview_held", *levers[5:]]
    assert not [f.name for f in rm.FIELDS if is_lever(f) and f.role not in (
        "policy", "exit_interview", "follow_up")]
