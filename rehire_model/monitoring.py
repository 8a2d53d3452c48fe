"""Monitoring a model over a year of leavers: calibration, input drift, verdicts.

Leavers are scored in waves (quarters, say) and their outcomes (alumni engagement,
rehire intent) arrive months later. :func:`monitor` reads every wave, scores it, and
says per wave and target whether the model is ``"fine"``, should be recalibrated
(``"recalibrate"``: :func:`rehire_model.update`) or retrained (``"retrain"``), with
the numbers behind it. HR waves are small (50 to 1,000 leavers), so every alarm is
judged against what chance gives at the wave's size.

Calibration (waves with outcomes), after Van Calster et al. (2019, *J Clin Epidemiol*
119: 25-35), on the leavers whose outcome is answered:

- ``citl`` (calibration-in-the-large): the intercept ``a`` of
  ``logit P(y) = a + logit(p)``, 0 when the mean prediction matches the observed rate;
- ``slope`` (calibration slope): ``b`` of ``logit P(y) = c + b logit(p)``, 1 when the
  spread of the predictions is right (below 1: too extreme);
- both with 95 % profile-likelihood intervals and likelihood-ratio p-values (more
  accurate than Wald intervals with few events; with no event, the side that exists);
- ``auc`` (ROC AUC, equal to :func:`sklearn.metrics.roc_auc_score`) with a DeLong
  variance and a 95 % interval on the logit scale (inside 0..1 on small waves),
  tested one-sided against the model's own held-out AUC (``model.metrics``), whose
  Hanley-McNeil variance is counted too;
- ``brier`` with a normal-approximation 95 % interval.

Input drift, per field of the model's records, against a reference profile of the
training data (:func:`reference_profile`, kept in ``model.training_data["reference"]``):

- ``psi`` (population stability index) over the reference's categories or decile bins,
  a bin empty on one side counted as half a leaver (the usual fixed floor of 0.0001
  makes a wave of 100 with one rare category empty read as a large shift);
- ``psi_threshold``: what chance gives at the wave's size, at a family-wise level of
  :data:`ALPHA_DRIFT` over the fields (Bonferroni), never below :data:`PSI_FLOOR`.
  Under no change PSI is close to ``(1/n + 1/m) * chi2(k - 1)`` (``n`` answers in the
  wave, ``m`` in the reference, ``k`` bins), but at ``n`` below a few hundred its far
  tail is 1.5 to 5 times heavier (measured), so there the threshold is the exact null
  quantile: enumerated for yes/no fields, simulated (fixed seeds, cached) otherwise;
- ``blank_rate`` against the reference's, by Fisher's exact test (family-wise level
  :data:`ALPHA_BLANK`) and a practical floor of :data:`BLANK_FLOOR`;
- ``new_values``: values the reference never had, and values validation rejected for
  the field (a new job level ``"executive"``), which also appear in ``rejects``.

Verdicts (per wave and target): ``"retrain"`` when the AUC is below the model's own
beyond chance, or PSI alarms in :data:`WIDESPREAD_FIELDS` fields or more, or
:data:`NEW_VALUE_MIN_ROWS` rows or more carry a value the model never learned;
``"recalibrate"`` when calibration-in-the-large or the slope is off beyond chance and
the ranking holds; ``"fine"`` otherwise. The reasons name the numbers; a PSI alarm in
fewer fields, or a blank rate that changed (a matter of data collection, not of the
model), is a reason beside the verdict without changing it. The outcome tests of a wave share a
family-wise level of :data:`ALPHA_OUTCOMES` (Bonferroni), so that with the drift and
blank checks a wave of a model that is fine raises any alarm at most 2.5 % of the time
(Bonferroni bound, half the 5 % allowed; measured on 300 waves each of 100, 300 and 1,000
synthetic leavers: 0.7 %, 1.0 % and 0.7 %, where "PSI above 0.1" alarms on 93 % of the
waves of 100 and "PSI above 0.25" on 17 %).
A wave without outcomes is judged on its inputs only (never ``"recalibrate"``).

Examples
--------
>>> import rehire_model as rm
>>> model = rm.load_model()
>>> reference = rm.make_leaver_survey(5000, random_state=1, missing_rate=0.1)
>>> waves = {"2025Q1": rm.make_leaver_survey(300, random_state=5, missing_rate=0.1),
...          "2025Q2": rm.make_leaver_survey(200, random_state=6, missing_rate=0.1)}
>>> result = monitor(model, waves, reference=reference)
>>> result.verdict[["wave", "target", "verdict"]]
     wave             target verdict
0  2025Q1  alumni_engagement    fine
1  2025Q1      rehire_intent    fine
2  2025Q2  alumni_engagement    fine
3  2025Q2      rehire_intent    fine
>>> bool(result.drift["alarm"].any())
False
"""

from __future__ import annotations

import datetime
import functools
import logging
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import expit, gammaln, logit

from ._logistic import fit_logistic, log_likelihood
from .exceptions import SchemaError
from .schema import FIELDS_BY_NAME, Field
from .tables import XlsxBook, spreadsheet_safe
from .texts import Message, check_lang, has_text, message, text
from .validation import PROBLEM_COLUMNS, as_records_frame, read_value, validate_records

if TYPE_CHECKING:
    from .config import TargetSpec
    from .model import RehireModel

__all__ = [
    "ALPHA_BLANK",
    "ALPHA_DRIFT",
    "ALPHA_OUTCOMES",
    "BLANK_FLOOR",
    "NEW_VALUE_MIN_ROWS",
    "PERIODS",
    "PSI_FLOOR",
    "VERDICTS",
    "WIDESPREAD_FIELDS",
    "Monitoring",
    "monitor",
    "psi_null_threshold",
    "reference_profile",
    "split_waves",
]

logger = logging.getLogger(__name__)

# The false-alarm budget of one wave, 2.5 % in all (Bonferroni), half of the 5 % a
# model that is fine may alarm on at most, as margin for the tests' approximations (the
# slope's and the AUC's are slightly liberal on waves of 100).
#: Family-wise false-alarm level of the PSI checks of one wave (over its fields).
ALPHA_DRIFT = 0.01
#: Family-wise false-alarm level of the blank-rate checks of one wave (over its fields).
ALPHA_BLANK = 0.005
#: Family-wise false-alarm level of the outcome checks of one wave (calibration-in-the-large,
#: slope and AUC of each target with outcomes).
ALPHA_OUTCOMES = 0.01
#: A PSI threshold is never below this, so a large wave does not alarm on a trivial shift.
PSI_FLOOR = 0.1
#: A blank-rate change smaller than this (absolute) never alarms.
BLANK_FLOOR = 0.05
#: Fields with a PSI alarm from which a change of the inputs is widespread.
WIDESPREAD_FIELDS = 3
#: Rows with values the model never learned from which a wave calls for retraining.
NEW_VALUE_MIN_ROWS = 5
#: The verdicts, mildest first.
VERDICTS = ("fine", "recalibrate", "retrain")
#: Periods :func:`split_waves` splits by, with the pandas period of each.
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}

#: Version of the layout of :func:`reference_profile`.
PROFILE_VERSION = 1
_Z95 = stats.norm.ppf(0.975)
_CHI95 = stats.chi2.ppf(0.95, 1)
#: Draws of the simulated PSI null distribution per exceedance of the level wanted.
_DRAWS_PER_TAIL = 20
#: Below this many answers the null PSI threshold is simulated on a grid of sizes.
_GRID = tuple(sorted({int(round(8 * 1.25 ** j)) for j in range(40)}))
#: Reference this many times larger than the wave counts as known exactly.
_FIXED_REFERENCE = 50
_DISCRETE_KINDS = ("category", "bool", "ordinal")


@dataclass(frozen=True)
class _Joined(Message):
    """Messages one after another, joined the way each language joins parts."""

    parts: tuple[Message, ...] = ()
    separator: str = "problem.parts_separator"

    def render(self, lang: str) -> str:
        return text(self.separator, lang).join(part.render(lang) for part in self.parts)


def _field_label(name: str) -> Message:
    key = f"field.{name}"
    return message(key) if has_text(key) else _Literal("", text=name)


@dataclass(frozen=True)
class _Literal(Message):
    """A text that reads the same in every language (a name, a number)."""

    text: str = ""

    def render(self, lang: str) -> str:
        check_lang(lang)
        return self.text


def _labels_list(names: Sequence[str]) -> Message:
    return _Joined("", parts=tuple(_field_label(n) for n in names),
                   separator="problem.separator")


