"""rehire_model.spark.score: a Spark DataFrame of leavers scored as ``predict`` scores it.

A local Spark (``local[2]``) whose Python workers run this environment's Python. These
tests need pyspark and Java; without them they fail, they are not skipped.
"""

from __future__ import annotations

import hashlib
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

import rehire_model as rm
import rehire_model.spark as rs
from rehire_model.mlflow import save_model as save_mlflow_model
from rehire_model.spark import score

# PySpark 4.3 warns that it does not fully support pandas 3; these tests check every
# number, text and blank that crosses between them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning")

SCORES = ["p_alumni_engagement", "p_rehire_intent", "segment", "missing_fields", "problem"]


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def leavers():
    """3,000 synthetic leavers, 10 % of their answers blank."""
    return rm.make_leaver_survey(3000, random_state=51, missing_rate=0.1)


def _texts(column: pd.Series) -> list:
    return [None if pd.isna(value) else value for value in column]


def assert_same(scored: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Row by row, the same columns, probabilities, texts and blanks."""
    assert list(scored.columns) == list(expected.columns)
    assert len(scored) == len(expected)
    for name in expected.columns:
        if name.startswith("p_"):
            np.testing.assert_allclose(scored[name].to_numpy(float),
                                       expected[name].to_numpy(float),
                                       rtol=0, atol=1e-12, err_msg=name)
        else:
            assert _texts(scored[name]) == _texts(expected[name]), name


def test_score_gives_what_predict_gives_to_leavers_with_blanks(spark, model, leavers):
    table = spark.createDataFrame(leavers)  # two partitions; extra columns are left out
    kinds = dict(table.dtypes)
    assert kinds["sup_welcomed_return"] == "boolean"
    assert kinds["hr_interview_amicability"] == "bigint"

    scored = score(table, model)

    assert scored.schema == StructType(
        [StructField("leaver_id", StringType())]
        + [StructField(name, DoubleType()) for name in SCORES[:2]]
        + [StructField(name, StringType()) for name in SCORES[2:]])
    got = scored.toPandas().set_index("leaver_id").loc[leavers["leaver_id"]].reset_index()
    expected = model.predict(leavers, errors="report")
    assert (expected["missing_fields"] != "").mean() > 0.8  # blanks in most records
    assert expected["problem"].isna().all()
    assert_same(got, expected)
    # Scored in chunks on Spark or at once here, each leaver's numbers are the same.
    for name in SCORES[:2]:
        assert (got[name].to_numpy() == expected[name].to_numpy()).all(), name


def test_invalid_records_keep_their_rows_with_the_problem(spark, model):
    records = rm.make_leaver_survey(200, random_state=52, missing_rate=0.1)
    records["hr_interview_amicability"] = [  # as text: one column, one Spark type
        None if pd.isna(v) else str(v) for v in records["hr_interview_amicability"]]
    records.loc[3, "industry"] = "banking"
    records.loc[8, "tenure_years"] = 120.0
    records.loc[9, ["hr_interview_held", "hr_interview_amicability"]] = [True, "7"]
    records.loc[12, [f.name for f in model.record_fields][:16]] = None  # too little known
    table = spark.createDataFrame(records).coalesce(1)  # good and bad in one batch

    got = score(table, model).toPandas()

    expected = model.predict(records, errors="report")
    assert_same(got, expected)
    bad = [3, 8, 9, 12]
    assert got.loc[bad, SCORES[:4]].isna().all().all()
    assert got.at[3, "problem"].startswith("column 'industry' has 'banking'; expected one of")
    assert got.at[8, "problem"].startswith("column 'tenure_years' has 120, which is out of")
    assert got.at[9, "problem"].startswith("column 'hr_interview_amicability' has '7', which")
    assert got["leaver_id"].tolist() == records["leaver_id"].tolist()
    assert got.drop(index=bad)["problem"].isna().all()
    assert got.drop(index=bad)[SCORES[:4]].notna().all().all()


def test_values_of_every_kind_are_read_as_the_library_reads_them(spark, model):
    records = rm.make_leaver_survey(300, random_state=53, missing_rate=0.1)
    yes_no = {True: "はい", False: "いいえ"}
    as_text = records.assign(
        sup_welcomed_return=[None if pd.isna(v) else yes_no[v]
                             for v in records["sup_welcomed_return"]],
        tenure_years=[None if pd.isna(v) else repr(v) for v in records["tenure_years"]])
    day = F.to_date(F.lit("2024-04-01"))
    table = (spark.createDataFrame(as_text)
             .withColumn("sup_interview_amicability",
                         F.col("sup_interview_amicability").cast("int"))
             .withColumn("years_since_exit",
                         F.round("years_since_exit", 3).cast("decimal(8,3)"))
             .withColumn("informed_of_rehire_route",  # a date in a yes/no column, once
                         F.when(F.col("leaver_id") == "L000005", day)))
    kinds = dict(table.dtypes)
    assert kinds["sup_welcomed_return"] == kinds["tenure_years"] == "string"
    assert kinds["sup_interview_amicability"] == "int"
    assert kinds["years_since_exit"] == "decimal(8,3)"
    assert kinds["informed_of_rehire_route"] == "date"
    expected_records = as_text.assign(years_since_exit=records["years_since_exit"].round(3),
                                      informed_of_rehire_route=None)
    expected_records.loc[4, "informed_of_rehire_route"] = "2024-04-01"

    got = score(table, model).toPandas()

    with pytest.warns(rm.DataWarning, match="blank in all 299 rows"):
        expected = model.predict(expected_records, errors="report")
    assert_same(got, expected)
    assert got.at[4, "problem"].startswith(
        "column 'informed_of_rehire_route' has '2024-04-01'; expected true or false")
    assert got.drop(index=4)["problem"].isna().all()


def test_reasons_in_japanese_are_the_librarys(spark, model, leavers):
    records = leavers.head(300)
    got = score(spark.createDataFrame(records), model, top_k=2, lang="ja").toPandas()

    reasons = [f"{target}_reason_{rank}" for target in model.targets for rank in (1, 2)]
    assert list(got.columns) == ["leaver_id", *SCORES[:4], *reasons, "problem"]
    explained = model.explain(records, top_k=2, lang="ja")
    for target in model.targets:
        for rank in (1, 2):
            texts = explained.query("target == @target and rank == @rank")
            assert got[f"{target}_reason_{rank}"].tolist() == texts["text"].tolist()
    assert_same(got[["leaver_id", *SCORES[:4]]],
                model.predict(records)[["leaver_id", *SCORES[:4]]])


def test_a_model_folder_and_an_mlflow_model_give_what_the_model_gives(spark, model, tmp_path):
    records = rm.make_leaver_survey(500, random_state=54, missing_rate=0.1)
    table = spark.createDataFrame(records)
    folder = rm.save_model(model, tmp_path / "rehire")
    mlflow_model = save_mlflow_model(model, tmp_path / "mlflow-rehire")

    from_object = score(table, model).toPandas()
    assert_same(from_object, model.predict(records, errors="report"))
    for given in (str(folder), mlflow_model):
        assert_same(score(table, given).toPandas(), from_object)


def test_records_without_leaver_id_get_rows_without_it(spark, model):
    records = rm.make_leaver_survey(40, random_state=59, missing_rate=0.1).drop(
        columns="leaver_id")
    got = score(spark.createDataFrame(records), model).toPandas()
    assert_same(got, model.predict(records, errors="report"))
    assert list(got.columns) == SCORES


def test_a_missing_column_fails_on_the_driver(spark, model):
    records = rm.make_leaver_survey(20, random_state=55).drop(columns="company_size")
    with pytest.raises(rm.SchemaError, match="missing required column: company_size"):
        score(spark.createDataFrame(records), model)


@pytest.mark.parametrize(("options", "message"), [
    ({"top_k": -1}, r"^top_k must be a whole number of at least 0, got -1$"),
    ({"top_k": 2.0}, r"^top_k must be a whole number of at least 0, got 2\.0$"),
    ({"top_k": True}, r"^top_k must be a whole number of at least 0, got True$"),
    ({"lang": "fr"}, r"^lang must be 'en' or 'ja', got 'fr'$"),
])
def test_bad_options_fail_on_the_driver(spark, model, options, message):
    table = spark.createDataFrame(rm.make_leaver_survey(5, random_state=56))
    with pytest.raises(ValueError, match=message):
        score(table, model, **options)


def test_a_missing_model_folder_fails_on_the_driver(spark, tmp_path):
    table = spark.createDataFrame(rm.make_leaver_survey(5, random_state=57))
    with pytest.raises(rm.ModelFileError):
        score(table, tmp_path / "no-model-here")
    with pytest.raises(TypeError, match="model must be a RehireModel"):
        score(table, 42)


def test_the_job_carries_the_model_folder_and_loads_it_once_per_process(model, tmp_path,
                                                                          monkeypatch):
    folder = rs._zipped(rm.save_model(model, tmp_path / "rehire"))
    records = rm.make_leaver_survey(50, random_state=58, missing_rate=0.1)
    scorer = rs._PartitionScorer(
        folder=folder, digest=hashlib.sha256(folder).hexdigest(),
        names=tuple(records.columns), packed=(), columns=tuple(rs.output_columns(model)),
        top_k=0, lang="en", chunk_rows=rs.CHUNK_ROWS)
    shipped = pickle.dumps(scorer)  # what Spark sends with each task, beside the code
    assert b"RehireModel" not in shipped and b"LeaverFeatures" not in shipped
    loads = []
    monkeypatch.setattr(rs, "load_model", lambda path: loads.append(path) or model)
    monkeypatch.setattr(rs, "_MODELS", {})
    batches = pa.Table.from_pandas(records, preserve_index=False).to_batches(max_chunksize=20)

    for _ in range(3):  # three partitions, one Python process
        out = pa.Table.from_batches(list(scorer(iter(batches)))).to_pandas()
        assert_same(out, model.predict(records, errors="report"))
    assert len(loads) == 1
