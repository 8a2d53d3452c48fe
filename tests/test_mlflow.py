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

import rehire_model as rm
from rehire_model.mlflow import log_model, save_model, signature


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


def test_a_bad_record_fails_with_the_librarys_message(served, leavers):
    bad = leavers.head(10).astype(object)
    bad.loc[4, "industry"] = "banking"
    with pytest.raises(MlflowException, match="column 'industry' has 'banking'; expected one of"):
        served.predict(bad)
    with pytest.raises(MlflowException, match="lang must be 'en' or 'ja', got 'fr'"):
        served.predict(leavers.head(2), params={"lang": "fr"})


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


def test_the_signature_declares_fields_outputs_and_params(model):
    declared = signature(model)
    inputs = {spec.name: spec for spec in declared.inputs.inputs}
    assert set(inputs) == {"leaver_id", *(f.name for f in model.record_fields)}
    assert not any(spec.required for spec in inputs.values())
    assert inputs["industry"].type.name == "string"
    for name in ("policy_alumni_perks", "sup_interview_amicability", "tenure_years"):
        assert "Any" in str(inputs[name].type), name
    assert declared.outputs.input_names() == ["leaver_id", "p_alumni_engagement",
                                              "p_rehire_intent", "segment", "missing_fields"]
    assert {p.name for p in declared.params.params} == {"top_k", "lang", "errors"}


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
