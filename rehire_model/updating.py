"""Update a model from a company's own outcomes, or from a base rate it knows.

A model trained on one population keeps much of its ranking in another but rarely its
level (Van Calster et al. 2019, "Calibration: the Achilles heel of predictive
analytics"). With a few hundred labelled leavers a full retraining is noisy; the
clinical updating ladder spends the labels where they pay (Steyerberg 2009; Vergouwe et
al. 2017). Per target, on the model's calibrated log-odds ``L``:

- ``"intercept"``: ``L + a`` (calibration-in-the-large);
- ``"logistic"``: ``a + b L`` (logistic recalibration);
- ``"revise"``: ``a + b L + z . g``, where ``z`` are the standardised model columns of
  a logistic model and the correction ``g`` is penalised toward zero (ridge), its
  strength chosen by cross-validation (a model revision with the original model as
  offset); not for tree models;
- ``"refit"``: the target's classifier trained on the labelled leavers alone, by the
  same procedure as :func:`rehire_model.train`;
- ``"auto"``: first, whether the model needs updating at all (the first step of the
  closed test of Vergouwe et al. 2017, by Akaike's criterion: where shifting the
  intercept gains more likelihood than its price of one parameter); if so, the intercept,
  replaced by a richer method (logistic, revision, retraining, in that order) only
  where that is clearly better out of sample. Every method is measured by the same
  repeated stratified cross-validation, by log loss, and a richer method wins where
  its out-of-fold log loss is lower by a one-sided paired t-test at 5 % over the
  leavers, divided among the richer methods compared (Bonferroni).
  With a hundred leavers a fitted slope is noisy (it often over-corrects), which the
  out-of-fold test sees and the in-sample likelihood-ratio test does not. Every
  method's cross-validated log loss is kept in the lineage.

Without outcomes, ``base_rate`` moves the intercept to a rate the company knows: so
that the mean prediction over its leavers' records equals it, or, with no records, by
the prior-shift formula of Elkan (2001). :func:`estimate_base_rate` estimates that rate
from unlabelled records by the EM algorithm of Saerens et al. (2002).

Every update returns a new model whose ``lineage`` records the parent's fingerprint,
the method per target and why, the labelled leavers and events, and the
cross-validated metrics before and after; it is written into ``model.json`` and both
model cards when the model is saved.

Examples
--------
>>> import rehire_model as rm
>>> labelled = rm.make_leaver_survey(300, random_state=1, world="shifted")
>>> updated = rm.update(rm.load_model(), labelled, method="intercept")
>>> updated.lineage["targets"]["rehire_intent"]["method"]
'intercept'
"""

from __future__ import annotations

import copy
import logging
import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import expit, logit
from sklearn.metrics import log_loss
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ._logistic import fit_logistic, log_likelihood
from .config import TargetSpec
from .evaluation import probability_metrics
from .exceptions import DataWarning, SchemaError
from .model import RehireModel
from .monitoring import reference_profile
from .scoring import LeaverBatch
from .texts import LANGS, Message, message
from .training import (
    MIN_CLASS_ROWS_PER_FOLD,
    data_fingerprint,
    fit_target,
    labelled_records,
)
from .training_rows import TrainingRows
from .validation import as_records_frame, validate_records

__all__ = ["METHODS", "estimate_base_rate", "model_rate", "update"]

logger = logging.getLogger(__name__)

#: The updating ladder, simplest first (``"auto"`` chooses among them).
METHODS = ("intercept", "logistic", "revise", "refit")
#: One-sided level at which a richer method counts as clearly better.
CLEARLY_BETTER = 0.05
#: Penalties of the revision's correction tried by cross-validation (per leaver, on
#: standardised columns); ``inf`` keeps the correction at zero.
REVISION_PENALTIES = (*np.logspace(-3, 1, 9).tolist(), np.inf)
#: Leavers below which the cross-validation of ``"auto"`` is repeated, to steady it.
_REPEAT_BELOW = 1_000
_FOLDS = 5
_CLIP = 1e-12


