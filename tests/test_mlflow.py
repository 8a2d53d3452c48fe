from __future__ import annotations

import json
import subprocess
import sys

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server

import rehire_model as rm
from rehire_model.mlflow import RefusedRequest, log_model, save_model, score, signature


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory):
    return save_model(model, tmp_path_factory.mktemp("mlflow") / "rehire")


@pytest.fixture(scope="module")
def served(saved):
    return mlflow.pyfunc.load_model(str(saved))


@pytest.fixture(scope="module")
def leavers():
    return rm.make_leaver_survey(400, random_state=31, missing_rate=0.1)


def _is_pickle(data: bytes) -> bool:
    """A pickle of protocol 2 or later: PROTO opcode first, STOP last."""
    return len(data) > 2 and data[:1] == b"\x80" and data[1] >= 2 and data[-1:] == b"."


def test_the_mlflow_model_holds_no_pickle(saved):
    files = [p for p in saved.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"MLmodel", "_mlflow_model.py", "model.json",
                                       "features.skops", "MODEL_CARD.md", "MODEL_CARD.ja.md"}
    assert not [p for p in files if p.suffix in (".pkl", ".pickle", ".joblib", ".cloudpickle")]
    assert not [p for p in files if _is_pickle(p.read_bytes())]
    assert "python_model.pkl" not in (saved / "MLmodel").read_text(encoding="utf-8")


def test_the_check_finds_a_pickle():
    import pickle

    assert _is_pickle(pickle.dumps({"a": 1}))
    assert not _is_pickle(b"model_format: 2\n")


def test_pyfunc_predict_is_exactly_predict(served, model, leavers):
    pd.testing.assert_frame_equal(served.predict(leavers), model.predict(leavers))


def test_pyfunc_loads_through_the_checked_model_folder(saved):
    features = next(saved.rglob("features.skops"))
    original = features.read_bytes()
    features.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    try:
        with pytest.raises(rm.ModelFileError, match="features.skops"):
            mlflow.pyfunc.load_model(str(saved))
    finally:
        features.write_bytes(original)


def test_records_as_json_carries_them(served, model, leavers):
    interviewed = leavers[leavers["sup_interview_held"] == True].head(5)  # noqa: E712
    records = interviewed.astype(object).where(interviewed.notna(), None)
    records = records.reset_index(drop=True)
    records.loc[0, "sup_welcomed_return"] = None
    records.loc[1, "policy_alumni_perks"] = "はい"
    records.loc[2, "policy_alumni_perks"] = "いいえ"
    records.loc[3, "hr_interview_amicability"] = None
    as_json = pd.DataFrame(json.loads(records.to_json(orient="records", force_ascii=False)))
    pd.testing.assert_frame_equal(served.predict(as_json), model.predict(records))
    assert "sup_welcomed_return" in served.predict(as_json)["missing_fields"].iat[0]


def test_params_add_reasons_in_the_language_asked(served, model, leavers):
    scored = served.predict(leavers.head(20), params={"top_k": 3, "lang": "ja"})
    reasons = model.explain(leavers.head(20), top_k=3, lang="ja")
    first = reasons[(reasons["target"] == "rehire_intent") & (reasons["rank"] == 1)]
    assert scored["rehire_intent_reason_1"].tolist() == first["text"].tolist()
    assert scored.columns[-1] == "rehire_intent_reason_3"


def test_a_bad_record_is_refused_by_row_and_field_and_its_cause_has_the_value(served,
                                                                              leavers):
    bad = leavers.head(10).astype(object)
    bad.loc[4, "industry"] = "banking-x9"
    with pytest.raises(RefusedRequest) as raised:
        served.predict(bad)
    said = raised.value.message
    assert "1 of 10 leaver records cannot be scored" in said
    assert "row 4: 'industry': a value it does not accept; expected one of manufacturing" in said
    assert '"errors": "report"' in said
    assert "banking-x9" not in said and bad.loc[4, "leaver_id"] not in said
    assert isinstance(raised.value, MlflowException)
    assert raised.value.get_http_status_code() == 400
    # The library's error, with the value, is the cause (shown by a traceback).
    assert isinstance(raised.value.__cause__, rm.SchemaError)
    assert "column 'industry' has 'banking-x9'" in str(raised.value.__cause__)


