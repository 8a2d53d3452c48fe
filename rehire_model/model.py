"""The fitted model: one feature encoder and a calibrated classifier per target.

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()
>>> scores = model.predict(rm.make_leaver_survey(3, random_state=0))
>>> list(scores.columns)
['leaver_id', 'p_alumni_engagement', 'p_rehire_intent', 'segment', 'missing_fields']
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import expit

from . import _scoring
from ._scoring import Scorer
from .explain import display_value, reason_map, reason_text
from .features import _to_arrays
from .schema import Field, read_record, skipped_answers, validate_records
from .texts import check_lang

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV

    from .config import TrainingConfig
    from .features import LeaverFeatures

Records = pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]

#: Up to this many records given as dicts are read one by one, without a table.
QUICK_PATH_MAX_RECORDS = 64
#: Rows encoded and scored at a time (bounds the memory of large tables).
CHUNK_ROWS = 65_536

__all__ = ["SEGMENTS", "SEGMENTS_NEED", "RehireModel", "segment"]

#: The targets a segment needs.
SEGMENTS_NEED = ("alumni_engagement", "rehire_intent")
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
    """Predicts and explains ``p_alumni_engagement`` and ``p_rehire_intent`` of leavers.

    Build one with :func:`rehire_model.train` or load one with
    :func:`rehire_model.load_model`. The scores are decision support for HR staff,
    never the sole basis for a decision about a person. ``predict``, ``explain`` and
    ``contributions`` only read the fitted model, so one model can serve many threads.
    A model trained on one target (``[targets] alumni_engagement = false``, say)
    predicts and explains that target only, and gives no segment.

    Attributes
    ----------
    config : TrainingConfig
        The configuration it was trained with.
    features : LeaverFeatures
        The fitted encoder from records to the model matrix.
    targets : tuple of str
        The targets the model predicts (one or both of ``alumni_engagement`` and
        ``rehire_intent``).
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
    name : str
        The model folder's name (``"model"`` when just trained).
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
        name: str = "model",
    ) -> None:
        self.config = config
        self.features = features
        self.estimators = dict(estimators)
        self.metrics = dict(metrics)
        self.training_data = dict(training_data)
        self.targets = config.target_names
        self.thresholds = {spec.name: spec.threshold for spec in config.targets}
        self.manifest = None if manifest is None else dict(manifest)
        self.name = name
        # Read on every call: computed once.
        self._record_fields = config.record_fields
        self._validation = config.validation_options
        self._scorers = {name: Scorer.from_calibrated(estimators[name]) for name in self.targets}
        self._inputs = tuple(features.feature_names_in_)
        self._categorical = features._categorical_fields()
        self._fields_by_name = {f.name: f for f in config.record_fields}
        sources = features.feature_sources_
        self._reasons = {
            level: reason_map(sources, config.record_fields, constructs=level == "reason")
            for level in ("reason", "field")
        }
        rng = np.random.default_rng(0)
        probe = rng.uniform(-1, 5, size=(16, len(sources)))
        probe[rng.random(probe.shape) < 0.2] = np.nan  # skipped answers take their own path
        for name, scorer in self._scorers.items():
            scorer.check(self.estimators[name], probe)

    @property
    def record_fields(self) -> tuple[Field, ...]:
        """The record fields the model reads (schema fields used and a company's own)."""
        return self._record_fields

    @property
    def has_segments(self) -> bool:
        """Whether the model predicts both targets, which a segment needs."""
        return set(SEGMENTS_NEED) <= set(self.targets)

    @property
    def selected(self) -> dict[str, str]:
        """The model family kept for each target."""
        return {name: self.metrics[name]["selected"] for name in self.targets}

    def __repr__(self) -> str:
        families = ", ".join(f"{k}={v}" for k, v in self.selected.items())
        return f"RehireModel({families}, fields={len(self.record_fields)})"

    # ----------------------------------------------------------------------------------
    # Reading records
    # ----------------------------------------------------------------------------------

    def _read(self, X: Records) -> tuple[dict[str, np.ndarray], list[str | None] | None]:
        """Record arrays (float64, or object for categories) and leaver ids of ``X``."""
        if isinstance(X, Mapping):
            quick = [X]
        elif (
            isinstance(X, (list, tuple))
            and len(X) <= QUICK_PATH_MAX_RECORDS
            and all(isinstance(r, Mapping) for r in X)
        ):
            quick = list(X)
        else:
            quick = None
        if quick:
            values = [read_record(r, self.record_fields, missing=self._validation["missing"],
                                  max_missing=self._validation["max_missing"]) for r in quick]
            if all(v is not None for v in values):
                arrays = {
                    name: np.array([v[name] for v in values],
                                   dtype=object if name in self._categorical else np.float64)
                    for name in self._inputs
                }
                has_ids = any("leaver_id" in r for r in quick)
                return arrays, [v.get("leaver_id") for v in values] if has_ids else None
        # A table, or a record with a problem: validate_records reports every problem.
        return self._arrays(validate_records(X, **self._validation))

    def _arrays(self, records: pd.DataFrame) -> tuple[dict[str, np.ndarray], list | None]:
        """Arrays and leaver ids of records already checked by validate_records."""
        ids = records["leaver_id"].tolist() if "leaver_id" in records.columns else None
        return _to_arrays(records.loc[:, list(self._inputs)], self._categorical), ids

    def _chunks(self, arrays: Mapping[str, np.ndarray]):
        n_rows = len(arrays[self._inputs[0]]) if self._inputs else 0
        for start in range(0, max(n_rows, 1), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, n_rows)
            yield start, stop, {name: a[start:stop] for name, a in arrays.items()}

    # ----------------------------------------------------------------------------------
    # Predictions
    # ----------------------------------------------------------------------------------

    def _probabilities(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        n_rows = len(arrays[self._inputs[0]])
        out = {name: np.empty(n_rows) for name in self.targets}
        for start, stop, chunk in self._chunks(arrays):
            matrix = self.features._matrix(chunk)
            for name in self.targets:
                out[name][start:stop] = self._scorers[name].probability(matrix)
        return out

    def _missing_fields(self, arrays: Mapping[str, np.ndarray]) -> np.ndarray:
        """Per record, the fields it left unanswered, ``;``-separated ("" when none)."""
        names, skipped = skipped_answers(arrays, self.record_fields)
        out = np.full(skipped.shape[0], "", dtype=object)
        rows = np.flatnonzero(skipped.any(axis=1))
        if len(rows):
            # Column by column, in C: each skipped field adds "name;".
            parts = np.where(skipped[rows], np.array([f"{n};" for n in names]), "")
            joined = functools.reduce(np.char.add, parts.T)
            out[rows] = np.char.rstrip(joined, ";").astype(object)
        return out

    def predict(self, X: Records) -> pd.DataFrame:
        """Predict both probabilities and the segment of each leaver.

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dict
            Leaver records; validated by the rules of
            :func:`rehire_model.validate_records`. One record (or a short list) is read
            without building a table, with the same numbers as a table gives.

        Returns
        -------
        pandas.DataFrame
            One row per record in input order: ``leaver_id`` (when given),
            ``p_alumni_engagement`` and ``p_rehire_intent`` (those of the model's
            targets), ``segment`` (when the model has both targets) and
            ``missing_fields``: the fields the record left unanswered, ``;``-separated,
            empty when it is complete.

        Raises
        ------
        SchemaError
            A record is invalid (the message names the row, column, value and what is
            expected).

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> model.predict(record)[["leaver_id", "segment"]]
          leaver_id   segment
        0   L000001  detached
        """
        return self._predict_arrays(*self._read(X))

    def _predict_arrays(self, arrays: Mapping[str, np.ndarray], ids: list | None
                        ) -> pd.DataFrame:
        probabilities = self._probabilities(arrays)
        columns: dict[str, Any] = {}
        if ids is not None:  # object dtype: no conversion of every id to another string type
            columns["leaver_id"] = np.array(ids, dtype=object)
        for name in self.targets:
            columns[f"p_{name}"] = probabilities[name]
        if self.has_segments:
            columns["segment"] = segment(probabilities["alumni_engagement"],
                                         probabilities["rehire_intent"], self.thresholds)
        columns["missing_fields"] = self._missing_fields(arrays)
        # Text columns stay object dtype: inferring another string type costs time per row.
        # One index for every column spares pandas aligning them.
        index = pd.RangeIndex(len(columns["missing_fields"]))
        return pd.DataFrame({name: pd.Series(values, dtype=values.dtype, index=index, copy=False)
                             for name, values in columns.items()}, index=index, copy=False)

    # ----------------------------------------------------------------------------------
    # Explanations
    # ----------------------------------------------------------------------------------

    def _raw_contributions(
        self, arrays: Mapping[str, np.ndarray], n_jobs: int | None, *, scores: bool = False
    ) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
        """Per target: raw-score contributions per column, and the raw scores if asked."""
        matrix = self.features._matrix(arrays)
        scorers = [self._scorers[name] for name in self.targets]
        phis = _scoring.contributions(scorers, matrix, n_jobs)
        return {
            name: (phi, scorer.raw(matrix) if scores else None)
            for name, scorer, phi in zip(self.targets, scorers, phis, strict=True)
        }

    def contributions(
        self,
        X: Records,
        *,
        level: str = "reason",
        raw: bool = False,
        n_jobs: int | None = None,
    ) -> dict[str, pd.DataFrame]:
        """Every reason's contribution for every person (the full explanation).

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dict
            Leaver records.
        level : {"reason", "field", "column"}, default "reason"
            ``"reason"``: record fields, with the supervisor's behaviours grouped into
            their constructs; ``"field"``: record fields only; ``"column"``: the model
            columns.
        raw : bool, default False
            Contributions to the classifier's raw score (its ``decision_function``)
            instead of the calibrated log-odds of the predicted probability.
        n_jobs : int, optional
            Processes for the SHAP values of tree models (default: every core).

        Returns
        -------
        dict of str -> pandas.DataFrame
            Per target: a ``base`` column then one column per reason, one row per person
            (index ``leaver_id`` when given). Each row sums to the person's log-odds.

        Examples
        --------
        >>> import rehire_model as rm
        >>> from scipy.special import expit
        >>> model = rm.load_model()
        >>> df = rm.make_leaver_survey(5, random_state=0)
        >>> table = model.contributions(df)["rehire_intent"]
        >>> bool(np.allclose(expit(table.sum(axis=1)), model.predict(df)["p_rehire_intent"]))
        True
        """
        if level not in ("reason", "field", "column"):
            raise ValueError(f"level must be 'reason', 'field' or 'column', got {level!r}")
        arrays, ids = self._read(X)
        index = pd.RangeIndex(len(arrays[self._inputs[0]])) if ids is None else pd.Index(
            ids, name="leaver_id")
        out = {}
        for name, (phi, _) in self._raw_contributions(arrays, n_jobs).items():
            scorer = self._scorers[name]
            base = scorer.base if raw else scorer.calibrated_base
            values = phi if raw else -scorer.platt_a * phi
            if level == "column":
                names = list(self.features.feature_sources_)
            else:
                reasons, shares = self._reasons[level]
                values, names = values @ shares, [r.key for r in reasons]
            table = pd.DataFrame(values, columns=names, index=index)
            table.insert(0, "base", base)
            out[name] = table
        return out

    def explain(
        self, X: Records, top_k: int = 3, lang: str = "en", *, n_jobs: int | None = None
    ) -> pd.DataFrame:
        """The top reasons behind each person's two probabilities.

        Contributions are SHAP values (tree models: shap's TreeExplainer, tree-path
        dependent; logistic models: the exact linear terms), in the log-odds of the
        calibrated probability, summed from model columns to reasons (see
        :mod:`rehire_model.explain`). Each person's base value plus all contributions
        equals the log-odds of the prediction exactly.

        Parameters
        ----------
        X : pandas.DataFrame, dict or list of dict
            Leaver records.
        top_k : int, default 3
            Reasons per person and target, largest effect first.
        lang : {"en", "ja"}, default "en"
            Language of labels, values and text.
        n_jobs : int, optional
            Processes for the SHAP values of tree models (default: every core).

        Returns
        -------
        pandas.DataFrame
            One row per person, target and rank: ``leaver_id`` (when given), ``row``
            (input position), ``target``, ``rank``, ``reason`` (field or construct),
            ``label``, ``lever`` (``policy``, ``exit_interview`` or ``fixed``), ``value``
            (the person's), ``direction`` (``raises`` or ``lowers``), ``log_odds``,
            ``pp`` (percentage points of probability; a person's ``pp`` over all reasons
            add up to ``probability - base_probability``), ``probability``,
            ``base_probability`` and ``text`` (lever first).

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> reasons = model.explain(record, top_k=2, lang="ja")
        >>> for text in reasons["text"][:2]:
        ...     print(text)
        ［退職面談］歓迎の意思表示：上司面談なし → アルムナイ意識を2.8pt下げる
        ［退職面談］退職意思の尊重：上司面談なし → アルムナイ意識を1.8pt上げる
        """
        check_lang(lang)
        if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
            raise ValueError(f"top_k must be a whole number of at least 1, got {top_k!r}")
        return self._explain_arrays(*self._read(X), top_k, lang, n_jobs)

    def _explain_arrays(self, arrays: Mapping[str, np.ndarray], ids: list | None, top_k: int,
                        lang: str, n_jobs: int | None) -> pd.DataFrame:
        reasons, shares = self._reasons["reason"]
        k = min(top_k, len(reasons))
        picked, values, pp, probability, base_probability = [], [], [], [], []
        for name, (phi, raw) in self._raw_contributions(arrays, n_jobs, scores=True).items():
            scorer = self._scorers[name]
            by_reason = (-scorer.platt_a * phi) @ shares
            log_odds, base = scorer.calibrated_log_odds(raw), scorer.calibrated_base
            p, p0 = expit(log_odds), expit(base)
            # Percentage points: each reason's share of the change from the base
            # probability, along the secant (the slope at the base when nothing changes).
            gap = log_odds - base
            changed = np.abs(gap) > 1e-12
            slope = np.where(changed, (p - p0) / np.where(changed, gap, 1.0), p0 * (1 - p0))
            order = np.argsort(-np.abs(by_reason), axis=1, kind="stable")[:, :k]
            top = np.take_along_axis(by_reason, order, axis=1)
            picked.append(order)
            values.append(top)
            pp.append(100 * top * slope[:, None])
            probability.append(np.repeat(p[:, None], k, axis=1))
            base_probability.append(np.full_like(top, p0))
        # Rows ordered by person, then target, then rank.
        def flat(parts: list[np.ndarray]) -> np.ndarray:
            return np.stack(parts, axis=1).ravel()

        n_rows = len(picked[0])
        row = np.repeat(np.arange(n_rows), len(self.targets) * k)
        picked_flat, values_flat, pp_flat = flat(picked), flat(values), flat(pp)
        chosen = [reasons[j] for j in picked_flat.tolist()]
        targets = np.tile(np.repeat(np.array(self.targets, dtype=object), k), n_rows)
        shown = [display_value(reason, arrays, r, lang, self._fields_by_name)
                 for reason, r in zip(chosen, row.tolist(), strict=True)]
        columns: dict[str, Any] = {} if ids is None else {"leaver_id": [ids[r] for r in row]}
        columns.update({
            "row": row,
            "target": targets,
            "rank": np.tile(np.arange(1, k + 1), n_rows * len(self.targets)),
            "reason": [reason.key for reason in chosen],
            "label": [reason.label(lang) for reason in chosen],
            "lever": [reason.lever for reason in chosen],
            "value": shown,
            "direction": np.where(values_flat >= 0, "raises", "lowers").astype(object),
            "log_odds": values_flat,
            "pp": pp_flat,
            "probability": flat(probability),
            "base_probability": flat(base_probability),
            "text": [
                reason_text(reason, value, target, size, lang)
                for reason, value, target, size in zip(
                    chosen, shown, targets.tolist(), pp_flat.tolist(), strict=True)
            ],
        })
        return pd.DataFrame(columns)

    def what_if(self, X: Records, set: Mapping[str, Any], *,  # noqa: A002 (the API's name)
                amicability: int | None = None) -> pd.DataFrame:
        """Probabilities before and after setting actionable fields, everything else held.

        See :func:`rehire_model.whatif.what_if`.

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> df = rm.make_leaver_survey(3, random_state=0)
        >>> model.what_if(df, set={"policy_alumni_perks": True}).shape
        (3, 9)
        """
        from .whatif import what_if

        return what_if(self, X, set, amicability=amicability)

    def coach(self, record: Mapping[str, Any] | pd.Series, *, lang: str = "en",
              amicability: int = 3, top_k: int | None = None) -> pd.DataFrame:
        """The supervisor's checklist for one leaver. See :func:`rehire_model.whatif.coach`.

        Examples
        --------
        >>> import rehire_model as rm
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> rm.load_model().coach(record, lang="ja", top_k=1)["item"].iat[0]
        '戻ってきても歓迎する意思を伝える：アルムナイ意識 +11pt、再入社意向 +7pt'
        """
        from .whatif import coach

        return coach(self, record, lang=lang, amicability=amicability, top_k=top_k)

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the model folder (see :func:`rehire_model.model_io.save_model`)."""
        from .model_io import save_model

        return save_model(self, path, overwrite=overwrite)
