"""Score a Spark DataFrame of leavers as ``predict`` scores a table, on every executor.

:func:`score` gives each leaver of a Spark DataFrame the row that
:meth:`RehireModel.predict` with ``errors="report"`` gives it: the same columns and
the same numbers, and for an invalid record empty scores and its problem, so one bad
record never fails the job. With ``top_k`` it adds each leaver's top reasons per target
as text columns, in English or Japanese, as ``rehire-model score --explain`` writes them.

The model is a fitted model, a model folder or an MLflow model (a ``models:/`` or
``runs:/`` URI, or a directory written by :func:`rehire_model.mlflow.save_model`). Its
folder travels with the job as bytes, so executors need no shared disk, only
rehire_model installed. Each executor's Python process loads it once, with
:func:`rehire_model.load_model` (checksums and the allow-list of types; nothing is
unpickled), and keeps it for later partitions and later jobs.

Records are read as the library reads a table: booleans, whole numbers, decimals and
text alike (``"はい"``, ``"5,000人以上"``, ``"3.5"``), a null as a skipped answer.
Columns of other Spark types (dates, arrays, ...) are read as their text, so their
records are reported, not failed. Only ``leaver_id`` and the columns the model reads
leave the JVM. A column the model needs that the DataFrame lacks fails at once, on the
driver, with the library's :class:`~rehire_model.SchemaError`.

Each Python worker scores its Arrow batches in chunks of at least :data:`CHUNK_ROWS`
records, where the library runs at full speed; a few large partitions (one or two per
core) score faster than many small ones, each of which is a task. Spark measures the bytes of every
record it sends to Python unless ``spark.sql.execution.arrow.maxBytesPerBatch`` is
``2147483647`` (no byte limit; batches are then cut by
``spark.sql.execution.arrow.maxRecordsPerBatch`` alone), which spares Spark about a
third of its own work; :data:`RECOMMENDED_CONF` holds that setting.
``mlflow.pyfunc.spark_udf`` of the MLflow model gives the same scores by MLflow's
generic route, more slowly.

Needs pyspark on the driver (``pip install "rehire-model[spark]"``), and rehire_model
(with pyarrow) in the executors' Python.

Examples
--------
>>> import rehire_model as rm
>>> from rehire_model.spark import score
>>> leavers = spark.createDataFrame(rm.make_leaver_survey(3, random_state=1))  # doctest: +SKIP
>>> score(leavers, rm.load_model()).select("leaver_id", "segment").show()  # doctest: +SKIP
+---------+-------------------+
|leaver_id|            segment|
+---------+-------------------+
|  L000001|boomerang_candidate|
|  L000002|         ambassador|
|  L000003|           detached|
+---------+-------------------+
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import threading
import time
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .exceptions import ModelFileError
from .model import RehireModel
from .model_io import load_model, save_model
from .scoring import LeaverBatch, top_k_problem
from .texts import check_lang
from .validation import validate_records

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["CHUNK_ROWS", "RECOMMENDED_CONF", "output_columns", "score"]

logger = logging.getLogger(__name__)

#: Records each Python worker scores at a time (Arrow batches are gathered up to it).
CHUNK_ROWS = 100_000
#: Session settings under which Spark's own part costs least (see the module docstring):
#: ``spark.conf.set(key, value)`` for each.
RECOMMENDED_CONF = {"spark.sql.execution.arrow.maxBytesPerBatch": "2147483647"}
#: Models an executor's Python process keeps loaded, the most recently used.
KEPT_MODELS = 4
#: Boolean columns travel to Python packed, two bits apiece (blank, yes, no), this many
#: to a whole-number column: Spark spends more per column sent than per value computed.
PACKED_PER_COLUMN = 31
#: The names of those whole-number columns (a number follows).
PACKED_PREFIX = "__rehire_model_booleans_"

#: A URI with a scheme (``models:/``, ``runs:/``, ``s3://``, ``file://``, ...).
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
#: The codes of a packed boolean: blank, yes, no.
_BLANK, _YES, _NO = 0, 1, 2


def output_columns(model: RehireModel, *, leaver_id: bool = True,
                   top_k: int = 0) -> list[tuple[str, str]]:
    """The columns :func:`score` returns, as ``(name, Spark type)``, in order.

    Those of :meth:`RehireModel.predict` (``leaver_id`` only when the records have
    it), then the reason columns ``<target>_reason_<rank>`` when ``top_k > 0``, then
    ``problem``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> [name for name, _ in output_columns(rm.load_model(), leaver_id=False)]
    ['p_alumni_engagement', 'p_rehire_intent', 'segment', 'missing_fields', 'problem']
    """
    columns = [("leaver_id", "string")] if leaver_id else []
    columns += [(f"p_{target}", "double") for target in model.targets]
    if model.has_segments:
        columns.append(("segment", "string"))
    columns.append(("missing_fields", "string"))
    columns += [(f"{target}_reason_{rank}", "string")
                for target in model.targets for rank in range(1, top_k + 1)]
    columns.append(("problem", "string"))
    return columns


def score(spark_df: DataFrame, model: RehireModel | str | os.PathLike[str], *,
          top_k: int = 0, lang: str = "en") -> DataFrame:
    """Score every leaver of a Spark DataFrame as ``model.predict(records, errors="report")``.

    Parameters
    ----------
    spark_df : pyspark.sql.DataFrame
        Leaver records, one per row: the record fields the model reads (a skipped
        answer as null; booleans, numbers and text are read as the library reads
        them) and, optionally, ``leaver_id``. Other columns are left out.
    model : RehireModel, str or path-like
        A fitted model, a model folder (as :func:`rehire_model.save_model` writes it),
        or an MLflow model: a URI such as ``"models:/rehire/1"`` or
        ``"runs:/<run id>/rehire"``, or a directory written by
        :func:`rehire_model.mlflow.save_model`.
    top_k : int, default 0
        Add the ``top_k`` largest reasons per target as text columns
        ``<target>_reason_<rank>`` (empty past the last reason).
    lang : {"en", "ja"}, default "en"
        The language of the reasons.

    Returns
    -------
    pyspark.sql.DataFrame
        One row per record, computed when Spark runs it (the input's partitions, each
        in its order): ``leaver_id`` (when given), ``p_<target>`` (double) per target
        of the model, ``segment`` (a model with both targets), ``missing_fields`` (the
        fields left unanswered, ``;``-separated), the reason columns, and ``problem``:
        null for a scored record; for an invalid one what is wrong (field, value, what
        was expected), its scores null. Every column but the probabilities is text.

    Raises
    ------
    ValueError
        ``top_k`` is not a whole number of at least 0, or ``lang`` not ``"en"`` or
        ``"ja"``.
    SchemaError
        ``spark_df`` lacks a column the model needs.
    ModelFileError
        The model folder is missing, changed since it was saved, or unsafe.

    Examples
    --------
    >>> from rehire_model.spark import RECOMMENDED_CONF, score
    >>> for key, value in RECOMMENDED_CONF.items():  # doctest: +SKIP
    ...     spark.conf.set(key, value)
    >>> leavers = spark.read.parquet("leavers.parquet")  # doctest: +SKIP
    >>> scored = score(leavers, "models:/rehire/1", top_k=2, lang="ja")  # doctest: +SKIP
    >>> scored.columns  # doctest: +SKIP
    ['leaver_id', 'p_alumni_engagement', 'p_rehire_intent', 'segment', 'missing_fields',
     'alumni_engagement_reason_1', 'alumni_engagement_reason_2', 'rehire_intent_reason_1',
     'rehire_intent_reason_2', 'problem']
    >>> scored.write.parquet("scores.parquet")  # doctest: +SKIP
    """
    problem = top_k_problem(top_k, low=0)
    if problem:
        raise ValueError(problem)
    check_lang(lang)
    loaded, folder = _model_and_folder(model)
    # A missing column fails here, with the library's message, not in every task.
    validate_records(pd.DataFrame(columns=list(spark_df.columns)),
                     **loaded.config.validation_options)
    records, names, packed = _records(spark_df, loaded)
    columns = output_columns(loaded, leaver_id="leaver_id" in names, top_k=int(top_k))
    scorer = _PartitionScorer(folder=folder, digest=hashlib.sha256(folder).hexdigest(),
                              names=names, packed=packed, columns=tuple(columns),
                              top_k=int(top_k), lang=lang, chunk_rows=CHUNK_ROWS)
    logger.info("scoring on Spark with model %s (a folder of %d bytes, %s)", loaded.name,
                len(folder), scorer.digest[:12])
    return records.mapInArrow(scorer, ", ".join(f"`{n}` {kind}" for n, kind in columns))


# --------------------------------------------------------------------------------------
# On the driver: the model folder as bytes, the columns sent to Python
# --------------------------------------------------------------------------------------


def _model_and_folder(model: Any) -> tuple[RehireModel, bytes]:
    """The model, loaded on the driver, and its folder zipped for the executors."""
    with tempfile.TemporaryDirectory(prefix="rehire_model-spark-") as work:
        if isinstance(model, RehireModel):
            return model, _zipped(save_model(model, Path(work) / "model"))
        if not isinstance(model, (str, os.PathLike)):
            raise TypeError("model must be a RehireModel, a model folder or an MLflow model "
                            f"URI, not {type(model).__name__}")
        path = _model_folder(os.fspath(model), Path(work))
        return load_model(path), _zipped(path)


def _model_folder(given: str, work: Path) -> Path:
    """The model folder ``given`` names, an MLflow model's downloaded into ``work``."""
    path = Path(given)
    if not path.exists() and _URI.match(given):
        import mlflow.artifacts

        path = Path(mlflow.artifacts.download_artifacts(artifact_uri=given,
                                                        dst_path=str(work)))
    if (path / "MLmodel").is_file() and not (path / "model.json").is_file():
        # An MLflow model: the model folder is the artifact that holds a model.json.
        found = sorted(p.parent for p in (path / "artifacts").rglob("model.json"))
        if len(found) != 1:
            raise ModelFileError(
                f"{given!r} is an MLflow model without a rehire_model model folder among "
                f"its artifacts ({len(found)} found); write one with "
                "rehire_model.mlflow.save_model or log_model")
        return found[0]
    return path  # load_model names what is missing


