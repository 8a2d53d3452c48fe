from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import FunctionTransformer

import rehire_model as rm
from rehire_model.exceptions import ModelFileError, ModelVersionError
from rehire_model.model_io import ALLOWED_TYPES, _manifest_digest, default_model_path
from rehire_model.training import make_candidate

from .conftest import FAST

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def saved(small_model, tmp_path):
    return rm.save_model(small_model, tmp_path / "model")


def _rewrite_manifest(folder: Path, change) -> None:
    """Edit model.json and reseal it, as someone who knows the format could."""
    path = folder / "model.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    manifest["manifest_sha256"] = _manifest_digest(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _replace_file(folder: Path, name: str, content: bytes) -> None:
    (folder / name).write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    _rewrite_manifest(folder, lambda m: m["files"].__setitem__(name, digest))


def test_round_trip_gives_identical_predictions(small_model, saved, survey):
    data, _ = survey
    loaded = rm.load_model(saved)
    pd.testing.assert_frame_equal(loaded.predict(data), small_model.predict(data))
    assert loaded.metrics == json.loads(json.dumps(small_model.metrics))
    assert loaded.thresholds == small_model.thresholds
    assert loaded.config == small_model.config


def test_model_json_records_versions_and_checksums(saved):
    manifest = json.loads((saved / "model.json").read_text(encoding="utf-8"))
    assert set(manifest["versions"]) >= {"rehire-model", "scikit-learn", "shap", "numpy",
                                         "pandas", "python"}
    assert sorted(manifest["files"]) == sorted(
        p.name for p in saved.iterdir() if p.name != "model.json")
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((saved / name).read_bytes()).hexdigest() == digest
    assert len(manifest["training_data"]["fingerprint_sha256"]) == 64
    assert set(manifest) >= {"config", "thresholds", "metrics", "selected", "fitted_digest"}


def test_no_training_rows_or_ids_are_stored(saved, survey):
    data, _ = survey
    blobs = [(saved / "model.json").read_bytes()]
    for file in saved.glob("*.skops"):
        with zipfile.ZipFile(file) as z:
            blobs += [z.read(name) for name in z.namelist()]
    content = b"".join(blobs)
    assert b"leaver_id" not in content
    assert not any(lid.encode() in content for lid in data["leaver_id"].head(50))
    assert sum(f.stat().st_size for f in saved.iterdir()) < 2_000_000
    # The training rows are kept as hashes of their encoded answers, with predictions.
    with np.load(saved / "training_rows.npz", allow_pickle=False) as rows:
        assert sorted(rows.files) == ["hashes", "p_alumni_engagement", "p_rehire_intent"]
        assert rows["hashes"].dtype == np.uint64
        assert {rows[name].dtype for name in rows.files[1:]} == {np.dtype(np.float32)}


def test_save_refuses_to_overwrite_unless_asked(small_model, saved):
    with pytest.raises(FileExistsError, match="already exists"):
        rm.save_model(small_model, saved)
    assert rm.save_model(small_model, saved, overwrite=True) == saved
    assert not [p for p in saved.parent.iterdir() if p.name.startswith(".model.")]


def test_a_changed_byte_is_refused(saved):
    file = saved / "rehire_intent.skops"
    content = bytearray(file.read_bytes())
    content[len(content) // 2] ^= 0x01
    file.write_bytes(bytes(content))
    with pytest.raises(ModelFileError, match="rehire_intent.skops has changed since"):
        rm.load_model(saved)


def test_an_edited_model_json_is_refused(saved):
    path = saved / "model.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"threshold": 0.3',
                                                              '"threshold": 0.9', 1),
                    encoding="utf-8")
    with pytest.raises(ModelFileError, match="model.json has changed since"):
        rm.load_model(saved)


def test_other_scikit_learn_version_gets_a_clear_message(saved):
    _rewrite_manifest(saved, lambda m: m["versions"].__setitem__("scikit-learn", "0.24.2"))
    with pytest.raises(ModelVersionError, match=r"saved with scikit-learn 0.24.2.*"
                       r"Install scikit-learn==0.24.\* or retrain"):
        rm.load_model(saved)


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_that_would_run_code_is_never_executed(saved, tmp_path):
    marker = tmp_path / "executed"
    _replace_file(saved, "features.skops", pickle.dumps(_RunsCode(marker)))
    with pytest.raises(ModelFileError, match="features.skops is not a skops model file"):
        rm.load_model(saved)
    assert not marker.exists()