# --------------------------------------------------------------------------------------
# One target's update: a map from the model's log-odds (and columns) to new log-odds
# --------------------------------------------------------------------------------------


@dataclass
class _Update:
    """Fitted update of one target: new log-odds = a + b * L + z @ g."""

    method: str
    a: float = 0.0
    b: float = 1.0
    g: np.ndarray | None = None
    penalty: float = np.inf
    refit: Any = None  # FittedTarget of "refit"

    def log_odds(self, part: _Rows) -> np.ndarray:
        if self.refit is not None:
            return logit(np.clip(self.refit.estimator.predict_proba(part.X)[:, 1],
                                 _CLIP, 1 - _CLIP))
        out = self.a + self.b * part.L
        if self.g is not None:
            out = out + part.Z @ self.g
        return out


@dataclass
class _Rows:
    """The labelled leavers of one target: matrix, standardised columns, log-odds."""

    X: np.ndarray
    Z: np.ndarray | None
    L: np.ndarray
    y: np.ndarray

    def take(self, rows: np.ndarray) -> _Rows:
        return _Rows(self.X[rows], None if self.Z is None else self.Z[rows], self.L[rows],
                     self.y[rows])


@dataclass
class _Context:
    """What every fit of one target shares: the config, the seed, the revision's
    penalty on all the labelled leavers, and the classifier ``"refit"`` trains on them,
    whose family and settings are kept in each cross-validation fold (choosing among a
    few settings flatters its figures little, and training is slow)."""

    config: Any
    random_state: int
    part: _Rows
    _refit: Any = None
    _penalty: float | None = None

    @property
    def penalty(self) -> float:
        """The revision's penalty, chosen by cross-validation on all the labelled
        leavers."""
        if self._penalty is None:
            self._penalty = _revision_penalty(self.part, self.random_state)
        return self._penalty

    @property
    def refit(self) -> Any:
        if self._refit is None:
            self._refit = _quietly(fit_target, self.part.X, self.part.y.astype(np.int64),
                                   self.config)
        return self._refit


