"""Train the classifiers (alumni engagement, rehire intent, or one of them) from labelled
leaver records.

For each target, every setting of every candidate model family of the config (a list of
values in the config is a set of choices) is scored by stratified cross-validation; the
best is fitted on every training row and its probabilities are calibrated (Platt
scaling) on cross-validated predictions of those same rows, so that no labelled row is
spent only on calibration.

How the result is measured depends on the number of rows:

- below ``[data] small_sample_rows`` (5,000 by default), by repeated stratified
  cross-validation on all rows with the whole procedure above (model choice included)
  run inside each fold, so the figures are not flattered by the choice; each metric is
  the mean over the folds with a 95 % interval (the corrected resampled t interval of
  Nadeau and Bengio, 2003, which allows for the overlap of the training folds). The
  model kept is then fitted on all rows.
- from it up, on a held-out test split (``test_size``) never used to fit, choose or
  calibrate.

A leaver who left a target's question unanswered is left out of that target's training
and measurement (with a warning), not of the other target's.

Examples
--------
>>> import rehire_model as rm
>>> data = rm.make_leaver_survey(3000, random_state=0)
>>> model = rm.train(data, {"model_selection": {"candidates": ["logistic"], "cv_folds": 3},
...                         "data": {"cv_repeats": 1}})
>>> model.selected
{'alumni_engagement': 'logistic', 'rehire_intent': 'logistic'}
>>> model.metrics["rehire_intent"]["evaluation"]
'cross_validation'
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .config import TargetSpec, TrainingConfig, load_config
from .evaluation import METRICS, probability_metrics
from .exceptions import ConfigError, DataWarning, SchemaError
from .fairness import audit_groups, group_summary
from .features import LeaverFeatures
from .model import RehireModel
from .monitoring import reference_profile
from .schema import FIELDS_BY_NAME, field_names
from .training_rows import TrainingRows
from .validation import as_records_frame, validate_records

__all__ = ["MIN_CLASS_ROWS_PER_FOLD", "FittedTarget", "data_fingerprint", "fit_target",
           "labelled_records", "make_candidate", "train"]

logger = logging.getLogger(__name__)

#: Fewest rows of each class a target needs, per cross-validation fold.
MIN_CLASS_ROWS_PER_FOLD = 4


def make_candidate(family: str, config: TrainingConfig,
                   settings: Mapping[str, Any] | None = None) -> Any:
    """An unfitted classifier of one candidate family.

    ``"logistic"`` is an L2-regularised logistic regression on standardised columns,
    after an imputer that fills a skipped answer with the training rows' mean and adds
    a missing-value indicator for each column that had skipped answers;
    ``"hist_gradient_boosting"`` a HistGradientBoostingClassifier, which handles
    skipped answers natively, with ``categorical_features=None`` (categories arrive
    one-hot encoded, which keeps shap's tree explanations exact).

    Parameters
    ----------
    family : str
        One of :data:`rehire_model.config.CANDIDATE_FAMILIES`.
    config : TrainingConfig
    settings : dict, optional
        The family's settings; default the first combination of the config's.

    Examples
    --------
    >>> make_candidate("logistic", load_config(), {"C": 0.3, "max_iter": 1000})
    Pipeline(steps=[('impute',
                     SimpleImputer(add_indicator=True, keep_empty_features=True)),
                    ('scale', StandardScaler()),
                    ('logistic', LogisticRegression(C=0.3, max_iter=1000))])
    """
    if settings is None:
        settings = config.settings_grid(family)[0]
    if family == "logistic":
        return Pipeline([
            ("impute", SimpleImputer(add_indicator=True, keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("logistic", LogisticRegression(**settings)),
        ])
    return HistGradientBoostingClassifier(
        categorical_features=None, random_state=config.seed, **settings
    )


# --------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------


def _labels(frame: pd.DataFrame, spec: TargetSpec, config: TrainingConfig) -> np.ndarray:
    """The target's 0/1 labels, NaN where the leaver left the question unanswered."""
    if spec.column not in frame.columns:
        raise SchemaError(
            f"training data have no target column {spec.column!r} for {spec.name}; "
            "add it, name the right column under "
            f"[targets.{spec.name}] column = ... in the training config, or set "
            f"{spec.name} = false under [targets] to train without it"
        )
    y = spec.labels(frame[spec.column].reset_index(drop=True))
    blank = int(np.isnan(y).sum())
    if blank:
        warnings.warn(
            f"{blank} of {len(y)} rows have no answer for {spec.name} (column "
            f"{spec.column!r}); they are not used to train or measure {spec.name}",
            DataWarning, stacklevel=4,
        )
    counts = np.bincount(y[~np.isnan(y)].astype(np.int64), minlength=2)
    least = MIN_CLASS_ROWS_PER_FOLD * config.cv_folds
    if counts.min() < least:
        raise SchemaError(
            f"target {spec.name} (column {spec.column!r}, positive {spec.positive!r}) has "
            f"{counts[1]} positive and {counts[0]} negative rows; training needs at least "
            f"{least} of each ({MIN_CLASS_ROWS_PER_FOLD} per cross-validation fold). Collect "
            "more data, change the positive definition, or use fewer cv_folds."
        )
    return y


def _check_declared(frame: pd.DataFrame, config: TrainingConfig) -> None:
    """A company column's values that its config entry does not declare, all at once."""
    for field in config.extra:
        allowed = field.categories or field.levels
        if not allowed or field.name not in frame.columns:
            continue
        _, problems = validate_records(frame[[field.name]], fields=[field], errors="report",
                                       max_missing=1)  # blanks are not undeclared values
        if problems.empty:
            continue
        counts = problems["value"].astype(str).value_counts()
        shown = ", ".join(f"{value!r} ({n} rows)" for value, n in counts.head(10).items())
        key = "categories" if field.categories else "levels"
        raise SchemaError(
            f"column {field.name!r} has values its [[features.extra]] entry does not "
            f"declare: {shown}; declared {key}: {', '.join(allowed)}. Add them to {key} "
            "in the training config (or fix the data) and train again",
            problems=problems,
        )


def labelled_records(frame: pd.DataFrame, config: TrainingConfig
                     ) -> tuple[pd.DataFrame, np.ndarray]:
    """Validated feature records of labelled leavers and the positions of the rows kept.

    A bad value stops training (a :class:`SchemaError` naming every problem); a record
    with too many unanswered fields is left out with a :class:`DataWarning`.
    """
    _check_declared(frame, config)
    valid, problems = validate_records(frame, errors="report", **config.validation_options)
    if problems["column"].notna().any():
        validate_records(frame, **config.validation_options)  # raises, naming every problem
    kept = np.flatnonzero(~np.isin(np.arange(len(frame)), problems["row"].to_numpy()))
    if len(problems):
        shown = ", ".join(map(str, problems["row"].head(10).tolist()))
        warnings.warn(
            f"{len(problems)} of {len(frame)} records are left out of training: they leave "
            f"more than max_missing {config.max_missing:g} of their fields unanswered "
            f"(rows {shown}{', ...' if len(problems) > 10 else ''})",
            DataWarning, stacklevel=4,
        )
    records = valid.drop(columns="leaver_id", errors="ignore").reset_index(drop=True)
    return records, kept


# --------------------------------------------------------------------------------------
# Fitting one target: choose, fit on every row, calibrate out of fold
# --------------------------------------------------------------------------------------


@dataclass
class FittedTarget:
    """One target's calibrated model and how it was chosen (see :func:`fit_target`)."""

    estimator: CalibratedClassifierCV
    family: str
    settings: dict[str, Any]
    cross_validation: dict[str, dict[str, float]]  # the scoring of each family's best


@dataclass
class _Candidate:
    family: str
    settings: dict[str, Any]
    folds: np.ndarray  # the config's scoring, per fold

    @property
    def score(self) -> float:
        return float(self.folds.mean())


def _cross_validate(family: str, settings: dict[str, Any], X: np.ndarray, y: np.ndarray,
                    folds: Any, config: TrainingConfig, n_jobs: int | None = None
                    ) -> _Candidate:
    try:
        result = cross_validate(make_candidate(family, config, settings), X, y, cv=folds,
                                scoring=config.scoring, error_score="raise", n_jobs=n_jobs)
    except (ValueError, TypeError) as e:
        # The matrix and targets are checked by now: what is left is the settings.
        raise ConfigError(
            f"{family} cannot be fitted with the settings {settings} of "
            f"[model_selection.{family}] in the training config: {e}"
        ) from e
    return _Candidate(family, settings, np.asarray(result["test_score"]))


def _preference(best: Mapping[str, _Candidate]) -> list[_Candidate]:
    """The best setting of each family, the one to keep first.

    The logistic model is exactly explainable and steadier on small samples, so another
    family goes first only where its cross-validated gain over it is significant: the
    corrected resampled t-test (Nadeau and Bengio, 2003) of the paired differences over
    the folds, one-sided at 5 %. Differences between folds that share most of their
    training rows understate the uncertainty; the correction allows for it.
    """
    ranked = sorted(best.values(), key=lambda c: c.score, reverse=True)
    logistic = best.get("logistic")
    if logistic is None or ranked[0] is logistic:
        return ranked
    gain = ranked[0].folds - logistic.folds
    k = len(gain)
    spread = np.sqrt((1 / k + 1 / (k - 1)) * np.var(gain, ddof=1))
    if gain.mean() > stats.t.ppf(0.95, k - 1) * spread:
        return ranked
    return [logistic, *(c for c in ranked if c is not logistic)]


def _rises(calibrated: CalibratedClassifierCV) -> bool:
    """Whether the calibrated probability rises with the classifier's score."""
    return calibrated.calibrated_classifiers_[0].calibrators[0].a_ < 0


def fit_target(X: np.ndarray, y: np.ndarray, config: TrainingConfig,
               n_jobs: int | None = None, *, family: str | None = None,
               settings: Mapping[str, Any] | None = None) -> FittedTarget:
    """One target's classifier: family and settings chosen by cross-validation among
    the config's candidates, fitted on every row and calibrated out of fold.

    Parameters
    ----------
    X : numpy.ndarray
        The model matrix (``LeaverFeatures.transform``), NaN where skipped.
    y : numpy.ndarray of 0/1
    config : TrainingConfig
    n_jobs : int, optional
        Processes for the cross-validation.
    family, settings : optional
        A candidate chosen before (a :class:`FittedTarget`'s): fitted and calibrated
        without choosing again.

    Returns
    -------
    FittedTarget
        ``estimator`` (a ``CalibratedClassifierCV``), ``family``, ``settings`` and the
        ``cross_validation`` score of each family's best setting.
    """
    folds = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
    by_family: dict[str, dict[str, float]] = {}
    if family is None:
        best: dict[str, _Candidate] = {}
        for candidate_family in config.candidates:
            for candidate_settings in config.settings_grid(candidate_family):
                candidate = _cross_validate(candidate_family, candidate_settings, X, y, folds,
                                            config, n_jobs)
                if (candidate_family not in best
                        or candidate.score > best[candidate_family].score):
                    best[candidate_family] = candidate
        by_family = {name: {config.scoring: c.score} for name, c in best.items()}
        chosen = _preference(best)[0]
        family, settings = chosen.family, chosen.settings
    settings = dict(settings or {})
    calibrated = CalibratedClassifierCV(
        make_candidate(family, config, settings), method="sigmoid", cv=folds,
        ensemble=False,
    ).fit(X, y)
    if not _rises(calibrated):
        # Out-of-fold scores that do not rise with the outcome (too few positives for the
        # folds to show the model's skill) would invert its ranking: calibrate on the
        # training rows instead.
        warnings.warn(
            f"the cross-validated predictions do not rise with the outcome ({int(y.sum())} "
            f"positive of {len(y)} rows): too few to calibrate out of fold, so the "
            "probabilities are calibrated on the training rows and may overstate their "
            "certainty; collect more data",
            DataWarning, stacklevel=4,
        )
        fitted = make_candidate(family, config, settings).fit(X, y)
        calibrated = CalibratedClassifierCV(FrozenEstimator(fitted), method="sigmoid")
        calibrated.fit(X, y)
    return FittedTarget(calibrated, family, settings, by_family)


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def _interval(values: np.ndarray, n_folds: int) -> list[float]:
    """95 % corrected resampled t interval of a metric over repeated k-fold folds."""
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return [float("nan"), float("nan")]
    variance = (1 / len(values) + 1 / (n_folds - 1)) * np.var(values, ddof=1)
    half = stats.t.ppf(0.975, len(values) - 1) * np.sqrt(variance)
    return [float(values.mean() - half), float(values.mean() + half)]


def _mean_metrics(per_fold: list[dict[str, float]]) -> dict[str, float]:
    return {key: float(np.nanmean([m[key] for m in per_fold])) for key in per_fold[0]}


def _out_of_fold(X: np.ndarray, y: np.ndarray, test: np.ndarray, config: TrainingConfig
                 ) -> np.ndarray:
    """Probabilities of the ``test`` rows from the whole procedure run on the others."""
    with threadpool_limits(limits=1, user_api="openmp"), warnings.catch_warnings():
        # Warnings about a fold's model would repeat those about the model kept.
        warnings.simplefilter("ignore", DataWarning)
        fitted = fit_target(np.delete(X, test, axis=0), np.delete(y, test), config)
    return fitted.estimator.predict_proba(X[test])[:, 1]


def _cross_validated(X: np.ndarray, y: np.ndarray, config: TrainingConfig,
                     oracle: np.ndarray | None, n_jobs: int | None
                     ) -> tuple[dict[str, Any], np.ndarray]:
    """Metrics of the whole procedure by repeated cross-validation, and the first
    repeat's out-of-fold probabilities."""
    outer = RepeatedStratifiedKFold(n_splits=config.cv_folds, n_repeats=config.cv_repeats,
                                    random_state=config.seed)
    splits = [test for _, test in outer.split(X, y)]
    probabilities = Parallel(n_jobs=n_jobs)(
        delayed(_out_of_fold)(X, y, test, config) for test in splits)
    per_fold, oracle_per_fold = [], []
    out_of_fold = np.full(len(y), np.nan)
    for k, (test, p) in enumerate(zip(splits, probabilities, strict=True)):
        per_fold.append(probability_metrics(y[test], p))
        if oracle is not None:
            oracle_per_fold.append(probability_metrics(y[test], oracle[test]))
        if k < config.cv_folds:
            out_of_fold[test] = p
    result: dict[str, Any] = {
        "test": {**_mean_metrics(per_fold), "n": float(len(y)),
                 "positive_rate": float(y.mean())},
        "interval": {m: _interval(np.array([f[m] for f in per_fold]), config.cv_folds)
                     for m in METRICS},
        "folds": len(per_fold),
    }
    if oracle is not None:
        result["oracle_test"] = {**_mean_metrics(oracle_per_fold), "n": float(len(y)),
                                 "positive_rate": float(y.mean())}
    return result, out_of_fold


def _test_split(labels: Mapping[str, np.ndarray], config: TrainingConfig) -> np.ndarray:
    """Held-out rows, stratified on every target (an unanswered target is its own level)."""
    strata = sum(np.where(np.isnan(y), 2, y).astype(np.int64) * 3**i
                 for i, y in enumerate(labels.values()))
    positions = np.arange(len(strata))
    _, test = train_test_split(positions, test_size=config.test_size, stratify=strata,
                               random_state=config.seed)
    return np.sort(test)


def data_fingerprint(records: pd.DataFrame, labels: Mapping[str, np.ndarray]) -> str:
    """SHA-256 of the validated training records and targets (not the rows themselves)."""
    digest = hashlib.sha256()
    digest.update(",".join(map(str, records.columns)).encode())
    digest.update(pd.util.hash_pandas_object(records, index=False).to_numpy().tobytes())
    for name, y in labels.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(y, dtype=np.float64).tobytes())
    return digest.hexdigest()


