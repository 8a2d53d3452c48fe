"""rehire_model as an MLflow model: served over HTTP, scored by Spark, kept in a registry.

:func:`save_model` and :func:`log_model` write an MLflow pyfunc model in MLflow's
"models from code" form: the model directory holds the rehire_model model folder as
an artifact (skops files, ``model.json``, model cards) and a short Python file that
loads it with :func:`rehire_model.load_model`, with the library's allow-list of types
and its checksums. Nothing in the MLflow model is a pickle.

Through pyfunc, ``predict(df)`` returns exactly :meth:`RehireModel.predict` of the same
records. Parameters (declared in the signature, so MLflow passes them on):

- ``top_k`` (default 0): add the top reasons per target as text columns
  ``<target>_reason_<rank>``, as ``rehire-model score --explain`` does;
- ``lang`` (``"en"`` or ``"ja"``): the language of the reasons;
- ``errors`` (``"raise"`` or ``"report"``): with ``"raise"`` one invalid record fails
  the whole request with the library's message (the scoring server answers 400 with
  it); with ``"report"`` every record gets a row, invalid ones with empty scores and
  the reason in a ``problem`` column.

Input columns are declared so that values reach the library's own validation as they
arrive: categories as text, every other field as "any" (JSON ``null``, ``true``,
``"はい"``, ``"3.5"`` and a misspelling alike, where MLflow would convert or refuse them
with its own message); every column is optional, so a missing one is reported by the
library. A few records (up to ``QUICK_PATH_MAX_RECORDS``) are read as the library reads
single records, which keeps one served record quick.

Examples
--------
>>> import mlflow.pyfunc, tempfile
>>> import rehire_model as rm
>>> from rehire_model.mlflow import save_model
>>> folder = tempfile.mkdtemp()
>>> path = save_model(rm.load_model(), f"{folder}/rehire")
>>> served = mlflow.pyfunc.load_model(str(path))
>>> served.predict(rm.make_leaver_survey(2, random_state=4))["segment"].tolist()
['boomerang_candidate', 'detached']
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE
from mlflow.pyfunc import PythonModel
from mlflow.types.schema import AnyType, ColSpec, ParamSchema, ParamSpec, Schema

from .exceptions import RehireModelError
from .model import RehireModel
from .model_io import load_model
from .model_io import save_model as save_model_folder
from .scoring import QUICK_PATH_MAX_RECORDS
from .survey import make_leaver_survey
from .texts import LANGS
from .validation import validate_records

__all__ = ["ARTIFACT", "PARAMS", "RehirePyfunc", "log_model", "save_model", "score", "signature"]

#: The artifact name of the rehire_model model folder inside an MLflow model.
ARTIFACT = "rehire_model"
#: Parameters of pyfunc ``predict`` and their defaults.
PARAMS: dict[str, Any] = {"top_k": 0, "lang": "en", "errors": "raise"}
#: The file MLflow runs to build the pyfunc model ("models from code").
MODEL_CODE = Path(__file__).with_name("_mlflow_model.py")


class RehirePyfunc(PythonModel):
    """The pyfunc face of a rehire_model model folder (see the module docstring)."""

    def load_context(self, context: Any) -> None:
        self.model = load_model(context.artifacts[ARTIFACT])

    def predict(self, context: Any, model_input: pd.DataFrame,
                params: dict[str, Any] | None = None) -> pd.DataFrame:
        return score(self.model, model_input, params)


def _check_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    chosen = {**PARAMS, **{k: v for k, v in (params or {}).items() if v is not None}}
    unknown = sorted(set(chosen) - set(PARAMS))
    problems = [f"unknown parameter(s) {', '.join(unknown)}"] if unknown else []
    top_k = chosen["top_k"]
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
        problems.append(f"top_k must be a whole number of at least 0, got {top_k!r}")
    if chosen["lang"] not in LANGS:
        problems.append(f"lang must be 'en' or 'ja', got {chosen['lang']!r}")
    if chosen["errors"] not in ("raise", "report"):
        problems.append(f"errors must be 'raise' or 'report', got {chosen['errors']!r}")
    if problems:
        raise MlflowException("; ".join(problems) + f" (parameters: {', '.join(PARAMS)})",
                              error_code=INVALID_PARAMETER_VALUE)
    return chosen


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records as MLflow hands them over, as a table numbered from 0."""
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    return frame.reset_index(drop=True)


def _few_as_dicts(records: pd.DataFrame) -> pd.DataFrame | list[dict[str, Any]]:
    """A few records as dicts, which the library reads on its quick path (same scores)."""
    if not 0 < len(records) <= QUICK_PATH_MAX_RECORDS:
        return records
    columns = records.columns.tolist()
    return [dict(zip(columns, row, strict=True)) for row in records.to_numpy(dtype=object)]


