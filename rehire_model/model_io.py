"""Model folders: save a fitted model and load it back without running code from the files.

A model folder holds one skops file for the feature encoder and one per target,
``model.json`` (versions, training config, thresholds, metrics, training-data
fingerprint and summary, the lineage of an updated model and the SHA-256 of every file),
``training_rows.npz`` (a hash of each training row's encoded answers with its
out-of-sample probabilities, see :mod:`rehire_model.training_rows`), ``MODEL_CARD.md``
and ``MODEL_CARD.ja.md``.
Loading checks the versions and every checksum first, then reads the skops files
allowing only the exact types in :data:`ALLOWED_TYPES`; skops builds objects from their
saved state and never unpickles, so a file cannot make loading execute code. No
training record and no ``leaver_id`` is stored.

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()             # the default model shipped with the library
>>> sorted(model.selected)
['alumni_engagement', 'rehire_intent']
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import skops.io as sio

from .config import load_config
from .exceptions import ModelFileError, ModelVersionError
from .features import LeaverFeatures
from .model import RehireModel
from .model_card import write_model_cards
from .texts import message
from .training_rows import ROWS_FILE, TrainingRows

__all__ = ["ALLOWED_TYPES", "FORMAT_VERSION", "default_model_path", "load_model", "save_model"]

logger = logging.getLogger(__name__)

#: Version of the model-folder layout (2: skipped answers handled inside the model,
#: one target or both, calibration from cross-validated predictions).
FORMAT_VERSION = 2

#: Types beyond skops' own trusted set that a model file may contain. Anything else
#: in a file is refused before it is loaded.
ALLOWED_TYPES: tuple[str, ...] = (
    "rehire_model.features.ExitInterviewFeatures",
    "rehire_model.features.FixedFactFeatures",
    "rehire_model.features.LeaverFeatures",
    "rehire_model.features.PolicyFeatures",
    "rehire_model.features.ProtectedFeatures",
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
    "sklearn.model_selection._split.StratifiedKFold",
)

_PACKAGE = "rehire_model"
_VERSIONED = ("rehire-model", "scikit-learn", "shap", "numpy", "pandas", "skops")
_FEATURES_FILE = "features.skops"


def _versions() -> dict[str, str]:
    versions = {}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["python"] = platform.python_version()
    return versions


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_ready(value: Any) -> Any:
    """Plain JSON values (tuples as lists, NaN as null)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _manifest_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of model.json's content (every key but this digest), independent of layout."""
    content = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fitted_digest(obj: Any) -> str:
    """A hash of a fitted object's full state: equal exactly when every number is equal."""
    return joblib.hash(obj, hash_name="sha1")


