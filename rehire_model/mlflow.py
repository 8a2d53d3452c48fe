"""rehire_model as an MLflow model: served over HTTP, scored by Spark, kept in a registry.

:func:`save_model` and :func:`log_model` write an MLflow pyfunc model in MLflow's
"models from code" form: the model directory holds the rehire_model model folder as
an artifact (skops files, ``model.json``, model cards) and a short Python file that
loads it with :func:`rehire_model.load_model`, with the library's allow-list of types
and its checksums. Nothing in the MLflow model is a pickle.

Through pyfunc, ``predict(df)`` returns exactly :meth:`RehireModel.predict` of the same
records (a DataFrame, a dict for one record or a list of dicts). Parameters (declared
in the signature, so MLflow passes them on):

- ``top_k`` (default 0): add the top reasons per target as text columns
  ``<target>_reason_<rank>``, as ``rehire-model score --explain`` does;
- ``lang`` (``"en"`` or ``"ja"``): the language of the reasons;
- ``errors`` (``"raise"`` or ``"report"``): with ``"raise"`` one invalid record fails
  the whole request (the scoring server answers 400); with ``"report"`` every record
  gets a row, invalid ones with empty scores and the reason in a ``problem`` column.

The signature declares the outputs and the parameters but no input columns, so
records reach the library's own validation exactly as MLflow parsed them (JSON
``null``, ``true``, ``"はい"``, ``"3.5"``, a misspelling, a list alike): MLflow neither
converts nor refuses a value, and does not check every value of every column, a check
that takes longer than scoring one record. The input example saved with the model
lists the fields. A few records (up to ``QUICK_PATH_MAX_RECORDS``) are read as the
library reads single records, which keeps one served record quick.

A request that cannot be scored raises :class:`RefusedRequest`. Its message names
the rows (0-based positions in the request), the fields and what each expects, and
never a record's value or a leaver id: an HTTP answer is often logged by the systems it
passes through. The scoring server (``mlflow models serve``) answers 400 with that message
alone. The library's error with every value (a :class:`~rehire_model.SchemaError`,
whose ``problems`` table lists each problem) is the exception's ``__cause__``, shown
by a traceback in Python; ``"errors": "report"`` gives each invalid record's
problems, values included, to the client that sent them. Two refusals come from
MLflow itself, before the model runs, and repeat what was sent: a body that is not
JSON (MLflow's answer quotes the body), and a parameter of another JSON type than
declared (``top_k`` a number, ``lang`` and ``errors`` text; MLflow's answer prints
the records).

Examples
--------
>>> import mlflow.pyfunc, tempfile
>>> import rehire_model as rm
>>> from rehire_model.mlflow import save_model
>>> folder = tempfile.mkdtemp()
>>> path = save_model(rm.load_model(), f"{folder}/rehire")
>>> served = mlflow.pyfunc.load_model(str(path))
>>> leavers = rm.make_leaver_survey(2, random_state=4)
>>> served.predict(leavers)["segment"].tolist()
['boomerang_candidate', 'detached']
>>> leavers.loc[1, "industry"] = "banking"
>>> served.predict(leavers)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rehire_model.mlflow.RefusedRequest: 1 of 2 leaver records cannot be scored ...
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import ModelSignature
from mlflow.protos.databricks_pb2 import INTERNAL_ERROR, INVALID_PARAMETER_VALUE
from mlflow.pyfunc import PythonModel
from mlflow.types.schema import ColSpec, ParamSchema, ParamSpec, Schema

from .exceptions import RehireModelError, SchemaError
from .model import RehireModel
from .model_io import load_model
from .model_io import save_model as save_model_folder
from .schema import Field, is_blank
from .scoring import QUICK_PATH_MAX_RECORDS, top_k_problem
from .survey import make_leaver_survey
from .texts import LANGS, Message
from .validation import read_value

__all__ = ["ARTIFACT", "PARAMS", "RefusedRequest", "RehirePyfunc", "log_model", "save_model",
           "score", "signature"]

logger = logging.getLogger(__name__)

#: The artifact name of the rehire_model model folder inside an MLflow model.
ARTIFACT = "rehire_model"
#: Parameters of pyfunc ``predict`` and their defaults.
PARAMS: dict[str, Any] = {"top_k": 0, "lang": "en", "errors": "raise"}
#: The file MLflow runs to build the pyfunc model ("models from code").
MODEL_CODE = Path(__file__).with_name("_mlflow_model.py")
#: The most problems a refusal lists, one line each.
REFUSAL_LINES = 10
#: Values that are not one answer: a JSON array or object given as a field's value.
NESTED = (list, tuple, dict, set, np.ndarray)
#: How to get each record's problems, said at the end of a refusal of records.
REPORT_HINT = ('Fix these values, or send "params": {"errors": "report"} to score every '
               "valid record and get each invalid record's problems, with its values, in a "
               '"problem" column.')


class RefusedRequest(MlflowException):
    """A request the model cannot score: invalid records or parameters.

    The message says what was found and expected by row (the 0-based position of the
    record in the request), field and parameter, never a record's value or a leaver id.
    The library's error with every value, when there is one, is ``__cause__``.

    MLflow's scoring server answers an ``MlflowException`` raised by a model with
    :meth:`serialize_as_json`, after prefixing ``message`` with a printout of the
    request's records ("Failed to predict data ..."); this answer keeps the message
    as it was raised, so the records stay out of it.

    Parameters
    ----------
    message : str
        What was found, what was expected and how to fix it.
    error_code : int, default INVALID_PARAMETER_VALUE
        An MLflow error code: ``INVALID_PARAMETER_VALUE`` (HTTP 400) for a request the
        client can fix, ``INTERNAL_ERROR`` (HTTP 500) for a failure of the model.

    Attributes
    ----------
    refusal : str
        The message as raised, which the scoring server answers with.
    """

    def __init__(self, message: str, error_code: int = INVALID_PARAMETER_VALUE) -> None:
        super().__init__(message, error_code=error_code)
        self.refusal = message

    def serialize_as_json(self) -> str:
        """The scoring server's answer: MLflow's error fields, with this message only."""
        answer = json.loads(super().serialize_as_json())
        answer["message"] = self.refusal
        return json.dumps(answer)


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
    top_k = top_k_problem(chosen["top_k"], low=0)
    if top_k:
        problems.append(top_k)
    if chosen["lang"] not in LANGS:
        problems.append(f"lang must be 'en' or 'ja', got {chosen['lang']!r}")
    if chosen["errors"] not in ("raise", "report"):
        problems.append(f"errors must be 'raise' or 'report', got {chosen['errors']!r}")
    if problems:
        raise RefusedRequest("; ".join(problems) + f" (parameters: {', '.join(PARAMS)})")
    return chosen


_Records = pd.DataFrame | list[Mapping[str, Any]]


def _records(data: Any) -> _Records:
    """Records as given to pyfunc ``predict``: a table numbered from 0, or dicts.

    A dict is one record, unless every value is a sequence: columns, as MLflow parses
    ``instances`` and ``inputs`` (where a value of a column with nulls may come as an
    array of its own, with no dimension, which is read as the value it holds).
    """
    if isinstance(data, pd.DataFrame):
        index = data.index
        if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
            return data
        return data.reset_index(drop=True)
    if isinstance(data, Mapping):
        if data and all(isinstance(v, (list, tuple, np.ndarray, pd.Series))
                        for v in data.values()):
            return pd.DataFrame({k: [x.item() if isinstance(x, np.ndarray) and x.ndim == 0
                                     else x for x in v] for k, v in data.items()})
        return [data]
    if (isinstance(data, Sequence) and not isinstance(data, (str, bytes))
            and all(isinstance(r, Mapping) for r in data)):
        return list(data)
    return pd.DataFrame(data)


def _few_as_dicts(records: _Records) -> _Records:
    """A few records as dicts, which the library reads on its quick path (same scores)."""
    if not 0 < len(records) <= QUICK_PATH_MAX_RECORDS or isinstance(records, list):
        return records
    columns = records.columns.tolist()
    return [dict(zip(columns, row, strict=True)) for row in records.to_numpy(dtype=object)]


def score(model: RehireModel, records: Any,
          params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What the pyfunc model returns for ``records`` (see the module docstring).

    Parameters
    ----------
    model : RehireModel
    records : pandas.DataFrame, dict or list of dict
        Leaver records as MLflow hands them over.
    params : dict, optional
        ``top_k``, ``lang`` and ``errors`` (see :data:`PARAMS`).

    Returns
    -------
    pandas.DataFrame
        :meth:`RehireModel.predict` of the records, with reason columns for ``top_k``
        and a ``problem`` column for ``errors="report"``.

    Raises
    ------
    RefusedRequest
        A parameter or (with ``errors="raise"``) a record is invalid
        (``INVALID_PARAMETER_VALUE``, which the scoring server answers with 400); the
        message names rows, fields and what each expects, not the values. For an
        unexpected failure of the model, ``INTERNAL_ERROR`` (500).
    """
    chosen = _check_params(params)
    records = _records(records)
    try:
        if chosen["errors"] == "report":
            return _score_reporting(model, records, chosen)
        return _score_strictly(model, records, chosen)
    except Exception as error:
        raise _refusal(model, records, error) from error