def _quietly(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a training step whose data warnings would repeat those of the final fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return function(*args, **kwargs)


def _fit(method: str, part: _Rows, context: _Context) -> _Update:
    if method == "none":
        return _Update("none")
    if method == "intercept":
        a, _, _ = fit_logistic(part.y, part.L, None, slope=False)
        return _Update(method, a=a)
    if method == "logistic":
        a, b, _ = fit_logistic(part.y, part.L, None, slope=True)
        return _Update(method, a=a, b=b)
    if method == "revise":
        # Chosen again inside each fold: a penalty chosen on every leaver would
        # flatter the revision's out-of-fold figures.
        penalty = (context.penalty if part is context.part
                   else _revision_penalty(part, context.random_state))
        a, b, g = fit_logistic(part.y, part.L, part.Z, slope=True, penalty=penalty)
        return _Update(method, a=a, b=b, g=g, penalty=penalty)
    chosen = context.refit
    if part is context.part:
        return _Update(method, refit=chosen)
    return _Update(method, refit=_quietly(fit_target, part.X, part.y.astype(np.int64),
                                          context.config, family=chosen.family,
                                          settings=chosen.settings))


def _revision_penalty(part: _Rows, random_state: int) -> float:
    """The correction's penalty with the lowest cross-validated log loss."""
    folds = _folds(part.y, random_state, repeats=1)
    if folds is None:
        return np.inf
    losses = np.zeros(len(REVISION_PENALTIES))
    for train, test in folds:
        inner, held = part.take(train), part.take(test)
        for k, penalty in enumerate(REVISION_PENALTIES):
            a, b, g = fit_logistic(inner.y, inner.L, inner.Z, slope=True, penalty=penalty)
            eta = a + b * held.L + (held.Z @ g if g is not None else 0.0)
            losses[k] += log_loss(held.y, expit(eta), labels=[0, 1]) * len(test)
    return float(REVISION_PENALTIES[int(np.argmin(losses))])


def _folds(y: np.ndarray, random_state: int, repeats: int) -> list | None:
    """Stratified folds (repeated), or None when a class has fewer than two leavers."""
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller < 2:
        return None
    k = min(_FOLDS, smaller)
    splitter = (StratifiedKFold(k, shuffle=True, random_state=random_state) if repeats == 1
                else RepeatedStratifiedKFold(n_splits=k, n_repeats=repeats,
                                             random_state=random_state))
    return list(splitter.split(np.zeros(len(y)), y))


# --------------------------------------------------------------------------------------
# Choosing a method
# --------------------------------------------------------------------------------------


@dataclass
class _Choice:
    method: str
    reason: Message
    candidates: dict[str, float] = field(default_factory=dict)
    out_of_fold: np.ndarray | None = None  # the chosen method's, first repeat


def _available(model: RehireModel, part: _Rows, requested: str
               ) -> tuple[list[str], list[Message]]:
    """The methods the model and the labels allow, and why others are not."""
    methods, notes = ["none", "intercept", "logistic"], []
    if part.Z is not None:
        methods.append("revise")
    elif requested in ("auto", "revise"):
        notes.append(message("update.note.no_revise"))
    least = MIN_CLASS_ROWS_PER_FOLD * model.config.cv_folds
    smaller = int(min(part.y.sum(), len(part.y) - part.y.sum()))
    # Each fold's training part must hold enough of each class to train.
    if smaller * (_FOLDS - 1) / _FOLDS >= least:
        methods.append("refit")
    elif requested in ("auto", "refit"):
        notes.append(message("update.note.no_refit", least=least))
    return methods, notes


def _out_of_fold(methods: list[str], context: _Context
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]] | None:
    """Per method, each leaver's out-of-fold log loss (mean over repeats) and the first
    repeat's out-of-fold probabilities."""
    part = context.part
    repeats = 3 if len(part.y) < _REPEAT_BELOW else 1
    folds = _folds(part.y, context.random_state, repeats)
    if folds is None:
        return None
    n, k = len(part.y), len(folds) // repeats
    losses = {m: np.zeros(n) for m in methods}
    first = {m: np.full(n, np.nan) for m in methods}
    for i, (train, test) in enumerate(folds):
        inner, held = part.take(train), part.take(test)
        for method in methods:
            p = expit(_fit(method, inner, context).log_odds(held))
            p = np.clip(p, _CLIP, 1 - _CLIP)
            losses[method][test] += -(held.y * np.log(p) + (1 - held.y) * np.log(1 - p))
            if i < k:
                first[method][test] = p
    return {m: v / repeats for m, v in losses.items()}, first


def _clearly_better(richer: np.ndarray, simpler: np.ndarray) -> float:
    """One-sided p of the paired t-test that ``richer`` has the lower mean loss."""
    difference = simpler - richer
    if np.allclose(difference, 0):
        return 1.0
    return float(stats.ttest_1samp(difference, 0.0, alternative="greater").pvalue)


def _closed_test(part: _Rows) -> tuple[str, Message]:
    """Whether the model needs updating at all: where shifting its intercept lowers the
    Akaike information criterion (a likelihood-ratio statistic above 2, p < 0.157).
    Shifting one intercept costs little when it was not needed, and a missed shift
    costs much, so this first step is Akaike's rather than a 5 % test; a change of
    spread alone is left to the out-of-fold comparison that follows."""
    y, L = part.y, part.L
    kept = log_likelihood(y, L)
    a, _, _ = fit_logistic(y, L, None, slope=False)
    level = 2 * max(log_likelihood(y, a + L) - kept, 0.0)
    a, b, _ = fit_logistic(y, L, None, slope=True)
    both = 2 * max(log_likelihood(y, a + b * L) - kept, 0.0)
    values = {"p_level": _p_text(float(stats.chi2.sf(level, 1))),
              "p": _p_text(float(stats.chi2.sf(both, 2)))}
    if level <= 2:  # the AIC's price of one parameter
        return "none", message("update.reason.lr_none", **values)
    return "intercept", message("update.reason.lr_update", **values)


