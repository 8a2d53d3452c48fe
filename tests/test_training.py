from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rehire_model as rm
from rehire_model.config import load_config
from rehire_model.exceptions import ConfigError, SchemaError
from rehire_model.features import feature_sources
from rehire_model.model_io import fitted_digest
from rehire_model.schema import TARGETS, field_names

from .conftest import FAST

ROOT = Path(__file__).resolve().parents[1]


def _digests(model):
    return [fitted_digest(model.features)] + [fitted_digest(model.estimators[t]) for t in TARGETS]


def test_train_compares_both_families_and_reports_test_metrics(small_model):
    for target in TARGETS:
        result = small_model.metrics[target]
        assert set(result["cross_validation"]) == {"logistic", "hist_gradient_boosting"}
        best = max(result["cross_validation"],
                   key=lambda f: result["cross_validation"][f]["neg_log_loss"])
        assert result["selected"] == best
        for scorer in ("test", "oracle_test"):
            assert set(result[scorer]) >= {"roc_auc", "average_precision", "brier", "ece"}
            assert result[scorer]["n"] == small_model.training_data["n_test"] == 600
        assert 0.5 < result["test"]["roc_auc"] <= 1


def test_splits_do_not_overlap_and_cover_the_data(small_model):
    data = small_model.training_data
    assert data["n_fit"] + data["n_calibration"] + data["n_test"] == data["n_rows"] == 3000
    assert (data["n_calibration"], data["n_test"]) == (600, 600)


def test_probabilities_are_calibrated_on_held_out_rows(small_model):
    assert all(
        type(small_model.estimators[t]).__name__ == "CalibratedClassifierCV" for t in TARGETS
    )
    assert small_model.estimators["rehire_intent"].method == "sigmoid"


def test_same_seed_same_model_other_seed_other_model(survey):
    data, _ = survey
    first, second = rm.train(data, FAST), rm.train(data, FAST)
    assert _digests(first) == _digests(second)
    assert first.metrics == second.metrics
    other = rm.train(data, {**FAST, "seed": 1})
    assert _digests(other)[1:] != _digests(first)[1:]


def test_protected_fields_feed_no_column_unless_opted_in(survey):
    data, _ = survey
    protected = set(field_names("protected"))
    model = rm.train(data, FAST)
    sources = {s for fields in feature_sources(model.features).values() for s in fields}
    assert not sources & protected
    opted = rm.train(data, {**FAST, "features": {"include_protected": True}})
    sources = {s for fields in feature_sources(opted.features).values() for s in fields}
    assert sources >= protected


def test_company_columns_targets_and_subset(survey):
    """A company's own target labels, an own column and no HR interview data."""
    data, _ = survey
    rng = np.random.default_rng(0)
    company = data.drop(columns=["hr_interview_held", "hr_interview_amicability"]).assign(
        would_return=np.where(data["rehire_intent"] >= 4, "はい", "いいえ"),
        remote_work=rng.random(len(data)) < 0.5,
    ).drop(columns="rehire_intent")
    config = {
        **FAST,
        "features": {
            "exit_interview": [n for n in field_names("exit_interview") if "hr_" not in n],
            "extra": [{"name": "remote_work", "kind": "bool", "lever": "policy"}],
        },
        "targets": {"rehire_intent": {"column": "would_return", "positive": ["はい"]}},
    }
    model = rm.train(company, config)
    assert model.training_data["positive_rate"]["rehire_intent"] == pytest.approx(
        (data["rehire_intent"] >= 4).mean())
    names = model.features.get_feature_names_out()
    assert "remote_work" in names and "hr_amicability" not in names
    scores = model.predict(company.head(5))
    assert scores.shape == (5, 4)
    with pytest.raises(SchemaError, match="remote_work"):
        model.predict(company.drop(columns="remote_work").head(5))


def test_missing_target_column_is_named(survey):
    data, _ = survey
    with pytest.raises(SchemaError, match="no target column 'rehire_intent'.*\\[targets"):
        rm.train(data.drop(columns="rehire_intent"), FAST)


def test_too_few_positives_is_explained(survey):
    data, _ = survey
    with pytest.raises(SchemaError, match=r"rehire_intent .* has \d+ positive .* at least 30"):
        rm.train(data, {**FAST, "targets": {"rehire_intent": {"positive": "> 5"}}})


def test_bad_record_stops_training_with_its_row(survey):
    data, _ = survey
    bad = data.copy()
    bad.loc[7, "industry"] = "banking"
    with pytest.raises(SchemaError, match=r"row 7 .*'industry' has 'banking'"):
        rm.train(bad, FAST)


def test_invalid_hyperparameter_value_is_a_config_error(survey):
    data, _ = survey
    with pytest.raises(ConfigError, match=r"\[model_selection.logistic\].*C"):
        rm.train(data, {**FAST, "model_selection": {"candidates": ["logistic"],
                                                    "logistic": {"C": -1.0}}})


def test_truth_must_align_with_data(survey):
    data, truth = survey
    with pytest.raises(ValueError, match="truth has 10 rows but data has 3000"):
        rm.train(data, FAST, truth=truth.head(10))


def test_train_accepts_the_toml_config_path(survey):
    data, _ = survey
    config = load_config(ROOT / "training" / "configs" / "default.toml")
    assert rm.train(data.head(1500), config).config == config


@pytest.mark.slow
def test_training_script_reproduces_the_shipped_default_model():
    result = subprocess.run(
        [sys.executable, str(ROOT / "training" / "train.py"), "--check"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("identical")
