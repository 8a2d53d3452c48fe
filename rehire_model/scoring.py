"""The scoring interface: leaver records validated and encoded once, scored many ways.

Every answer the library gives about leavers goes through a :class:`LeaverBatch`:
``predict``, ``explain`` and ``contributions`` of :class:`~rehire_model.RehireModel`,
what-if and the policy simulation (:mod:`rehire_model.whatif`), coaching
(:mod:`rehire_model.coaching`), file scoring
(:mod:`rehire_model.batch`) and the trust report (:mod:`rehire_model.report`).

- :class:`ModelScoring` is what a fitted model needs to score: the encoder, the exact
  scorer of each target (:mod:`rehire_model._scorer`) and the reasons the model's
  columns add up to. A model builds it once (``model.scoring``).
- :meth:`ModelScoring.read` validates records (one record or a short list by the fast
  path of :func:`rehire_model.validation.read_record`, a table by
  :func:`rehire_model.validate_records`) and returns a :class:`LeaverBatch`: the record
  arrays (one per input field), the leaver ids and, computed on first use and kept,
  the model matrix, the probabilities and the contributions.
- :meth:`LeaverBatch.with_values` gives the same leavers with some record fields set
  to other values (what-if settings are applied this way, without validating the
  records again); :meth:`LeaverBatch.take` a subset of them.

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()
>>> batch = model.scoring.read(rm.make_leaver_survey(4, random_state=0))
>>> len(batch), list(batch.probabilities())
(4, ['alumni_engagement', 'rehire_intent'])
>>> batch.predictions().columns[:3].tolist()
['leaver_id', 'p_alumni_engagement', 'p_rehire_intent']
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
from scipy.special import expit

from ._groups import rows_alike
from ._one_record import RecordPath
from ._scorer import Scorer, contributions
from .exceptions import DataWarning
from .explain import Reason, describe_reasons, reason_map
from .schema import Field
from .texts import has_text, message
from .validation import (
    answer_masks,
    as_records_frame,
    blank_columns,
    read_record,
    validate_records,
)

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV

    from .features import LeaverFeatures

__all__ = ["BLANK_WARNING_ROWS", "CHUNK_ROWS", "QUICK_PATH_MAX_RECORDS", "SEGMENTS",
           "SEGMENTS_NEED", "TOP_K", "BlankCounts", "LeaverBatch", "ModelScoring", "Records",
           "Scored", "segment", "top_k_problem"]

Records = pd.DataFrame | Mapping[str, Any] | Sequence[Mapping[str, Any]]

#: Up to this many records given as dicts are read one by one, without a table.
QUICK_PATH_MAX_RECORDS = 64
#: Rows encoded and scored at a time by :meth:`LeaverBatch.probabilities`.
CHUNK_ROWS = 65_536
#: Reasons per target, and checklist items per leaver, given unless asked otherwise.
TOP_K = 3

#: The targets a segment needs.
SEGMENTS_NEED = ("alumni_engagement", "rehire_intent")
#: Segments by (engagement high, rehire intent high).
SEGMENTS = {
    (True, True): "boomerang_candidate",
    (True, False): "ambassador",
    (False, True): "latent_returner",
    (False, False): "detached",
}
_SEGMENT_BY_CODE = np.array([SEGMENTS[(False, False)], SEGMENTS[(False, True)],
                             SEGMENTS[(True, False)], SEGMENTS[(True, True)]], dtype=object)


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
    return _SEGMENT_BY_CODE[engaged.astype(np.int64) * 2 + returning.astype(np.int64)]


def top_k_problem(top_k: Any, *, low: int) -> str | None:
    """What is wrong with ``top_k`` (reasons or items per leaver), or None: it must be a
    whole number of at least ``low``.

    Examples
    --------
    >>> top_k_problem(0, low=1)
    'top_k must be a whole number of at least 1, got 0'
    >>> top_k_problem(3, low=0) is None
    True
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < low:
        return f"top_k must be a whole number of at least {low}, got {top_k!r}"
    return None


#: Tables of at least this many records get a warning for a field they left mostly blank.
BLANK_WARNING_ROWS = 10