def _zipped(folder: Path) -> bytes:
    """The files of a model folder as a zip: the same bytes for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(folder.iterdir()):
            if file.is_file():
                archive.writestr(zipfile.ZipInfo(file.name, date_time=(1980, 1, 1, 0, 0, 0)),
                                 file.read_bytes())
    return buffer.getvalue()


def _records(spark_df: DataFrame, model: RehireModel
             ) -> tuple[DataFrame, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """What goes to Python: ``leaver_id`` and the columns the model reads.

    Booleans, numbers and text go as they are, decimals as doubles, other types as
    their text; boolean columns go packed (:data:`PACKED_PER_COLUMN`). Returns the
    DataFrame, the names of the columns it holds and, per packed column, the columns
    packed in it.
    """
    from pyspark.sql import types

    as_given = (types.BooleanType, types.ByteType, types.ShortType, types.IntegerType,
                types.LongType, types.FloatType, types.DoubleType, types.StringType)
    kinds = {f.name: f.dataType for f in spark_df.schema.fields}
    names = tuple(n for n in ("leaver_id", *(f.name for f in model.record_fields))
                  if n in kinds)
    booleans = [n for n in names if isinstance(kinds[n], types.BooleanType)]
    selected = []  # as SQL: one call to Spark, however many columns
    for name in names:
        if isinstance(kinds[name], types.DecimalType):
            selected.append(f"CAST({_quoted(name)} AS DOUBLE) AS {_quoted(name)}")
        elif not isinstance(kinds[name], as_given):
            selected.append(f"CAST({_quoted(name)} AS STRING) AS {_quoted(name)}")
        elif name not in booleans:
            selected.append(_quoted(name))
    packed = []
    for start in range(0, len(booleans), PACKED_PER_COLUMN):
        group = tuple(booleans[start:start + PACKED_PER_COLUMN])
        codes = [f"shiftleft(CAST(CASE WHEN {_quoted(name)} IS NULL THEN {_BLANK} "
                 f"WHEN {_quoted(name)} THEN {_YES} ELSE {_NO} END AS BIGINT), {2 * i})"
                 for i, name in enumerate(group)]
        packed.append((f"{PACKED_PREFIX}{len(packed)}", group))
        selected.append(f"{' | '.join(codes)} AS {_quoted(packed[-1][0])}")
    return spark_df.selectExpr(*selected), names, tuple(packed)


def _quoted(name: str) -> str:
    """A column name as Spark SQL reads it whatever its characters."""
    return "`" + name.replace("`", "``") + "`"


# --------------------------------------------------------------------------------------
# On the executors: the model loaded once per process, Arrow batches scored in chunks
# --------------------------------------------------------------------------------------

_MODELS: dict[str, RehireModel] = {}
_MODELS_LOCK = threading.Lock()


def _model(folder: bytes, digest: str) -> RehireModel:
    """The model of a zipped model folder, loaded once in this process."""
    with _MODELS_LOCK:
        model = _MODELS.pop(digest, None)
        if model is None:
            start = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="rehire_model-") as work:
                path = Path(work) / "model"
                path.mkdir()
                with zipfile.ZipFile(io.BytesIO(folder)) as archive:
                    for name in archive.namelist():
                        if Path(name).name == name and name not in (".", ".."):
                            (path / name).write_bytes(archive.read(name))
                model = load_model(path)
            logger.info("loaded model %s in process %d in %.3f s", digest[:12], os.getpid(),
                        time.perf_counter() - start)
        _MODELS[digest] = model  # the most recently used last
        while len(_MODELS) > KEPT_MODELS:
            del _MODELS[next(iter(_MODELS))]
        return model


def _pandas_type(arrow_type: pa.DataType) -> Any:
    """Nullable pandas types for whole numbers and booleans (by default Arrow gives
    floats and objects), as the library's own tables hold them."""
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None


