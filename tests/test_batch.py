from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rehire_model as rm
from rehire_model import batch
from rehire_model.exceptions import InputError, SchemaError


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def cohort():
    return rm.make_leaver_survey(120, random_state=8)


def _write_lines(path, frame, bad: dict[int, str]) -> None:
    """CSV of ``frame`` with some rows replaced by raw text."""
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    lines = [",".join(frame.columns)]
    for i, row in enumerate(text.itertuples(index=False)):
        lines.append(bad.get(i, ",".join(row)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scores_equal_predict_and_keep_input_order(tmp_path, model, cohort):
    cohort.to_csv(tmp_path / "in.csv", index=False)
    summary = batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model,
                               chunk_rows=50, keep=["age"])
    out = pd.read_csv(tmp_path / "out.csv")
    expected = model.predict(cohort)
    assert summary.line() == "read 120 rows: scored 120, rejected 0"
    assert out["leaver_id"].tolist() == cohort["leaver_id"].tolist()
    assert list(out.columns[:2]) == ["leaver_id", "age"]
    np.testing.assert_allclose(out["p_rehire_intent"], expected["p_rehire_intent"], rtol=1e-12)
    assert pd.read_csv(tmp_path / "out.csv.rejects.csv").empty


def test_reasons_as_columns(tmp_path, model, cohort):
    cohort.head(10).to_csv(tmp_path / "in.csv", index=False)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, explain=2,
                     lang="ja")
    out = pd.read_csv(tmp_path / "out.csv")
    reasons = model.explain(cohort.head(10), top_k=2, lang="ja")
    first = reasons[(reasons["target"] == "rehire_intent") & (reasons["rank"] == 1)]
    assert out["rehire_intent_reason_1"].tolist() == first["text"].tolist()
    assert {"alumni_engagement_reason_2", "rehire_intent_reason_2"} <= set(out.columns)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rows_read_equal_rows_scored_plus_rejected(tmp_path_factory, model, cohort, data):
    kinds = {
        "category": lambda row: row.replace("manufacturing", "banking", 1),
        "malformed": lambda row: row + ",extra",
        "blank": lambda row: "",
        "commas": lambda row: "," * row.count(","),
        "number": lambda row: row.replace(",staff,", ",staff,forty,", 1).replace(",,", ",", 1),
    }
    bad = data.draw(st.dictionaries(st.integers(0, 119), st.sampled_from(sorted(kinds)),
                                    max_size=30))
    chunk_rows = data.draw(st.integers(7, 60))
    folder = tmp_path_factory.mktemp("run")
    text = cohort.astype(object).where(cohort.notna(), "").astype(str)
    rows = [",".join(r) for r in text.itertuples(index=False)]
    _write_lines(folder / "in.csv", cohort, {i: kinds[k](rows[i]) for i, k in bad.items()})
    summary = batch.score_file(folder / "in.csv", folder / "out.csv", model=model,
                               chunk_rows=chunk_rows)
    rejects = pd.read_csv(folder / "out.csv.rejects.csv")
    scored = pd.read_csv(folder / "out.csv")
    assert summary.read == 120 == summary.scored + summary.rejected
    assert summary.scored == len(scored)
    assert summary.rejected == rejects["line"].nunique()
    assert set(rejects["line"]) | {int(i) + 2 for i in range(120)} == {i + 2 for i in range(120)}
    good_ids = set(cohort["leaver_id"]) - set(rejects["leaver_id"].dropna())
    assert set(scored["leaver_id"]) <= good_ids