def score(model: RehireModel, records: pd.DataFrame,
          params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What the pyfunc model returns for ``records`` (see the module docstring).

    Raises
    ------
    mlflow.exceptions.MlflowException
        A record or a parameter is invalid (``INVALID_PARAMETER_VALUE``, which the
        scoring server answers with 400); the message is the library's.
    """
    chosen = _check_params(params)
    records = _records(records)
    try:
        if chosen["errors"] == "report":
            return _score_reporting(model, records, chosen)
        return _scored(model.scoring.read(_few_as_dicts(records)), chosen)
    except RehireModelError as e:
        raise MlflowException(str(e), error_code=INVALID_PARAMETER_VALUE) from e


def _scored(leavers: Any, chosen: Mapping[str, Any]) -> pd.DataFrame:
    out = leavers.predictions()
    if chosen["top_k"]:
        for name, values in leavers.reason_columns(int(chosen["top_k"]),
                                                   chosen["lang"]).items():
            out[name] = values
    return out


def _score_reporting(model: RehireModel, records: pd.DataFrame,
                     chosen: Mapping[str, Any]) -> pd.DataFrame:
    """Every record a row: valid ones scored, invalid ones with the reason."""
    valid, problems = validate_records(records, errors="report",
                                       **model.config.validation_options)
    scored = _scored(model.scoring.valid(valid), chosen)
    scored.index = valid.index
    out = scored.reindex(records.index)
    if "leaver_id" in out.columns:
        # An invalid record keeps its leaver_id (as the library reports it).
        ids = problems.drop_duplicates("row").set_index("row")["leaver_id"]
        out.loc[ids.index, "leaver_id"] = ids
    reasons = problems.groupby("row", sort=False)["problem"].agg("; ".join)
    out["problem"] = pd.Series(reasons, dtype=object).reindex(records.index)
    # Blanks as None, not NaN: the scoring server writes NaN as a bare `NaN`, which is
    # not JSON (JSON.parse and other strict parsers reject the whole response).
    return out.astype(object).where(out.notna(), None).reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Signature, saving and logging
# --------------------------------------------------------------------------------------


def signature(model: RehireModel) -> ModelSignature:
    """Inputs (the record fields the model reads, all optional), outputs, parameters."""
    inputs = [ColSpec("string", "leaver_id", required=False)]
    for field in model.record_fields:
        kind = "string" if field.kind == "category" else AnyType()
        inputs.append(ColSpec(kind, field.name, required=False))
    outputs = [ColSpec("string", "leaver_id", required=False)]
    outputs += [ColSpec("double", f"p_{target}") for target in model.targets]
    if model.has_segments:
        outputs.append(ColSpec("string", "segment"))
    outputs.append(ColSpec("string", "missing_fields"))
    params = ParamSchema([ParamSpec("top_k", "long", PARAMS["top_k"]),
                          ParamSpec("lang", "string", PARAMS["lang"]),
                          ParamSpec("errors", "string", PARAMS["errors"])])
    return ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs), params=params)


def _input_example(model: RehireModel) -> pd.DataFrame:
    """Two synthetic leavers, the second with skipped answers, as JSON carries them."""
    names = ["leaver_id", *(f.name for f in model.record_fields)]
    example = make_leaver_survey(2, random_state=4)
    example = example[[n for n in names if n in example.columns]].astype(object)
    for name in ("sup_welcomed_return", "policy_alumni_perks"):
        if name in example.columns:
            example.loc[1, name] = None
    return example.where(example.notna(), None)


def _pyfunc_options(model: RehireModel, folder: Path) -> dict[str, Any]:
    return {
        "python_model": str(MODEL_CODE),
        "artifacts": {ARTIFACT: str(folder)},
        "signature": signature(model),
        "input_example": _input_example(model),
    }


def save_model(model: RehireModel, path: str | Path, *, overwrite: bool = False,
               **options: Any) -> Path:
    """Write ``model`` as an MLflow pyfunc model directory at ``path``.

    Parameters
    ----------
    model : RehireModel
    path : str or pathlib.Path
        The MLflow model directory to create.
    overwrite : bool, default False
        Replace an existing directory.
    **options
        Passed to :func:`mlflow.pyfunc.save_model` (for example ``pip_requirements``).

    Returns
    -------
    pathlib.Path
        The directory written; ``mlflow.pyfunc.load_model(path)`` loads it and
        ``mlflow models serve -m path`` serves it.
    """
    path = Path(path)
    if path.exists():
        if not overwrite:
            raise FileExistsError(f"MLflow model directory {str(path)!r} already exists; "
                                  "choose another or pass overwrite=True")
        shutil.rmtree(path)
    with tempfile.TemporaryDirectory() as folder:
        saved = save_model_folder(model, Path(folder) / model.name)
        mlflow.pyfunc.save_model(str(path), **_pyfunc_options(model, saved), **options)
    return path


def _flat_metrics(model: RehireModel) -> dict[str, float]:
    """The model's numeric metrics, ``<target>.<name>`` (MLflow logs numbers only)."""
    out = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif (isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
              and np.isfinite(value)):
            out[prefix] = float(value)

    walk("", model.metrics)
    return out


def log_model(model: RehireModel, name: str = "rehire_model", **options: Any) -> Any:
    """Log ``model`` to the active MLflow run (one is started if none is active).

    Logs the pyfunc model (as :func:`save_model` writes it), the model's metrics, its
    training config (``training_config.json``) and its model cards.

    Returns
    -------
    mlflow.models.model.ModelInfo
        Its ``model_uri`` loads the model (``mlflow.pyfunc.load_model``) or registers it.
    """
    started = mlflow.active_run() is None
    if started:
        mlflow.start_run()
    try:
        with tempfile.TemporaryDirectory() as folder:
            saved = save_model_folder(model, Path(folder) / model.name)
            info = mlflow.pyfunc.log_model(name=name, **_pyfunc_options(model, saved),
                                           **options)
            for card in sorted(saved.glob("MODEL_CARD*.md")):
                mlflow.log_artifact(str(card), artifact_path=f"{name}_cards")
        mlflow.log_metrics(_flat_metrics(model))
        mlflow.log_dict(model.config.to_dict(), f"{name}_training_config.json")
    finally:
        if started:
            mlflow.end_run()
    return info