@dataclass
class BlankCounts:
    """Per field in use: the blank answers and the rows that expected one, over tables.

    A field blank in every row, or in more than half of them, costs the scores what it
    would tell: :meth:`warnings` names it. The interview rules of
    :func:`rehire_model.validation.blank_columns` apply.

    Examples
    --------
    >>> from rehire_model.schema import FIELDS_BY_NAME
    >>> counts = BlankCounts()
    >>> counts.add(pd.DataFrame({"industry": [None] * 3}), [FIELDS_BY_NAME["industry"]])
    >>> [str(w) for w in counts.warnings()]
    ['Industry is blank in all 3 rows: the scores use no Industry information']
    """

    blank: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)

    def add(self, records: pd.DataFrame, fields: Sequence[Field]) -> None:
        """Count the blanks of ``records`` (as given, before validation)."""
        for name, n_blank, n_expected in blank_columns(records, fields, share=-1.0):
            self.blank[name] = self.blank.get(name, 0) + n_blank
            self.expected[name] = self.expected.get(name, 0) + n_expected

    def add_batch(self, batch: LeaverBatch) -> None:
        """Count the blanks of validated records (the same rules as :meth:`add`)."""
        for name, n_blank, n_expected in batch.blank_counts():
            self.blank[name] = self.blank.get(name, 0) + n_blank
            self.expected[name] = self.expected.get(name, 0) + n_expected

    def warnings(self, headers: Mapping[str, str] | None = None) -> list[DataWarning]:
        """A warning per field blank in every row, or in more than half of them, naming
        its column by ``headers`` (field -> the file's header) where given."""
        found = []
        for name, n_blank in self.blank.items():
            n = self.expected[name]
            if not n_blank or n_blank * 2 <= n:
                continue
            label = message(f"field.{name}") if has_text(f"field.{name}") else name
            header = (headers or {}).get(name, name)
            values = {"column": label if header == name else header, "n": f"{n:,}",
                      "label": label}
            found.append(DataWarning(
                message("warning.blank_all", **values) if n_blank == n
                else message("warning.blank_most", blank=f"{n_blank:,}", **values)))
        return found


