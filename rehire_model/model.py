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

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from .coaching import coach
from .schema import Field
from .scoring import (
    SEGMENTS,
    SEGMENTS_NEED,
    TOP_K,
    LeaverBatch,
    ModelScoring,
    Records,
    segment,
    top_k_problem,
)
from .texts import check_lang
from .whatif import what_if

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV

    from .config import TrainingConfig
    from .features import LeaverFeatures
    from .training_rows import TrainingRows

__all__ = ["SEGMENTS", "SEGMENTS_NEED", "RehireModel", "segment"]


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
    training_rows : TrainingRows or None
        Hashes of the rows it learnt from, with their out-of-sample probabilities
        (:mod:`rehire_model.training_rows`), so that figures on them are honest.
    lineage : dict or None
        For a model updated from another (:func:`rehire_model.update`): the parent's
        fingerprint and, per target, the method, the labelled leavers and the
        cross-validated metrics before and after. None for a trained model.
    name : str
        The model folder's name (``"model"`` when just trained).
    scoring : ModelScoring
        The scoring interface every scoring answer goes through
        (:mod:`rehire_model.scoring`): ``model.scoring.read(records)`` validates and
        encodes records once into a batch that predicts, explains and takes what-if
        settings.
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
        training_rows: TrainingRows | None = None,
        lineage: Mapping[str, Any] | None = None,
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
        self.training_rows = training_rows
        self.lineage = None if lineage is None else dict(lineage)
        self._record_fields = config.record_fields
        #: The scoring interface (see :mod:`rehire_model.scoring`).
        self.scoring = ModelScoring(features=features, estimators=self.estimators,
                                    record_fields=config.record_fields,
                                    thresholds=self.thresholds,
                                    validation=config.validation_options)

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
    # Predictions
    # ----------------------------------------------------------------------------------

    def predict(self, records: Records, *,
                errors: Literal["raise", "report"] = "raise") -> pd.DataFrame:
        """Predict both probabilities and the segment of each leaver.

        Parameters
        ----------
        records : pandas.DataFrame, dict or list of dict
            Leaver records; validated by the rules of
            :func:`rehire_model.validate_records`. One record (or a short list) is read
            without building a table, with the same numbers as a table gives.
        errors : {"raise", "report"}, default "raise"
            ``"raise"``: one invalid record raises, naming every problem.
            ``"report"``: every record keeps its row; an invalid one has empty scores
            and its problems in an added ``problem`` column (None for a valid record).

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
            With ``errors="raise"``, a record is invalid (the message names the row,
            column, value and what is expected). With either, a column the model needs
            is missing.

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> model.predict(record)[["leaver_id", "segment"]]
          leaver_id   segment
        0   L000001  detached
        >>> bad = dict(record, leaver_id="L2", industry="banking")
        >>> model.predict([record, bad], errors="report")["problem"].str[:26].tolist()
        [None, "column 'industry' has 'ban"]
        """
        if errors not in ("raise", "report"):
            raise ValueError(f"errors must be 'raise' or 'report', got {errors!r}")
        if errors == "report":
            return self.scoring.every_record(records, LeaverBatch.predictions)
        return self.scoring.read(records).predictions()

    def predict_one(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Score one leaver, for services that score records one at a time.

        The same checks, numbers and segment as :meth:`predict` gives the record, without
        building a table: quicker per call than ``predict({...})``.

        Parameters
        ----------
        record : dict
            One leaver record (field -> value, spelt as :meth:`predict` reads them).

        Returns
        -------
        dict
            The row :meth:`predict` returns for the record: ``leaver_id`` (when given),
            ``p_<target>`` per target (float), ``segment`` (models with both targets)
            and ``missing_fields``.

        Raises
        ------
        SchemaError
            The record is invalid (the message names each field, value and what is
            expected).
        TypeError
            ``record`` is not a dict.

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> scores = model.predict_one(record)
        >>> scores["segment"], round(scores["p_rehire_intent"], 3)
        ('detached', 0.06)
        """
        return self.scoring.predict_one(record)

    def explain_one(self, record: Mapping[str, Any], *, top_k: int = TOP_K,
                    lang: str = "en") -> list[dict[str, Any]]:
        """The top reasons behind one leaver's probabilities, without building a table.

        Parameters
        ----------
        record : dict
            One leaver record.
        top_k : int, default 3
            Reasons per target.
        lang : {"en", "ja"}, default "en"
            Language of the labels, values and sentences.

        Returns
        -------
        list of dict
            The rows :meth:`explain` returns for the record (without ``row``), in the
            same order: ``leaver_id`` (when given), ``target``, ``rank``, ``reason``,
            ``label``, ``lever``, ``value``, ``direction``, ``log_odds``, ``pp``,
            ``probability``, ``base_probability`` and ``text``.

        Raises
        ------
        SchemaError
            The record is invalid.

        Examples
        --------
        >>> import rehire_model as rm
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> reasons = rm.load_model().explain_one(record, top_k=1, lang="ja")
        >>> [(r["target"], r["rank"]) for r in reasons]
        [('alumni_engagement', 1), ('rehire_intent', 1)]
        """
        check_lang(lang)
        _check_top_k(top_k)
        return self.scoring.explain_one(record, top_k, lang)

    # ----------------------------------------------------------------------------------
    # Explanations
    # ----------------------------------------------------------------------------------

    def contributions(
        self,
        records: Records,
        *,
        level: str = "reason",
        raw: bool = False,
        n_jobs: int | None = None,
    ) -> dict[str, pd.DataFrame]:
        """Every reason's contribution for every person (the full explanation).

        Parameters
        ----------
        records : pandas.DataFrame, dict or list of dict
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
        >>> import numpy as np
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
        return self.scoring.read(records).contributions(level, raw=raw, n_jobs=n_jobs)

    def explain(
        self, records: Records, *, top_k: int = TOP_K, lang: str = "en", n_jobs: int | None = None
    ) -> pd.DataFrame:
        """The top reasons behind each person's two probabilities.

        Contributions are SHAP values (tree models: shap's TreeExplainer, tree-path
        dependent; logistic models: the exact linear terms), in the log-odds of the
        calibrated probability, summed from model columns to reasons (see
        :mod:`rehire_model.explain`). Each person's base value plus all contributions
        equals the log-odds of the prediction exactly.

        Parameters
        ----------
        records : pandas.DataFrame, dict or list of dict
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
        _check_top_k(top_k)
        return self.scoring.read(records).reasons(top_k, lang, n_jobs)

    def what_if(self, records: Records, settings: Mapping[str, Any], *,
                amicability: int | None = None) -> pd.DataFrame:
        """Probabilities before and after setting actionable fields, everything else held.

        See :func:`rehire_model.whatif.what_if`.

        Examples
        --------
        >>> import rehire_model as rm
        >>> model = rm.load_model()
        >>> df = rm.make_leaver_survey(3, random_state=0)
        >>> model.what_if(df, settings={"policy_alumni_perks": True}).shape
        (3, 9)
        """
        return what_if(self, records, settings, amicability=amicability)

    def coach(self, records: Records | pd.Series, *, lang: str = "en",
              amicability: int = 3, top_k: int | None = TOP_K) -> pd.DataFrame:
        """The supervisor's checklist for each leaver. See :func:`rehire_model.coaching.coach`.

        One record (a dict or Series) gives its checklist; a table or a list of records
        gives every leaver's, as one long table, all scored at once.

        Examples
        --------
        >>> import rehire_model as rm
        >>> record = rm.make_leaver_survey(1, random_state=4).iloc[0].to_dict()
        >>> rm.load_model().coach(record, lang="ja", top_k=1)["item"].iat[0]
        '戻ってきても歓迎する意思を伝える：アルムナイ意識 +11pt、再入社意向 +7pt'
        """
        return coach(self, records, lang=lang, amicability=amicability, top_k=top_k)


def _check_top_k(top_k: Any) -> None:
    problem = top_k_problem(top_k, low=1)
    if problem:
        raise ValueError(problem)