def _score_strictly(model: RehireModel, records: _Records,
                    chosen: Mapping[str, Any]) -> pd.DataFrame:
    """Every record scored, or an error for the first problems.

    One record, or a few, is read as the library reads a single record, without a table.
    """
    return _scored(model.scoring.read(_few_as_dicts(records)), chosen)


def _scored(leavers: Any, chosen: Mapping[str, Any]) -> pd.DataFrame:
    out = leavers.predictions()
    if chosen["top_k"]:
        for name, values in leavers.reason_columns(int(chosen["top_k"]),
                                                   chosen["lang"]).items():
            out[name] = values
    return out


def _score_reporting(model: RehireModel, records: _Records,
                     chosen: Mapping[str, Any]) -> pd.DataFrame:
    """Every record a row: valid ones scored, invalid ones with the reason."""
    def table(leavers: Any) -> pd.DataFrame:
        return _scored(leavers, chosen)

    out = model.scoring.every_record(records, table)
    # Blanks as None, not NaN: the scoring server writes NaN as a bare `NaN`, which is
    # not JSON (JSON.parse and other strict parsers reject the whole response).
    return out.astype(object).where(out.notna(), None)


# --------------------------------------------------------------------------------------
# Refusals: what was wrong, by row and field, without the values
# --------------------------------------------------------------------------------------