def _outcome_label(target: str) -> Message:
    key = f"target.{target}"
    return message(key) if has_text(key) else _Literal("", text=target)


def _percent(x: float) -> str:
    """A share in percent as people write it: ``17``, ``4.5``, ``0``."""
    if not np.isfinite(x):
        return "-"
    value = 100 * x
    shown = f"{value:.0f}" if abs(value) >= 9.5 else f"{value:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


def _number(x: float, digits: int = 2, signed: bool = False) -> str:
    if np.isnan(x):
        return "-"
    if np.isinf(x):
        return "+∞" if x > 0 else "−∞"
    return f"{x:+.{digits}f}" if signed else f"{x:.{digits}f}"


# --------------------------------------------------------------------------------------
# Reference profile
# --------------------------------------------------------------------------------------


def _discrete_values(f: Field) -> list[Any]:
    """The values a discrete field can take, as the validated records code them."""
    if f.kind == "category":
        return list(f.categories)
    if f.kind == "bool":
        return [False, True]
    if f.levels:
        return list(range(1, len(f.levels) + 1))
    if f.low is not None and f.high is not None:
        return list(range(int(f.low), int(f.high) + 1))
    return []


def _plain(value: Any) -> Any:
    """A value as JSON keeps it (numpy scalars to Python)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _value_key(value: Any) -> Any:
    """A value compared across a profile and records (``True`` and ``1`` differ)."""
    value = _plain(value)
    return (type(value) is bool, value)


def _answers(records: pd.DataFrame, f: Field) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """The field's answers, where one was given, and where one was expected.

    An interview's answers are expected only where the interview is known to have been
    held (as :func:`rehire_model.validation.skipped_answers` counts them).
    """
    values = records[f.name] if f.name in records.columns else pd.Series(
        pd.NA, index=records.index, dtype=object)
    answered = values.notna().to_numpy(dtype=bool)
    if f.requires and f.requires in records.columns:
        held = records[f.requires]
        expected = (held.to_numpy(dtype=np.float64, na_value=0.0) == 1.0
                    if held.dtype != object else (held == True).to_numpy(dtype=bool))  # noqa: E712
    else:
        expected = np.ones(len(values), dtype=bool)
    return values, answered, expected


def _field_profile(records: pd.DataFrame, f: Field) -> dict[str, Any]:
    values, answered, expected = _answers(records, f)
    out: dict[str, Any] = {"kind": f.kind, "n": int(expected.sum()),
                           "blank": int((expected & ~answered).sum())}
    given = values[answered]
    if f.kind in _DISCRETE_KINDS:
        known = _discrete_values(f)
        counts = Counter(_value_key(v) for v in given.tolist())
        extra = sorted({k for k in counts if k not in {_value_key(v) for v in known}},
                       key=str)
        out["values"] = [_plain(v) for v in known] + [k[1] for k in extra]
        out["counts"] = [int(counts.get(_value_key(v), 0)) for v in out["values"]]
    else:
        numbers = given.to_numpy(dtype=np.float64)
        edges = (np.unique(np.quantile(numbers, np.linspace(0.1, 0.9, 9)))
                 if len(numbers) else np.array([]))
        out["edges"] = [float(e) for e in edges]
        out["counts"] = [int(c) for c in _bin_counts(numbers, edges)]
    return out


def _bin_counts(numbers: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Counts per bin ``(-inf, e1], (e1, e2], ..., (ek, inf)``."""
    return np.bincount(np.searchsorted(edges, numbers, side="left"),
                       minlength=len(edges) + 1)


def reference_profile(records: pd.DataFrame, fields: Sequence[Field]) -> dict[str, Any]:
    """A small JSON-ready summary of training records, the reference of input drift.

    Parameters
    ----------
    records : pandas.DataFrame
        Validated leaver records (:func:`rehire_model.validate_records`, canonical
        dtypes), such as a model's training data.
    fields : sequence of Field
        The fields to profile (a model's ``record_fields``); the id is left out.

    Returns
    -------
    dict
        ``version``, ``n_rows`` and ``fields``: per field, its ``kind``, ``n`` (rows
        where an answer was expected: an interview's answers where it was held),
        ``blank`` (of those, left blank) and the distribution of the answers given:
        ``values`` and ``counts`` for a category, yes/no or ordinal field (every value
        the schema allows, as validated records code them, counted 0 when unseen);
        ``edges`` (the unique deciles) and ``counts`` per bin ``(-inf, e1], (e1, e2],
        ..., (ek, inf)`` for a number.

    Examples
    --------
    >>> import json
    >>> import rehire_model as rm
    >>> model = rm.load_model()
    >>> records = rm.validate_records(rm.make_leaver_survey(500, random_state=0),
    ...                               fields=model.record_fields)
    >>> profile = reference_profile(records, model.record_fields)
    >>> profile["fields"]["job_level"]["values"]
    ['staff', 'supervisor', 'manager']
    >>> len(profile["fields"]["tenure_years"]["edges"])
    9
    >>> len(json.dumps(profile)) < 8000
    True
    """
    if not isinstance(records, pd.DataFrame):
        raise TypeError(f"records must be a pandas DataFrame, not {type(records).__name__}")
    return {
        "version": PROFILE_VERSION,
        "n_rows": len(records),
        "fields": {f.name: _field_profile(records, f) for f in fields if f.kind != "id"},
    }


# --------------------------------------------------------------------------------------
# PSI and its null distribution
# --------------------------------------------------------------------------------------


def _psi(wave: np.ndarray, ref: np.ndarray, n: float, m: float) -> np.ndarray:
    """PSI of counts (last axis = bins), an empty bin counted as half an answer."""
    pw = np.maximum(wave / n, 0.5 / n)
    pr = np.maximum(ref / m, 0.5 / m)
    return ((pw - pr) * np.log(pw / pr)).sum(axis=-1)


def _chi2_threshold(k: int, n: int, m: int, alpha: float) -> float:
    return (1 / n + 1 / m) * stats.chi2.ppf(1 - alpha, max(k - 1, 1))


def _upper_quantile(values: np.ndarray, weights: np.ndarray | None, alpha: float) -> float:
    """A threshold ``t`` with ``P(value > t) <= alpha``, as low as the values allow.

    PSI over counts takes discrete values: ``t`` lies halfway between the value whose
    upper tail first exceeds ``alpha`` and the next larger one, so that a reference
    that is itself a sample (its values moved slightly) does not tip that value over.
    """
    w = np.full(len(values), 1 / len(values)) if weights is None else np.asarray(weights)
    unique, inverse = np.unique(np.round(values, 12), return_inverse=True)
    mass = np.bincount(inverse, weights=w, minlength=len(unique))
    tail = np.cumsum(mass[::-1])[::-1]          # P(value >= unique[i])
    exceeding = np.flatnonzero(tail > alpha)
    j = exceeding[-1] if len(exceeding) else 0  # the largest value whose tail exceeds alpha
    if j + 1 < len(unique):
        return float((unique[j] + unique[j + 1]) / 2)
    return float(unique[j])


@functools.lru_cache(maxsize=4096)
def _simulated_threshold(ref: tuple[int, ...], n: int, alpha: float) -> float:
    """The null ``1 - alpha`` quantile of PSI at ``n`` answers drawn from the reference's
    proportions (the reference fixed), by simulation with a seed of its own."""
    counts = np.array(ref, dtype=np.int64)
    m = int(counts.sum())
    draws = int(math.ceil(_DRAWS_PER_TAIL / alpha))
    rng = np.random.default_rng([n, *ref])
    wave = _multinomial(rng, n, counts / m, draws)
    return _upper_quantile(_psi(wave, counts, n, m), None, alpha)


def _multinomial(rng: np.random.Generator, n: int, p: np.ndarray, draws: int) -> np.ndarray:
    """``draws`` multinomial counts, by conditional binomials (vectorised over draws)."""
    out = np.empty((draws, len(p)), dtype=np.int64)
    left = np.full(draws, n, dtype=np.int64)
    rest = 1.0
    for i, share in enumerate(p[:-1]):
        out[:, i] = rng.binomial(left, min(1.0, share / rest)) if rest > 1e-12 else 0
        left -= out[:, i]
        rest -= share
    out[:, -1] = left
    return out


@functools.lru_cache(maxsize=4096)
def _exact_binary_threshold(ref: tuple[int, ...], n: int, alpha: float) -> float:
    """The exact null quantile of PSI over two bins, the reference fixed."""
    counts = np.array(ref, dtype=np.float64)
    x = np.arange(n + 1, dtype=np.float64)
    weights = stats.binom.pmf(x, n, counts[0] / counts.sum())
    psi = _psi(np.stack([x, n - x], axis=1), counts, n, counts.sum())
    return _upper_quantile(psi, weights, alpha)