class ModelScoring:
    """What a fitted model needs to score records, read once from its parts.

    Parameters
    ----------
    features : LeaverFeatures
        The fitted encoder from records to the model matrix.
    estimators : dict of str -> CalibratedClassifierCV
        The calibrated classifier of each target.
    record_fields : tuple of Field
        The record fields the model reads.
    thresholds : dict of str -> float
        Probability at or above which a leaver counts as high on each target.
    validation : dict
        Keyword arguments of :func:`rehire_model.validate_records` (skipped answers).

    Raises
    ------
    ModelFileError
        A target's probabilities cannot be reproduced from its parts.
    """

    def __init__(
        self,
        *,
        features: LeaverFeatures,
        estimators: Mapping[str, CalibratedClassifierCV],
        record_fields: tuple[Field, ...],
        thresholds: Mapping[str, float],
        validation: Mapping[str, Any],
    ) -> None:
        self.features = features
        self.targets = tuple(estimators)
        self.record_fields = tuple(record_fields)
        self.fields_by_name = {f.name: f for f in self.record_fields}
        self.thresholds = dict(thresholds)
        self.validation = dict(validation)
        self.scorers = {name: Scorer.from_calibrated(estimators[name]) for name in self.targets}
        self.inputs = tuple(features.feature_names_in_)
        self.categorical = features.categorical_fields()
        sources = features.feature_sources_
        self.column_names = list(sources)
        #: Per level ("reason" or "field"): the reasons and each column's share in each.
        self.reasons: dict[str, tuple[list[Reason], np.ndarray]] = {
            level: reason_map(sources, self.record_fields, constructs=level == "reason")
            for level in ("reason", "field")
        }
        rng = np.random.default_rng(0)
        probe = rng.uniform(-1, 5, size=(16, len(sources)))
        probe[rng.random(probe.shape) < 0.2] = np.nan  # skipped answers take their own path
        for name, scorer in self.scorers.items():
            scorer.check(estimators[name], probe)

    @functools.cached_property
    def record_path(self) -> RecordPath:
        """The scoring of one record without a table (``predict_one``, ``explain_one``)."""
        thresholds = self.thresholds
        segment_of = None if not self.has_segments else (
            lambda engaged, returning: SEGMENTS[(engaged >= thresholds["alumni_engagement"],
                                                 returning >= thresholds["rehire_intent"])])
        return RecordPath(scorers=self.scorers, encode=self.features.record_encoder(),
                          record_fields=self.record_fields, inputs=self.inputs,
                          validation=self.validation, reasons=self.reasons["reason"],
                          segment_of=segment_of)

    def predict_one(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """One record's row of ``predict``, as a dict (see :meth:`RecordPath.predict`)."""
        scores = self.record_path.predict(_one(record))
        if scores is None:
            return self.read(record).predictions().iloc[0].to_dict()
        return scores

    def explain_one(self, record: Mapping[str, Any], top_k: int, lang: str
                    ) -> list[dict[str, Any]]:
        """One record's rows of ``explain``, as dicts without ``row``."""
        reasons = self.record_path.explain(_one(record), top_k, lang)
        if reasons is None:
            table = self.read(record).reasons(top_k, lang).drop(columns="row")
            return table.to_dict("records")
        return reasons

    @property
    def has_segments(self) -> bool:
        """Whether both targets are scored, which a segment needs."""
        return set(SEGMENTS_NEED) <= set(self.targets)

    def read(self, records: Records | LeaverBatch) -> LeaverBatch:
        """Validate and encode leaver records (a batch is returned as it is).

        Raises
        ------
        SchemaError
            A record is invalid (the message names the row, column, value and what is
            expected).
        """
        if isinstance(records, LeaverBatch):
            return records
        quick = _short_list_of_dicts(records)
        if quick:
            values = [read_record(r, self.record_fields, missing=self.validation["missing"],
                                  max_missing=self.validation["max_missing"]) for r in quick]
            if all(v is not None for v in values):
                arrays = {
                    name: np.array([v[name] for v in values],
                                   dtype=object if name in self.categorical else np.float64)
                    for name in self.inputs
                }
                has_ids = any("leaver_id" in r for r in quick)
                return LeaverBatch(self, arrays, [v.get("leaver_id") for v in values]
                                   if has_ids else None)
        # A table, or a record with a problem: validate_records reports every problem.
        batch = self.valid(validate_records(as_records_frame(records), **self.validation))
        _warn_blank_columns(batch)
        return batch

    def every_record(self, records: Records,
                     table: Callable[[LeaverBatch], pd.DataFrame]) -> pd.DataFrame:
        """``table`` of the valid records, with a row for every record in input order.

        An invalid record's row has empty values (its ``leaver_id`` kept) and its
        problems, ``; ``-separated, in a ``problem`` column, which is None for a valid
        record. One bad record does not fail the others.
        """
        frame = as_records_frame(records).reset_index(drop=True)
        valid, problems = validate_records(frame, errors="report", **self.validation)
        batch = self.valid(valid)
        _warn_blank_columns(batch)
        scored = table(batch)
        scored.index = valid.index
        out = scored.reindex(frame.index)
        if "leaver_id" in out.columns and len(problems):
            ids = problems.drop_duplicates("row").set_index("row")["leaver_id"]
            out.loc[ids.index, "leaver_id"] = ids
        reasons = problems.groupby("row", sort=False)["problem"].agg("; ".join)
        out["problem"] = pd.Series(reasons, dtype=object).reindex(frame.index)
        out["problem"] = out["problem"].astype(object).where(out["problem"].notna(), None)
        return out

    def valid(self, records: pd.DataFrame) -> LeaverBatch:
        """The batch of records already checked by :func:`rehire_model.validate_records`."""
        ids = records["leaver_id"].tolist() if "leaver_id" in records.columns else None
        return LeaverBatch(self, self.features.record_arrays(records), ids)


def _warn_blank_columns(batch: LeaverBatch) -> None:
    """Warn, for a table of some size, of each field it left mostly blank."""
    if len(batch) >= BLANK_WARNING_ROWS:
        counts = BlankCounts()
        counts.add_batch(batch)
        for warning in counts.warnings():
            warnings.warn(warning, stacklevel=4)


class Scored(Protocol):
    """Anything that scores leavers through a :class:`ModelScoring`, such as a fitted
    :class:`~rehire_model.RehireModel` (what-if, coaching and the policy simulation take
    one)."""

    scoring: ModelScoring


def _one(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise TypeError("one leaver record is a dict of field -> value, not "
                        f"{type(record).__name__}; use predict for a table or a list")
    return record


def _short_list_of_dicts(X: Any) -> list[Mapping[str, Any]] | None:
    if isinstance(X, Mapping):
        return [X]
    if (isinstance(X, (list, tuple)) and len(X) <= QUICK_PATH_MAX_RECORDS
            and all(isinstance(r, Mapping) for r in X)):
        return list(X)
    return None


def _joined_names(names: Sequence[str], mask: np.ndarray) -> np.ndarray:
    """Per row of ``mask``, the ``names`` of its true columns, ``;``-separated."""
    given = np.asarray(names, dtype=object)[np.nonzero(mask)[1]].tolist()  # row by row
    ends = np.cumsum(np.count_nonzero(mask, axis=1)).tolist()
    starts = [0, *ends][:-1]
    return np.array([";".join(given[start:end]) for start, end in zip(starts, ends, strict=True)],
                    dtype=object)


class LeaverBatch:
    """Validated leaver records with their arrays; scores computed once, on first use.

    Build one with :meth:`ModelScoring.read` (``model.scoring.read(records)``). Row
    values never depend on the other rows of the batch, so a record scores the same
    alone or in any batch.

    Attributes
    ----------
    scoring : ModelScoring
    arrays : dict of str -> numpy.ndarray
        One array per input field of the model (float64, object for categories; NaN
        or None where an answer was skipped).
    ids : list or None
        The leaver ids, when the records had them.
    """

    def __init__(self, scoring: ModelScoring, arrays: Mapping[str, np.ndarray],
                 ids: list | None) -> None:
        self.scoring = scoring
        self.arrays = dict(arrays)
        self.ids = ids
        self._cache: dict[Any, Any] = {}

    def __len__(self) -> int:
        inputs = self.scoring.inputs
        return len(self.arrays[inputs[0]]) if inputs else 0

    def _cached(self, key: Any, compute: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # ----------------------------------------------------------------------------------
    # Other batches of the same leavers
    # ----------------------------------------------------------------------------------

    def with_values(self, values: Mapping[str, np.ndarray]) -> LeaverBatch:
        """The same leavers with the arrays of some fields replaced (ids kept)."""
        return LeaverBatch(self.scoring, {**self.arrays, **values}, self.ids)

    def take(self, rows: Any) -> LeaverBatch:
        """The leavers at the positions ``rows`` (an index array or a boolean mask)."""
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        ids = None if self.ids is None else [self.ids[i] for i in rows.tolist()]
        return LeaverBatch(self.scoring, {n: a[rows] for n, a in self.arrays.items()}, ids)

    # ----------------------------------------------------------------------------------
    # Scores
    # ----------------------------------------------------------------------------------

    @property
    def matrix(self) -> np.ndarray:
        """The model matrix (rows x model columns)."""
        return self._cached("matrix", lambda: self.scoring.features.transform_arrays(
            self.arrays))

    def raw_scores(self) -> dict[str, np.ndarray]:
        """Per target, each leaver's raw score (log-odds before calibration)."""
        return self._cached("raw", self._raw_scores)

    def _raw_scores(self) -> dict[str, np.ndarray]:
        if "contributions" in self._cache:
            return {name: scorer.raw(self.matrix, self.raw_contributions()[name])
                    for name, scorer in self.scoring.scorers.items()}
        if "matrix" in self._cache or len(self) <= CHUNK_ROWS:
            return {name: scorer.raw(self.matrix)
                    for name, scorer in self.scoring.scorers.items()}
        # Large batches are encoded in chunks, which bounds the memory of the matrix.
        out = {name: np.empty(len(self)) for name in self.scoring.targets}
        for start in range(0, len(self), CHUNK_ROWS):
            chunk = {n: a[start:start + CHUNK_ROWS] for n, a in self.arrays.items()}
            matrix = self.scoring.features.transform_arrays(chunk)
            for name, scorer in self.scoring.scorers.items():
                out[name][start:start + CHUNK_ROWS] = scorer.raw(matrix)
        return out

    def probabilities(self) -> dict[str, np.ndarray]:
        """Per target, each leaver's calibrated probability."""
        return self._cached("probabilities", lambda: {
            name: expit(self.scoring.scorers[name].calibrated_log_odds(raw))
            for name, raw in self.raw_scores().items()})

    def segments(self) -> np.ndarray | None:
        """Each leaver's segment (None for a model with one target)."""
        if not self.scoring.has_segments:
            return None
        p = self.probabilities()
        return segment(p["alumni_engagement"], p["rehire_intent"], self.scoring.thresholds)

    def _answer_masks(self) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
        return self._cached("answers", lambda: answer_masks(self.arrays,
                                                            self.scoring.record_fields))

    def blank_counts(self) -> list[tuple[str, int, int]]:
        """Per field in use: ``(name, blank answers, records that expected one)``."""
        names, blank, expected = self._answer_masks()
        n_blank = (blank & expected).sum(axis=0).tolist()
        return list(zip(names, n_blank, expected.sum(axis=0).tolist(), strict=True))

    def missing_fields(self) -> np.ndarray:
        """Per leaver, the fields left unanswered, ``;``-separated ("" when none)."""
        names, blank, expected = self._answer_masks()
        skipped = blank & expected
        # The text of each distinct pattern of skipped answers is written once.
        groups, first = rows_alike(skipped)
        return _joined_names(names, skipped[first])[groups]

    def predictions(self) -> pd.DataFrame:
        """The table :meth:`rehire_model.RehireModel.predict` returns."""
        probabilities = self.probabilities()
        columns: dict[str, np.ndarray] = {}
        if self.ids is not None:  # object dtype: no conversion of every id to another type
            columns["leaver_id"] = np.array(self.ids, dtype=object)
        for name in self.scoring.targets:
            columns[f"p_{name}"] = probabilities[name]
        segments = self.segments()
        if segments is not None:
            columns["segment"] = segments
        columns["missing_fields"] = self.missing_fields()
        # Text columns stay object dtype: inferring another string type costs time per row.
        # One index for every column spares pandas aligning them.
        index = pd.RangeIndex(len(self))
        return pd.DataFrame({name: pd.Series(values, dtype=values.dtype, index=index, copy=False)
                             for name, values in columns.items()}, index=index, copy=False)

    # ----------------------------------------------------------------------------------
    # Contributions and reasons
    # ----------------------------------------------------------------------------------

    def raw_contributions(self, n_jobs: int | None = None) -> dict[str, np.ndarray]:
        """Per target, raw-score contributions per model column (rows x columns)."""
        def compute() -> dict[str, np.ndarray]:
            scorers = list(self.scoring.scorers.values())
            phis = contributions(scorers, self.matrix, n_jobs)
            return dict(zip(self.scoring.targets, phis, strict=True))

        return self._cached("contributions", compute)

    def contributions(self, level: str = "reason", *, raw: bool = False,
                      n_jobs: int | None = None) -> dict[str, pd.DataFrame]:
        """The table :meth:`rehire_model.RehireModel.contributions` returns."""
        index = pd.RangeIndex(len(self)) if self.ids is None else pd.Index(
            self.ids, name="leaver_id")
        out = {}
        for name, phi in self.raw_contributions(n_jobs).items():
            scorer = self.scoring.scorers[name]
            base = scorer.base if raw else scorer.calibrated_base
            values = phi if raw else -scorer.platt_a * phi
            if level == "column":
                names = self.scoring.column_names
            else:
                reasons, shares = self.scoring.reasons[level]
                values, names = values @ shares, [r.key for r in reasons]
            table = pd.DataFrame(values, columns=names, index=index)
            table.insert(0, "base", base)
            out[name] = table
        return out

    def _top_reasons(self, top_k: int, n_jobs: int | None) -> dict[str, np.ndarray]:
        """The largest reasons of each leaver and target, as flat arrays ordered by
        leaver, then target, then rank."""
        reasons, shares = self.scoring.reasons["reason"]
        targets = self.scoring.targets
        k = min(top_k, len(reasons))
        picked, values, pp, probability, base_probability = [], [], [], [], []
        for name, phi in self.raw_contributions(n_jobs).items():
            scorer = self.scoring.scorers[name]
            by_reason = (-scorer.platt_a * phi) @ shares
            log_odds = scorer.calibrated_log_odds(self.raw_scores()[name])
            base = scorer.calibrated_base
            p, p0 = expit(log_odds), expit(base)
            # Percentage points: each reason's share of the change from the base
            # probability, along the secant (the slope at the base when nothing changes).
            gap = log_odds - base
            changed = np.abs(gap) > 1e-12
            slope = np.where(changed, (p - p0) / np.where(changed, gap, 1.0), p0 * (1 - p0))
            order = _largest(by_reason, k)
            top = np.take_along_axis(by_reason, order, axis=1)
            picked.append(order)
            values.append(top)
            pp.append(100 * top * slope[:, None])
            probability.append(np.repeat(p[:, None], k, axis=1))
            base_probability.append(np.full_like(top, p0))

        def flat(parts: list[np.ndarray]) -> np.ndarray:
            return np.stack(parts, axis=1).ravel()

        n_rows = len(self)
        return {
            "row": np.repeat(np.arange(n_rows), len(targets) * k),
            "target_of": np.tile(np.repeat(np.arange(len(targets)), k), n_rows),
            "rank": np.tile(np.arange(1, k + 1), n_rows * len(targets)),
            "picked": flat(picked),
            "log_odds": flat(values),
            "pp": flat(pp),
            "probability": flat(probability),
            "base_probability": flat(base_probability),
        }

    def _described(self, top_k: int, lang: str, n_jobs: int | None
                   ) -> tuple[dict[str, np.ndarray], np.ndarray, Any]:
        return self._cached(("described", top_k, lang),
                            lambda: self._describe(top_k, lang, n_jobs))

    def _describe(self, top_k: int, lang: str, n_jobs: int | None
                  ) -> tuple[dict[str, np.ndarray], np.ndarray, Any]:
        top = self._top_reasons(top_k, n_jobs)
        shown, sentences = describe_reasons(
            self.scoring.reasons["reason"][0], top["picked"], top["row"], self.scoring.targets,
            top["target_of"], top["pp"], self.arrays, self.scoring.fields_by_name, lang)
        return top, shown, sentences

    def reason_sentences(self, top_k: int, lang: str, n_jobs: int | None = None) -> Any:
        """The ``text`` column of :meth:`reasons` alone (ordered by leaver, target, rank)."""
        return self._described(top_k, lang, n_jobs)[2]

    def reason_columns(self, top_k: int, lang: str, n_jobs: int | None = None
                       ) -> dict[str, Any]:
        """Wide, readable reason columns ``<target>_reason_<rank>`` (empty past the last
        reason), as ``rehire-model score --explain`` writes them."""
        n_rows, targets = len(self), self.scoring.targets
        k = min(top_k, len(self.scoring.reasons["reason"][0]))
        sentences = self.reason_sentences(top_k, lang, n_jobs)
        per_leaver = len(targets) * k
        return {
            f"{target}_reason_{rank + 1}": (
                sentences[np.arange(n_rows) * per_leaver + t * k + rank] if rank < k
                else [None] * n_rows)
            for t, target in enumerate(targets)
            for rank in range(top_k)
        }

    def reasons(self, top_k: int, lang: str, n_jobs: int | None = None) -> pd.DataFrame:
        """The table :meth:`rehire_model.RehireModel.explain` returns."""
        top, shown, sentences = self._described(top_k, lang, n_jobs)
        reasons = self.scoring.reasons["reason"][0]
        picked = top["picked"]
        keys, labels, levers = (np.array([getattr(r, name) for r in reasons] or [""],
                                         dtype=object)[picked]
                                for name in ("key", f"label_{lang}", "lever"))
        columns: dict[str, Any] = {} if self.ids is None else {
            "leaver_id": np.array(self.ids, dtype=object)[top["row"]]}
        columns.update({
            "row": top["row"],
            "target": np.array(self.scoring.targets, dtype=object)[top["target_of"]],
            "rank": top["rank"],
            "reason": keys,
            "label": labels,
            "lever": levers,
            "value": shown,
            "direction": np.where(top["log_odds"] >= 0, "raises", "lowers").astype(object),
            "log_odds": top["log_odds"],
            "pp": top["pp"],
            "probability": top["probability"],
            "base_probability": top["base_probability"],
            "text": sentences,
        })
        return pd.DataFrame(columns)


def _largest(values: np.ndarray, k: int) -> np.ndarray:
    """Per row, the columns of the ``k`` largest absolute values, largest first.

    Equal values keep their column order, as a stable sort would; ``k`` passes of
    ``argmax`` are quicker than sorting every row when ``k`` is small.
    """
    size = np.abs(values)
    order = np.empty((len(values), k), dtype=np.intp)
    rows = np.arange(len(values))
    for rank in range(k):
        best = np.argmax(size, axis=1)
        order[:, rank] = best
        size[rows, best] = -1.0
    return order
