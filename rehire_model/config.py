"""Training configuration: which columns feed the models, what counts as positive, how to fit.

A configuration is a TOML file (``training/configs/default.toml`` spells out every key
with its default) or the same structure as a dict. Every key is optional; a key the
library does not know is an error, so a typo never passes silently.

Examples
--------
>>> from rehire_model.config import load_config
>>> config = load_config({"seed": 7, "targets": {"rehire_intent": {"positive": ">= 5"}}})
>>> config.seed, config.target("rehire_intent").positive
(7, '>= 5')
>>> load_config({"sed": 7})
Traceback (most recent call last):
...
rehire_model.exceptions.ConfigError: unknown key 'sed' in the training config; expected one of: seed, data, features, targets, model_selection
"""  # noqa: E501

from __future__ import annotations

import copy
import itertools
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._toml import read_toml
from .exceptions import ConfigError, SchemaError
from .schema import FEATURE_ROLES, FIELDS, FIELDS_BY_NAME, TARGETS, Field, field_names
from .validation import MAX_MISSING, MISSING_MODES

__all__ = ["CANDIDATE_FAMILIES", "TargetSpec", "TrainingConfig", "load_config"]

#: Model families training can compare; their settings are the keys of
#: ``[model_selection.<family>]`` in ``training/configs/default.toml``.
CANDIDATE_FAMILIES = ("logistic", "hist_gradient_boosting")
_SCORINGS = ("neg_log_loss", "roc_auc", "neg_brier_score", "average_precision")
_EXTRA_KINDS = ("bool", "ordinal", "int", "float", "category")
_LEVER_ROLES = {"policy": "policy", "exit_interview": "exit_interview", "fixed": "fixed"}

DEFAULTS: dict[str, Any] = {
    "seed": 0,
    "data": {
        "missing": "impute",
        "max_missing": MAX_MISSING,
        "small_sample_rows": 5000,
        "cv_repeats": 2,
        "test_size": 0.2,
    },
    "features": {
        **{role: list(field_names(role)) for role in FEATURE_ROLES},
        "include_protected": False,
        "constructs": True,
        "behaviour_items": False,
        "interaction": True,
        "extra": [],
    },
    "targets": {
        "alumni_engagement": {"column": "alumni_engagement", "positive": ">= 4",
                              "threshold": 0.3},
        "rehire_intent": {"column": "rehire_intent", "positive": ">= 4", "threshold": 0.3},
    },
    "model_selection": {
        "candidates": ["logistic", "hist_gradient_boosting"],
        "cv_folds": 5,
        "scoring": "neg_log_loss",
        "logistic": {"C": [0.01, 0.1, 1.0], "max_iter": 1000},
        "hist_gradient_boosting": {
            "learning_rate": [0.05, 0.1],
            "max_iter": 100,
            "max_leaf_nodes": [4, 8],
            "min_samples_leaf": 20,
            "l2_regularization": 1.0,
            "early_stopping": False,
            "validation_fraction": 0.1,
            "n_iter_no_change": 10,
        },
    },
}

# Keys of earlier configs that no longer apply, with what to do instead.
_RETIRED = {
    ("data", "calibration_size"): "no rows are held out to calibrate any more (the "
    "probabilities are calibrated from cross-validated predictions on the training rows); "
    "remove the key",
}

_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
_COMPARISON = re.compile(r"^\s*(>=|<=|==|>|<)\s*([-+]?\d+(?:\.\d+)?)\s*$")