def _fixed_threshold(ref: tuple[int, ...], n: int, alpha: float) -> float:
    if len(ref) == 2:
        return _exact_binary_threshold(ref, n, alpha)
    return _simulated_threshold(ref, n, alpha)


def psi_null_threshold(reference_counts: Sequence[int], n: int, alpha: float) -> float:
    """The PSI that ``n`` answers drawn like the reference exceed with probability alpha.

    Parameters
    ----------
    reference_counts : sequence of int
        The reference's count per bin (bins counted 0 are left out: a value never seen
        cannot appear by chance).
    n : int
        Answers in the wave.
    alpha : float
        The chance of exceeding it under no change.

    Returns
    -------
    float
        ``(1/n + 1/m) * chi2.ppf(1 - alpha, k - 1)`` once that is clearly below
        :data:`PSI_FLOOR` (large waves); below, the exact quantile: enumerated over two
        bins, else simulated with a fixed seed at sizes on a grid and interpolated. A
        reference less than :data:`_FIXED_REFERENCE` times the wave's size counts as a
        sample too: the quantile is taken at the size ``1 / (1/n + 1/m)`` against a
        fixed reference and scaled back. :data:`PSI_FLOOR` is not applied here.

    Examples
    --------
    >>> round(psi_null_threshold([9000, 1000], 100, 0.001), 3)
    0.141
    >>> round((1 / 100 + 1 / 10000) * float(stats.chi2.ppf(0.999, 1)), 3)  # approximation
    0.109
    >>> round(psi_null_threshold([900, 100], 5000, 0.001), 4)  # large: the approximation
    0.013
    """
    ref = tuple(int(c) for c in reference_counts if c > 0)
    m = int(sum(ref))
    if n <= 0 or m <= 0:
        return math.nan
    if len(ref) < 2:
        return 0.0
    chi = _chi2_threshold(len(ref), n, m, alpha)
    if 1.6 * chi < PSI_FLOOR:
        return float(chi)
    # A reference that is itself a small sample: the wave's size that gives the same
    # variance against a fixed reference, 1 / (1/n + 1/m).
    size = n if m >= _FIXED_REFERENCE * n else max(1, round(1 / (1 / n + 1 / m)))
    if len(ref) == 2 or size <= _GRID[0] or size in _GRID or size > _GRID[-1]:
        quantile = _fixed_threshold(ref, size, alpha)
    else:
        # Interpolate the null quantile, in units of 1/size, between sizes on the grid.
        upper = next(g for g in _GRID if g > size)
        lower = max(g for g in _GRID if g < size)
        scaled = [_fixed_threshold(ref, g, alpha) * g for g in (lower, upper)]
        share = (math.log(size) - math.log(lower)) / (math.log(upper) - math.log(lower))
        quantile = (scaled[0] + share * (scaled[1] - scaled[0])) / size
    # Back to the wave's size (the same when the reference is large).
    return float(quantile * size * (1 / n + 1 / m)) if size != n else float(quantile)


# --------------------------------------------------------------------------------------
# Calibration statistics
# --------------------------------------------------------------------------------------


def _fit_intercept(y: np.ndarray, offset: np.ndarray) -> tuple[float, float]:
    """MLE of ``a`` in ``logit P(y) = a + offset`` and the log-likelihood there.

    With one class only, ``a`` is infinite and the log-likelihood its supremum, 0.
    """
    events = y.sum()
    if events == 0:
        return -math.inf, 0.0
    if events == len(y):
        return math.inf, 0.0
    a, _, _ = fit_logistic(y, offset, None, slope=False)
    return a, log_likelihood(y, a + offset)


def _fit_line(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float] | None:
    """MLE of ``(c, b)`` in ``logit P(y) = c + b x`` and its log-likelihood; None when it
    has no finite maximum (one class, or classes separated)."""
    events = y.sum()
    if events == 0 or events == len(y) or np.ptp(x) == 0:
        return None
    c, b, _ = fit_logistic(y, x, None, slope=True)
    if not np.isfinite([c, b]).all() or abs(b) > 1e3:
        return None
    return c, b, log_likelihood(y, c + b * x)


def _profile_bounds(deviance: Callable[[float], float], estimate: float, scale: float,
                    ) -> tuple[float, float]:
    """Where the deviance from the estimate reaches the 95 % chi-square(1) critical value,
    on each side (infinite when it never does)."""
    bounds = []
    for sign in (-1.0, 1.0):
        step = scale if np.isfinite(scale) and scale > 0 else 1.0
        inner, outer = estimate, estimate + sign * step
        found = False
        for _ in range(40):
            if deviance(outer) >= _CHI95:
                found = True
                break
            inner, step = outer, step * 2
            outer = estimate + sign * step
        if not found:
            bounds.append(sign * math.inf)
            continue
        bounds.append(optimize.brentq(lambda t: deviance(t) - _CHI95, min(inner, outer),
                                      max(inner, outer), xtol=1e-10, rtol=1e-12))
    return bounds[0], bounds[1]


def _citl(y: np.ndarray, lp: np.ndarray) -> dict[str, float]:
    a, best = _fit_intercept(y, lp)

    def deviance(t: float) -> float:
        return 2 * (best - log_likelihood(y, t + lp))

    p_value = float(stats.chi2.sf(max(deviance(0.0), 0.0), 1))
    if np.isfinite(a):
        p = expit(a + lp)
        low, high = _profile_bounds(deviance, a, 1 / math.sqrt(np.sum(p * (1 - p))))
        return {"citl": a, "citl_low": low, "citl_high": high, "citl_p": p_value}
    # One class: only the side towards the data is bounded.
    bound = optimize.brentq(lambda t: deviance(t) - _CHI95, -200.0, 200.0, xtol=1e-10)
    low, high = (-math.inf, bound) if a < 0 else (bound, math.inf)
    return {"citl": math.nan, "citl_low": low, "citl_high": high, "citl_p": p_value}


def _slope(y: np.ndarray, lp: np.ndarray) -> dict[str, float]:
    fit = _fit_line(y, lp)
    if fit is None:
        return {"slope": math.nan, "slope_low": math.nan, "slope_high": math.nan,
                "slope_p": math.nan}
    _, b, best = fit

    def deviance(t: float) -> float:
        return 2 * (best - _fit_intercept(y, t * lp)[1])

    p = expit(fit[0] + b * lp)
    weights = p * (1 - p)
    centred = lp - np.sum(weights * lp) / np.sum(weights)
    scale = 1 / math.sqrt(max(float(np.sum(weights * centred ** 2)), 1e-300))
    low, high = _profile_bounds(deviance, b, scale)
    return {"slope": b, "slope_low": low, "slope_high": high,
            "slope_p": float(stats.chi2.sf(max(deviance(1.0), 0.0), 1))}


def _auc(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """ROC AUC and its DeLong variance (NaN without both classes, or one of each)."""
    positive, negative = p[y == 1], p[y == 0]
    n1, n0 = len(positive), len(negative)
    if n1 == 0 or n0 == 0:
        return math.nan, math.nan
    ranks = stats.rankdata(np.r_[positive, negative])
    v10 = (ranks[:n1] - stats.rankdata(positive)) / n0   # per positive: share of negatives below
    v01 = 1 - (ranks[n1:] - stats.rankdata(negative)) / n1
    auc = float(v10.mean())
    if n1 < 2 or n0 < 2:
        return auc, math.nan
    return auc, float(v10.var(ddof=1) / n1 + v01.var(ddof=1) / n0)


def _hanley_mcneil(auc: float, n1: float, n0: float) -> float:
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)
    return (auc * (1 - auc) + (n1 - 1) * (q1 - auc ** 2) + (n0 - 1) * (q2 - auc ** 2)) / (
        n1 * n0)


def _reference_auc(model: RehireModel, target: str) -> tuple[float, float]:
    """The model's own held-out AUC of ``target`` and its variance (NaN when unknown)."""
    result = model.metrics.get(target, {})
    test = result.get("test", {})
    auc = float(test.get("roc_auc", math.nan))
    if not np.isfinite(auc):
        return math.nan, math.nan
    if "interval" in result and "roc_auc" in result["interval"]:
        low, high = result["interval"]["roc_auc"]
        return auc, ((high - low) / (2 * _Z95)) ** 2
    n, rate = test.get("n"), test.get("positive_rate")
    if not n or rate is None or not 0 < rate < 1:
        return auc, 0.0
    return auc, _hanley_mcneil(auc, n * rate, n * (1 - rate))