def test_a_bad_parameter_is_refused_naming_it(served, leavers):
    with pytest.raises(RefusedRequest, match="lang must be 'en' or 'ja', got 'fr'"):
        served.predict(leavers.head(2), params={"lang": "fr"})
    with pytest.raises(RefusedRequest, match="errors must be 'raise' or 'report'"):
        served.predict(leavers.head(2), params={"errors": "ignore"})


def test_the_scoring_servers_answer_is_the_refusal_alone(served, leavers):
    """MLflow's handler prefixes the message with a printout of the records; the JSON
    it answers with (serialize_as_json) is the refusal only."""
    records = leavers.head(3).astype(object)
    records.loc[1, "leaver_id"] = "SECRET-ID-7731"
    records.loc[1, "industry"] = "banking-x9"
    body = json.dumps({"dataframe_split": json.loads(records.to_json(orient="split",
                                                                     index=False))})
    schema = served.metadata.get_input_schema()
    with pytest.raises(RefusedRequest) as raised:
        scoring_server.invocations(body, "application/json", served, schema)
    assert "Failed to predict data" in raised.value.message  # MLflow's own rewrite
    answer = json.loads(raised.value.serialize_as_json())
    assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
    assert answer["message"].startswith("1 of 3 leaver records cannot be scored")
    assert "row 1: 'industry'" in answer["message"]
    for secret in ("SECRET-ID-7731", "banking-x9", "Failed to predict data",
                   *records["leaver_id"]):
        assert secret not in json.dumps(answer, ensure_ascii=False), secret


@pytest.mark.parametrize("value", [[1, 2], {"years": 3}], ids=["list", "object"])
def test_a_list_or_an_object_as_a_value_is_a_problem_of_its_record(served, model, leavers,
                                                                    value):
    records = leavers.head(5).astype(object).reset_index(drop=True)
    records.at[2, "tenure_years"] = value
    with pytest.raises(RefusedRequest) as raised:
        served.predict(records)
    assert ("row 2: 'tenure_years': a list or an object, not one value; expected a number "
            "from 0.25 to 50") in raised.value.message
    reported = served.predict(records, params={"errors": "report"})
    assert reported["problem"].notna().tolist() == [False, False, True, False, False]
    assert reported.loc[2, "leaver_id"] == records.loc[2, "leaver_id"]
    assert reported.loc[2, "p_rehire_intent"] is None
    assert "column 'tenure_years' has " in reported.loc[2, "problem"]
    assert "expected a number from 0.25 to 50" in reported.loc[2, "problem"]
    np.testing.assert_array_equal(
        reported.drop(index=2)["p_rehire_intent"].astype(float),
        model.predict(records.drop(index=2))["p_rehire_intent"])


def test_an_unexpected_failure_is_a_500_without_its_text(model, leavers, monkeypatch, caplog):
    def fail(records):
        raise ValueError("could not read 'SECRET-ID-7731'")

    monkeypatch.setattr(model.scoring, "read", fail)
    with pytest.raises(RefusedRequest) as raised:
        score(model, leavers.head(2))
    assert raised.value.get_http_status_code() == 500
    assert "ValueError" in raised.value.message
    assert "SECRET" not in raised.value.serialize_as_json()
    assert "SECRET-ID-7731" in str(raised.value.__cause__)
    assert "scoring a request of 2 records failed" in caplog.text


def test_errors_report_scores_every_good_record(served, model, leavers):
    bad = leavers.head(10).astype(object)
    bad.loc[4, "industry"] = "banking"
    scored = served.predict(bad, params={"errors": "report"})
    assert len(scored) == 10
    assert scored["problem"].notna().tolist() == [i == 4 for i in range(10)]
    assert "column 'industry' has 'banking'" in scored.loc[4, "problem"]
    assert pd.isna(scored.loc[4, "p_rehire_intent"])
    assert scored.loc[4, "leaver_id"] == bad.loc[4, "leaver_id"]
    good = scored.drop(index=4)
    np.testing.assert_array_equal(good["p_rehire_intent"].astype(float),
                                  model.predict(bad.drop(index=4))["p_rehire_intent"])


