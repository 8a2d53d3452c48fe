"""How good the predicted probabilities are: discrimination and calibration metrics.

Examples
--------
>>> import numpy as np
>>> from rehire_model.evaluation import probability_metrics
>>> y = np.array([0, 0, 1, 1]); p = np.array([0.1, 0.4, 0.35, 0.8])
>>> {k: round(v, 3) for k, v in probability_metrics(y, p).items()}
{'roc_auc': 0.75, 'average_precision': 0.833, 'brier': 0.158, 'ece': 0.338, 'n': 4.0, 'positive_rate': 0.5}
"""  # noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from .exceptions import SchemaError

if TYPE_CHECKING:
    from .model import RehireModel

__all__ = [
    "METRICS",
    "evaluate",
    "expected_calibration_error",
    "held_out_table",
    "probability_metrics",
]

#: The held-out metrics reported for every target.
METRICS = ("roc_auc", "average_precision", "brier", "ece")


def expected_calibration_error(y_true: Any, y_prob: Any, *, n_bins: int = 15) -> float:
    """Expected calibration error over equal-width probability bins.

    The share-weighted mean, over ``n_bins`` bins of [0, 1], of the gap between the
    mean predicted probability and the observed rate of positives (Guo et al. 2017).

    Parameters
    ----------
    y_true : array-like of 0/1
    y_prob : array-like of float in [0, 1]
    n_bins : int, default 15

    Returns
    -------
    float

    Examples
    --------
    >>> expected_calibration_error([0, 1, 1, 1], [0.1, 0.9, 0.9, 0.9])
    0.1
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    bins = np.minimum((y_prob * n_bins).astype(np.int64), n_bins - 1)
    count = np.bincount(bins, minlength=n_bins)
    gap = np.abs(
        np.bincount(bins, weights=y_prob, minlength=n_bins)
        - np.bincount(bins, weights=y_true, minlength=n_bins)
    )
    return float(round(gap.sum() / max(count.sum(), 1), 12))


def probability_metrics(y_true: Any, y_prob: Any) -> dict[str, float]:
    """ROC AUC, average precision, Brier score and ECE of probabilities for 0/1 outcomes.

    Parameters
    ----------
    y_true : array-like of 0/1
    y_prob : array-like of float in [0, 1]

    Returns
    -------
    dict
        ``roc_auc``, ``average_precision``, ``brier``, ``ece``, plus ``n`` and
        ``positive_rate``. AUC and average precision are NaN when only one class occurs.
    """
    y_true = np.asarray(y_true)
    y_prob = np.asarray(y_prob, dtype=np.float64)
    both_classes = len(np.unique(y_true)) == 2
    return {
        "roc_auc": float(roc_auc_score(y_true, y_prob)) if both_classes else float("nan"),
        "average_precision": float(average_precision_score(y_true, y_prob))
        if both_classes
        else float("nan"),
        "brier": float(brier_score_loss(y_true, y_prob, labels=[0, 1])),
        "ece": expected_calibration_error(y_true, y_prob),
        "n": float(len(y_true)),
        "positive_rate": float(np.mean(y_true)) if len(y_true) else float("nan"),
    }


def evaluate(
    model: RehireModel, records: pd.DataFrame, *, truth: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Held-out metrics of a model on labelled leaver records (and of the oracle).

    Parameters
    ----------
    model : RehireModel
    records : pandas.DataFrame
        Leaver records with the target columns the model's config names; rows whose
        outcome is unanswered are left out of that target's metrics.
    truth : pandas.DataFrame, optional
        True probabilities ``p_alumni_engagement`` and ``p_rehire_intent`` aligned with
        ``data`` (synthetic data: ``make_leaver_survey(..., return_truth=True)``); their
        metrics are added as the ``oracle`` rows.

    Returns
    -------
    pandas.DataFrame
        Index (target, scorer) with scorer ``model`` or ``oracle``; columns as in
        :func:`probability_metrics`.

    Examples
    --------
    >>> import rehire_model as rm
    >>> data, truth = rm.make_leaver_survey(3000, random_state=1, return_truth=True)
    >>> table = evaluate(rm.load_model(), data, truth=truth)
    >>> table.index.tolist()[:2]
    [('alumni_engagement', 'model'), ('alumni_engagement', 'oracle')]
    """
    scores = model.predict(records)
    rows = {}
    for spec in model.config.targets:
        if spec.column not in records.columns:
            raise SchemaError(
                f"evaluation needs the target column {spec.column!r} ({spec.name}); "
                f"the data have: {', '.join(map(str, records.columns))}"
            )
        y = spec.labels(records[spec.column].reset_index(drop=True))
        answered = ~np.isnan(y)  # a leaver who left the outcome unanswered is not counted
        y = y[answered].astype(np.int64)
        p = scores[f"p_{spec.name}"].to_numpy()[answered]
        rows[(spec.name, "model")] = probability_metrics(y, p)
        if truth is not None:
            rows[(spec.name, "oracle")] = probability_metrics(
                y, truth[f"p_{spec.name}"].to_numpy()[answered])
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.names = ["target", "scorer"]
    return table


def held_out_table(model: RehireModel) -> pd.DataFrame:
    """The model's measured metrics, beside the oracle's when known.

    A held-out test split's, or, for a model trained on fewer rows than
    ``[data] small_sample_rows``, repeated cross-validation's with 95 % intervals.

    Parameters
    ----------
    model : RehireModel

    Returns
    -------
    pandas.DataFrame
        Index (target, metric) over :data:`METRICS`; column ``model``, for a model
        measured by cross-validation ``95% low`` and ``95% high``, and, for a model
        trained on synthetic data, ``oracle`` and ``model / oracle``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> table = held_out_table(rm.load_model())
    >>> list(table.columns)
    ['model', 'oracle', 'model / oracle']
    """
    rows = {}
    for name, result in model.metrics.items():
        for metric in METRICS:
            row = {"model": result["test"][metric]}
            if "interval" in result:
                row["95% low"], row["95% high"] = result["interval"][metric]
            if "oracle_test" in result:
                row["oracle"] = result["oracle_test"][metric]
                row["model / oracle"] = row["model"] / row["oracle"]
            rows[(name, metric)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.names = ["target", "metric"]
    return table