def _choose(methods: list[str], context: _Context) -> _Choice:
    """Keep the model or shift its intercept, by the closed test's first step; then a
    richer method only where it is clearly better out of fold."""
    part = context.part
    measured = _out_of_fold(methods, context)
    if measured is None:
        return _Choice("none", message("update.reason.too_few", n=len(part.y),
                                       events=int(part.y.sum())))
    losses, first = measured
    mean = {m: float(v.mean()) for m, v in losses.items()}
    simple, closed = _closed_test(part)
    ladder = methods[methods.index(simple):]
    best = min(ladder, key=lambda m: mean[m])
    # The best of several richer methods is chosen after the fact: Bonferroni over them.
    level = CLEARLY_BETTER / max(len(ladder) - 1, 1)
    for method in ladder:  # simplest first
        p = 1.0 if method == best else _clearly_better(losses[best], losses[method])
        if p >= level:
            break
    values = {"method": message(f"update.method.{method}"), "loss": f"{mean[method]:.4f}",
              "best": message(f"update.method.{best}"), "best_loss": f"{mean[best]:.4f}",
              "p": _p_text(p)}
    if len(ladder) == 1:
        cv = message("update.reason.no_richer", **values)
    elif method == best and method != simple:
        previous = ladder[ladder.index(method) - 1]
        values |= {"simpler": message(f"update.method.{previous}"),
                   "simpler_loss": f"{mean[previous]:.4f}",
                   "p": _p_text(_clearly_better(losses[method], losses[previous]))}
        cv = message("update.reason.clearly_better", **values)
    elif method == best:
        cv = message("update.reason.best_simplest", **values)
    else:
        cv = message("update.reason.not_clearly_better", **values)
    return _Choice(method, message("update.reason.auto", closed=closed, cv=cv), mean,
                   first[method])


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


# --------------------------------------------------------------------------------------
# Building the updated model
# --------------------------------------------------------------------------------------


def _recalibrated(estimator: Any, a: float, b: float) -> Any:
    """A copy of a calibrated classifier whose log-odds are ``a + b * L``."""
    out = copy.deepcopy(estimator)
    calibrator = out.calibrated_classifiers_[0].calibrators[0]
    # The calibrator's log-odds are -(A f + B); a + b (-(A f + B)) = -(bA f + bB - a).
    calibrator.a_ = b * calibrator.a_
    calibrator.b_ = b * calibrator.b_ - a
    return out


def _revised(estimator: Any, update: _Update) -> Any:
    """A copy of a calibrated logistic pipeline whose log-odds are a + b L + z @ g."""
    out = copy.deepcopy(estimator)
    calibrated = out.calibrated_classifiers_[0]
    A = float(calibrated.calibrators[0].a_)
    B = float(calibrated.calibrators[0].b_)
    logistic = _pipeline(calibrated.estimator).named_steps["logistic"]
    # With the calibration kept, A (w'.z + c') + B = -(a + b L + z.g) gives:
    logistic.coef_ = (update.b * logistic.coef_ - update.g / A).reshape(logistic.coef_.shape)
    logistic.intercept_ = (update.b * logistic.intercept_
                           + ((update.b - 1) * B - update.a) / A)
    return out


def _pipeline(estimator: Any) -> Pipeline | None:
    inner = getattr(estimator, "estimator", estimator)  # a FrozenEstimator wraps it
    return inner if isinstance(inner, Pipeline) else None


def _standardised(estimator: Any, X: np.ndarray) -> np.ndarray | None:
    """The logistic model's standardised columns of ``X`` (None for a tree model)."""
    pipeline = _pipeline(estimator.calibrated_classifiers_[0].estimator)
    return None if pipeline is None else pipeline[:-1].transform(X)


def _new_estimator(estimator: Any, update: _Update) -> Any:
    if update.method == "none":
        return estimator
    if update.refit is not None:
        return update.refit.estimator
    if update.g is not None:
        return _revised(estimator, update)
    return _recalibrated(estimator, update.a, update.b)


def _metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    result = probability_metrics(y, p)
    return {
        "roc_auc": result["roc_auc"], "brier": result["brier"], "ece": result["ece"],
        "log_loss": float(log_loss(y, np.clip(p, _CLIP, 1 - _CLIP), labels=[0, 1]))
        if len(y) else float("nan"),
        "mean_predicted": float(np.mean(p)) if len(p) else float("nan"),
        "observed_rate": result["positive_rate"],
    }


