from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.exceptions import DataWarning, SchemaError
from rehire_model.scoring import BLANK_WARNING_ROWS, LeaverBatch


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def leavers():
    return rm.make_leaver_survey(200, random_state=8)


def test_a_batch_gives_what_the_model_gives(model, leavers):
    batch = model.scoring.read(leavers)
    assert len(batch) == len(leavers)
    assert batch.ids == leavers["leaver_id"].tolist()
    pd.testing.assert_frame_equal(batch.predictions(), model.predict(leavers))
    pd.testing.assert_frame_equal(batch.reasons(3, "ja"), model.explain(leavers, lang="ja"))
    for target, table in batch.contributions().items():
        pd.testing.assert_frame_equal(table, model.contributions(leavers)[target])


def test_reading_a_batch_returns_it(model, leavers):
    batch = model.scoring.read(leavers)
    assert model.scoring.read(batch) is batch


def test_scores_are_computed_once(model, leavers, monkeypatch):
    batch = model.scoring.read(leavers)
    first = batch.probabilities()
    monkeypatch.setattr(type(model.scoring.features), "transform_arrays",
                        lambda *a: pytest.fail("encoded twice"))
    assert batch.probabilities() is first
    batch.predictions()


def test_take_keeps_the_leavers_numbers_and_ids(model, leavers):
    batch = model.scoring.read(leavers)
    rows = np.array([5, 0, 17])
    part = batch.take(rows)
    assert part.ids == [batch.ids[i] for i in rows]
    for target, p in part.probabilities().items():
        np.testing.assert_array_equal(p, batch.probabilities()[target][rows])
    mask = np.zeros(len(batch), dtype=bool)
    mask[[3, 9]] = True
    assert batch.take(mask).ids == [batch.ids[3], batch.ids[9]]


def test_with_values_leaves_the_batch_unchanged(model, leavers):
    batch = model.scoring.read(leavers)
    before = batch.probabilities()["rehire_intent"].copy()
    perks = batch.with_values({"policy_alumni_perks": np.ones(len(batch))})
    assert (perks.arrays["policy_alumni_perks"] == 1).all()
    np.testing.assert_array_equal(batch.probabilities()["rehire_intent"], before)
    assert not np.array_equal(perks.probabilities()["rehire_intent"], before)
    assert isinstance(perks, LeaverBatch) and perks.ids == batch.ids


def test_a_bad_record_is_refused_when_read(model, leavers):
    record = leavers.iloc[0].to_dict() | {"industry": "banking"}
    with pytest.raises(SchemaError, match="column 'industry' has 'banking'"):
        model.scoring.read(record)


def test_scores_added_up_from_contributions_are_the_same_numbers(model):
    leavers = rm.make_leaver_survey(500, random_state=3, missing_rate=0.1)
    batch = model.scoring.read(leavers)
    batch.raw_contributions()
    for target, p in batch.probabilities().items():
        np.testing.assert_array_equal(p, model.predict(leavers)[f"p_{target}"].to_numpy())


def test_top_reasons_are_the_largest_first_ties_in_reason_order(model):
    leavers = rm.make_leaver_survey(300, random_state=4, missing_rate=0.1)
    reasons = model.explain(leavers, top_k=6)
    for target, table in model.contributions(leavers).items():
        values = table.drop(columns="base").to_numpy()
        order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :6]
        expected = np.array(table.columns[1:])[order]
        mine = reasons[reasons["target"] == target]["reason"].to_numpy().reshape(-1, 6)
        np.testing.assert_array_equal(mine, expected)


def test_a_field_mostly_blank_in_a_table_is_a_data_warning(model, leavers):
    data = leavers.head(40).copy()
    data["industry"] = None
    data["tenure_years"] = data["tenure_years"].astype(object)
    data.loc[data.index[:25], "tenure_years"] = ""
    with pytest.warns(DataWarning) as caught:
        scores = model.predict(data)
    messages = sorted(str(w.message) for w in caught)
    assert messages == [
        "Industry is blank in all 40 rows: the scores use no Industry information",
        "Tenure at the former employer (years) is blank in 25 of 40 rows: most scores use "
        "no Tenure at the former employer (years) information",
    ]
    assert caught[0].filename == __file__  # the warning points at the caller
    assert len(scores) == 40
    japanese = {w.message.in_language("ja") for w in caught}
    assert "業種は40行すべてで空欄です。スコアには業種の情報が使われていません" in japanese


def test_blanks_in_a_few_rows_or_a_small_table_say_nothing(model, leavers):
    import warnings

    data = leavers.head(40).copy()
    data.loc[data.index[:20], "industry"] = None  # half: not more than half
    small = leavers.head(BLANK_WARNING_ROWS - 1).assign(industry=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        model.predict(data)
        model.predict(small)
