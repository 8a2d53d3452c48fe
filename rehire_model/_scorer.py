"""Raw scores, calibrated probabilities and exact contributions of one target's model.

A fitted target model is a ``CalibratedClassifierCV`` (Platt scaling) around one
classifier: a logistic pipeline (imputer with missing-value indicators, scaler, logistic
regression) or a HistGradientBoostingClassifier. A scorer reads it once and then
computes, for a model matrix (NaN where an answer was skipped),

- the raw score ``f`` (the classifier's ``decision_function``, in log-odds),
- the calibrated probability ``p = expit(-(a * f + b))``, as scikit-learn does,
- exact per-column contributions ``phi`` with ``f = base + sum(phi)``: the linear terms
  ``w_j (x_j - mean_j)`` of the logistic model, where a skipped value is imputed and its
  indicator's term is added to the column it indicates, or shap's tree-path-dependent
  SHAP values of the trees (which follow the trees' own routes for missing values).
  Calibrated log-odds are the affine image ``-(a * f + b)``, so the contributions to
  them are ``-a * phi`` around the base ``-(a * base + b)``.

Row values never depend on the other rows or on how many rows there are, so one
record and a table give the same numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline

from .exceptions import ModelFileError

#: Fewest rows per parallel chunk of tree explanations.
EXPLAIN_CHUNK_ROWS = 5_000


def _tree_explainer(estimator: HistGradientBoostingClassifier) -> Any:
    import shap  # imported on first use: it is slow to import

    return shap.TreeExplainer(estimator, feature_perturbation="tree_path_dependent")


def _tree_shap(estimators: list[HistGradientBoostingClassifier], X: np.ndarray
               ) -> list[np.ndarray]:
    return [np.asarray(_tree_explainer(e).shap_values(X), dtype=np.float64) for e in estimators]


def contributions(scorers: list[Scorer], X: np.ndarray, n_jobs: int | None = None
                  ) -> list[np.ndarray]:
    """Contributions of several scorers to the same rows.

    shap's tree algorithm runs on one core, so with many rows the tree models are
    explained in row chunks over ``n_jobs`` processes (default: every core), all trees
    of a chunk in one task. The values do not depend on the chunking.
    """
    if n_jobs is None:
        n_jobs = os.cpu_count() or 1
    trees = [i for i, scorer in enumerate(scorers) if scorer.kind == "tree"]
    n_rows = X.shape[0]
    if n_jobs == 1 or not trees or n_rows < 2 * EXPLAIN_CHUNK_ROWS:
        return [scorer.contributions(X) for scorer in scorers]
    # Two chunks per process balance the load.
    n_chunks = min(2 * n_jobs, n_rows // EXPLAIN_CHUNK_ROWS)
    bounds = np.linspace(0, n_rows, n_chunks + 1).astype(int)
    estimators = [scorers[i].estimator for i in trees]
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_tree_shap)(estimators, X[start:stop])
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    )
    result = [scorer.contributions(X) if scorer.kind == "linear" else None
              for scorer in scorers]
    for k, i in enumerate(trees):
        result[i] = np.concatenate([part[k] for part in parts])
    return result


@dataclass
class Scorer:
    """Scores of one target from the model matrix (see the module docstring)."""

    kind: str  # "linear" or "tree"
    estimator: Any  # the classifier inside the calibration
    platt_a: float
    platt_b: float
    base: float  # raw score at the reference point (mean row, or the trees' expectation)
    # Linear models: column j of the matrix contributes (x_j - center_j) * weights_j +
    # offset_j where answered, and skipped_j (a constant) where skipped: the imputed
    # value's term plus, for a column with a missing-value indicator, the indicator's.
    center: np.ndarray | None = None
    weights: np.ndarray | None = None
    offset: np.ndarray | None = None
    skipped: np.ndarray | None = None
    _explainer: Any = field(default=None, repr=False)

    @classmethod
    def from_calibrated(cls, calibrated: Any) -> Scorer:
        """Read a fitted ``CalibratedClassifierCV`` with sigmoid calibration."""
        pairs = calibrated.calibrated_classifiers_
        if len(pairs) != 1 or calibrated.method != "sigmoid":
            raise ModelFileError("a target model must hold one sigmoid-calibrated classifier")
        estimator = pairs[0].estimator
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        calibrator = pairs[0].calibrators[0]
        a, b = float(calibrator.a_), float(calibrator.b_)
        if isinstance(estimator, Pipeline):
            return cls._linear(estimator, a, b)
        if isinstance(estimator, HistGradientBoostingClassifier):
            explainer = _tree_explainer(estimator)
            base = float(np.ravel(explainer.expected_value)[0])
            return cls("tree", estimator, a, b, base, _explainer=explainer)
        raise ModelFileError(f"unsupported classifier {type(estimator).__name__}")

    @classmethod
    def _linear(cls, pipeline: Pipeline, a: float, b: float) -> Scorer:
        steps = pipeline.named_steps
        scale, logistic = steps["scale"], steps["logistic"]
        weights = np.asarray(logistic.coef_[0] / scale.scale_, dtype=np.float64)
        center = np.asarray(scale.mean_, dtype=np.float64)
        base = float(logistic.intercept_[0])
        imputer = steps.get("impute")
        if imputer is None:
            return cls("linear", pipeline, a, b, base, center=center, weights=weights,
                       offset=np.zeros_like(center))
        n_columns = len(imputer.statistics_)
        # The indicators' weights and means, spread over the columns they indicate.
        indicator_weight, indicator_center = np.zeros(n_columns), np.zeros(n_columns)
        if imputer.indicator_ is not None:
            indicated = imputer.indicator_.features_
            indicator_weight[indicated] = weights[n_columns:]
            indicator_center[indicated] = center[n_columns:]
        weights, center = weights[:n_columns], center[:n_columns]
        fill = np.asarray(imputer.statistics_, dtype=np.float64)
        return cls(
            "linear", pipeline, a, b, base, center=center, weights=weights,
            offset=-indicator_center * indicator_weight,
            skipped=(fill - center) * weights + (1 - indicator_center) * indicator_weight,
        )

    # ----------------------------------------------------------------------------------

    def raw(self, X: np.ndarray, contributions: np.ndarray | None = None) -> np.ndarray:
        """The raw score (log-odds before calibration) of each row.

        A linear model's score is the sum of its terms: pass ``contributions(X)`` when
        they are at hand, which spares computing them again.
        """
        if X.shape[0] == 0:
            return np.empty(0)
        if self.kind == "tree":
            return self.estimator.decision_function(X)
        # Row sums of a C-ordered array add each row the same way, however many rows.
        terms = np.ascontiguousarray(self.contributions(X) if contributions is None
                                     else contributions)
        return terms.sum(axis=1) + self.base

    def calibrated_log_odds(self, raw: np.ndarray) -> np.ndarray:
        return -(self.platt_a * raw + self.platt_b)

    def probability(self, X: np.ndarray) -> np.ndarray:
        return expit(self.calibrated_log_odds(self.raw(X)))

    @property
    def calibrated_base(self) -> float:
        return float(self.calibrated_log_odds(np.array([self.base]))[0])

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Raw-score contributions of each column (rows x columns); rows sum to raw - base."""
        if self.kind == "linear":
            return self._linear_terms(X)
        if X.shape[0] == 0:
            return np.empty(X.shape)
        return np.asarray(self._explainer.shap_values(X), dtype=np.float64)

    def _linear_terms(self, X: np.ndarray) -> np.ndarray:
        """Each column's term, a skipped answer's indicator included (see the fields)."""
        terms = X - self.center  # in place from here: one matrix allocated, not three
        terms *= self.weights
        terms += self.offset
        if self.skipped is not None:
            blank = np.isnan(X)
            if blank.any():
                np.copyto(terms, np.broadcast_to(self.skipped, terms.shape), where=blank)
        return terms

    def check(self, calibrated: Any, X: np.ndarray) -> None:
        """Refuse a model whose probabilities this scorer would not reproduce."""
        expected = calibrated.predict_proba(X)[:, 1]
        if not np.allclose(self.probability(X), expected, rtol=0, atol=1e-12):
            raise ModelFileError(
                "the target model's probabilities cannot be reproduced from its parts; "
                "retrain it with this version of rehire_model"
            )
