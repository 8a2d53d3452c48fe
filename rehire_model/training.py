"""Train the two classifiers (alumni engagement, rehire intent) from labelled leaver records.

For each target, the candidate model families of the config are compared by
stratified cross-validation on the fitting split; the better one is refitted on
that split and its probabilities are calibrated (Platt scaling) on a separate
calibration split; the test split, never seen before, gives the reported metrics.

Examples
--------
>>> import rehire_model as rm
>>> data = rm.make_leaver_survey(3000, random_state=0)
>>> model = rm.train(data, {"model_selection": {"candidates": ["logistic"], "cv_folds": 3}})
>>> model.selected
{'alumni_engagement': 'logistic', 'rehire_intent': 'logistic'}
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .config import TrainingConfig, load_config
from .evaluation import probability_metrics
from .exceptions import ConfigError, SchemaError
from .fairness import audit_groups, fairness_summary, fairness_tables
from .features import LeaverFeatures
from .model import RehireModel
from .schema import FIELDS_BY_NAME, _as_frame, field_names, validate_records

__all__ = ["make_candidate", "train"]

logger = logging.getLogger(__name__)

_CV_SCORERS = ("neg_log_loss", "roc_auc", "neg_brier_score", "average_precision")


def make_candidate(family: str, config: TrainingConfig) -> Any:
    """An unfitted classifier of one candidate family, set up from the config.

    ``"logistic"`` is an L2-regularised logistic regression on standardised columns;
    ``"hist_gradient_boosting"`` a HistGradientBoostingClassifier with
    ``categorical_features=None`` (categories arrive one-hot encoded, which keeps
    shap's tree explanations exact).

    Examples
    --------
    >>> make_candidate("logistic", load_config())
    Pipeline(steps=[('scale', StandardScaler()),
                    ('logistic', LogisticRegression(max_iter=1000))])
    """
    settings = dict(config.hyperparameters[family])
    if family == "logistic":
        return Pipeline(
            [("scale", StandardScaler()), ("logistic", LogisticRegression(**settings))]
        )
    return HistGradientBoostingClassifier(
        categorical_features=None, random_state=config.seed, **settings
    )


def _targets(frame: pd.DataFrame, config: TrainingConfig) -> dict[str, np.ndarray]:
    targets = {}
    for spec in config.targets:
        if spec.column not in frame.columns:
            raise SchemaError(
                f"training data have no target column {spec.column!r} for {spec.name}; "
                "add it, or name the right column under "
                f"[targets.{spec.name}] column = ... in the training config"
            )
        y = spec.binarize(frame[spec.column].reset_index(drop=True))
        counts = np.bincount(y, minlength=2)
        if counts.min() < 10 * config.cv_folds:
            raise SchemaError(
                f"target {spec.name} (column {spec.column!r}, positive {spec.positive!r}) has "
                f"{counts[1]} positive and {counts[0]} negative rows; training needs at least "
                f"{10 * config.cv_folds} of each. Collect more data or change the positive "
                "definition."
            )
        targets[spec.name] = y
    return targets


def _splits(
    targets: Mapping[str, np.ndarray], config: TrainingConfig
) -> dict[str, np.ndarray]:
    """Row positions of the fitting, calibration and test splits (stratified on both)."""
    strata = sum(y * 2**i for i, y in enumerate(targets.values()))
    positions = np.arange(len(strata))
    rest, test = train_test_split(
        positions, test_size=config.test_size, stratify=strata, random_state=config.seed
    )
    share = config.calibration_size / (1 - config.test_size)
    fit, calibration = train_test_split(
        rest, test_size=share, stratify=strata[rest], random_state=config.seed
    )
    return {"fit": np.sort(fit), "calibration": np.sort(calibration), "test": np.sort(test)}


def _fingerprint(records: pd.DataFrame, targets: Mapping[str, np.ndarray]) -> str:
    """SHA-256 of the validated training records and targets (not the rows themselves)."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, records.columns)).encode())
    digest.update(pd.util.hash_pandas_object(records, index=False).to_numpy().tobytes())
    for name, y in targets.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(y, dtype=np.int64).tobytes())
    return digest.hexdigest()


def _test_groups(frame: pd.DataFrame, test: np.ndarray) -> dict[str, pd.Series]:
    """Gender and age band of the test rows, when the data have them (audit only)."""
    fields = [FIELDS_BY_NAME[n] for n in field_names("protected") if n in frame.columns]
    if not fields:
        return {}
    rows = frame.iloc[test].loc[:, [f.name for f in fields]].reset_index(drop=True)
    valid, _ = validate_records(rows, fields=fields, errors="report")
    return audit_groups(valid.reindex(rows.index))  # a bad value counts as unknown