FEATURES = list(rm.schema.field_names(*rm.schema.FEATURE_ROLES))
CATEGORIES = {f.name for f in rm.FIELDS if f.kind == "category"}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_row_is_lost_to_any_pattern_of_blanks(tmp_path_factory, model, cohort, data):
    """Blanks never lose a row: scored + rejected = read, a record is rejected only when
    more than max_missing of its fields are unanswered, and each scored record names the
    fields it lacked."""
    blanks = data.draw(st.lists(st.sets(st.sampled_from(FEATURES), max_size=len(FEATURES)),
                                min_size=40, max_size=40))
    frame = cohort.head(40).astype(object)
    for i, names in enumerate(blanks):
        frame.loc[frame.index[i], sorted(names)] = None
    folder = tmp_path_factory.mktemp("blanks")
    frame.to_csv(folder / "in.csv", index=False)
    summary = batch.score_file(folder / "in.csv", folder / "out.csv", model=model,
                               chunk_rows=data.draw(st.integers(5, 40)))
    scored = pd.read_csv(folder / "out.csv", keep_default_na=False)
    rejects = pd.read_csv(folder / "out.csv.rejects.csv")
    assert summary.read == 40 == summary.scored + summary.rejected == len(scored) + len(rejects)
    assert rejects["problem"].str.contains("more than max_missing 0.5").all()
    records = rm.validate_records(frame, max_missing=1)
    arrays = {n: records[n].to_numpy(dtype=object, na_value=None) if n in CATEGORIES
              else records[n].to_numpy(dtype=float, na_value=np.nan) for n in FEATURES}
    _, skipped = rm.schema.skipped_answers(arrays, model.record_fields)
    counts = pd.Series(skipped.sum(axis=1), index=frame["leaver_id"])
    assert set(rejects["leaver_id"]) == set(counts.index[counts > 0.5 * len(FEATURES)])
    for leaver_id, listed in zip(scored["leaver_id"], scored["missing_fields"], strict=True):
        assert (len(listed.split(";")) if listed else 0) == counts[leaver_id]


def test_an_interrupted_run_leaves_no_output(tmp_path, model, cohort, monkeypatch):
    cohort.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.csv").write_text("previous results\n", encoding="utf-8")
    calls = {"n": 0}
    original = model._predict_arrays

    def fail_on_second_chunk(*args):
        calls["n"] += 1
        if calls["n"] == 3:  # 1: empty layout, 2: first chunk, 3: second chunk
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(model, "_predict_arrays", fail_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, chunk_rows=50)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_missing_required_column_stops_before_writing(tmp_path, model, cohort):
    cohort.drop(columns="industry").to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(SchemaError, match="missing required column: industry"):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("keep", "message"), [
    (["nickname"], "--keep names column\\(s\\) the input does not have: nickname"),
    (["segment"], "--keep cannot carry segment"),
])
def test_bad_keep_columns(tmp_path, model, cohort, keep, message):
    cohort.head(3).to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(InputError, match=message):
        batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, keep=keep)


def test_parquet_in_and_out(tmp_path, model, cohort):
    cohort.to_parquet(tmp_path / "in.parquet", index=False)
    summary = batch.score_file(tmp_path / "in.parquet", tmp_path / "out.parquet", model=model,
                               chunk_rows=40, explain=1)
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert summary.scored == len(out) == 120
    np.testing.assert_allclose(out["p_alumni_engagement"],
                               model.predict(cohort)["p_alumni_engagement"], rtol=1e-12)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_output_encodings(tmp_path, model, cohort, encoding):
    cohort.head(5).to_csv(tmp_path / "in.csv", index=False)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, explain=1,
                     lang="ja", output_encoding=encoding)
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    out = pd.read_csv(tmp_path / "out.csv", encoding=encoding)
    assert out["rehire_intent_reason_1"].str.contains("再入社意向").all()
    assert out["leaver_id"].tolist() == cohort["leaver_id"].head(5).tolist()


def test_audit_log_has_one_line_per_scored_person(tmp_path, model, cohort):
    import json

    data = cohort.head(30).copy()
    data.loc[3, "industry"] = "banking"
    data.to_csv(tmp_path / "in.csv", index=False)
    log = tmp_path / "audit.jsonl"
    batch.score_file(tmp_path / "in.csv", tmp_path / "out.csv", model=model, audit_log=log)
    batch.score_file(tmp_path / "in.csv", tmp_path / "out2.csv", model=model, audit_log=log)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 * 29  # appended, rejected rows not logged
    first = lines[0]
    assert set(first) == {"timestamp", "model", "model_sha256", "leaver_id", "input_sha256",
                          "p_alumni_engagement", "p_rehire_intent", "segment",
                          "missing_fields", "reasons"}
    assert first["model"] == "default" and len(first["model_sha256"]) == 64
    assert len(first["reasons"]["rehire_intent"]) == 3
    assert first["input_sha256"] == lines[29]["input_sha256"]  # same record, same hash
    assert len({line["input_sha256"] for line in lines}) == 29
    scores = pd.read_csv(tmp_path / "out.csv")
    assert [line["p_rehire_intent"] for line in lines[:29]] == pytest.approx(
        scores["p_rehire_intent"].tolist(), rel=1e-12)
    assert "tenure_years" not in log.read_text(encoding="utf-8")  # no record values