def _field(model: RehireModel, column: Any) -> Field | None:
    return next((f for f in model.record_fields if f.name == column), None)


def _expectation(model: RehireModel, column: Any, value: Any) -> str | None:
    """What ``column`` expects, in the library's words, if ``value`` alone is not one
    of its values (None if it is, or if the column is not a field of the model)."""
    field = _field(model, column)
    if field is None:
        return None
    try:
        read_value(field, value)
    except SchemaError as error:
        said = error.args[0] if error.args else None
        expected = said.values.get("expected") if isinstance(said, Message) else None
        return str(expected) if expected is not None else "another value"
    except (TypeError, ValueError):
        return "another value"
    return None


def _described(model: RehireModel, column: Any, value: Any,
               problem: str) -> tuple[str | None, str]:
    """One problem without its value, as ``(column, what)``: the library's text when
    the value is blank (it names fields only, and the column is None), else what the
    column has and expects."""
    if isinstance(value, NESTED):
        expected = _expectation(model, column, value) or "one value"
        return str(column), f"a list or an object, not one value; expected {expected}"
    if is_blank(value):
        return None, str(problem)
    expected = _expectation(model, column, value)
    if expected is not None:
        return str(column), f"a value it does not accept; expected {expected}"
    field = _field(model, column)
    if field is not None and field.requires:
        return str(column), (f"answered although {field.requires} is false; expected "
                             "empty (NA)")
    return str(column), "a value that does not go with the record's other answers"