def save_model(model: RehireModel, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``model`` to the folder ``path``.

    The folder is written next to its destination and renamed into place, so an
    interrupted save never leaves a folder that looks complete.

    Parameters
    ----------
    model : RehireModel
    path : str or pathlib.Path
        The model folder to create.
    overwrite : bool, default False
        Replace an existing folder at ``path``.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"model folder {str(path)!r} already exists; choose another folder or pass "
            "overwrite=True"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a model folder is for sharing
    try:
        objects = {_FEATURES_FILE: model.features}
        objects.update({f"{name}.skops": model.estimators[name] for name in model.targets})
        for name, obj in objects.items():
            sio.dump(obj, staging / name, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        if model.training_rows is not None:
            model.training_rows.save(staging / ROWS_FILE)
        write_model_cards(model, staging, name=path.name)
        files = sorted(p.name for p in staging.iterdir())
        manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "versions": _versions(),
            "config": model.config.to_dict(),
            "thresholds": model.thresholds,
            "selected": model.selected,
            "metrics": model.metrics,
            "training_data": model.training_data,
            **({"lineage": model.lineage} if model.lineage else {}),
            "fitted_digest": {name: fitted_digest(obj) for name, obj in objects.items()},
            "files": {name: _sha256(staging / name) for name in files},
        }
        manifest = _json_ready(manifest)
        manifest["manifest_sha256"] = _manifest_digest(manifest)
        (staging / "model.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if path.exists():
            shutil.rmtree(path)
        os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("saved model to %s", path)
    return path


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


def default_model_path() -> Path:
    """Folder of the default model: installed with the package, or ``models/default``.

    Examples
    --------
    >>> (default_model_path() / "model.json").is_file()
    True
    """
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_default_model"
    if (installed / "model.json").is_file():
        return installed
    checkout = package_dir.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "models" / "default").is_dir():
        return checkout / "models" / "default"
    raise ModelFileError(
        f"the default model is not installed with {_PACKAGE} (looked in {installed} and "
        f"{checkout / 'models' / 'default'}); reinstall the package or pass a model folder"
    )


def _read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = path / "model.json"
    if not path.is_dir():
        raise ModelFileError(message("model.no_folder", path=str(path)))
    if not manifest_path.is_file():
        raise ModelFileError(message("model.no_manifest", path=str(path)))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{manifest_path} is not valid JSON: {e}") from e
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise ModelFileError(
            f"{manifest_path} has format_version {found!r}; this version of {_PACKAGE} reads "
            f"format {FORMAT_VERSION}. Retrain the model with this version."
        )
    if manifest.get("manifest_sha256") != _manifest_digest(manifest):
        raise ModelFileError(message("model.manifest_changed", path=str(manifest_path)))
    return manifest


def _check_versions(manifest: dict[str, Any], path: Path) -> None:
    saved = manifest.get("versions", {}).get("scikit-learn", "unknown")
    installed = metadata.version("scikit-learn")
    if saved.split(".")[:2] != installed.split(".")[:2]:
        minor = ".".join(saved.split(".")[:2])
        raise ModelVersionError(message(
            "model.sklearn_version", path=str(path), saved=saved, installed=installed,
            minor=minor)
        )


def _check_files(manifest: dict[str, Any], path: Path, targets: tuple[str, ...]) -> None:
    files = manifest.get("files", {})
    needed = [_FEATURES_FILE, *(f"{name}.skops" for name in targets)]
    unlisted = [name for name in needed if name not in files]
    if unlisted:
        raise ModelFileError(f"{path / 'model.json'} does not list {', '.join(unlisted)}")
    for name, expected in files.items():
        file = path / name
        if Path(name).name != name or not file.is_file():
            raise ModelFileError(f"model folder {str(path)!r} lacks the file {name!r}")
        found = _sha256(file)
        if found != expected:
            raise ModelFileError(message("model.file_changed", path=str(file),
                                         found=found[:12], expected=expected[:12]))


def _load_object(file: Path) -> Any:
    try:
        found = sio.get_untrusted_types(file=file)
    except (zipfile.BadZipFile, KeyError, ValueError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{file} is not a skops model file: {e}") from e
    refused = sorted(set(found) - set(ALLOWED_TYPES))
    if refused:
        raise ModelFileError(
            f"{file} contains types that model files may not contain: {', '.join(refused)}; "
            "refusing to load it"
        )
    try:
        return sio.load(file, trusted=found)
    except Exception as e:  # skops raises many kinds on a malformed file
        raise ModelFileError(f"{file} cannot be read as a model file: {e}") from e


def load_model(path: str | Path | None = None) -> RehireModel:
    """Load a model folder, checking versions, checksums and the types inside.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The model folder; default the default model shipped with the library.

    Returns
    -------
    RehireModel

    Raises
    ------
    ModelFileError
        The folder is missing, a file is missing or changed since it was saved, or a
        file holds a type outside :data:`ALLOWED_TYPES`.
    ModelVersionError
        The folder was saved with another minor version of scikit-learn.

    Examples
    --------
    >>> import rehire_model as rm
    >>> rm.load_model().thresholds
    {'alumni_engagement': 0.3, 'rehire_intent': 0.3}
    """
    path = default_model_path() if path is None else Path(path)
    manifest = _read_manifest(path)
    _check_versions(manifest, path)
    config = load_config(manifest["config"])
    _check_files(manifest, path, config.target_names)
    features = _load_object(path / _FEATURES_FILE)
    if not isinstance(features, LeaverFeatures):
        raise ModelFileError(f"{path / _FEATURES_FILE} does not hold a LeaverFeatures encoder")
    estimators = {name: _load_object(path / f"{name}.skops") for name in config.target_names}
    rows = TrainingRows.load(path / ROWS_FILE) if ROWS_FILE in manifest["files"] else None
    model = RehireModel(
        config=config,
        features=features,
        estimators=estimators,
        metrics=manifest["metrics"],
        training_data=manifest["training_data"],
        manifest=manifest,
        name=path.name if path != default_model_path() else "default",
        training_rows=rows,
        lineage=manifest.get("lineage"),
    )
    logger.info("loaded model from %s", path)
    return model
