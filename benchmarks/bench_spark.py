"""Throughput of scoring on Spark (``local[2]``) against ``predict`` in one process.

    python benchmarks/bench_spark.py [--rows 300000] [--probe-rows 100000] [--batch 10000]
    python benchmarks/bench_spark.py --rows 1000000      # the figures of benchmarks/README.md

Needs pyspark and Java (``pip install -e ".[spark]"``). Synthetic leavers, 10 % of
answers blank (nulls in Spark's boolean and integer columns).

0. :func:`rehire_model.spark.score` (``mapInArrow``, the model folder shipped as bytes and
   loaded once per Python worker) against ``predict(records, errors="report")`` of the
   same --rows leavers in this process, which gives the same table. Per core: Spark's
   rows/s over its cores (``local[2]``: 2) against ``predict``'s rows/s on one; the goal
   is 0.5. Measured in rounds (``predict``, ``score``, Spark alone, ``spark_udf``, best
   of --repeat rounds each), so that a busy machine slows each alike, under the session
   as it is and under ``rehire_model.spark.RECOMMENDED_CONF``. The limit: Spark alone, a
   ``mapInArrow`` of the same input and output that returns constant scores. On Linux,
   the CPU time per row of the JVM and of Spark's Python workers (and of ``predict``)
   too: their ratio is the per-core ratio on a machine with nothing else to do.
1. ``predict`` of --rows leavers in this process (in one call, and in chunks of --batch
   rows as Spark's Arrow batches cut them) against the same leavers as a cached
   Spark DataFrame (--partitions partitions) scored as the README writes it:
   ``mlflow.pyfunc.spark_udf(spark, path, result_type=..., env_manager="local")`` applied
   to ``struct(*leavers.columns)``, then ``scores.*``, into Spark's no-op sink, with Arrow
   batches of --batch rows. Warm: timed after one run on 10,000 rows has started the
   JVM's tasks and the Python workers. Best of --repeat (2) timings each.
2. Where the time goes, on the first --probe-rows of them, each against ``predict`` of
   the same rows: the columns passed; Arrow batch sizes; one partition per Arrow batch,
   as ``createDataFrame`` makes them of a large pandas frame (a task each, and
   ``spark_udf`` loads the model once per task); a one-column result; Spark alone (a
   pandas UDF returning constant scores); the model without MLflow (a pandas UDF
   calling ``RehireModel.predict``). In this process: ``pyfunc.predict`` against
   ``predict`` on batches as Spark hands them over, and the time to load the model.

Writes the MLflow model to a temporary folder. Figures are recorded in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
import pyarrow as pa
import pyspark
from _timing import best_seconds
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import pandas_udf, struct

import rehire_model as rm
import rehire_model.spark
from rehire_model.mlflow import save_model

#: The ``result_type`` of the README.
RESULT_TYPE = ("p_alumni_engagement double, p_rehire_intent double, segment string, "
               "missing_fields string")
BATCH = "spark.sql.execution.arrow.maxRecordsPerBatch"


def spark_session(batch: int) -> SparkSession:
    """``local[2]`` whose Python workers run this Python, Arrow on, quiet."""
    os.environ["PYSPARK_PYTHON"] = os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[2]").appName("bench_spark")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config(BATCH, str(batch))
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.driver.memory", "4g")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(scored: DataFrame) -> None:
    """Compute every row of ``scored`` and drop it (Spark's no-op sink)."""
    scored.write.format("noop").mode("overwrite").save()


def as_spark_hands_over(records: pd.DataFrame) -> pd.DataFrame:
    """Records as a pandas UDF receives them: booleans with nulls as objects with None,
    whole numbers with nulls as ``Int64``, complete booleans as ``bool``."""
    out = records.copy()
    for name in out.columns:
        if out[name].dtype == "boolean":
            column = out[name]
            out[name] = (column.astype(object).where(column.notna(), None)
                         if column.isna().any() else column.astype(bool))
    return out


def constant_scores() -> Callable:
    """Spark alone: a pandas UDF of the same input and result that returns fixed scores."""

    @pandas_udf(RESULT_TYPE)
    def constant(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            n = len(batch)
            yield pd.DataFrame({"p_alumni_engagement": np.zeros(n),
                                "p_rehire_intent": np.zeros(n),
                                "segment": np.full(n, "detached", dtype=object),
                                "missing_fields": np.full(n, "", dtype=object)})

    return constant


def predict_without_mlflow() -> Callable:
    """The model in a pandas UDF of its own: ``rm.load_model().predict`` per batch."""

    @pandas_udf(RESULT_TYPE)
    def predict(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import rehire_model

        model = rehire_model.load_model()
        for batch in batches:
            yield model.predict(batch).drop(columns="leaver_id")

    return predict


def constant_arrow_scores(columns: list[tuple[str, str]]) -> Callable:
    """Spark alone for ``score``: a ``mapInArrow`` function that returns fixed scores
    (``leaver_id`` passed through) in the columns ``score`` returns."""

    def constant(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            n = batch.num_rows
            arrays = {"leaver_id": batch.column("leaver_id"),
                      "segment": pa.array(np.full(n, "detached", dtype=object)),
                      "missing_fields": pa.array(np.full(n, "", dtype=object)),
                      "problem": pa.nulls(n, pa.string())}
            yield pa.RecordBatch.from_arrays(
                [arrays.get(name, pa.array(np.zeros(n))) for name, _ in columns],
                names=[name for name, _ in columns])

    return constant


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """CPU seconds used so far by process ``pid`` and by its descendants (Spark's Python
    workers under the JVM), from /proc; None where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def used(process: int) -> float:
        with open(f"/proc/{process}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / tick  # utime, stime, cutime, cstime

    def children(process: int) -> list[int]:
        found = []
        for thread in os.listdir(f"/proc/{process}/task"):
            try:
                with open(f"/proc/{process}/task/{thread}/children") as f:
                    found += [int(x) for x in f.read().split()]
            except OSError:
                pass  # a thread that ended meanwhile
        return found

    try:
        own, pending, others = used(pid), children(pid), 0.0
        while pending:
            process = pending.pop()
            try:
                others += used(process)
                pending += children(process)
            except OSError:
                pass  # a worker that ended meanwhile
    except OSError:
        return None
    return own, others


def compare_with_score(spark: SparkSession, model: rm.RehireModel, records: pd.DataFrame,
                       leavers: DataFrame, path: str, udf_way: Callable[[], DataFrame],
                       repeat: int) -> None:
    """Section 0 of the module docstring: rehire_model.spark.score against predict."""
    rows, cores = len(records), spark.sparkContext.defaultParallelism
    jvm = spark._jvm.java.lang.ProcessHandle.current().pid()  # the driver's JVM
    start = time.perf_counter()
    scored = rehire_model.spark.score(leavers, path)
    building = time.perf_counter() - start
    # Spark alone gets what score sends to Python, and returns what score returns.
    columns = rehire_model.spark.output_columns(model)
    sent, _, _ = rehire_model.spark._records(leavers, model)
    alone = sent.mapInArrow(constant_arrow_scores(columns),
                            ", ".join(f"{name} {kind}" for name, kind in columns))

    def in_process() -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        model.predict(records, errors="report")
        return time.perf_counter() - wall, time.process_time() - cpu

    def on_spark(scores: DataFrame) -> tuple[float, tuple[float, float] | None]:
        before, wall = cpu_seconds(jvm), time.perf_counter()
        run(scores)
        wall, after = time.perf_counter() - wall, cpu_seconds(jvm)
        if before is None or after is None:
            return wall, None
        return wall, (after[0] - before[0], after[1] - before[1])

    print(f"\nrehire_model.spark.score against predict(errors=\"report\") in this process, "
          f"{rows:,} leavers, {leavers.rdd.getNumPartitions()} partitions, {cores} cores; "
          f"best of {repeat} rounds (per core = rows/s / {cores}; ratio = per core / "
          "predict rows/s; cpu = CPU time per row, JVM + Python workers):")
    print(f"  score() on the driver (the model loaded, checked and zipped): "
          f"{building * 1000:.0f} ms")
    session = {key: spark.conf.get(key) for key in rehire_model.spark.RECOMMENDED_CONF}
    settings = [("the session as it is", session),
                ("RECOMMENDED_CONF", rehire_model.spark.RECOMMENDED_CONF)]
    for title, conf in settings:
        for key, value in conf.items():
            spark.conf.set(key, value)
        routes: dict[str, Callable[[], DataFrame]] = {
            "rehire_model.spark.score": lambda: scored,
            "Spark alone (constant scores), the limit": lambda: alone,
            "mlflow.pyfunc.spark_udf (README)": udf_way,
        }
        best: dict[str, tuple[float, Any]] = {}
        for _ in range(repeat):
            timings = {"predict": in_process()}
            timings.update({label: on_spark(make()) for label, make in routes.items()})
            for label, timing in timings.items():
                if label not in best or timing[0] < best[label][0]:
                    best[label] = timing
        predict_wall, predict_cpu = best.pop("predict")
        shown = ", ".join(f"{key.rsplit('.', 1)[-1]}={value}" for key, value in conf.items())
        print(f"  {title} ({shown}):")
        print(f"    {'predict in this process (1 core)':44s} {predict_wall:6.2f} s "
              f"{rows / predict_wall:9,.0f} rows/s                 cpu "
              f"{predict_cpu / rows * 1e6:.2f} us/row")
        for label, (wall, cpu) in best.items():
            per_core = rows / wall / cores
            line = (f"    {label:44s} {wall:6.2f} s {rows / wall:9,.0f} rows/s, per core "
                    f"{per_core:7,.0f}, ratio {per_core * predict_wall / rows:.3f}")
            if cpu is not None:
                used = (cpu[0] + cpu[1]) / rows * 1e6
                line += (f"; cpu {cpu[0] / rows * 1e6:.2f} + {cpu[1] / rows * 1e6:.2f} = "
                         f"{used:.2f} us/row, ratio {predict_cpu / rows * 1e6 / used:.3f}")
            print(line)
    for key, value in session.items():
        spark.conf.set(key, value)
    print("  (goal for rehire_model.spark.score: ratio >= 0.5; the cpu ratio is what the "
          "ratio would be with every core free for Spark)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--probe-rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000,
                        help="spark.sql.execution.arrow.maxRecordsPerBatch (Spark's default)")
    parser.add_argument("--partitions", type=int, default=2,
                        help="partitions of the Spark DataFrame (a task each)")
    parser.add_argument("--repeat", type=int, default=2, help="timings of each, best kept")
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    logging.getLogger("mlflow").setLevel(logging.ERROR)  # a warning per batch otherwise
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, Spark {pyspark.__version__} (local[2]), "
          f"MLflow {mlflow.__version__}, pandas {pd.__version__}")

    model = rm.load_model()
    records = rm.make_leaver_survey(args.rows, random_state=1, missing_rate=0.1)
    # Now and then a synthetic leaver skips more answers than max_missing allows, and
    # predict refuses the whole table: leave such records out (one in a million or so).
    _, problems = rm.validate_records(records, errors="report",
                                      **model.config.validation_options)
    records = records.drop(index=problems["row"].unique()).reset_index(drop=True)
    rows = len(records)
    predicted = best_seconds(lambda: model.predict(records), args.repeat)
    chunks = [records.iloc[i:i + args.batch] for i in range(0, rows, args.batch)]
    chunked = best_seconds(lambda: [model.predict(chunk) for chunk in chunks], args.repeat)
    print(f"\npredict of {rows:,} leavers in this process: {predicted:.2f} s "
          f"({rows / predicted:,.0f} rows/s); in chunks of {args.batch:,} rows "
          f"{chunked:.2f} s")

    spark = spark_session(args.batch)
    folder = tempfile.mkdtemp()
    path = str(save_model(model, f"{folder}/rehire"))
    score = mlflow.pyfunc.spark_udf(spark, path, result_type=RESULT_TYPE,
                                    env_manager="local")

    def readme_way(leavers: DataFrame, udf: Callable = score,
                   columns: list[str] | None = None) -> DataFrame:
        columns = columns or leavers.columns
        return (leavers.withColumn("scores", udf(struct(*columns)))
                .select("leaver_id", "scores.*"))

    start = time.perf_counter()
    warm_up = spark.createDataFrame(records.head(10_000))
    run(readme_way(warm_up))
    cold = time.perf_counter() - start
    leavers = spark.createDataFrame(records).repartition(args.partitions).cache()
    leavers.count()
    run(rehire_model.spark.score(warm_up.repartition(args.partitions), path))  # loads the model

    compare_with_score(spark, model, records, leavers, path, lambda: readme_way(leavers),
                       args.repeat)
    on_spark = best_seconds(lambda: run(readme_way(leavers)), args.repeat)
    print(f"\nspark_udf on {rows:,} leavers, {leavers.rdd.getNumPartitions()} partitions, "
          f"Arrow batches of {args.batch:,}: {on_spark:.2f} s "
          f"({rows / on_spark:,.0f} rows/s)")
    print(f"  ratio to predict {predicted / on_spark:.3f} (target >= 0.2); "
          f"to predict in chunks {chunked / on_spark:.3f}")
    print(f"  the first run, on 10,000 leavers (Spark and its Python workers starting), "
          f"took {cold:.1f} s")
    leavers.unpersist()

    # ---------------------------------------------------------------- where the time goes
    n = min(args.probe_rows, rows)
    probe_records = records.head(n)
    probe_predicted = best_seconds(lambda: model.predict(probe_records), args.repeat)
    probe = spark.createDataFrame(probe_records).repartition(args.partitions).cache()
    probe.count()
    names = ["leaver_id", *(f.name for f in model.record_fields)]
    one_column = mlflow.pyfunc.spark_udf(spark, path, result_type="double",
                                         env_manager="local")
    # createDataFrame of a large pandas frame makes one partition per Arrow batch
    many = probe.repartition(max(1, n // args.batch)).cache()
    many.count()
    per_batch = f"{many.rdd.getNumPartitions()} partitions of {args.batch:,} rows"
    print(f"\nWhere the time goes, on {n:,} leavers (predict {probe_predicted:.2f} s, "
          f"{n / probe_predicted:,.0f} rows/s; ratio = Spark rows/s / predict rows/s):")
    variants: list[tuple[str, Callable[[], DataFrame], int]] = [
        ("spark_udf as the README writes it", lambda: readme_way(probe), args.batch),
        (f"  only the {len(names)} columns the model reads",
         lambda: readme_way(probe, columns=names), args.batch),
        ("  Arrow batches of 2,000", lambda: readme_way(probe), 2_000),
        ("  Arrow batches of 50,000", lambda: readme_way(probe), 50_000),
        (f"  {per_batch}", lambda: readme_way(many), args.batch),
        ("  result_type double (one column, no struct)",
         lambda: probe.select(one_column(struct(*probe.columns))), args.batch),
        ("Spark alone (constant scores)",
         lambda: readme_way(probe, udf=constant_scores()), args.batch),
        (f"  {per_batch}", lambda: readme_way(many, udf=constant_scores()), args.batch),
        ("the model without MLflow (predict in a pandas UDF)",
         lambda: readme_way(probe, udf=predict_without_mlflow()), args.batch),
    ]
    timings = []
    for label, scored, batch in variants:
        spark.conf.set(BATCH, str(batch))
        timings.append(best_seconds(lambda scored=scored: run(scored()), args.repeat))
        print(f"  {label:52s} {timings[-1]:6.2f} s {n / timings[-1]:9,.0f} rows/s "
              f"ratio {probe_predicted / timings[-1]:.3f}")
    spark.conf.set(BATCH, str(args.batch))
    total, alone, own = timings[0], timings[6], timings[8]
    print(f"  so, of spark_udf's {total:.2f} s: Spark alone {alone:.2f} s, the model "
          f"{own - alone:.2f} s, MLflow's pyfunc layer {total - own:.2f} s")

    served = mlflow.pyfunc.load_model(path)
    loading = best_seconds(lambda: mlflow.pyfunc.load_model(path), repeat=3)
    batches = [as_spark_hands_over(probe_records.iloc[i:i + args.batch])
               for i in range(0, n, args.batch)]
    plain = best_seconds(lambda: [model.predict(b) for b in batches], args.repeat)
    through_pyfunc = best_seconds(lambda: [served.predict(b) for b in batches], args.repeat)
    print(f"\nIn this process, {n:,} leavers in batches of {args.batch:,} as Spark hands them "
          f"over: predict {plain:.2f} s, pyfunc predict {through_pyfunc:.2f} s (MLflow's "
          f"input checks {through_pyfunc - plain:.2f} s, "
          f"{(through_pyfunc - plain) / through_pyfunc:.0%} of pyfunc predict)")
    print(f"mlflow.pyfunc.load_model of the model: {loading * 1000:.0f} ms")
    spark.stop()


if __name__ == "__main__":
    main()