def _lines(described: Sequence[tuple[int, str | None, str]]) -> list[str]:
    """``row N: 'field', ...: problem`` lines, one per row and problem, at most
    :data:`REFUSAL_LINES`."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for row, column, what in described:
        grouped.setdefault((row, what), [])
        if column is not None:
            grouped[(row, what)].append(f"'{column}'")
    lines = [f"  row {row}: {', '.join(columns)}: {what}" if columns else f"  row {row}: {what}"
             for (row, what), columns in grouped.items()]
    if len(lines) > REFUSAL_LINES:
        shown = {row for row, _ in list(grouped)[:REFUSAL_LINES]}
        more = len({row for row, _ in grouped} - shown)
        lines = lines[:REFUSAL_LINES]
        lines.append(f"  ... and {more} more records with problems" if more
                     else "  ... and more problems in these records")
    return lines


def _records_refusal(described: Sequence[tuple[int, str | None, str]],
                     n_records: int) -> RefusedRequest:
    n_bad = len({row for row, _, _ in described})
    noun = "leaver record" if n_records == 1 else "leaver records"
    return RefusedRequest(
        f"{n_bad} of {n_records} {noun} cannot be scored (rows are 0-based positions in "
        "the request; values and leaver ids are left out of this message):\n"
        + "\n".join(_lines(described)) + "\n" + REPORT_HINT)


def _refusal(model: RehireModel, records: _Records, error: Exception) -> RefusedRequest:
    """The refusal of ``records`` for ``error``, naming no value and no leaver id."""
    problems = error.problems if isinstance(error, SchemaError) else None
    if problems is not None and len(problems):
        at_rows = problems[problems["row"].notna()]
        if len(at_rows):
            return _records_refusal(
                [(int(row), *_described(model, column, value, problem))
                 for row, column, value, problem in at_rows[
                     ["row", "column", "value", "problem"]].itertuples(index=False)],
                len(records))
        if all(not isinstance(v, NESTED) and is_blank(v) for v in problems["value"]):
            # Problems with whole columns: the message names columns, not values.
            return RefusedRequest(str(error))
        columns = ", ".join(dict.fromkeys(str(c) for c in problems["column"]))
        return RefusedRequest(f"the records cannot be scored: the columns {columns} hold "
                              "values the model cannot use")
    if isinstance(error, RehireModelError):
        return RefusedRequest(f"the records cannot be scored ({type(error).__name__}); "
                              'send "params": {"errors": "report"} for each record\'s '
                              "problems")
    logger.error("scoring a request of %d records failed", len(records), exc_info=error)
    return RefusedRequest(
        f"the model failed on this request ({type(error).__name__}); the server's log has "
        "the details", error_code=INTERNAL_ERROR)


# --------------------------------------------------------------------------------------
# Signature, saving and logging
# --------------------------------------------------------------------------------------


def signature(model: RehireModel) -> ModelSignature:
    """Outputs and parameters; no input columns.

    Declared input columns would have MLflow check (and, for some types, convert or
    refuse) every value of every column before the library reads it, which costs more
    than scoring one record; the library validates every field itself and names the
    fields a record lacks. The input example saved with the model lists the fields.
    """
    outputs = [ColSpec("string", "leaver_id", required=False)]
    outputs += [ColSpec("double", f"p_{target}") for target in model.targets]
    if model.has_segments:
        outputs.append(ColSpec("string", "segment"))
    outputs.append(ColSpec("string", "missing_fields"))
    params = ParamSchema([ParamSpec("top_k", "long", PARAMS["top_k"]),
                          ParamSpec("lang", "string", PARAMS["lang"]),
                          ParamSpec("errors", "string", PARAMS["errors"])])
    return ModelSignature(outputs=Schema(outputs), params=params)


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