def _chunks(batches: Iterable[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """Arrow batches gathered into tables of at least ``rows`` records (the last fewer)."""
    import pyarrow as pa

    gathered: list[pa.RecordBatch] = []
    n = 0
    for batch in batches:
        if batch.num_rows:
            gathered.append(batch)
            n += batch.num_rows
        if n >= rows:
            yield pa.Table.from_batches(gathered)
            gathered, n = [], 0
    if gathered:
        yield pa.Table.from_batches(gathered)


@dataclass(frozen=True)
class _PartitionScorer:
    """What runs on each partition: Arrow batches of records in, of scores out.

    It holds the zipped model folder (bytes, never the model object), which travels with
    the job; the model is loaded once per Python process (:func:`_model`).
    """

    folder: bytes
    digest: str
    names: tuple[str, ...]
    packed: tuple[tuple[str, tuple[str, ...]], ...]
    columns: tuple[tuple[str, str], ...]
    top_k: int
    lang: str
    chunk_rows: int

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        model = _model(self.folder, self.digest)
        schema = pa.schema([(name, pa.float64() if kind == "double" else pa.string())
                            for name, kind in self.columns])
        for table in _chunks(batches, self.chunk_rows):
            yield _arrow_batch(self.scored(model, self.records(table)), schema)

    def records(self, table: pa.Table) -> pd.DataFrame:
        """The records of an Arrow table as a leaver table (booleans and whole numbers
        in pandas' nullable types), the packed booleans unpacked."""
        packed = [name for name, _ in self.packed]
        columns = dict(table.drop_columns(packed).to_pandas(types_mapper=_pandas_type))
        for name, group in self.packed:
            bits = table.column(name).to_numpy()
            for i, field in enumerate(group):
                code = (bits >> (2 * i)) & 3
                columns[field] = pd.Series(pd.arrays.BooleanArray(code == _YES, code == _BLANK),
                                           copy=False)
        return pd.DataFrame({name: columns[name] for name in self.names}, copy=False)

    def scored(self, model: RehireModel, records: pd.DataFrame) -> pd.DataFrame:
        """``model.predict(records, errors="report")``, with the reason columns."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = model.scoring.every_record(records, self.table)
        for warning in caught:  # a field mostly blank in this chunk, say
            logger.info("%d records: %s", len(records), warning.message)
        return out

    def table(self, leavers: LeaverBatch) -> pd.DataFrame:
        """The scores of valid records (``every_record`` adds the others)."""
        out = leavers.predictions()
        if self.top_k:
            # n_jobs=1: Spark already runs a task per core.
            for name, values in leavers.reason_columns(self.top_k, self.lang,
                                                       n_jobs=1).items():
                out[name] = values
        return out


def _arrow_batch(scored: pd.DataFrame, schema: pa.Schema) -> pa.RecordBatch:
    """Scores as an Arrow batch of ``schema`` (NaN and None as null)."""
    import pyarrow as pa

    arrays = [pa.array(scored[field.name].to_numpy(), type=field.type, from_pandas=True)
              for field in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