# --------------------------------------------------------------------------------------
# Reading the labelled leavers
# --------------------------------------------------------------------------------------


def _read_labelled(model: RehireModel, labelled: Any
                   ) -> tuple[pd.DataFrame, pd.DataFrame, LeaverBatch]:
    """The raw rows kept, their validated records and their batch."""
    frame = as_records_frame(labelled).rename(columns=model.config.columns)
    records, kept = labelled_records(frame, model.config)
    frame = frame.iloc[kept].reset_index(drop=True)
    return frame, records, model.scoring.valid(records)


def _outcome(frame: pd.DataFrame, spec: TargetSpec) -> np.ndarray | None:
    """0/1 outcomes (NaN where unanswered), or None when the column was not collected."""
    if spec.column not in frame.columns:
        return None
    y = spec.labels(frame[spec.column].reset_index(drop=True))
    return None if np.isnan(y).all() else y


def _check_base_rate(model: RehireModel, base_rate: Mapping[str, float] | None
                     ) -> dict[str, float]:
    if base_rate is None:
        return {}
    if not isinstance(base_rate, Mapping):
        raise TypeError(f"base_rate must map a target to a rate, got {base_rate!r}")
    for target, rate in base_rate.items():
        if target not in model.targets:
            raise ValueError(
                f"base_rate names {target!r}, which the model does not predict; its "
                f"targets are {', '.join(model.targets)}")
        if (not isinstance(rate, numbers.Real) or isinstance(rate, bool)
                or not 0 < rate < 1):
            raise ValueError(
                f"base_rate of {target} must be a share between 0 and 1 (exclusive), "
                f"got {rate!r}; e.g. base_rate={{{target!r}: 0.33}}")
    return {t: float(r) for t, r in base_rate.items()}


def model_rate(model: RehireModel, target: str) -> float:
    """The positive rate ``model``'s target is calibrated to: its last update's, else
    its training data's.

    Examples
    --------
    >>> import rehire_model as rm
    >>> round(model_rate(rm.load_model(), "rehire_intent"), 3)
    0.158
    """
    lineage = (model.lineage or {}).get("targets", {}).get(target, {})
    if lineage.get("rate") is not None:
        return float(lineage["rate"])
    return float(model.training_data["positive_rate"][target])


def _shift_to_rate(L: np.ndarray | None, rate: float, prior: float) -> float:
    """The intercept shift that makes the mean prediction over ``L`` equal ``rate``;
    without records, Elkan's prior shift from ``prior``."""
    if L is None or not len(L):
        return float(logit(rate) - logit(prior))
    return float(optimize.brentq(lambda a: expit(L + a).mean() - rate, -30, 30))


# --------------------------------------------------------------------------------------
# The entry points
# --------------------------------------------------------------------------------------


def update(
    model: RehireModel,
    labelled: pd.DataFrame | list[dict[str, Any]] | None,
    *,
    method: str = "auto",
    base_rate: Mapping[str, float] | None = None,
    random_state: int = 0,
) -> RehireModel:
    """A new model: ``model`` updated from a company's labelled leavers or base rate.

    Parameters
    ----------
    model : RehireModel
        The model to update (it is not changed).
    labelled : pandas.DataFrame, list of dict or None
        Leaver records with the outcome columns of the model's config, where the
        company has collected them. A target whose outcome column is absent or blank
        stays as it was. With ``base_rate``, records without outcomes (the company's
        leavers) set the rate's intercept; None applies the prior shift.
    method : {"auto", "intercept", "logistic", "revise", "refit"}, default "auto"
        The update of each target with outcomes (see the module docstring).
    base_rate : dict of str -> float, optional
        A positive rate the company knows, per target (``{"rehire_intent": 0.33}``);
        such a target is shifted to it and its outcomes, if any, are not used.
    random_state : int, default 0
        Seed of the cross-validation folds.

    Returns
    -------
    RehireModel
        The updated model, with ``lineage`` (see :class:`rehire_model.RehireModel`).

    Raises
    ------
    SchemaError
        A record or outcome is bad, or the chosen method needs more labelled leavers.
    ValueError
        An unknown method, a bad base rate, or nothing to update from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> model = rm.load_model()
    >>> shifted = rm.update(model, None, base_rate={"rehire_intent": 0.33})
    >>> shifted.lineage["targets"]["rehire_intent"]["method"]
    'base_rate'
    >>> shifted.lineage["targets"]["alumni_engagement"]["method"]
    'none'
    """
    if method not in ("auto", *METHODS):
        raise ValueError(f"method must be one of auto, {', '.join(METHODS)}; got {method!r}")
    # Survey-sized fits are small: threads only wait on each other (ten times slower
    # for the revision's many small fits when another process holds a core).
    with threadpool_limits(limits=1):
        return _update(model, labelled, method, base_rate, random_state)


