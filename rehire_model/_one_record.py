"""One record scored without a table: the path of ``predict_one`` and ``explain_one``.

A service that scores leavers one at a time pays for every step per call. This path is
compiled once per model: the record's checks (:func:`rehire_model.validation.read_record`),
its model row (:meth:`rehire_model.features.LeaverFeatures.record_encoder`), and the
linear targets' centers, weights and offsets stacked so both targets score in one pass.
The numbers are those of the table path: the same row, the same terms summed the same
way, the same calibration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
from scipy.special import expit

from ._scorer import Scorer
from .explain import Reason, display_value, reason_text_parts
from .schema import Field
from .validation import expected_flags, read_record

__all__ = ["RecordPath"]



#: Texts kept: reason sentences around their size (per reason, value, target, sign and
#: language), and shown values (per reason, language and the values they are read from).
_TEXTS_KEPT = 4096


class _OneRow:
    """A record's values of the model's input fields, read as the arrays of a one-record
    batch are (``row[name][0]``)."""

    __slots__ = ("inputs", "values")

    def __init__(self, values: Mapping[str, Any], inputs: frozenset[str]) -> None:
        self.values = values
        self.inputs = inputs

    def __getitem__(self, name: str) -> tuple[Any]:
        if name not in self.inputs:
            raise KeyError(name)
        return (self.values[name],)

    def __contains__(self, name: object) -> bool:
        return name in self.inputs


def _blank(value: Any) -> bool:
    return value is None or value != value


def _values_of(*names: str) -> Callable[[Mapping[str, Any]], Any]:
    """A getter of ``names``' values, equal exactly when the values are."""
    return itemgetter(*names) if names else lambda values: ()