def _label_key(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


@dataclass(frozen=True)
class TargetSpec:
    """How one target is read from the training data.

    Parameters
    ----------
    name : str
        ``"alumni_engagement"`` or ``"rehire_intent"``.
    column : str
        The column of the training data that holds it.
    positive : str or tuple of str
        A comparison such as ``">= 4"`` for a numeric column, or the label(s) that count
        as positive (compared case-insensitively), such as ``("yes", "はい")``.
    threshold : float
        Probability at or above which a leaver counts as high on this target (segments).
    """

    name: str
    column: str
    positive: str | tuple[str, ...]
    threshold: float

    def labels(self, values: pd.Series) -> np.ndarray:
        """1.0 where a value counts as positive, 0.0 where not, NaN where unanswered.

        Raises
        ------
        SchemaError
            A value is given but is not a number under a numeric rule (naming the rows).

        Examples
        --------
        >>> spec = TargetSpec("rehire_intent", "would_return", ("yes",), 0.5)
        >>> spec.labels(pd.Series(["Yes", "no", None, " YES "])).tolist()
        [1.0, 0.0, nan, 1.0]
        """
        blank = values.isna().to_numpy() | values.map(
            lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
        comparison = isinstance(self.positive, str) and _COMPARISON.match(self.positive)
        if not comparison:
            positive = values.map(_label_key).isin({_label_key(v) for v in self.positive})
            return np.where(blank, np.nan, positive.to_numpy(dtype=np.float64))
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(np.float64, na_value=np.nan)
        bad = ~np.isfinite(numbers) & ~blank
        if bad.any():
            self._raise_unusable(values, bad, f"a number (positive when {self.positive.strip()})")
        op, bound = comparison.groups()
        positive = _COMPARISONS[op](numbers, float(bound)).astype(np.float64)
        return np.where(blank, np.nan, positive)

    def binarize(self, values: pd.Series) -> np.ndarray:
        """1 where a value counts as positive, else 0; every value must be answered.

        Raises
        ------
        SchemaError
            A value is empty, or not a number under a numeric rule (naming the rows).

        Examples
        --------
        >>> spec = TargetSpec("rehire_intent", "would_return", ("yes",), 0.5)
        >>> spec.binarize(pd.Series(["Yes", "no", " YES "])).tolist()
        [1, 0, 1]
        """
        labels = self.labels(values)
        blank = np.isnan(labels)
        if blank.any():
            self._raise_unusable(values, blank, "an answer in every row")
        return labels.astype(np.int64)

    def _raise_unusable(self, values: pd.Series, bad: np.ndarray, expected: str) -> None:
        rows = np.flatnonzero(bad)
        shown = ", ".join(f"row {r} has {values.iloc[r]!r}" for r in rows[:5])
        problems = pd.DataFrame(
            {
                "row": pd.array(rows, dtype="Int64"),
                "leaver_id": None,
                "column": self.column,
                "value": values.iloc[rows].to_numpy(dtype=object),
                "problem": f"target {self.name!r} needs {expected}",
            }
        )
        raise SchemaError(
            f"target column {self.column!r} ({self.name}) has {bad.sum()} unusable "
            f"value(s): {shown}; expected {expected}. Drop or fill these rows.",
            problems=problems,
        )


@dataclass(frozen=True)
class TrainingConfig:
    """A validated training configuration; build it with :func:`load_config`.

    Attributes
    ----------
    seed : int
        Seed of the splits, the cross-validation folds and the models.
    missing : {"impute", "reject"}
        How unanswered fields are treated (see :func:`rehire_model.validate_records`).
    max_missing : float
        Share of a record's fields in use that may be unanswered.
    small_sample_rows : int
        Below this many labelled rows, metrics come from repeated cross-validation on
        all rows; from it up, from a held-out test split.
    cv_repeats : int
        Repeats of the outer cross-validation that measures a model below
        ``small_sample_rows``.
    test_size : float
        Share of the rows held out to test the models, from ``small_sample_rows`` up.
    fields : tuple of str
        The schema fields used as features.
    extra : tuple of Field
        A company's own feature columns.
    include_protected, constructs, behaviour_items, interaction : bool
        Feature options (see :class:`rehire_model.features.LeaverFeatures`).
    targets : tuple of TargetSpec
        The targets trained (one or both), in the order of
        :data:`rehire_model.schema.TARGETS`.
    candidates : tuple of str
        Model families compared by cross-validation (see :data:`CANDIDATE_FAMILIES`).
    cv_folds : int
        Number of cross-validation folds.
    scoring : str
        scikit-learn scorer name the comparison maximises.
    hyperparameters : dict of str -> dict
        Settings of each family; a list of values is searched by cross-validation.
    columns : dict of str -> str
        The optional ``[columns]`` table: the company's headers -> fields (``leaver_id``
        for its id column, such as ``"回答者ID" = "leaver_id"``), applied to the training
        data and, kept in the model folder, to every file the model scores.
    """

    seed: int
    missing: str
    max_missing: float
    small_sample_rows: int
    cv_repeats: int
    test_size: float
    fields: tuple[str, ...]
    extra: tuple[Field, ...]
    include_protected: bool
    constructs: bool
    behaviour_items: bool
    interaction: bool
    targets: tuple[TargetSpec, ...]
    candidates: tuple[str, ...]
    cv_folds: int
    scoring: str
    hyperparameters: Mapping[str, Mapping[str, Any]]
    source: Mapping[str, Any]
    columns: Mapping[str, str] = field(default_factory=dict)

    def target(self, name: str) -> TargetSpec:
        """The spec of target ``name``."""
        for spec in self.targets:
            if spec.name == name:
                return spec
        raise KeyError(f"this config trains no {name!r} target; it trains: "
                       + ", ".join(self.target_names))

    @property
    def target_names(self) -> tuple[str, ...]:
        """The names of the targets trained."""
        return tuple(spec.name for spec in self.targets)

    def settings_grid(self, family: str) -> list[dict[str, Any]]:
        """Every combination of the settings of ``family`` (a list is a set of choices).

        Examples
        --------
        >>> config = load_config({"model_selection": {"logistic": {"C": [0.1, 1.0]}}})
        >>> config.settings_grid("logistic")
        [{'C': 0.1, 'max_iter': 1000}, {'C': 1.0, 'max_iter': 1000}]
        """
        settings = self.hyperparameters[family]
        choices = [value if isinstance(value, list) else [value] for value in settings.values()]
        return [dict(zip(settings, combination, strict=True))
                for combination in itertools.product(*choices)]

    @property
    def record_fields(self) -> tuple[Field, ...]:
        """The fields a record needs for these models (pass to ``validate_records``)."""
        used = set(self.fields)
        if self.include_protected:
            used |= set(field_names("protected"))
        return (*(f for f in FIELDS if f.name in used), *self.extra)

    @property
    def validation_options(self) -> dict[str, Any]:
        """How records are checked for these models: ``validate_records`` keywords."""
        return {"fields": self.record_fields, "missing": self.missing,
                "max_missing": self.max_missing}

    @property
    def feature_params(self) -> dict[str, Any]:
        """Parameters of :class:`rehire_model.features.LeaverFeatures`."""
        return {
            "include_protected": self.include_protected,
            "constructs": self.constructs,
            "items": self.behaviour_items,
            "interaction": self.interaction,
            "fields": None if set(self.fields) == set(field_names(*FEATURE_ROLES))
            else self.fields,
            "extra": tuple((f.name, f.kind, f.categories) for f in self.extra),
        }

    def to_dict(self) -> dict[str, Any]:
        """The complete configuration, every default filled in (TOML-shaped)."""
        return copy.deepcopy(dict(self.source))


# --------------------------------------------------------------------------------------
# Reading and checking
# --------------------------------------------------------------------------------------


def _merge(defaults: Mapping[str, Any], given: Mapping[str, Any], path: tuple = ()) -> dict:
    """Defaults overridden by ``given``; an unknown key is an error."""
    where = f" [{'.'.join(path)}]" if path else ""
    retired = [key for key in given if (*path, key) in _RETIRED]
    if retired:
        key = ".".join((*path, retired[0]))
        raise ConfigError(f"training config: {key} is no longer used: "
                          + _RETIRED[(*path, retired[0])])
    unknown = [key for key in given if key not in defaults]
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in the training config{where}; expected one of: "
            + ", ".join(defaults)
        )
    merged = copy.deepcopy(dict(defaults))
    for key, value in given.items():
        if path == ("targets",) and value is False:
            merged[key] = False  # this target is not trained
        elif isinstance(defaults[key], Mapping):
            if not isinstance(value, Mapping):
                raise ConfigError(
                    f"[{'.'.join((*path, key))}] in the training config must be a table, "
                    f"got {value!r}"
                )
            merged[key] = _merge(defaults[key], value, (*path, key))
        else:
            merged[key] = value
    return merged


def _check(condition: bool, key: str, value: object, expected: str) -> None:
    if not condition:
        raise ConfigError(f"training config: {key} is {value!r}; expected {expected}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value
    )


def _read_fields(features: Mapping[str, Any]) -> tuple[str, ...]:
    fields: list[str] = []
    for role in FEATURE_ROLES:
        names = features[role]
        _check(isinstance(names, list), f"features.{role}", names, "a list of field names")
        for name in names:
            field = FIELDS_BY_NAME.get(name)
            _check(
                field is not None and field.role == role,
                f"an entry of features.{role}",
                name,
                f"one of the schema's {role} fields: " + ", ".join(field_names(role))
                + " (declare a company's own columns under [[features.extra]])",
            )
        fields += names
    for name in fields:
        needed = FIELDS_BY_NAME[name].requires
        _check(needed is None or needed in fields, f"features (field {name!r})", name,
               f"{needed!r} listed too: {name} has a value only when {needed} is true")
    return tuple(dict.fromkeys(fields))


_EXTRA_KEYS = ("name", "kind", "lever", "label_en", "label_ja", "categories", "levels",
               "low", "high")


def _text_list(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = entry.get(key, [])
    _check(isinstance(values, list) and all(isinstance(v, (str, int)) for v in values)
           and len({str(v) for v in values}) == len(values),
           f"{where}.{key}", values, "a list of distinct labels")
    return tuple(str(v) for v in values)


def _read_extra_entry(entry: object, key: str) -> Field:
    _check(isinstance(entry, Mapping), key, entry, "a table")
    unknown = sorted(set(entry) - set(_EXTRA_KEYS))
    _check(not unknown, f"{key} key", unknown[0] if unknown else None,
           "one of " + ", ".join(_EXTRA_KEYS))
    name, kind, lever = entry.get("name"), entry.get("kind"), entry.get("lever", "fixed")
    _check(isinstance(name, str) and name.strip() == name != "", f"{key}.name", name,
           "the column's name (non-empty, no spaces around it)")
    _check(name not in FIELDS_BY_NAME, f"{key}.name", name,
           "a name that is not a schema field (list schema fields by role instead)")
    _check(kind in _EXTRA_KINDS, f"{key}.kind", kind, "one of " + ", ".join(_EXTRA_KINDS))
    _check(lever in _LEVER_ROLES, f"{key}.lever", lever, "one of " + ", ".join(_LEVER_ROLES))
    categories = _text_list(entry, "categories", key)
    _check((kind == "category") == bool(categories), f"{key}.categories", categories,
           "a non-empty list for kind 'category', and none otherwise")
    levels = _text_list(entry, "levels", key)
    _check(not levels or (kind == "ordinal" and len(levels) >= 2), f"{key}.levels", levels,
           "at least two labels in order, for kind 'ordinal' only")
    low, high = entry.get("low"), entry.get("high")
    if levels:
        _check(low is None and high is None, f"{key}.low/high", (low, high),
               "nothing: an ordinal with levels runs from 1 to the number of levels")
        low, high = 1, len(levels)
    numeric = kind in ("ordinal", "int", "float")
    _check(not numeric or (_is_number(low) and _is_number(high) and low <= high),
           f"{key}.low/high", (low, high),
           "numbers with low <= high for a numeric kind (or levels for an ordinal)")
    label_en = entry.get("label_en", name)
    return Field(
        name, kind, _LEVER_ROLES[lever], lever, label_en, entry.get("label_ja", label_en),
        categories=categories, levels=levels,
        low=float(low) if numeric else None, high=float(high) if numeric else None,
    )


def _read_extra(entries: object) -> tuple[Field, ...]:
    _check(isinstance(entries, list), "features.extra", entries, "a list of tables")
    extra = tuple(_read_extra_entry(entry, f"features.extra[{i}]")
                  for i, entry in enumerate(entries))
    names = [f.name for f in extra]
    _check(len(set(names)) == len(names), "features.extra names", names, "distinct names")
    return extra


def _read_target(name: str, spec: Mapping[str, Any]) -> TargetSpec:
    column, positive, threshold = spec["column"], spec["positive"], spec["threshold"]
    _check(isinstance(column, str) and column != "", f"targets.{name}.column", column,
           "a column name")
    if isinstance(positive, list):
        _check(bool(positive) and all(isinstance(v, (str, int)) for v in positive),
               f"targets.{name}.positive", positive, "a non-empty list of labels")
        positive = tuple(str(v) for v in positive)
    else:
        _check(isinstance(positive, str) and positive.strip() != "", f"targets.{name}.positive",
               positive, "a comparison such as '>= 4' or a label such as 'yes'")
        if not _COMPARISON.match(positive):
            positive = (positive,)
    _check(_is_number(threshold) and 0 < threshold < 1, f"targets.{name}.threshold",
           threshold, "a probability strictly between 0 and 1")
    return TargetSpec(name, column, positive, float(threshold))


def _read_selection(selection: Mapping[str, Any]) -> tuple[tuple[str, ...], int, str, dict]:
    candidates = selection["candidates"]
    _check(isinstance(candidates, list) and bool(candidates)
           and all(c in CANDIDATE_FAMILIES for c in candidates),
           "model_selection.candidates", candidates,
           "a non-empty list of: " + ", ".join(CANDIDATE_FAMILIES))
    folds = selection["cv_folds"]
    _check(isinstance(folds, int) and not isinstance(folds, bool) and 2 <= folds <= 20,
           "model_selection.cv_folds", folds, "a whole number from 2 to 20")
    scoring = selection["scoring"]
    _check(scoring in _SCORINGS, "model_selection.scoring", scoring,
           "one of " + ", ".join(_SCORINGS))
    # Unknown setting names are caught when merging with the defaults, which list every
    # setting a config may give; their values are checked when the models are fitted.
    hyperparameters = {family: dict(selection[family]) for family in CANDIDATE_FAMILIES}
    for family, settings in hyperparameters.items():
        for name, value in settings.items():
            _check(not isinstance(value, list) or bool(value),
                   f"model_selection.{family}.{name}", value,
                   "a value, or a non-empty list of values to choose from by cross-validation")
    return tuple(dict.fromkeys(candidates)), folds, scoring, hyperparameters


def load_config(config: str | Path | Mapping[str, Any] | TrainingConfig | None = None,
                ) -> TrainingConfig:
    """Read and check a training configuration.

    Parameters
    ----------
    config : path, dict, TrainingConfig or None
        A TOML file, the same structure as a dict, or None for the defaults (those of
        ``training/configs/default.toml``). Keys not given take their defaults.

    Returns
    -------
    TrainingConfig

    Raises
    ------
    ConfigError
        The file cannot be read or parsed, or a key or value is invalid (the message
        names the key, the value and what is expected).

    Examples
    --------
    >>> config = load_config({"features": {"include_protected": True}})
    >>> [f.name for f in config.record_fields if f.role == "protected"]
    ['age', 'gender', 'married', 'has_children']
    """
    if isinstance(config, TrainingConfig):
        return config
    if config is None:
        given: Mapping[str, Any] = {}
    elif isinstance(config, Mapping):
        given = config
    elif isinstance(config, (str, Path)):
        given = read_toml(config, "training config", ConfigError)
    else:
        raise TypeError(
            f"config must be a path to a TOML file, a dict or None, not {type(config).__name__}"
        )
    given = dict(given)
    columns = _read_columns(given.pop("columns", {}))
    merged = _merge(DEFAULTS, given)
    if columns:
        merged["columns"] = dict(columns)
    seed = merged["seed"]
    _check(_is_whole(seed) and 0 <= seed < 2**32, "seed", seed,
           "a whole number from 0 to 2**32 - 1")
    data = _read_data(merged["data"])
    features = merged["features"]
    for key in ("include_protected", "constructs", "behaviour_items", "interaction"):
        _check(isinstance(features[key], bool), f"features.{key}", features[key],
               "true or false")
    fields, extra = _read_fields(features), _read_extra(features["extra"])
    _check(bool(fields) or bool(extra), "features", "no fields", "at least one feature field")
    targets = tuple(_read_target(name, merged["targets"][name]) for name in TARGETS
                    if merged["targets"][name] is not False)
    _check(bool(targets), "targets", "every target false", "at least one target trained")
    _check_target_columns(targets, (*fields, *(f.name for f in extra)))
    candidates, folds, scoring, hyperparameters = _read_selection(merged["model_selection"])
    return TrainingConfig(
        seed=seed,
        **data,
        fields=fields,
        extra=extra,
        include_protected=features["include_protected"],
        constructs=features["constructs"],
        behaviour_items=features["behaviour_items"],
        interaction=features["interaction"],
        targets=targets,
        candidates=candidates,
        cv_folds=folds,
        scoring=scoring,
        hyperparameters=hyperparameters,
        source=merged,
        columns=columns,
    )


def _read_columns(columns: object) -> dict[str, str]:
    """The optional ``[columns]`` table: the company's header -> field (or leaver_id)."""
    _check(isinstance(columns, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in columns.items()),
        "columns", columns, 'a table of "your header" = "field" lines')
    targets = list(columns.values())
    repeated = sorted({t for t in targets if targets.count(t) > 1})
    _check(not repeated, "columns", repeated, "each field named by one header only")
    return dict(columns)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _read_data(data: Mapping[str, Any]) -> dict[str, Any]:
    _check(data["missing"] in MISSING_MODES, "data.missing", data["missing"],
           "'impute' (unanswered fields are handled by the model) or 'reject'")
    _check(_is_number(data["max_missing"]) and 0 <= data["max_missing"] < 1,
           "data.max_missing", data["max_missing"], "a share from 0 up to (not including) 1")
    _check(_is_whole(data["small_sample_rows"]) and data["small_sample_rows"] >= 0,
           "data.small_sample_rows", data["small_sample_rows"], "a whole number, 0 or more")
    _check(_is_whole(data["cv_repeats"]) and 1 <= data["cv_repeats"] <= 20,
           "data.cv_repeats", data["cv_repeats"], "a whole number from 1 to 20")
    _check(_is_number(data["test_size"]) and 0.05 <= data["test_size"] <= 0.5,
           "data.test_size", data["test_size"], "a share from 0.05 to 0.5")
    return {"missing": data["missing"], "max_missing": float(data["max_missing"]),
            "small_sample_rows": data["small_sample_rows"],
            "cv_repeats": data["cv_repeats"], "test_size": float(data["test_size"])}


def _check_target_columns(targets: tuple[TargetSpec, ...], features: tuple[str, ...]) -> None:
    """A target's column is never a feature: that would predict the answer from itself."""
    for spec in targets:
        _check(spec.column not in features, f"targets.{spec.name}.column", spec.column,
               "a column that is not also a feature (remove it from the features, or name "
               "the outcome's own column)")