def _update(model: RehireModel, labelled: Any, method: str,
            base_rate: Mapping[str, float] | None, random_state: int) -> RehireModel:
    rates = _check_base_rate(model, base_rate)
    if labelled is None and not rates:
        raise ValueError("nothing to update from: pass labelled leavers, a base_rate, or both")
    if labelled is None:
        frame, records, leavers = pd.DataFrame(), pd.DataFrame(), None
    else:
        frame, records, leavers = _read_labelled(model, labelled)
    log_odds = None if leavers is None else _log_odds(model, leavers)
    estimators, entries, honest, labels = {}, {}, {}, {}
    for spec in model.config.targets:
        target = spec.name
        y = None if leavers is None else _outcome(frame, spec)
        if target in rates:
            if y is not None:
                warnings.warn(message("warning.update_rate_over_outcomes",
                                      target=message(f"target.{target}")),
                              DataWarning, stacklevel=3)
            entry, estimator = _rate_update(model, target, rates[target],
                                            None if log_odds is None else log_odds[target])
        elif y is None:
            entry = _entry("none", method, 0, 0, message("update.reason.not_collected"))
            estimator = model.estimators[target]
        else:
            labels[target] = y
            answered = ~np.isnan(y)
            part = _Rows(leavers.matrix[answered],
                         _standardised(model.estimators[target], leavers.matrix[answered]),
                         log_odds[target][answered], y[answered])
            entry, estimator, p = _labelled_update(model, target, part, method, random_state)
            honest[target] = np.full(len(y), np.nan)
            honest[target][answered] = p
        estimators[target] = estimator
        entries[target] = entry
        logger.info("%s: %s", target, entry["method"])
    return _updated_model(model, estimators, entries, records, labels, honest, leavers,
                          random_state)


def _log_odds(model: RehireModel, leavers: LeaverBatch) -> dict[str, np.ndarray]:
    raw = leavers.raw_scores()
    return {t: model.scoring.scorers[t].calibrated_log_odds(raw[t]) for t in model.targets}


def _entry(method: str, requested: str, n: int, events: int, reason: Message,
           **more: Any) -> dict[str, Any]:
    """One target's lineage; the reason written in every language (for the cards)."""
    return {"method": method, "requested": requested, "n": n, "events": events,
            "base_rate": None, "rate": None,
            "reason": {"key": reason.key, **{lang: reason.render(lang) for lang in LANGS}},
            "candidates": {}, "before": {}, "after": {}, **more}


def _rate_update(model: RehireModel, target: str, rate: float, L: np.ndarray | None
                 ) -> tuple[dict[str, Any], Any]:
    a = _shift_to_rate(L, rate, model_rate(model, target))
    if L is None:
        reason = message("update.reason.prior_shift", rate=f"{rate:.1%}",
                         prior=f"{model_rate(model, target):.1%}")
    else:
        reason = message("update.reason.rate_on_records", rate=f"{rate:.1%}", n=len(L),
                         before=f"{expit(L).mean():.1%}")
    entry = _entry("base_rate", "base_rate", 0 if L is None else len(L), 0, reason,
                   base_rate=rate, rate=rate, shift=a)
    return entry, _recalibrated(model.estimators[target], a, 1.0)