def _audit_groups(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Gender and age band of the rows, when the data have them (audit only)."""
    fields = [FIELDS_BY_NAME[n] for n in field_names("protected") if n in frame.columns]
    if not fields:
        return {}
    rows = frame.loc[:, [f.name for f in fields]].reset_index(drop=True)
    valid, _ = validate_records(rows, fields=fields, errors="report")
    return audit_groups(valid.reindex(rows.index))  # a bad value counts as unknown


def _fairness(groups: Mapping[str, pd.Series], spec: TargetSpec, rows: np.ndarray,
              y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Group metrics of one target's measured predictions."""
    selected = p >= spec.threshold
    return {name: group_summary(group.iloc[rows].reset_index(drop=True), selected, y, p)
            for name, group in groups.items()}


def _train_target(X: np.ndarray, y: np.ndarray, fit_rows: np.ndarray, test: np.ndarray,
                  config: TrainingConfig, oracle: np.ndarray | None, n_jobs: int | None
                  ) -> tuple[CalibratedClassifierCV, dict[str, Any], tuple]:
    """One target's model, fitted on its labelled ``fit_rows``; its metrics, by repeated
    cross-validation on those rows without a ``test`` split, else on it; and the rows
    measured with their labels and probabilities."""
    labelled = ~np.isnan(y)
    train_rows = fit_rows[labelled[fit_rows]]
    fitted = fit_target(X[train_rows], y[train_rows].astype(np.int64), config, n_jobs)
    if not len(test):
        measured = train_rows
        result, p = _cross_validated(X[measured], y[measured].astype(np.int64), config,
                                     None if oracle is None else oracle[measured], n_jobs)
    else:
        measured = test[labelled[test]]
        p = fitted.estimator.predict_proba(X[measured])[:, 1]
        result = {"test": probability_metrics(y[measured], p)}
        if oracle is not None:
            result["oracle_test"] = probability_metrics(y[measured], oracle[measured])
    return fitted.estimator, {
        "selected": fitted.family,
        "settings": fitted.settings,
        "cross_validation": fitted.cross_validation,
        "evaluation": "test_split" if len(test) else "cross_validation",
        **result,
        "n_fit": len(train_rows),
    }, (measured, y[measured].astype(np.int64), p)


# --------------------------------------------------------------------------------------
# The entry point
# --------------------------------------------------------------------------------------


def train(
    records: pd.DataFrame | list[dict[str, Any]],
    config: str | Path | Mapping[str, Any] | TrainingConfig | None = None,
    *,
    truth: pd.DataFrame | None = None,
    n_jobs: int | None = None,
) -> RehireModel:
    """Train and calibrate the classifier of each target from labelled leaver records.

    Parameters
    ----------
    records : pandas.DataFrame or list of dict
        Leaver records with the feature fields the config uses and the target columns.
        Unanswered fields are handled by the model (``[data] missing = "impute"``, the
        default); ``leaver_id`` and other columns are ignored; nothing of the rows is
        kept in the model beyond a fingerprint.
    config : path, dict, TrainingConfig or None
        Training configuration (see :func:`rehire_model.config.load_config`); None uses
        the defaults of ``training/configs/default.toml``.
    truth : pandas.DataFrame, optional
        For synthetic data: the true probabilities ``p_alumni_engagement`` and
        ``p_rehire_intent`` row-aligned with ``data``; the oracle's metrics on the same
        rows are then reported beside the model's.
    n_jobs : int, optional
        Processes for the cross-validation (-1: every core). None means one, unless set
        by ``joblib.parallel_config``. The model and its figures do not depend on it.

    Returns
    -------
    RehireModel
        The fitted model, with per target in ``model.metrics`` the family and settings
        kept, their cross-validation scores, how the model was measured
        (``"evaluation"``: ``"cross_validation"`` or ``"test_split"``), the metrics
        (``"test"``) and, for cross-validation, their 95 % intervals.

    Raises
    ------
    SchemaError
        A record or target value is bad, a column is missing, or a class is too rare.
    ConfigError
        The configuration is invalid.

    Warns
    -----
    DataWarning
        Rows are left out: a target unanswered (for that target), or more than
        ``max_missing`` of a record's fields unanswered.
    """
    config = load_config(config)
    frame = as_records_frame(records).rename(columns=config.columns)
    if truth is not None and len(truth) != len(frame):
        raise ValueError(
            f"truth has {len(truth)} rows but data has {len(frame)}; pass the truth returned "
            "with these records"
        )
    # HistGradientBoosting's OpenMP threads gain little on survey-sized data and, when
    # another process holds a core, can wait on each other for seconds per fit.
    with threadpool_limits(limits=1, user_api="openmp"):
        return _train(frame, config, truth, n_jobs)


def _train(frame: pd.DataFrame, config: TrainingConfig, truth: pd.DataFrame | None,
           n_jobs: int | None) -> RehireModel:
    n_given = len(frame)
    records, kept = labelled_records(frame, config)
    frame = frame.iloc[kept].reset_index(drop=True)
    labels = {spec.name: _labels(frame, spec, config) for spec in config.targets}
    small = len(records) < config.small_sample_rows
    test = np.empty(0, dtype=np.int64) if small else _test_split(labels, config)
    fit_rows = np.setdiff1d(np.arange(len(records)), test)
    logger.info("training on %d leavers (%s)", len(records),
                "measured by repeated cross-validation" if small
                else f"{len(test)} held out to test")
    features = LeaverFeatures(**config.feature_params).fit(records)
    X = features.transform(records).to_numpy()
    groups = _audit_groups(frame)

    estimators, metrics, out_of_sample = {}, {}, {}
    for spec in config.targets:
        oracle = None if truth is None else truth[f"p_{spec.name}"].to_numpy()[kept]
        estimators[spec.name], metrics[spec.name], measured = _train_target(
            X, labels[spec.name], fit_rows, test, config, oracle, n_jobs)
        out_of_sample[spec.name] = _out_of_sample(len(records), fit_rows, small, measured)
        if groups:
            metrics[spec.name]["fairness"] = _fairness(groups, spec, *measured)
        logger.info("%s: kept %s %s; %s", spec.name, metrics[spec.name]["selected"],
                    metrics[spec.name]["settings"], metrics[spec.name]["test"])

    training_data = {
        "n_rows": len(records),
        "n_fit": len(fit_rows),
        "n_test": len(test),
        "n_left_out": n_given - len(records),
        "evaluation": "cross_validation" if small else "test_split",
        "positive_rate": {name: float(np.nanmean(y)) for name, y in labels.items()},
        "fingerprint_sha256": data_fingerprint(records, labels),
        "synthetic_oracle": truth is not None,
        "protected_columns": [name for name in field_names("protected")
                              if name in frame.columns and frame[name].notna().any()],
        # What monitoring compares new waves of leavers with (counts per answer).
        "reference": reference_profile(records, config.record_fields),
    }
    return RehireModel(
        config=config,
        features=features,
        estimators=estimators,
        metrics=metrics,
        training_data=training_data,
        training_rows=TrainingRows.from_matrix(X[fit_rows], out_of_sample),
    )


def _out_of_sample(n_rows: int, fit_rows: np.ndarray, small: bool, measured: tuple
                   ) -> np.ndarray:
    """Each fitted row's out-of-sample probability: its cross-validated one when the
    model was measured by cross-validation, else none (NaN)."""
    p = np.full(n_rows, np.nan)
    if small:
        rows, _, probabilities = measured
        p[rows] = probabilities
    return p[fit_rows]

