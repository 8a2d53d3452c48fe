"""The fitted model: one feature encoder and a calibrated classifier per target.

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()
>>> scores = model.predict(rm.make_leaver_survey(3, random_state=0))
>>> list(scores.columns)
['leaver_id', 'p_alumni_engagement', 'p_rehire_intent', 'segment']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .schema import TARGETS, Field, validate_records

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV

    from .config import TrainingConfig
    from .features import LeaverFeatures

__all__ = ["SEGMENTS", "RehireModel", "segment"]

#: Segments by (engagement high, rehire intent high).
SEGMENTS = {
    (True, True): "boomerang_candidate",
    (True, False): "ambassador",
    (False, True): "latent_returner",
    (False, False): "detached",
}


def segment(
    p_alumni_engagement: Any, p_rehire_intent: Any, thresholds: Mapping[str, float]
) -> np.ndarray:
    """The segment of each leaver from the two probabilities and the model's thresholds.

    Examples
    --------
    >>> segment([0.7, 0.2], [0.6, 0.9], {"alumni_engagement": 0.5, "rehire_intent": 0.5})
    array(['boomerang_candidate', 'latent_returner'], dtype=object)
    """
    engaged = np.asarray(p_alumni_engagement) >= thresholds["alumni_engagement"]
    returning = np.asarray(p_rehire_intent) >= thresholds["rehire_intent"]
    labels = np.array(
        [SEGMENTS[(False, False)], SEGMENTS[(False, True)], SEGMENTS[(True, False)],
         SEGMENTS[(True, True)]],
        dtype=object,
    )
    return labels[engaged.astype(np.int64) * 2 + returning.astype(np.int64)]


class RehireModel:
    """Predicts ``p_alumni_engagement`` and ``p_rehire_intent`` for leaver records.

    Build one with :func:`rehire_model.train` or load one with
    :func:`rehire_model.load_model`; the scores are decision support for HR staff,
    never the sole basis for a decision about a person.

    Attributes
    ----------
    config : TrainingConfig
        The configuration it was trained with.
    features : LeaverFeatures
        The fitted encoder from records to the model matrix.
    estimators : dict of str -> CalibratedClassifierCV
        The calibrated classifier of each target.
    metrics : dict
        Per target: the family selected, cross-validation scores and test metrics (and
        the oracle's on synthetic data).
    training_data : dict
        Size, split sizes, positive rates and SHA-256 fingerprint of the training data.
    thresholds : dict of str -> float
        Probability at or above which a leaver counts as high on each target.
    manifest : dict or None
        The ``model.json`` of the folder it was loaded from (None when just trained).
    """

    def __init__(
        self,
        *,
        config: TrainingConfig,
        features: LeaverFeatures,
        estimators: Mapping[str, CalibratedClassifierCV],
        metrics: Mapping[str, Any],
        training_data: Mapping[str, Any],
        manifest: Mapping[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.features = features
        self.estimators = dict(estimators)
        self.metrics = dict(metrics)
        self.training_data = dict(training_data)
        self.thresholds = {spec.name: spec.threshold for spec in config.targets}
        self.manifest = None if manifest is None else dict(manifest)

    @property
    def record_fields(self) -> tuple[Field, ...]:
        """The record fields the model reads (schema fields used and a company's own)."""
        return self.config.record_fields

    @property
    def selected(self) -> dict[str, str]:
        """The model family kept for each target."""
        return {name: self.metrics[name]["selected"] for name in TARGETS}

    def __repr__(self) -> str:
        families = ", ".join(f"{k}={v}" for k, v in self.selected.items())
        return f"RehireModel({families}, fields={len(self.record_fields)})"

    def predict(self, X: pd.DataFrame | Mapping[str, Any] | list[Mapping[str, Any]]
                ) -> pd.DataFrame:
        """Predict both probabilities and the segment of each leaver.

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dict
            Leaver records; validated with :func:`rehire_model.validate_records`.

        Returns
        -------
        pandas.DataFrame
            One row per record in input order: ``leaver_id`` (when given),
            ``p_alumni_engagement``, ``p_rehire_intent`` and ``segment``.

        Raises
        ------
        SchemaError
            A record is invalid (the message names the row, column, value and what is
            expected).
        """
        records = validate_records(X, fields=self.record_fields)
        matrix = self.features.transform(records).to_numpy()
        out = pd.DataFrame(index=pd.RangeIndex(len(records)))
        if "leaver_id" in records.columns:
            out["leaver_id"] = records["leaver_id"].to_numpy()
        for name in TARGETS:
            out[f"p_{name}"] = self.estimators[name].predict_proba(matrix)[:, 1]
        out["segment"] = segment(
            out["p_alumni_engagement"], out["p_rehire_intent"], self.thresholds
        )
        return out

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the model folder (see :func:`rehire_model.model_io.save_model`)."""
        from .model_io import save_model

        return save_model(self, path, overwrite=overwrite)