def _labelled_update(model: RehireModel, target: str, part: _Rows, requested: str,
                     random_state: int) -> tuple[dict[str, Any], Any, np.ndarray]:
    """One target's update from its labelled leavers; the out-of-fold probabilities."""
    n, events = len(part.y), int(part.y.sum())
    methods, notes = _available(model, part, requested)
    config = model.config
    context = _Context(config, random_state, part)
    if requested == "auto":
        choice = _choose(methods, context)
    else:
        if requested not in methods or min(events, n - events) == 0:
            raise SchemaError(message(f"update.cannot.{requested}",
                                      target=message(f"target.{target}"), n=n,
                                      events=events,
                                      least=MIN_CLASS_ROWS_PER_FOLD * config.cv_folds))
        measured = _out_of_fold(["none", requested], context)
        losses, first = measured if measured else ({}, {requested: None})
        choice = _Choice(requested, message("update.reason.requested",
                                            method=message(f"update.method.{requested}")),
                         {m: float(v.mean()) for m, v in losses.items()}, first[requested])
    update = _fit(choice.method, part, context)
    if choice.out_of_fold is None:  # too few to cross-validate: only the fit is known
        choice.out_of_fold = np.full(n, np.nan)
    before = _metrics(part.y, expit(part.L))
    known = ~np.isnan(choice.out_of_fold)
    after = (_metrics(part.y[known], choice.out_of_fold[known]) if known.any() else {})
    entry = _entry(choice.method, requested, n, events, choice.reason,
                   candidates=choice.candidates, before=before, after=after,
                   notes=[{"key": m.key, **{lang: m.render(lang) for lang in LANGS}}
                          for m in notes],
                   rate=float(part.y.mean()) if choice.method != "none" else None,
                   penalty=None if not np.isfinite(update.penalty) else update.penalty,
                   intercept=update.a, slope=update.b)
    if choice.method == "refit":
        entry["family"] = update.refit.family
    p = expit(part.L) if choice.method == "none" else choice.out_of_fold
    return entry, _new_estimator(model.estimators[target], update), p


def _updated_model(model: RehireModel, estimators: dict[str, Any],
                   entries: dict[str, dict[str, Any]], records: pd.DataFrame,
                   labels: dict[str, np.ndarray], honest: dict[str, np.ndarray],
                   leavers: LeaverBatch | None, random_state: int) -> RehireModel:
    manifest = model.manifest or {}
    lineage = {
        "parent": {"name": model.name,
                   "fingerprint_sha256": model.training_data.get("fingerprint_sha256"),
                   "manifest_sha256": manifest.get("manifest_sha256")},
        "labelled": {"n_rows": len(records),
                     "fingerprint_sha256": data_fingerprint(records, labels)
                     if len(records) else None},
        "random_state": random_state,
        "targets": entries,
    }
    metrics = {t: _updated_metrics(model.metrics[t], entries[t]) for t in model.targets}
    rows = model.training_rows
    if labels and leavers is not None:
        fitted = np.zeros(len(leavers), dtype=bool)
        for y in labels.values():
            fitted |= ~np.isnan(y)
        probabilities = {t: honest[t][fitted] if t in honest
                         else expit(_log_odds(model, leavers)[t])[fitted]
                         for t in model.targets}
        new_rows = TrainingRows.from_matrix(leavers.matrix[fitted], probabilities)
        rows = new_rows if rows is None else _forget(rows, entries).union(new_rows)
    elif rows is not None:
        rows = _forget(rows, entries)
    training_data = dict(model.training_data)
    if len(records):  # the company's own leavers are what its next waves resemble
        training_data["reference"] = reference_profile(records, model.record_fields)
    return RehireModel(config=model.config, features=model.features, estimators=estimators,
                       metrics=metrics, training_data=training_data,
                       training_rows=rows, lineage=lineage, name=model.name)