def test_a_type_outside_the_allow_list_is_refused(saved, tmp_path):
    marker = tmp_path / "executed"
    payload = FunctionTransformer(func=os.system, kw_args={"command": f"touch {marker}"})
    _replace_file(saved, "alumni_engagement.skops", sio.dumps(payload))
    with pytest.raises(ModelFileError, match=r"types that model files may not contain: .*system"):
        rm.load_model(saved)
    assert not marker.exists()


def test_allow_list_covers_the_types_of_both_families(small_model, survey):
    data, _ = survey
    hgb = rm.train(data.head(1000), {**FAST, "model_selection": {
        **FAST["model_selection"], "candidates": ["hist_gradient_boosting"]}})
    for model in (small_model, hgb):
        for obj in (model.features, *model.estimators.values()):
            assert set(sio.get_untrusted_types(data=sio.dumps(obj))) <= set(ALLOWED_TYPES)


def test_allow_list_covers_a_model_calibrated_on_its_training_rows():
    """Too few positives to calibrate out of fold: the frozen model is calibrated in
    sample (see rehire_model.training)."""
    X = np.random.default_rng(0).normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    fitted = make_candidate("logistic", rm.load_config()).fit(X, y)
    calibrated = CalibratedClassifierCV(FrozenEstimator(fitted)).fit(X, y)
    assert set(sio.get_untrusted_types(data=sio.dumps(calibrated))) <= set(ALLOWED_TYPES)


def test_one_target_model_round_trip(survey, tmp_path):
    data, _ = survey
    model = rm.train(data.head(800), {**FAST, "targets": {"alumni_engagement": False}})
    path = rm.save_model(model, tmp_path / "one")
    assert sorted(p.name for p in path.iterdir()) == [
        "MODEL_CARD.ja.md", "MODEL_CARD.md", "features.skops", "model.json", "rehire_intent.skops",
        "training_rows.npz"]
    loaded = rm.load_model(path)
    assert loaded.targets == ("rehire_intent",)
    pd.testing.assert_frame_equal(loaded.predict(data.head(50)), model.predict(data.head(50)))


def test_a_model_folder_of_an_earlier_format_is_refused(saved):
    manifest = json.loads((saved / "model.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 1
    (saved / "model.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"format_version 1; this version of rehire_model "
                                             r"reads format 2\. Retrain the model"):
        rm.load_model(saved)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "nowhere", "does not exist or is not a folder"),
        (lambda p: p, "has no model.json, so it is not a model folder"),
    ],
)
def test_not_a_model_folder(tmp_path, make, message):
    with pytest.raises(ModelFileError, match=message):
        rm.load_model(make(tmp_path))


def test_missing_file_is_named(saved):
    (saved / "features.skops").unlink()
    with pytest.raises(ModelFileError, match="lacks the file 'features.skops'"):
        rm.load_model(saved)


def test_model_file_errors_are_os_errors(tmp_path):
    with pytest.raises(OSError):
        rm.load_model(tmp_path / "nowhere")


def test_default_model_loads_from_the_source_checkout():
    assert default_model_path() == ROOT / "models" / "default"
    model = rm.load_model()
    assert model.manifest["training_data"]["n_rows"] == 50_000
    assert sum(f.stat().st_size for f in default_model_path().iterdir()) < 3_000_000


def test_default_model_loads_from_a_non_editable_install(tmp_path):
    """``pip install .`` (not editable) ships the default model inside the package."""
    target = tmp_path / "site"
    shutil.copytree(ROOT, tmp_path / "src", ignore=shutil.ignore_patterns(
        ".venv", "build", "*.egg-info", ".git", "__pycache__", ".pytest_cache"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(target), str(tmp_path / "src")],
        check=True, capture_output=True, timeout=600,
    )
    code = (
        "import rehire_model as rm, rehire_model.model_io as io;"
        "print(rm.__file__); print(io.default_model_path()); print(rm.load_model())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)}, check=True, timeout=120,
    )
    module, folder, model = result.stdout.splitlines()
    assert module.startswith(str(target)) and folder.startswith(str(target))
    assert model.startswith("RehireModel(")