def _calibration_row(y: np.ndarray, p: np.ndarray, reference: tuple[float, float],
                     ) -> dict[str, float]:
    n = len(y)
    lp = logit(np.clip(p, 1e-15, 1 - 1e-15))
    row: dict[str, float] = {"n": n, "events": int(y.sum()),
                             "mean_predicted": float(p.mean()),
                             "observed_rate": float(y.mean())}
    row.update(_citl(y, lp))
    row.update(_slope(y, lp))
    squared = (p - y) ** 2
    brier = float(squared.mean())
    half = _Z95 * float(squared.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
    row.update(brier=brier, brier_low=max(0.0, brier - half), brier_high=min(1.0, brier + half))
    auc, variance = _auc(y, p)
    row["auc"] = auc
    row["auc_low"] = row["auc_high"] = row["auc_p"] = math.nan
    if np.isfinite(variance) and 0 < auc < 1:
        spread = math.sqrt(variance) / (auc * (1 - auc))  # delta method, logit scale
        row["auc_low"], row["auc_high"] = (float(expit(logit(auc) + s * _Z95 * spread))
                                           for s in (-1, 1))
        ref_auc, ref_variance = reference
        if np.isfinite(ref_auc) and 0 < ref_auc < 1:
            ref_spread = math.sqrt(ref_variance) / (ref_auc * (1 - ref_auc))
            z = (logit(auc) - logit(ref_auc)) / math.hypot(spread, ref_spread)
            row["auc_p"] = float(stats.norm.cdf(z))
    row["auc_reference"] = reference[0]
    return row


# --------------------------------------------------------------------------------------
# Reading waves
# --------------------------------------------------------------------------------------


@dataclass
class _Wave:
    name: str
    n_read: int
    records: pd.DataFrame                    # valid records, index = positions in the wave
    problems: pd.DataFrame                   # rejects (PROBLEM_COLUMNS + problem_ja, index)
    labels: dict[str, np.ndarray]            # per target: 1/0/NaN per valid record
    probabilities: dict[str, np.ndarray]
    rejected_values: dict[str, Counter]      # per field: unreadable values given


def _problems_frame(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    rows = list(rows)
    columns = (*PROBLEM_COLUMNS, "problem_ja")
    frame = pd.DataFrame(rows, columns=list(columns)) if rows else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in columns})
    frame["row"] = frame["row"].astype("Int64")
    return frame


