"""rehire_model on Spark: ``mlflow.pyfunc.spark_udf`` scores leavers as ``predict`` does.

A local Spark (``local[2]``, Arrow on) runs the pyfunc model written by
:func:`rehire_model.mlflow.save_model`, in the Python of this environment
(``env_manager="local"``). Skipped answers travel as Spark nulls: a boolean column with
nulls reaches the UDF as objects with ``None``, a whole-number column with nulls as pandas
``Int64`` (MLflow's input checks pass both on as objects, with ``pd.NA``).
These tests need pyspark and Java; without them they fail, they are not skipped.
"""

from __future__ import annotations

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest
from pyspark.sql.functions import struct
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

import rehire_model as rm
from rehire_model.mlflow import log_model, save_model

# PySpark 4.3 warns that it does not fully support pandas 3; these tests check every
# number, text and blank that crosses between them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning")

#: The ``result_type`` of the README: one Spark column per output of ``predict``.
RESULT_TYPE = ("p_alumni_engagement double, p_rehire_intent double, segment string, "
               "missing_fields string")
SCORES = ["p_alumni_engagement", "p_rehire_intent", "segment", "missing_fields"]


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def model_path(model, tmp_path_factory):
    return str(save_model(model, tmp_path_factory.mktemp("spark") / "rehire"))


def _assert_scored_as_predict(scored: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Joined back by leaver_id: every leaver once, the same probabilities and texts."""
    assert scored["leaver_id"].is_unique
    assert sorted(scored["leaver_id"]) == sorted(expected["leaver_id"])
    got = expected[["leaver_id"]].merge(scored, on="leaver_id", how="left",
                                        validate="one_to_one")
    for name in ("p_alumni_engagement", "p_rehire_intent"):
        np.testing.assert_allclose(got[name].to_numpy(float), expected[name].to_numpy(float),
                                   rtol=0, atol=1e-12, err_msg=name)
    for name in ("segment", "missing_fields"):
        assert got[name].tolist() == expected[name].tolist(), name


def test_spark_udf_scores_100000_leavers_with_blanks_as_predict_does(spark, model,
                                                                      model_path):
    leavers = rm.make_leaver_survey(100_000, random_state=41, missing_rate=0.1)
    table = spark.createDataFrame(leavers)
    kinds = dict(table.dtypes)
    assert kinds["sup_welcomed_return"] == "boolean"
    assert kinds["hr_interview_amicability"] == "bigint"
    assert leavers["sup_welcomed_return"].isna().any()
    assert leavers["hr_interview_amicability"].isna().any()

    score = mlflow.pyfunc.spark_udf(spark, model_path, result_type=RESULT_TYPE,
                                    env_manager="local")
    scored = (table.select("leaver_id", score(struct(*table.columns)).alias("scores"))
              .select("leaver_id", "scores.*").toPandas())

    expected = model.predict(leavers)
    assert (expected["missing_fields"] != "").mean() > 0.8  # blanks in most records
    assert list(scored.columns) == ["leaver_id", *SCORES]
    _assert_scored_as_predict(scored, expected)


def test_the_readme_lines_score_a_registered_model_on_spark(spark, model, tmp_path):
    leavers_pd = rm.make_leaver_survey(300, random_state=42, missing_rate=0.1)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'runs.db'}")
    try:
        mlflow.set_experiment(experiment_id=mlflow.create_experiment(
            "leavers", artifact_location=(tmp_path / "artifacts").as_uri()))
        log_model(model, name="rehire", registered_model_name="rehire")
        leavers = spark.createDataFrame(leavers_pd)

        # As the README writes them:
        score = mlflow.pyfunc.spark_udf(
            spark, "models:/rehire/1", env_manager="local",
            result_type="p_alumni_engagement double, p_rehire_intent double, "
                        "segment string, missing_fields string")
        scored = (leavers.withColumn("scores", score(struct(*leavers.columns)))
                  .select("leaver_id", "scores.*"))

        assert scored.schema == StructType(
            [StructField("leaver_id", StringType())]
            + [StructField(name, DoubleType()) for name in SCORES[:2]]
            + [StructField(name, StringType()) for name in SCORES[2:]])
        _assert_scored_as_predict(scored.toPandas(), model.predict(leavers_pd))
    finally:
        mlflow.set_tracking_uri(None)


def test_without_result_type_the_signature_gives_every_column_of_predict(spark, model,
                                                                         model_path):
    leavers_pd = rm.make_leaver_survey(200, random_state=43, missing_rate=0.1)
    leavers = spark.createDataFrame(leavers_pd)
    score = mlflow.pyfunc.spark_udf(spark, model_path, env_manager="local")
    scored = leavers.select(score(struct(*leavers.columns)).alias("scores")).select("scores.*")

    assert scored.columns == ["leaver_id", *SCORES]
    _assert_scored_as_predict(scored.toPandas(), model.predict(leavers_pd))


@pytest.mark.xfail(strict=True, reason=(
    "MLflow 3.17's spark_udf casts every text field of a struct result with astype(str) "
    "unless the whole Arrow batch is blank: a blank segment or problem becomes the text "
    "'None' (mlflow.pyfunc._convert_struct_values)"))
def test_errors_report_on_spark_leaves_blanks_null(spark, model_path):
    records = rm.make_leaver_survey(10, random_state=44)
    records.loc[4, "industry"] = "banking"
    leavers = spark.createDataFrame(records).coalesce(1)  # one batch: good and bad records
    score = mlflow.pyfunc.spark_udf(spark, model_path, env_manager="local",
                                    params={"errors": "report"},
                                    result_type=RESULT_TYPE + ", problem string")
    scored = (leavers.select("leaver_id", score(struct(*leavers.columns)).alias("scores"))
              .select("leaver_id", "scores.*").toPandas().set_index("leaver_id"))

    bad = records.loc[4, "leaver_id"]
    assert "column 'industry' has 'banking'" in scored.loc[bad, "problem"]
    assert scored.loc[bad, ["p_alumni_engagement", "p_rehire_intent"]].isna().all()
    assert scored.loc[bad, ["segment", "missing_fields"]].isna().all()
    assert scored.drop(index=bad)["problem"].isna().all()
