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
                                    "segment", "missing_fields"]
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


# --------------------------------------------------------------------------------------
# One record without a table: the same numbers and the same errors as a table
# --------------------------------------------------------------------------------------

_TRUE = [True, 1, 1.0, "yes", "Yes ", "TRUE", "y", "はい", "1", "１", np.True_]
_FALSE = [False, 0, 0.0, "no", "いいえ", "false", "0", " N", np.False_]
_MISSING = [None, np.nan, "", "NA", "n/a", "null", pd.NA]
_BAD = ["maybe", 7, -1, "banking", 2.5, "4 stars", True]


def _respell(value, field, rng):
    if field.kind == "bool" and value is not None and not pd.isna(value):
        return _TRUE[rng.integers(len(_TRUE))] if value else _FALSE[rng.integers(len(_FALSE))]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _MISSING[rng.integers(len(_MISSING))]
    if field.kind == "category":
        return rng.choice([value, value.upper(), f"  {value} ", value.title()])
    if field.kind in ("ordinal", "int"):
        return rng.choice([int(value), str(int(value)), chr(0xFF10 + int(value) % 10)
                           if int(value) < 10 else str(value), float(value)])
    return rng.choice([float(value), str(value), f" {value} "])


def _random_records(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    base = rm.make_leaver_survey(n, random_state=seed)
    fields = rm.load_model().record_fields
    records = []
    for raw in base.to_dict("records"):
        record = {"leaver_id": raw["leaver_id"]}
        for field in fields:
            record[field.name] = _respell(raw[field.name], field, rng)
        roll = rng.random()
        if roll < 0.08:
            record[fields[rng.integers(len(fields))].name] = _BAD[rng.integers(len(_BAD))]
        elif roll < 0.11:
            del record[fields[rng.integers(len(fields))].name]
        elif roll < 0.14:
            record["sup_interview_amicability"] = 3  # given with or without an interview
        elif roll < 0.30:  # skipped answers, sometimes too many of them
            for name in rng.choice([f.name for f in fields], rng.integers(1, 16), replace=False):
                record[name] = _MISSING[rng.integers(len(_MISSING))]
        records.append(record)
    return records


def _predict_or_error(model, records):
    try:
        return model.predict(records)
    except SchemaError as e:
        return str(e)


def test_one_record_gives_exactly_the_table_numbers_and_errors():
    model = rm.load_model()
    valid, quick_rows, n_errors = [], [], 0
    for record in _random_records(3000, seed=1):
        quick = _predict_or_error(model, record)
        if isinstance(quick, str):
            n_errors += 1
            assert _predict_or_error(model, pd.DataFrame([record])) == quick
        else:
            valid.append(record)
            quick_rows.append(quick)
    # Rows are scored independently (tested below), so one table checks every valid row.
    table = model.predict(pd.DataFrame(valid))
    pd.testing.assert_frame_equal(pd.concat(quick_rows, ignore_index=True), table,
                                  check_exact=True)
    assert 150 < n_errors < 600  # both valid and invalid records were exercised


def test_short_lists_give_exactly_the_table_numbers(tree_model):
    records = _random_records(600, seed=2)
    for model in (rm.load_model(), tree_model):
        for start in range(0, 600, 40):
            chunk = records[start:start + 40]
            quick = _predict_or_error(model, chunk)
            table = _predict_or_error(model, pd.DataFrame(chunk))
            if isinstance(table, str):
                assert quick == table
            else:
                pd.testing.assert_frame_equal(quick, table, check_exact=True)


def test_one_row_and_many_rows_give_the_same_numbers(tree_model, survey):
    data, _ = survey
    for model in (rm.load_model(), tree_model):
        together = model.predict(data.head(100))
        alone = pd.concat([model.predict(data.iloc[[i]]) for i in range(100)],
                          ignore_index=True)
        pd.testing.assert_frame_equal(together, alone, check_exact=True)


def test_predictions_match_scikit_learn(tree_model):
    data = rm.validate_records(rm.make_leaver_survey(2000, random_state=3, missing_rate=0.1))
    for model in (rm.load_model(), tree_model):
        matrix = model.features.transform(data)
        ours = model.predict(data)
        for target in ("alumni_engagement", "rehire_intent"):
            sklearn = model.estimators[target].predict_proba(matrix.to_numpy())[:, 1]
            np.testing.assert_allclose(ours[f"p_{target}"], sklearn, rtol=0, atol=1e-12)


def test_large_tables_are_scored_in_chunks_with_the_same_numbers(monkeypatch, survey):
    from rehire_model import scoring

    data, _ = survey
    model = rm.load_model()
    whole = model.predict(data)
    monkeypatch.setattr(scoring, "CHUNK_ROWS", 7)
    pd.testing.assert_frame_equal(model.predict(data), whole, check_exact=True)


def test_no_records_give_empty_results(tree_model, survey):
    data, _ = survey
    for model in (rm.load_model(), tree_model):
        assert model.predict(data.head(0)).empty
        assert model.explain(data.head(0)).empty
        assert list(model.predict([]).columns) == ["p_alumni_engagement", "p_rehire_intent",
                                                   "segment", "missing_fields"]


# --------------------------------------------------------------------------------------
# One record at a time, and every record kept
# --------------------------------------------------------------------------------------


def _records_with_problems(n: int, seed: int) -> list[dict]:
    """Leavers with skipped answers, and some with a value the schema refuses."""
    records = rm.make_leaver_survey(n, random_state=seed, missing_rate=0.15).astype(object)
    records = records.where(records.notna(), None).to_dict("records")
    rng = np.random.default_rng(seed)
    wrong = {"industry": "banking", "tenure_years": 99, "sup_interview_amicability": 7,
             "policy_alumni_perks": "maybe", "company_size": ["5000+"],
             "years_since_exit": {"years": 2}}
    for record in records:
        if rng.random() < 0.15:
            name = rng.choice(list(wrong))
            record[name] = wrong[name]
    return records


@pytest.mark.parametrize(("fixture", "n_records", "n_explained"), [
    ("model", 150, 40), ("one_target_model", 40, 8), ("tree_model", 30, 4)])
def test_one_record_scores_and_reasons_are_those_of_the_table(fixture, n_records,
                                                              n_explained, request):
    model = request.getfixturevalue(fixture)
    records = _records_with_problems(n_records, seed=3)
    n_valid = 0
    for record in records:
        try:
            expected = model.predict(record).iloc[0].to_dict()
        except SchemaError as error:
            with pytest.raises(SchemaError) as raised:
                model.predict_one(record)
            assert str(raised.value) == str(error)
            continue
        n_valid += 1
        assert model.predict_one(record) == expected  # the same numbers, not close ones
        if n_valid <= n_explained:
            for lang in ("en", "ja"):
                table = model.explain(record, top_k=2, lang=lang).drop(columns="row")
                assert model.explain_one(record, top_k=2, lang=lang) == table.to_dict(
                    "records")
    assert 0.6 * n_records < n_valid < n_records


def test_one_record_is_a_dict(model):
    record = rm.make_leaver_survey(1, random_state=4).iloc[0]
    assert model.predict_one(record.to_dict()) == model.predict_one(dict(record))
    with pytest.raises(TypeError, match="one leaver record is a dict of field -> value, not "
                                        "DataFrame; use predict for a table or a list"):
        model.predict_one(record.to_frame().T)
    with pytest.raises(ValueError, match="top_k must be a whole number of at least 1, got 0"):
        model.explain_one(record.to_dict(), top_k=0)
    with pytest.raises(ValueError, match="lang must be 'en' or 'ja', got 'fr'"):
        model.explain_one(record.to_dict(), lang="fr")


def test_errors_report_keeps_every_record_in_order(model):
    records = _records_with_problems(300, seed=5)
    out = model.predict(records, errors="report")
    assert len(out) == len(records)
    assert out["leaver_id"].tolist() == [r["leaver_id"] for r in records]
    valid = out["problem"].isna().to_numpy()
    assert 0 < (~valid).sum() < 100
    expected = model.predict([r for r, ok in zip(records, valid, strict=True) if ok])
    pd.testing.assert_frame_equal(out[valid].drop(columns="problem").reset_index(drop=True),
                                  expected)
    bad = out[~valid]
    assert bad["p_rehire_intent"].isna().all() and bad["segment"].isna().all()
    for row in np.flatnonzero(~valid)[:10]:
        with pytest.raises(SchemaError) as raised:
            model.predict(records[row])
        assert out.loc[row, "problem"] in str(raised.value)
    with pytest.raises(ValueError, match="errors must be 'raise' or 'report', got 'skip'"):
        model.predict(records, errors="skip")