def test_the_signature_declares_outputs_and_params_and_no_input_columns(model, saved):
    declared = signature(model)
    # Declared inputs would have MLflow check every value before the library does.
    assert declared.inputs is None
    assert declared.outputs.input_names() == ["leaver_id", "p_alumni_engagement",
                                              "p_rehire_intent", "segment", "missing_fields"]
    assert {p.name for p in declared.params.params} == {"top_k", "lang", "errors"}
    example = json.loads((saved / "serving_input_example.json").read_text(encoding="utf-8"))
    assert example["dataframe_split"]["columns"] == [
        "leaver_id", *(f.name for f in model.record_fields)]


def test_pyfunc_takes_one_record_as_a_dict_and_records_as_dicts(served, model, leavers):
    records = json.loads(leavers.head(3).to_json(orient="records"))
    pd.testing.assert_frame_equal(served.predict(records[0]), model.predict(records[0]))
    pd.testing.assert_frame_equal(served.predict(records), model.predict(records))


@pytest.mark.parametrize("layout", ["instances", "inputs"])
def test_the_servers_other_layouts_score_as_predict(served, model, leavers, layout):
    records = json.loads(leavers.head(20).to_json(orient="records"))  # with blanks
    data = records if layout == "instances" else {c: [r[c] for r in records]
                                                    for c in records[0]}
    answer = scoring_server.invocations(json.dumps({layout: data}), "application/json",
                                        served, served.metadata.get_input_schema())
    assert answer.status == 200
    expected = model.predict(records)
    assert expected["missing_fields"].ne("").any()
    pd.testing.assert_frame_equal(pd.DataFrame(json.loads(answer.response)["predictions"]),
                                  expected, check_dtype=False)


def test_columns_as_spark_hands_them_over_score_as_predict(served, model, leavers):
    """Nullable whole numbers (Int64 with NA), booleans as objects with None and text
    with None reach the library as they are."""
    records = leavers.head(50).reset_index(drop=True)
    spark_like = records.copy()
    spark_like["sup_interview_amicability"] = pd.array(
        records["sup_interview_amicability"], dtype="Int64")
    spark_like["policy_alumni_perks"] = records["policy_alumni_perks"].astype(object).where(
        records["policy_alumni_perks"].notna(), None)
    spark_like["industry"] = records["industry"].astype(object).where(
        records["industry"].notna(), None)
    pd.testing.assert_frame_equal(served.predict(spark_like), model.predict(records))


def test_log_model_logs_the_model_metrics_config_and_cards(model, leavers, tmp_path):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'runs.db'}")
    try:
        mlflow.set_experiment(experiment_id=mlflow.create_experiment(
            "leavers", artifact_location=(tmp_path / "artifacts").as_uri()))
        info = log_model(model, name="rehire")
        run = mlflow.get_run(info.run_id)
        assert run.data.metrics["alumni_engagement.test.roc_auc"] == pytest.approx(
            model.metrics["alumni_engagement"]["test"]["roc_auc"])
        artifacts = mlflow.artifacts.download_artifacts(run_id=info.run_id,
                                                        dst_path=str(tmp_path / "got"))
        names = {p.name for p in (tmp_path / "got").rglob("*")}
        assert {"MODEL_CARD.md", "MODEL_CARD.ja.md", "rehire_training_config.json"} <= names
        loaded = mlflow.pyfunc.load_model(info.model_uri)
        pd.testing.assert_frame_equal(loaded.predict(leavers.head(50)),
                                      model.predict(leavers.head(50)))
        assert artifacts
    finally:
        mlflow.set_tracking_uri(None)


def test_the_core_library_does_not_import_mlflow():
    code = "import sys, rehire_model as rm; rm.load_model(); print('mlflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