class RecordPath:
    """A model's scoring of one record, compiled once (see the module docstring)."""

    def __init__(
        self,
        *,
        scorers: Mapping[str, Scorer],
        encode: Callable[[Mapping[str, Any]], list[float]],
        record_fields: tuple[Field, ...],
        inputs: Sequence[str],
        validation: Mapping[str, Any],
        reasons: tuple[list[Reason], np.ndarray],
        segment_of: Callable[[float, float], str] | None,
    ) -> None:
        self.targets = tuple(scorers)
        self.scorers = dict(scorers)
        self.encode = encode
        self.record_fields = record_fields
        self.fields_by_name = {f.name: f for f in record_fields}
        self.read_options = {"missing": validation["missing"],
                             "max_missing": validation["max_missing"]}
        self.inputs = frozenset(inputs)
        self.expected_when = expected_flags(record_fields, self.inputs)
        self.reasons, self.shares = reasons
        self.segment_of = segment_of
        self.calibrated_base = np.array([s.calibrated_base for s in scorers.values()])
        self.neg_platt_a = np.array([[-s.platt_a] for s in scorers.values()])
        self._sentences: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._shown: dict[tuple[Any, ...], str] = {}
        # Blanks read as one NaN object, so equal values make equal keys.
        self.shown_from = [_values_of(*(name for name in reason.shown_from
                                        if name in self.inputs))
                           for reason in self.reasons]
        self.base_probability = expit(self.calibrated_base).tolist()
        linear = [s for s in scorers.values() if s.kind == "linear"]
        self.stacked = len(linear) == len(scorers)
        if self.stacked:
            self.center = np.vstack([s.center for s in linear])
            self.weights = np.vstack([s.weights for s in linear])
            self.offset = np.vstack([s.offset for s in linear])
            skipped = [s.skipped for s in linear]
            self.skipped = (np.vstack(skipped) if all(s is not None for s in skipped)
                            else None)
            self.base = np.array([s.base for s in linear])
            self.platt_a = np.array([s.platt_a for s in linear])
            self.platt_b = np.array([s.platt_b for s in linear])

    # ----------------------------------------------------------------------------------

    def read(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """The record's canonical values, or None when it has a problem."""
        return read_record(record, self.record_fields, **self.read_options)

    def missing_fields(self, values: Mapping[str, Any]) -> str:
        """The fields the record left unanswered, ``;``-separated."""
        return ";".join(
            name for name, flag in self.expected_when
            if _blank(values[name]) and (flag is None or (flag and values[flag] == 1.0)))

    def terms(self, row: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """Per target, each model column's raw-score term, and the raw scores."""
        x = np.array(row)
        if not self.stacked:
            matrix = x[None, :]
            terms = [scorer.contributions(matrix)[0] for scorer in self.scorers.values()]
            raw = [scorer.raw(matrix)[0] for scorer in self.scorers.values()]
            return np.array(terms), np.array(raw)
        terms = (x - self.center) * self.weights + self.offset
        if self.skipped is not None:
            blank = np.isnan(x)
            if blank.any():
                np.copyto(terms, self.skipped, where=blank)
        return terms, terms.sum(axis=1) + self.base

    def log_odds(self, raw: np.ndarray) -> np.ndarray:
        """The calibrated log-odds of each target's raw score."""
        if self.stacked:
            return -(self.platt_a * raw + self.platt_b)
        return np.array([scorer.calibrated_log_odds(raw[i:i + 1])[0]
                         for i, scorer in enumerate(self.scorers.values())])

    def scores(self, record: Mapping[str, Any], values: Mapping[str, Any],
               log_odds: np.ndarray) -> dict[str, Any]:
        """What ``predict`` gives for the record, as a dict."""
        out: dict[str, Any] = {}
        if "leaver_id" in record:
            out["leaver_id"] = values.get("leaver_id")
        probabilities = expit(log_odds).tolist()
        for name, p in zip(self.targets, probabilities, strict=True):
            out[f"p_{name}"] = p
        if self.segment_of is not None:
            out["segment"] = self.segment_of(out["p_alumni_engagement"],
                                             out["p_rehire_intent"])
        out["missing_fields"] = self.missing_fields(values)
        return out

    def predict(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        """The record's scores, or None when it has a problem."""
        values = self.read(record)
        if values is None:
            return None
        _, raw = self.terms(self.encode(values))
        return self.scores(record, values, self.log_odds(raw))

    def explain(self, record: Mapping[str, Any], top_k: int, lang: str
                ) -> list[dict[str, Any]] | None:
        """The record's reasons, as ``explain`` gives them row by row, or None when the
        record has a problem."""
        values = self.read(record)
        if values is None:
            return None
        terms, raw = self.terms(self.encode(values))
        log_odds = self.log_odds(raw)
        scaled = self.neg_platt_a * terms
        probabilities = expit(log_odds).tolist()
        gaps = (log_odds - self.calibrated_base).tolist()
        shown: dict[int, str] = {}
        k = min(top_k, len(self.reasons))
        rows: list[dict[str, Any]] = []
        first = {"leaver_id": values.get("leaver_id")} if "leaver_id" in record else {}
        for t, name in enumerate(self.targets):
            by_reason = (scaled[t:t + 1] @ self.shares)[0].tolist()
            p, p0 = probabilities[t], self.base_probability[t]
            gap = gaps[t]
            slope = (p - p0) / gap if abs(gap) > 1e-12 else p0 * (1 - p0)
            sizes = [abs(value) for value in by_reason]
            # Largest first; equal sizes keep the reasons' order, as explain does.
            order = sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)[:k]
            for rank, j in enumerate(order, start=1):
                reason, value = self.reasons[j], by_reason[j]
                pp = 100 * value * slope
                if j not in shown:
                    shown[j] = self.shown_value(j, values, lang)
                before, after = self.sentence_parts(j, shown[j], t, pp >= 0, lang)
                rows.append({
                    **first, "target": name, "rank": rank, "reason": reason.key,
                    "label": reason.label(lang), "lever": reason.lever, "value": shown[j],
                    "direction": "raises" if value >= 0 else "lowers", "log_odds": value,
                    "pp": pp, "probability": p, "base_probability": p0,
                    "text": f"{before}{abs(pp):.1f}{after}",
                })
        return rows

    def shown_value(self, j: int, values: Mapping[str, Any], lang: str) -> str:
        """Reason ``j``'s value for the person, kept once written for the same values."""
        key = (j, lang, self.shown_from[j](values))
        shown = self._shown.get(key)
        if shown is None:
            if len(self._shown) >= _TEXTS_KEPT:
                self._shown.clear()
            row = _OneRow(values, self.inputs)
            shown = self._shown[key] = display_value(self.reasons[j], row, 0, lang,
                                                     self.fields_by_name)
        return shown

    def sentence_parts(self, j: int, value: str, t: int, raises: bool, lang: str
                       ) -> tuple[str, str]:
        """Reason ``j``'s sentence for target ``t`` around its size, kept once written."""
        key = (j, value, t, raises, lang)
        parts = self._sentences.get(key)
        if parts is None:
            if len(self._sentences) >= _TEXTS_KEPT:
                self._sentences.clear()
            parts = self._sentences[key] = reason_text_parts(
                self.reasons[j], value, self.targets[t], "raises" if raises else "lowers", lang)
        return parts