def _validated(model: RehireModel, frame: pd.DataFrame, fields: Sequence[Field] | None = None,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Valid records and the problems (in both languages) of ``frame``."""
    options = dict(model.config.validation_options)
    if fields is not None:
        options["fields"] = tuple(fields)
    valid, problems = validate_records(frame, errors="report", **options)
    problems = problems.assign(problem_ja=problems["problem"])
    if len(problems):
        bad = np.unique(problems["row"].to_numpy(dtype=np.int64))
        _, japanese = validate_records(frame.iloc[bad], errors="report", lang="ja", **options)
        if len(japanese) == len(problems):
            problems["problem_ja"] = japanese["problem"].to_numpy()
        else:  # pragma: no cover - the same rows give the same problems
            problems["problem_ja"] = problems["problem"]
    return valid, problems


def _shown(value: Any) -> Message:
    """A value as its writer gave it, quoted as the schema's problems quote it."""
    value = _plain(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return message("problem.value.blank")
    if isinstance(value, str):
        return message("problem.value.text" if value.strip() else "problem.value.empty",
                       text=value)
    if isinstance(value, bool):
        return message("problem.value.true" if value else "problem.value.false")
    return message("problem.value.plain", text=str(value))


def _outcome_values(spec: TargetSpec, frame: pd.DataFrame, rows: np.ndarray,
                    ids: pd.Series | None, outcomes: pd.DataFrame | None) -> pd.Series:
    """The outcome of ``spec`` for the wave rows ``rows``: the wave's, overridden by the
    later outcomes table where it has an answer."""
    index = pd.RangeIndex(len(rows))
    if spec.column in frame.columns:
        values = pd.Series(frame[spec.column].to_numpy(dtype=object)[rows], index=index,
                           dtype=object)
    else:
        values = pd.Series([None] * len(rows), index=index, dtype=object)
    if outcomes is not None and ids is not None and spec.column in outcomes.columns:
        later = outcomes[spec.column].reindex(ids.to_numpy(dtype=object))
        given = later.notna().to_numpy()
        values[given] = later.to_numpy(dtype=object)[given]
    return values


def _outcome_labels(specs: Sequence[TargetSpec], values: Mapping[str, pd.Series]
                    ) -> tuple[dict[str, np.ndarray], list[tuple[int, str, Any, Message]]]:
    """Per target, labels 1/0/NaN of the outcome values; and the problems
    ``(position, column, value, message)`` of values that are given but unusable.

    An outcome column of the schema (``rehire_intent``, ``alumni_engagement``) is read by
    its rules (``"4：ややそう思う"`` reads as 4; 7 is out of range); another column by the
    target's rule (:meth:`rehire_model.config.TargetSpec.labels`).
    """
    labels: dict[str, np.ndarray] = {}
    problems: list[tuple[int, str, Any, Message]] = []
    schema_specs = []
    for spec in specs:
        target_field = FIELDS_BY_NAME.get(spec.column)
        if target_field is None or target_field.role != "target":
            continue
        given = values[spec.name]
        numbers = pd.to_numeric(given, errors="coerce").to_numpy(np.float64, na_value=np.nan)
        blank = given.isna().to_numpy()
        known = ~np.isnan(numbers)
        if (known == ~blank).all() and _in_range(numbers[known], target_field):
            # Numbers within the field's range (the usual case): no need to read each one.
            labels[spec.name] = spec.labels(pd.Series(numbers))
        elif not blank.all():
            schema_specs.append(spec)
    if schema_specs:
        fields = tuple(FIELDS_BY_NAME[s.column] for s in schema_specs)
        frame = pd.DataFrame({s.column: values[s.name] for s in schema_specs})
        canonical, found = validate_records(frame, fields=fields, errors="report")
        if len(found):
            rows = np.unique(found["row"].to_numpy(dtype=np.int64))
            _, found_ja = validate_records(frame.iloc[rows], fields=fields, errors="report",
                                           lang="ja")
            for (row, column, value, en), ja in zip(
                    found[["row", "column", "value", "problem"]].itertuples(index=False),
                    found_ja["problem"], strict=True):
                problems.append((int(row), column, value, _Written("", en=en, ja=ja)))
        for spec in schema_specs:
            labels[spec.name] = np.full(len(frame), np.nan)
            if len(canonical):
                labels[spec.name][canonical.index.to_numpy()] = spec.labels(
                    canonical[spec.column])
    for spec in specs:
        if spec.name in labels:
            continue
        given = values[spec.name]
        try:
            labels[spec.name] = spec.labels(given)
            continue
        except SchemaError as error:
            bad = [] if error.problems is None else sorted(
                set(error.problems["row"].dropna().astype(int).tolist()))
        for row in bad:
            problems.append((row, spec.column, given.iloc[row], message(
                "monitor.problem.outcome", column=spec.column, value=_shown(given.iloc[row]),
                rule=str(spec.positive).strip())))
        kept = given.copy()
        kept.iloc[bad] = None
        labels[spec.name] = spec.labels(kept)
    return labels, problems


def _in_range(numbers: np.ndarray, f: Field) -> bool:
    whole = f.kind in ("ordinal", "int")
    return bool(np.all((numbers >= f.low) & (numbers <= f.high))
                and (not whole or np.all(numbers == np.round(numbers))))


@dataclass(frozen=True)
class _Written(Message):
    """A text already written in English and Japanese."""

    en: str = ""
    ja: str = ""

    def render(self, lang: str) -> str:
        return self.ja if check_lang(lang) == "ja" else self.en


def _unreadable(f: Field, value: Any) -> bool:
    """Whether ``value`` (given, not blank) is not one the field can read."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, str) and not value.strip():
        return False
    try:
        read_value(f, value)
    except (SchemaError, ValueError, TypeError):
        return True
    return False


def _read_wave(model: RehireModel, name: str, records: Any,
               outcomes: pd.DataFrame | None, notes: list[Message]) -> _Wave:
    frame = as_records_frame(records)
    labels_of = frame.index
    frame = frame.reset_index(drop=True)
    try:
        valid, problems = _validated(model, frame)
    except SchemaError as error:
        raise SchemaError(message("monitor.error.wave", wave=name, problem=error.args[0]),
                          problems=error.problems) from error
    ids = valid["leaver_id"] if "leaver_id" in valid.columns else None
    if outcomes is not None and ids is None:
        notes.append(message("monitor.note.no_ids", wave=name))
    rows = valid.index.to_numpy()
    specs = model.config.targets
    labels, found = _outcome_labels(specs, {
        s.name: _outcome_values(s, frame, rows, ids, outcomes) for s in specs})
    extra: list[list[Any]] = []
    drop = np.zeros(len(rows), dtype=bool)
    for position, column, value, problem in found:
        drop[position] = True
        leaver_id = None if ids is None else ids.iloc[position]
        extra.append([int(rows[position]), leaver_id, column, value,
                      problem.render("en"), problem.render("ja")])
    if extra:
        problems = pd.concat([problems, _problems_frame(extra)], ignore_index=True)
        problems = problems.sort_values("row", kind="stable", ignore_index=True)
        valid = valid.iloc[~drop]
        labels = {t: v[~drop] for t, v in labels.items()}
    rejected_values: dict[str, Counter] = {}
    fields = {f.name: f for f in model.record_fields}
    for column, value in problems[["column", "value"]].itertuples(index=False):
        f = fields.get(column)
        if f is not None and f.kind in _DISCRETE_KINDS and _unreadable(f, value):
            shown = str(_plain(value)).strip()
            rejected_values.setdefault(column, Counter())[shown] += 1
    problems.insert(1, "index", [labels_of[r] if pd.notna(r) else None
                                 for r in problems["row"].tolist()])
    probabilities = (model.scoring.valid(valid).probabilities() if len(valid)
                     else {t: np.empty(0) for t in model.targets})
    n_read = len(frame)
    logger.debug("wave %s: %d read, %d scored, %d rejected", name, n_read, len(valid),
                 problems["row"].nunique())
    return _Wave(name, n_read, valid, problems, labels, dict(probabilities), rejected_values)


def _outcome_table(model: RehireModel, outcomes: pd.DataFrame | None) -> pd.DataFrame | None:
    """The later outcomes by canonical leaver_id (one row per leaver)."""
    if outcomes is None:
        return None
    outcomes = as_records_frame(outcomes)
    if "leaver_id" not in outcomes.columns:
        raise SchemaError(message("monitor.error.outcome_ids",
                                   columns=", ".join(map(str, outcomes.columns))))
    ids = validate_records(outcomes[["leaver_id"]], fields=(FIELDS_BY_NAME["leaver_id"],))
    columns = [s.column for s in model.config.targets if s.column in outcomes.columns]
    table = outcomes[columns].set_axis(ids["leaver_id"].to_numpy(dtype=object), axis=0)
    table = table[table.index.notna()]
    counts = table.index.value_counts()
    if (counts > 1).any():
        duplicated = counts[counts > 1]
        raise SchemaError(message("monitor.error.outcome_duplicate",
                                   leaver_id=_shown(duplicated.index[0]),
                                   count=int(duplicated.iloc[0])))
    return table


# --------------------------------------------------------------------------------------
# Drift
# --------------------------------------------------------------------------------------


def _wave_counts(records: pd.DataFrame, f: Field, spec: Mapping[str, Any]
                 ) -> tuple[np.ndarray, np.ndarray, list[str], int, int, int, int]:
    """Per bin: the wave's and the reference's counts; the wave's values the reference
    never had (with their rows); answers, blanks and rows expecting an answer."""
    values, answered, expected = _answers(records, f)
    given = values[answered]
    ref_counts = np.asarray(spec["counts"], dtype=np.int64)
    new: list[str] = []
    new_rows = 0
    if "values" in spec:
        keys = [_value_key(v) for v in spec["values"]]
        counts = Counter(_value_key(v) for v in given.tolist())
        unseen = [k for k in counts if k not in set(keys)]
        keys += unseen
        ref_counts = np.r_[ref_counts, np.zeros(len(unseen), dtype=np.int64)]
        wave_counts = np.array([counts.get(k, 0) for k in keys], dtype=np.int64)
        for key, r, w in zip(keys, ref_counts, wave_counts, strict=True):
            if r == 0 and w > 0:
                new.append(_code(key[1]))
                new_rows += int(w)
    else:
        wave_counts = _bin_counts(given.to_numpy(dtype=np.float64),
                                  np.asarray(spec["edges"], dtype=np.float64))
    return (wave_counts, ref_counts, new, new_rows, int(answered.sum()),
            int((expected & ~answered).sum()), int(expected.sum()))


def _code(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _log_choose(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _blank_p(blank: np.ndarray, n: np.ndarray, ref_blank: np.ndarray, m: np.ndarray
             ) -> np.ndarray:
    """Two-sided p-values of Fisher's exact test (the smaller tail doubled) of blank rates
    (NaN where a side has no answer expected)."""
    out = np.full(len(blank), np.nan)
    for i, (b, size, rb, ref) in enumerate(zip(blank, n, ref_blank, m, strict=True)):
        if size <= 0 or ref <= 0:
            continue
        total, blanks = size + ref, b + rb
        k = np.arange(max(0, size - (total - blanks)), min(size, blanks) + 1, dtype=np.float64)
        log_pmf = (_log_choose(blanks, k) + _log_choose(total - blanks, size - k)
                   - _log_choose(total, size))
        pmf = np.exp(log_pmf - log_pmf.max())
        pmf /= pmf.sum()
        lower, upper = pmf[k <= b].sum(), pmf[k >= b].sum()
        out[i] = min(1.0, 2 * min(lower, upper))
    return out


def _drift_rows(wave: _Wave, fields: Sequence[Field], profile: Mapping[str, Any],
                ) -> list[dict[str, Any]]:
    measured = [f for f in fields if f.name in profile["fields"]]
    if not measured:
        return []
    alpha_psi = ALPHA_DRIFT / len(measured)
    alpha_blank = ALPHA_BLANK / len(measured)
    rows = []
    for f in measured:
        spec = profile["fields"][f.name]
        wave_counts, ref_counts, new, new_rows, n, blank, n_expected = _wave_counts(
            wave.records, f, spec)
        m = int(ref_counts.sum())
        if n and m:
            psi = float(_psi(wave_counts, ref_counts, n, m))
            threshold = max(PSI_FLOOR, psi_null_threshold(ref_counts.tolist(), n, alpha_psi))
        else:
            psi = threshold = math.nan
        rejected = wave.rejected_values.get(f.name, Counter())
        new += [v for v in sorted(rejected) if v not in new]
        new_rows += sum(rejected.values())
        ref_n, ref_blank = int(spec["n"]), int(spec["blank"])
        rows.append({
            "wave": wave.name, "field": f.name, "n": n, "n_reference": m,
            "bins": int((ref_counts > 0).sum()),
            "psi": psi, "psi_threshold": threshold,
            "alarm": bool(np.isfinite(psi) and psi > threshold),
            "new_values": ";".join(new), "new_value_rows": new_rows,
            "blank_rate": blank / n_expected if n_expected else math.nan,
            "blank_rate_reference": ref_blank / ref_n if ref_n else math.nan,
            "_blank": (blank, n_expected, ref_blank, ref_n),
        })
    p_values = _blank_p(*np.array([row.pop("_blank") for row in rows]).T)
    for row, p_value in zip(rows, p_values, strict=True):
        change = abs(row["blank_rate"] - row["blank_rate_reference"])
        row["blank_p"] = float(p_value)
        row["blank_alarm"] = bool(np.isfinite(p_value) and p_value < alpha_blank
                                  and change >= BLANK_FLOOR)
    return rows


_DRIFT_COLUMNS = ("wave", "field", "n", "n_reference", "bins", "psi", "psi_threshold",
                  "alarm", "new_values", "new_value_rows", "blank_rate",
                  "blank_rate_reference", "blank_p", "blank_alarm")
_CALIBRATION_COLUMNS = (
    "wave", "target", "n", "events", "mean_predicted", "observed_rate",
    "citl", "citl_low", "citl_high", "slope", "slope_low", "slope_high",
    "brier", "brier_low", "brier_high", "auc", "auc_low", "auc_high",
    "citl_p", "slope_p", "auc_p", "auc_reference")
_VERDICT_COLUMNS = ("wave", "target", "verdict", "reasons", "reason_keys")
_WAVE_COLUMNS = ("wave", "n_read", "n_scored", "n_rejected")
_REJECT_COLUMNS = ("wave", "row", "index", "leaver_id", "column", "value", "problem")


# --------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------


def _input_reasons(drift: pd.DataFrame) -> tuple[bool, list[Message]]:
    """Whether the inputs call for retraining, and the reasons about them.

    Retraining: PSI alarms in :data:`WIDESPREAD_FIELDS` fields or more, or
    :data:`NEW_VALUE_MIN_ROWS` rows or more with a value the model never learned. Blank
    rates that changed call for a look at the data collection, not for a new model.
    """
    if drift.empty:
        return False, []
    reasons: list[Message] = []
    drifted = drift[drift["alarm"]]
    widespread = len(drifted) >= WIDESPREAD_FIELDS
    if widespread:
        reasons.append(message("monitor.reason.drift_widespread", count=len(drifted),
                                fields=_labels_list(drifted["field"].tolist())))
    else:
        for row in drifted.itertuples(index=False):
            reasons.append(message("monitor.reason.drift_field", field=_field_label(row.field),
                                    psi=_number(row.psi), threshold=_number(row.psi_threshold)))
    new = drift[drift["new_value_rows"] >= NEW_VALUE_MIN_ROWS]
    for row in new.itertuples(index=False):
        reasons.append(message("monitor.reason.new_values", field=_field_label(row.field),
                                values=row.new_values.replace(";", ", "),
                                rows=int(row.new_value_rows)))
    blank = drift[drift["blank_alarm"]]
    if len(blank) >= WIDESPREAD_FIELDS:
        reasons.append(message("monitor.reason.blank_many", count=len(blank),
                                fields=_labels_list(blank["field"].tolist())))
    else:
        for row in blank.itertuples(index=False):
            reasons.append(message("monitor.reason.blank", field=_field_label(row.field),
                                    rate=_percent(row.blank_rate),
                                    reference=_percent(row.blank_rate_reference)))
    return widespread or not new.empty, reasons


def _outcome_reasons(row: Mapping[str, Any], level: float) -> tuple[str, list[Message]]:
    """The verdict the outcomes of one target give, and why."""
    shares = {"predicted": _percent(row["mean_predicted"]),
              "observed": _percent(row["observed_rate"]), "n": f"{int(row['n']):,}"}
    reasons: list[Message] = []
    weaker = np.isfinite(row["auc_p"]) and row["auc_p"] < level
    if weaker:
        reasons.append(message("monitor.reason.auc", auc=_number(row["auc"]),
                                low=_number(row["auc_low"]), high=_number(row["auc_high"]),
                                reference=_number(row["auc_reference"])))
    off = False
    if np.isfinite(row["citl_p"]) and row["citl_p"] < level:
        off = True
        over = row["observed_rate"] < row["mean_predicted"]
        citl = row["citl"] if np.isfinite(row["citl"]) else (-math.inf if over else math.inf)
        reasons.append(message(
            "monitor.reason.citl_over" if over else "monitor.reason.citl_under",
            citl=_number(citl, signed=True),
            low=_number(row["citl_low"], signed=True),
            high=_number(row["citl_high"], signed=True), **shares))
    if np.isfinite(row["slope_p"]) and row["slope_p"] < level:
        off = True
        reasons.append(message(
            "monitor.reason.slope_extreme" if row["slope"] < 1 else "monitor.reason.slope_modest",
            slope=_number(row["slope"]), low=_number(row["slope_low"]),
            high=_number(row["slope_high"])))
    if weaker:
        return "retrain", reasons
    if off:
        return "recalibrate", reasons
    return "fine", [message("monitor.reason.calibrated", **shares)]


def _verdicts(model: RehireModel, waves: Sequence[_Wave], calibration: pd.DataFrame,
              drift: pd.DataFrame) -> tuple[pd.DataFrame, dict[tuple[str, str], tuple]]:
    rows, messages = [], {}
    drift_of = dict(tuple(drift.groupby("wave", sort=False)))
    calibration_of = dict(tuple(calibration.groupby("wave", sort=False)))
    for wave in waves:
        inputs_retrain, input_reasons = _input_reasons(drift_of.get(wave.name, drift.iloc[:0]))
        outcomes = calibration_of.get(wave.name, calibration.iloc[:0])
        tests = int(outcomes[["citl_p", "slope_p", "auc_p"]].notna().to_numpy().sum())
        level = ALPHA_OUTCOMES / max(tests, 1)
        n_rejected = int(wave.problems["row"].nunique())
        for target in model.targets:
            found = outcomes[outcomes["target"] == target]
            if len(found):
                verdict, reasons = _outcome_reasons(found.iloc[0].to_dict(), level)
            else:
                verdict, reasons = "fine", [message("monitor.reason.no_outcomes")]
            if inputs_retrain:
                verdict = "retrain"
            reasons = reasons + input_reasons
            if not input_reasons and not len(found):
                reasons.append(message("monitor.reason.inputs_steady"))
            if n_rejected:
                reasons.append(message("monitor.reason.rejected", rejected=f"{n_rejected:,}",
                                        read=f"{wave.n_read:,}"))
            messages[(wave.name, target)] = tuple(reasons)
            rows.append({"wave": wave.name, "target": target, "verdict": verdict,
                         "reasons": _Joined("", parts=tuple(reasons)).render("en"),
                         "reason_keys": ";".join(r.key for r in reasons)})
    return _frame(rows, _VERDICT_COLUMNS), messages


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Monitoring:
    """What :func:`monitor` found, wave by wave.

    Attributes
    ----------
    calibration : pandas.DataFrame
        Per wave and target with answered outcomes: ``wave``, ``target``, ``n`` and
        ``events`` (leavers with an answered outcome, and positives), ``mean_predicted``,
        ``observed_rate``, ``citl``, ``slope``, ``brier``, ``auc`` each with ``_low`` and
        ``_high`` (95 %), ``citl_p``, ``slope_p``, ``auc_p`` (likelihood-ratio p-values
        against 0 and 1; one-sided DeLong p-value against the model's own AUC) and
        ``auc_reference`` (that AUC). NaN where undefined (one class); with no event
        (or only events) ``citl`` is NaN and only the interval's side towards the data
        is finite.
    drift : pandas.DataFrame
        Per wave and field: ``n`` answers (``n_reference`` in the reference, over
        ``bins`` bins it has), ``psi``, ``psi_threshold``, ``alarm``, ``new_values``
        (``;``-joined), ``new_value_rows``, ``blank_rate``, ``blank_rate_reference``,
        ``blank_p``, ``blank_alarm``.
    rejects : pandas.DataFrame
        Per problem: ``wave``, ``row`` (position in the wave), ``index`` (the row's
        label in the records given), ``leaver_id``, ``column``, ``value``, ``problem``.
    verdict : pandas.DataFrame
        Per wave and target: ``verdict`` (one of :data:`VERDICTS`), ``reasons`` (English,
        ``; ``-joined) and ``reason_keys`` (their text keys, ``;``-joined).
    waves : pandas.DataFrame
        Per wave: ``n_read``, ``n_scored``, ``n_rejected`` (read = scored + rejected).
    notes : tuple of Message
        What the reader should know about the comparison (such as no reference profile).
    reference : str
        Where the drift reference came from: ``"model"``, ``"given"`` or ``"first_wave"``.
    """

    calibration: pd.DataFrame
    drift: pd.DataFrame
    rejects: pd.DataFrame
    verdict: pd.DataFrame
    waves: pd.DataFrame
    notes: tuple[Message, ...] = ()
    reference: str = "model"
    reason_messages: Mapping[tuple[str, str], tuple[Message, ...]] = field(
        default_factory=dict, repr=False)
    problems_ja: tuple[str, ...] = field(default=(), repr=False)

    def reasons(self, wave: str, target: str, lang: str = "en") -> list[str]:
        """The reasons of one verdict, each a sentence in ``lang``."""
        return [r.render(lang) for r in self.reason_messages[(wave, target)]]

    def frames(self, lang: str = "en", *, codes: bool = True) -> dict[str, pd.DataFrame]:
        """The tables to write: ``verdict``, ``calibration``, ``drift``, ``rejects``,
        ``waves``; with ``lang="ja"`` the reasons and problems in Japanese, and unless
        ``codes`` the verdicts, outcomes and fields as people read them. With
        ``lang="ja"`` and ``codes=False`` every word is Japanese: the headers too, yes/no,
        and the reason keys are left out."""
        tables = self._tables(lang, codes)
        if codes or lang != "ja":
            return tables
        return {part: _in_words(table, lang, part) for part, table in tables.items()}

    def _tables(self, lang: str, codes: bool) -> dict[str, pd.DataFrame]:
        """The tables with their identifier headers, values as :meth:`frames` says."""
        check_lang(lang)
        verdict = self.verdict.copy()
        verdict["reasons"] = [
            _Joined("", parts=self.reason_messages[(w, t)]).render(lang)
            for w, t in zip(verdict["wave"], verdict["target"], strict=True)]
        rejects = self.rejects.copy()
        if lang == "ja" and len(self.problems_ja) == len(rejects):
            rejects["problem"] = list(self.problems_ja)
        calibration, drift = self.calibration.copy(), self.drift.copy()
        if not codes:
            verdict["verdict"] = [message(f"monitor.verdict.{v}").render(lang)
                                  for v in verdict["verdict"]]
            for table in (verdict, calibration):
                table["target"] = [_outcome_label(t).render(lang) for t in table["target"]]
            drift["field"] = [_field_label(f).render(lang) for f in drift["field"]]
            rejects["column"] = [_field_label(c).render(lang) if isinstance(c, str) else c
                                 for c in rejects["column"]]
        return {"verdict": verdict, "calibration": calibration, "drift": drift,
                "rejects": rejects, "waves": self.waves.copy()}

    def summary(self, lang: str = "en") -> str:
        """A few lines per wave: counts, then each target's verdict and reasons."""
        lines = [note.render(lang) for note in self.notes]
        for row in self.waves.itertuples(index=False):
            lines.append(message("monitor.summary.wave", wave=row.wave, read=f"{row.n_read:,}",
                                  scored=f"{row.n_scored:,}",
                                  rejected=f"{row.n_rejected:,}").render(lang))
            for v in self.verdict[self.verdict["wave"] == row.wave].itertuples(index=False):
                lines.append(message(
                    "monitor.summary.verdict", outcome=_outcome_label(v.target),
                    verdict=message(f"monitor.verdict.{v.verdict}"),
                    reasons=_Joined("", parts=self.reason_messages[(v.wave, v.target)]),
                ).render(lang))
        return "\n".join(lines)

    @staticmethod
    def files(path: str | Path) -> dict[str, Path]:
        """Where :meth:`write` writes each part for a ``.csv`` path (an ``.xlsx`` is one
        file).

        Examples
        --------
        >>> [p.name for p in Monitoring.files("out/monitor.csv").values()]
        ['monitor.csv', 'monitor.drift.csv', 'monitor.rejects.csv']
        """
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            return {"workbook": path}
        return {"verdict": path, "drift": path.with_name(f"{path.stem}.drift{path.suffix}"),
                "rejects": path.with_name(f"{path.stem}.rejects{path.suffix}")}

    def write(self, path: str | Path, lang: str = "en", codes: bool = False,
              raw_text: bool = False) -> list[Path]:
        """Write the result for people to read.

        ``.xlsx``: one workbook with the sheets ``verdict``, ``calibration``, ``drift``,
        ``rejects`` and ``waves``. ``.csv``: ``path`` holds one row per wave and target,
        the verdict beside the wave's counts and the calibration numbers; the drift and
        the rejects go beside it (:meth:`files`). CSV is UTF-8, with a byte-order mark
        under ``lang="ja"`` (for Excel). Under ``lang="ja"`` without ``codes`` every
        word is Japanese, headers and sheet names too (:meth:`frames`).

        No text runs as a formula in a spreadsheet: workbook cells hold text as text,
        and CSV text that a spreadsheet would run (``=HYPERLINK(...)``) gets a leading
        apostrophe unless ``raw_text`` (see :func:`rehire_model.tables.write_table`).

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        tables = {name: _finite(table) for name, table in self._tables(lang, codes).items()}
        in_words = lang == "ja" and not codes
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            book = XlsxBook()
            try:
                for name, table in tables.items():
                    sheet = text(_SHEET_KEYS[name], lang) if in_words else name
                    book.sheet(sheet).write(_in_words(table, lang, name) if in_words
                                            else table)
                book.save(path)
            except BaseException:
                book.discard()
                raise
            return [path]
        if path.suffix.lower() != ".csv":
            raise ValueError(f"monitoring is written as .csv or .xlsx, not {path.name!r}")
        files = self.files(path)
        key_columns = ["wave", "target"]
        main = tables["verdict"].merge(tables["waves"], on="wave", how="left")
        main = main.merge(tables["calibration"], on=key_columns, how="left")
        encoding = "utf-8-sig" if lang == "ja" else "utf-8"
        for part, table in (("verdict", main), ("drift", tables["drift"]),
                            ("rejects", tables["rejects"])):
            if in_words:
                table = _in_words(table, lang, part)
            if not raw_text:
                table = spreadsheet_safe(table)
            table.to_csv(files[part], index=False, encoding=encoding)
        return list(files.values())


def _finite(table: pd.DataFrame) -> pd.DataFrame:
    """Infinite numbers as blanks (spreadsheets have no infinity)."""
    numbers = table.select_dtypes("number").columns
    if len(numbers):
        table = table.copy()
        table[numbers] = table[numbers].replace([np.inf, -np.inf], np.nan)
    return table


#: The headers of the tables as people read them (Japanese), by column; a column
#: ``NAME_low`` or ``NAME_high`` is NAME's 95 % interval bound.
_HEADER_KEYS = {
    "wave": "table.wave", "target": "table.outcome", "verdict": "table.verdict",
    "reasons": "monitor.column.reasons", "n_read": "monitor.column.n_read",
    "n_scored": "monitor.column.n_scored", "n_rejected": "monitor.column.n_rejected",
    "n": "table.outcomes_known", "events": "table.events",
    "mean_predicted": "chart.mean_predicted", "observed_rate": "table.actual",
    "citl": "monitor.column.citl", "slope": "monitor.column.slope",
    "brier": "monitor.column.brier", "auc": "monitor.column.auc",
    "citl_p": "monitor.column.citl_p", "slope_p": "monitor.column.slope_p",
    "auc_p": "monitor.column.auc_p", "auc_reference": "monitor.column.auc_reference",
    "field": "table.field", "n_reference": "monitor.column.n_reference",
    "bins": "monitor.column.bins", "psi": "monitor.column.psi",
    "psi_threshold": "monitor.column.psi_threshold", "alarm": "monitor.column.alarm",
    "new_values": "monitor.column.new_values",
    "new_value_rows": "monitor.column.new_value_rows",
    "blank_rate": "monitor.column.blank_rate",
    "blank_rate_reference": "monitor.column.blank_rate_reference",
    "blank_p": "monitor.column.blank_p", "blank_alarm": "monitor.column.blank_alarm",
    "row": "monitor.column.row", "index": "monitor.column.index", "line": "output.line",
    "leaver_id": "field.leaver_id", "column": "output.column", "value": "output.value",
    "problem": "output.problem",
}
#: Headers that read differently in one part (the drift's ``n`` counts answers).
_PART_HEADER_KEYS = {"drift": {"n": "monitor.column.answers"}}
_BOUND_KEYS = (("_low", "monitor.column.low"), ("_high", "monitor.column.high"))
#: The sheets of a workbook as people read them, by part.
_SHEET_KEYS = {"verdict": "monitor.sheet.verdict", "calibration": "monitor.sheet.calibration",
               "drift": "monitor.sheet.drift", "rejects": "output.rejects_sheet",
               "waves": "monitor.sheet.waves"}


def _header(column: Any, lang: str, keys: Mapping[str, str]) -> Any:
    """A column's header as people read it (the column itself when it has none)."""
    if not isinstance(column, str):
        return column
    if column in keys:
        return text(keys[column], lang)
    for suffix, key in _BOUND_KEYS:
        base = column.removesuffix(suffix)
        if base != column and base in keys:
            return text(key, lang, name=text(keys[base], lang))
    return column


def _in_words(table: pd.DataFrame, lang: str, part: str) -> pd.DataFrame:
    """A table of the result with its headers and yes/no in ``lang``, without the
    reason keys (identifiers for programs)."""
    out = table.drop(columns=["reason_keys"], errors="ignore")
    for name in ("alarm", "blank_alarm"):
        if name in out.columns:
            out[name] = out[name].map({True: text("shown.yes", lang),
                                       False: text("shown.no", lang)})
    keys = {**_HEADER_KEYS, **_PART_HEADER_KEYS.get(part, {})}
    return out.rename(columns={c: _header(c, lang, keys) for c in out.columns})


# --------------------------------------------------------------------------------------
# monitor
# --------------------------------------------------------------------------------------


def _profile_of(model: RehireModel, reference: Any) -> dict[str, Any] | None:
    if reference is None:
        return model.training_data.get("reference")
    if isinstance(reference, pd.DataFrame):
        valid, _ = _validated(model, reference.reset_index(drop=True))
        return reference_profile(valid, model.record_fields)
    if isinstance(reference, Mapping) and isinstance(reference.get("fields"), Mapping):
        return dict(reference)
    raise TypeError("reference must be None, a DataFrame of leaver records or a profile from "
                    f"reference_profile(), not {type(reference).__name__}")


def monitor(model: RehireModel, waves: Mapping[str, Any], *, reference: Any = None,
            outcomes: pd.DataFrame | None = None) -> Monitoring:
    """Calibration, input drift and a verdict per wave of scored leavers.

    Parameters
    ----------
    model : RehireModel
    waves : mapping of str -> records
        Wave name -> leaver records (DataFrame or list of dicts), in time order
        (:func:`split_waves` makes them from one table). The model's outcome columns
        (``spec.column`` of each target), where present, are the observed outcomes.
    reference : None, pandas.DataFrame or dict, optional
        The inputs to compare with: None for the model's own
        (``model.training_data["reference"]``), leaver records, or a profile from
        :func:`reference_profile`. Without one, the first wave is the reference (said
        in ``notes``) and drift is measured from the second wave on.
    outcomes : pandas.DataFrame, optional
        Outcomes that arrived later: ``leaver_id`` and outcome columns, joined to the
        waves by ``leaver_id``; an answer here overrides the wave's.

    Returns
    -------
    Monitoring

    Raises
    ------
    SchemaError
        A wave lacks a column the model needs (naming the wave), or the outcomes have no
        ``leaver_id`` or the same one twice. Bad rows never raise: they go to
        ``rejects`` with their reason.

    Examples
    --------
    >>> import rehire_model as rm
    >>> model = rm.load_model()
    >>> wave = rm.make_leaver_survey(200, random_state=3, missing_rate=0.1)
    >>> wave.loc[:19, "job_level"] = "executive"
    >>> reference = rm.make_leaver_survey(3000, random_state=1, missing_rate=0.1)
    >>> result = monitor(model, {"2025Q3": wave}, reference=reference)
    >>> result.waves.to_dict("records")
    [{'wave': '2025Q3', 'n_read': 200, 'n_scored': 180, 'n_rejected': 20}]
    >>> result.drift.set_index("field").loc["job_level", "new_values"]
    'executive'
    >>> result.verdict["verdict"].tolist()
    ['retrain', 'retrain']
    """
    if not isinstance(waves, Mapping):
        raise TypeError(f"waves must map a wave name to its records, not "
                        f"{type(waves).__name__}")
    if not waves:
        raise ValueError("monitor needs at least one wave of leaver records")
    names = [str(name) for name in waves]
    if len(set(names)) < len(names):
        raise ValueError(f"wave names must differ as text; got {names}")
    notes: list[Message] = []
    table = _outcome_table(model, outcomes)
    read = [_read_wave(model, str(name), records, table, notes)
            for name, records in waves.items()]
    if table is not None:
        seen: set[Any] = set()
        for wave in read:
            if "leaver_id" in wave.records.columns:
                seen.update(wave.records["leaver_id"].dropna().tolist())
        unmatched = int((~table.index.isin(list(seen))).sum())
        if unmatched:
            notes.append(message("monitor.note.unmatched", count=f"{unmatched:,}"))

    profile, source = _profile_of(model, reference), "given" if reference is not None else "model"
    compared = read
    if profile is None:
        source, compared = "first_wave", read[1:]
        profile = reference_profile(read[0].records, model.record_fields)
        notes.append(message("monitor.note.first_wave", wave=read[0].name))
    missing = [f.name for f in model.record_fields
               if f.kind != "id" and f.name not in profile["fields"]]
    if missing:
        notes.append(message("monitor.note.not_profiled", fields=_labels_list(missing)))

    drift = _frame([row for wave in compared
                    for row in _drift_rows(wave, model.record_fields, profile)], _DRIFT_COLUMNS)
    calibration_rows = []
    for wave in read:
        for target in model.targets:
            y = wave.labels[target]
            answered = ~np.isnan(y)
            if not answered.any():
                continue
            row = _calibration_row(y[answered], wave.probabilities[target][answered],
                                   _reference_auc(model, target))
            calibration_rows.append({"wave": wave.name, "target": target, **row})
    calibration = _frame(calibration_rows, _CALIBRATION_COLUMNS)
    verdict, reasons = _verdicts(model, read, calibration, drift)

    problems = [w.problems.assign(wave=w.name) for w in read if len(w.problems)]
    rejects = (pd.concat(problems, ignore_index=True) if problems
               else _problems_frame([]).assign(wave=pd.Series(dtype=object), index=None))
    waves_table = _frame([{"wave": w.name, "n_read": w.n_read, "n_scored": len(w.records),
                           "n_rejected": int(w.problems["row"].nunique())} for w in read],
                         _WAVE_COLUMNS)
    return Monitoring(
        calibration=calibration, drift=drift,
        rejects=rejects[list(_REJECT_COLUMNS)].reset_index(drop=True),
        verdict=verdict, waves=waves_table, notes=tuple(notes), reference=source,
        reason_messages=reasons, problems_ja=tuple(rejects["problem_ja"].tolist()))


# --------------------------------------------------------------------------------------
# split_waves
# --------------------------------------------------------------------------------------


def _date(value: Any) -> pd.Timestamp | None:
    """A date as given (date, datetime, or text such as ``2025-07-31``), else None."""
    if isinstance(value, (pd.Timestamp, datetime.date, np.datetime64)):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and value.strip():
        try:
            stamp = pd.Timestamp(unicodedata.normalize("NFKC", value).strip())
        except (ValueError, TypeError, OverflowError):
            return None
    else:
        return None
    if pd.isna(stamp):
        return None
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def split_waves(records: pd.DataFrame, column: str, period: str = "quarter"
                ) -> dict[str, pd.DataFrame]:
    """One table of leavers split into waves by a date column, in time order.

    Parameters
    ----------
    records : pandas.DataFrame
    column : str
        The date column (dates, or text such as ``2025-07-31`` or ``2025/7/31``).
    period : {"month", "quarter", "year"}, default "quarter"
        Wave names: ``"2025-07"``, ``"2025Q3"``, ``"2025"``.

    Returns
    -------
    dict of str -> pandas.DataFrame
        Wave name -> its rows (index kept), earliest first.

    Raises
    ------
    SchemaError
        The column is missing, or a date is blank or unreadable (naming the value, the
        row and how many rows have no date).

    Examples
    --------
    >>> records = pd.DataFrame({"exit_date": ["2025-08-02", "2025-03-31", "2025/7/1"]})
    >>> {name: wave.index.tolist() for name, wave in split_waves(records, "exit_date").items()}
    {'2025Q1': [1], '2025Q3': [0, 2]}
    >>> list(split_waves(records, "exit_date", "month"))
    ['2025-03', '2025-07', '2025-08']
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    if column not in records.columns:
        raise SchemaError(message("monitor.error.date_column", column=column,
                                   columns=", ".join(map(str, records.columns))))
    dates = [_date(v) for v in records[column].tolist()]
    bad = [i for i, d in enumerate(dates) if d is None]
    if bad:
        first = records[column].iloc[bad[0]]
        ids = (records["leaver_id"].iloc[bad].tolist() if "leaver_id" in records.columns
               else [None] * len(bad))
        problems = pd.DataFrame({"row": pd.array(bad, dtype="Int64"),
                                 "leaver_id": pd.Series(ids, dtype=object), "column": column,
                                 "value": records[column].iloc[bad].to_numpy(dtype=object),
                                 "problem": "no readable date"})
        raise SchemaError(message("monitor.error.date", column=column, value=_shown(first),
                                   row=message("problem.row", row=bad[0]), count=len(bad)),
                          problems=problems)
    periods = pd.PeriodIndex([d.to_period(PERIODS[period]) for d in dates])
    order = np.argsort(periods.asi8, kind="stable") if len(periods) else np.array([], int)
    waves: dict[str, pd.DataFrame] = {}
    for p in pd.unique(periods[order]):
        waves[str(p)] = records.iloc[np.flatnonzero(periods == p)]
    return waves