def _forget(rows: TrainingRows, entries: Mapping[str, dict[str, Any]]) -> TrainingRows:
    """The parent's training rows, without out-of-sample probabilities for the targets
    that changed (they were the parent's)."""
    return TrainingRows(rows.hashes, {
        t: p if entries.get(t, {}).get("method") == "none" else np.full(len(p), np.nan)
        for t, p in rows.probabilities.items()})


def _updated_metrics(metrics: Mapping[str, Any], entry: Mapping[str, Any]) -> dict[str, Any]:
    """A target's metrics: the parent's when kept, else the update's cross-validated
    metrics on the labelled leavers."""
    if entry["method"] == "base_rate":  # the same ranking, another level: new groups
        return {name: value for name, value in metrics.items() if name != "fairness"}
    if entry["method"] == "none" or not entry["after"]:
        return dict(metrics)
    after = entry["after"]
    result = {"selected": entry.get("family", metrics["selected"]),
              "settings": metrics.get("settings", {}) if entry["method"] != "refit" else {},
              "cross_validation": metrics.get("cross_validation", {}),
              "evaluation": "cross_validation",
              "test": {"roc_auc": after["roc_auc"], "average_precision": float("nan"),
                       "brier": after["brier"], "ece": after["ece"],
                       "n": float(entry["n"]), "positive_rate": after["observed_rate"]},
              "n_fit": entry["n"], "update": entry["method"]}
    return result


def estimate_base_rate(model: RehireModel, records: Any, *, n_boot: int = 200,
                       random_state: int = 0) -> pd.DataFrame:
    """The positive rate of each target among unlabelled leavers, by EM.

    The EM algorithm of Saerens et al. (2002) reweights the model's probabilities to
    the rate that makes them agree with themselves. It assumes a prior shift only: the
    leavers' answers relate to their outcomes as in the model's data, and only the
    share of positives changed. If the answers mean something else here (a concept
    shift), the estimate is wrong; check it against a labelled sample when one comes.

    Parameters
    ----------
    model : RehireModel
    records : pandas.DataFrame or list of dict
        The company's leaver records (outcomes not needed).
    n_boot : int, default 200
        Bootstrap resamples of the leavers for the 95 % interval.
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        Indexed by target: ``estimate``, ``low``, ``high`` (95 %), ``mean_predicted``,
        ``model_rate`` (the rate the model is calibrated to), ``n`` and
        ``assumption``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(2000, random_state=5)
    >>> table = rm.estimate_base_rate(rm.load_model(), records)
    >>> bool(abs(table.loc["rehire_intent", "estimate"] - 0.16) < 0.05)
    True
    """
    valid = validate_records(as_records_frame(records).rename(columns=model.config.columns),
                             **model.config.validation_options)
    leavers = model.scoring.valid(valid)
    probabilities = leavers.probabilities()
    rng = np.random.default_rng(random_state)
    n = len(leavers)
    if n == 0:
        raise SchemaError("estimate_base_rate needs at least one leaver record")
    resamples = rng.integers(0, n, size=(n_boot, n))
    rows = {}
    for target in model.targets:
        p, prior = probabilities[target], model_rate(model, target)
        boot = [_em_rate(p[r], prior) for r in resamples]
        low, high = np.quantile(boot, [0.025, 0.975])
        rows[target] = {"estimate": _em_rate(p, prior), "low": float(low), "high": float(high),
                        "mean_predicted": float(p.mean()), "model_rate": prior, "n": n,
                        "assumption": str(message("update.assumption.prior_shift"))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "target"
    return table


def _em_rate(p: np.ndarray, prior: float, *, tol: float = 1e-8, max_iter: int = 1000
             ) -> float:
    """Saerens et al.'s EM estimate of the positive rate behind probabilities ``p``."""
    rate = prior
    odds_p = p / (1 - np.clip(p, _CLIP, 1 - _CLIP))
    for _ in range(max_iter):
        ratio = (rate / prior) / ((1 - rate) / (1 - prior))
        adjusted = ratio * odds_p / (1 + ratio * odds_p)
        new = float(adjusted.mean())
        if abs(new - rate) < tol:
            return new
        rate = min(max(new, _CLIP), 1 - _CLIP)
    return rate