def _compare(
    X: np.ndarray, y: np.ndarray, config: TrainingConfig, target: str
) -> tuple[str, dict[str, dict[str, float]]]:
    """Cross-validated scores of each candidate family; the best by the config's scoring."""
    folds = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
    scores = {}
    for family in config.candidates:
        try:
            result = cross_validate(
                make_candidate(family, config), X, y, cv=folds, scoring=list(_CV_SCORERS),
                error_score="raise",
            )
        except (ValueError, TypeError) as e:
            # The matrix and targets are checked by now: what is left is the settings.
            raise ConfigError(
                f"{family} cannot be fitted with the settings "
                f"{dict(config.hyperparameters[family])} of [model_selection.{family}] in "
                f"the training config: {e}"
            ) from e
        scores[family] = {name: float(np.mean(result[f"test_{name}"])) for name in _CV_SCORERS}
        logger.info(
            "%s: %s cross-validated %s %.5f", target, family, config.scoring,
            scores[family][config.scoring],
        )
    best = max(config.candidates, key=lambda family: scores[family][config.scoring])
    return best, scores


def train(
    data: pd.DataFrame | list[dict[str, Any]],
    config: str | Path | Mapping[str, Any] | TrainingConfig | None = None,
    *,
    truth: pd.DataFrame | None = None,
) -> RehireModel:
    """Train and calibrate both classifiers from labelled leaver records.

    Parameters
    ----------
    data : pandas.DataFrame or list of dict
        Leaver records with the feature fields the config uses and both target columns.
        ``leaver_id`` and other columns are ignored; nothing of the rows is kept in the
        model beyond a fingerprint.
    config : path, dict, TrainingConfig or None
        Training configuration (see :func:`rehire_model.config.load_config`); None uses
        the defaults of ``training/configs/default.toml``.
    truth : pandas.DataFrame, optional
        For synthetic data: the true probabilities ``p_alumni_engagement`` and
        ``p_rehire_intent`` row-aligned with ``data``; the oracle's metrics on the test
        split are then reported beside the model's.

    Returns
    -------
    RehireModel
        The fitted model, with cross-validation scores, the chosen family and test
        metrics per target in ``model.metrics``.

    Raises
    ------
    SchemaError
        A record or target value is bad, a column is missing, or a class is too rare.
    ConfigError
        The configuration is invalid.
    """
    config = load_config(config)
    frame = _as_frame(data)
    if truth is not None and len(truth) != len(frame):
        raise ValueError(
            f"truth has {len(truth)} rows but data has {len(frame)}; pass the truth returned "
            "with these records"
        )
    records = validate_records(frame, fields=config.record_fields)
    records = records.drop(columns="leaver_id", errors="ignore").reset_index(drop=True)
    targets = _targets(frame, config)
    splits = _splits(targets, config)
    logger.info(
        "training on %d leavers: %d to fit, %d to calibrate, %d to test",
        len(records), len(splits["fit"]), len(splits["calibration"]), len(splits["test"]),
    )
    features = LeaverFeatures(**config.feature_params).fit(records.iloc[splits["fit"]])
    X = features.transform(records).to_numpy()

    estimators, metrics, test_scores = {}, {}, {}
    for spec in config.targets:
        y = targets[spec.name]
        fit, calibration, test = (X[splits[s]] for s in ("fit", "calibration", "test"))
        best, cv_scores = _compare(fit, y[splits["fit"]], config, spec.name)
        fitted = make_candidate(best, config).fit(fit, y[splits["fit"]])
        calibrated = CalibratedClassifierCV(FrozenEstimator(fitted), method="sigmoid")
        calibrated.fit(calibration, y[splits["calibration"]])
        estimators[spec.name] = calibrated
        y_test = y[splits["test"]]
        test_scores[f"p_{spec.name}"] = calibrated.predict_proba(test)[:, 1]
        metrics[spec.name] = {
            "selected": best,
            "cross_validation": cv_scores,
            "test": probability_metrics(y_test, test_scores[f"p_{spec.name}"]),
        }
        if truth is not None:
            oracle = truth[f"p_{spec.name}"].to_numpy()[splits["test"]]
            metrics[spec.name]["oracle_test"] = probability_metrics(y_test, oracle)
        logger.info("%s: kept %s; test %s", spec.name, best, metrics[spec.name]["test"])

    groups = _test_groups(frame, splits["test"])
    if groups:
        thresholds = {spec.name: spec.threshold for spec in config.targets}
        outcomes = {name: y[splits["test"]] for name, y in targets.items()}
        summary = fairness_summary(fairness_tables(test_scores, thresholds, groups, outcomes))
        for name in metrics:
            metrics[name]["fairness"] = summary[name]

    training_data = {
        "n_rows": len(records),
        "n_fit": len(splits["fit"]),
        "n_calibration": len(splits["calibration"]),
        "n_test": len(splits["test"]),
        "positive_rate": {name: float(y.mean()) for name, y in targets.items()},
        "fingerprint_sha256": _fingerprint(records, targets),
        "synthetic_oracle": truth is not None,
    }
    return RehireModel(
        config=config,
        features=features,
        estimators=estimators,
        metrics=metrics,
        training_data=training_data,
    )
