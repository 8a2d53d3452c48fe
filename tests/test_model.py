from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.exceptions import SchemaError
from rehire_model.model import SEGMENTS, segment


def test_predict_keeps_order_and_ids(small_model, survey):
    data, _ = survey
    shuffled = data.sample(frac=1.0, random_state=0)
    scores = small_model.predict(shuffled)
    assert scores["leaver_id"].tolist() == shuffled["leaver_id"].tolist()
    assert list(scores.columns) == ["leaver_id", "p_alumni_engagement", "p_rehire_intent",
                                    "segment"]
    by_id = small_model.predict(data).set_index("leaver_id")
    pd.testing.assert_frame_equal(scores.set_index("leaver_id"), by_id.loc[scores["leaver_id"]])


def test_predict_one_dict_and_list_of_dicts(small_model, survey):
    data, _ = survey
    records = data.head(3).drop(columns="leaver_id").to_dict("records")
    one = small_model.predict(records[0])
    many = small_model.predict(records)
    assert len(one) == 1 and "leaver_id" not in one.columns
    pd.testing.assert_frame_equal(one, many.head(1))


def test_probabilities_are_in_range_and_segments_follow_thresholds(small_model, survey):
    data, _ = survey
    scores = small_model.predict(data)
    probabilities = scores[["p_alumni_engagement", "p_rehire_intent"]].to_numpy()
    assert ((probabilities > 0) & (probabilities < 1)).all()
    high_e = scores["p_alumni_engagement"] >= small_model.thresholds["alumni_engagement"]
    high_r = scores["p_rehire_intent"] >= small_model.thresholds["rehire_intent"]
    expected = [SEGMENTS[(e, r)] for e, r in zip(high_e, high_r, strict=True)]
    assert scores["segment"].tolist() == expected


def test_a_bad_record_names_row_column_and_value(small_model, survey):
    data, _ = survey
    bad = data.head(4).copy()
    bad.loc[2, "company_size"] = "huge"
    with pytest.raises(SchemaError, match=r"row 2 \(leaver_id 'L000003'\): column "
                       r"'company_size' has 'huge'; expected one of 10-99"):
        small_model.predict(bad)


def test_protected_fields_are_not_needed(small_model, survey):
    data, _ = survey
    without = data.drop(columns=["age", "gender", "married", "has_children"]).head(20)
    pd.testing.assert_frame_equal(small_model.predict(without), small_model.predict(data.head(20)))


def test_welcome_signal_raises_engagement_for_everyone_interviewed(small_model, survey):
    data, _ = survey
    interviewed = data[data["sup_interview_held"].astype(bool)].head(200)
    base = small_model.predict(interviewed.assign(sup_welcomed_return=False))
    welcomed = small_model.predict(interviewed.assign(sup_welcomed_return=True))
    assert (welcomed["p_alumni_engagement"] > base["p_alumni_engagement"]).mean() > 0.95


@pytest.mark.parametrize(
    ("e", "r", "expected"),
    [(0.3, 0.3, "boomerang_candidate"), (0.3, 0.29, "ambassador"),
     (0.1, 0.9, "latent_returner"), (0.0, 0.0, "detached")],
)
def test_segment_boundaries(e, r, expected):
    thresholds = {"alumni_engagement": 0.3, "rehire_intent": 0.3}
    assert segment(np.array([e]), np.array([r]), thresholds).tolist() == [expected]


def test_repr_names_the_families():
    assert repr(rm.load_model()).startswith("RehireModel(alumni_engagement=")


def _interviewed(n: int):
    data = rm.make_leaver_survey(4000, random_state=5)
    return data[data["sup_interview_held"].astype(bool)].head(n)


RESPECT = {"sup_understood_reason": True, "sup_respected_timing": True}
DRAWING_OUT = {
    "sup_listened_to_end": True,
    "sup_listened_carefully": True,
    "sup_heard_dissatisfaction": True,
    "sup_answered_questions": True,
}
NO_DRAWING_OUT = dict.fromkeys(DRAWING_OUT, False)
NO_RESPECT = dict.fromkeys(RESPECT, False)


def test_default_model_respect_helps_only_with_drawing_out():
    """Survey F2.6: respecting the decision without drawing out feelings lowers
    engagement; together with drawing out, respect raises it."""
    model, people = rm.load_model(), _interviewed(300)

    def engagement(**settings):
        return model.predict(people.assign(**settings))["p_alumni_engagement"]

    alone = engagement(**RESPECT, **NO_DRAWING_OUT) - engagement(**NO_RESPECT, **NO_DRAWING_OUT)
    together = engagement(**RESPECT, **DRAWING_OUT) - engagement(**NO_RESPECT, **DRAWING_OUT)
    assert (alone < 0).all() and (together > 0).all()


def test_default_model_constructs_move_in_the_survey_direction():
    model, people = rm.load_model(), _interviewed(300)
    for column in ("sup_welcomed_return", *DRAWING_OUT):
        on = model.predict(people.assign(**{column: True}))["p_alumni_engagement"]
        off = model.predict(people.assign(**{column: False}))["p_alumni_engagement"]
        assert (on > off).all(), column
