"""Feature transformers: validated leaver records -> the numeric model matrix.

Each transformer reads a fixed set of leaver-record fields and returns a
``float64`` DataFrame with the input's index. Every output column is traced
back to the record fields it is computed from in the fitted ``feature_sources_``
map, so that contributions to a prediction can be summed back to the fields HR
staff know.

Nothing is learned from the data: categories come from the schema, so the
columns are the same whatever the training data hold. ``fit`` checks that the
needed columns are present and records them in ``feature_names_in_``; columns
the transformer does not use (``leaver_id``, targets, protected fields unless
opted in) are ignored.

Two kinds of empty answer are kept apart. An exit-interview answer is empty *by
structure* when no interview took place: that is encoded explicitly, a ``*_held``
flag plus the answer with 0 when not held. An answer the leaver *skipped* (a
blank where an answer was expected) stays NaN in the output, for the model to
handle: HistGradientBoosting natively, the logistic model through an imputer with
missing-value indicators fitted in its pipeline. A column computed from several
answers is NaN when one of them is, except the behaviour constructs, which are
the mean of the items answered (the usual scoring of a survey scale).

Examples
--------
>>> import rehire_model as rm
>>> from rehire_model.features import LeaverFeatures, feature_sources
>>> records = rm.make_leaver_survey(50, random_state=0)
>>> features = LeaverFeatures().fit(records)
>>> features.transform(records).shape
(50, 32)
>>> feature_sources(features)["informal_route_only"]
('informal_rehire_custom', 'policy_comeback_program')
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .exceptions import SchemaError
from .schema import (
    COMPANY_SIZES,
    CONSTRUCTS,
    FEATURE_ROLES,
    FIELDS,
    GENDERS,
    INDUSTRIES,
    JOB_LEVELS,
    construct_scores,
)
from .validation import problems_table

__all__ = [
    "ExitInterviewFeatures",
    "FixedFactFeatures",
    "LeaverFeatures",
    "PolicyFeatures",
    "ProtectedFeatures",
    "feature_sources",
]

_FORMAL_MEASURES = (
    "policy_comeback_program",
    "policy_alumni_perks",
    "policy_alumni_community",
    "policy_alumni_events",
)
_INFORMAL = "informal_rehire_custom"
_COMEBACK = "policy_comeback_program"
_INTERVIEWS = (
    # (held flag, amicability field, output name of the amicability column)
    ("sup_interview_held", "sup_interview_amicability", "sup_amicability"),
    ("hr_interview_held", "hr_interview_amicability", "hr_amicability"),
)
_FOLLOW_UPS = ("invited_to_alumni_community", "informed_of_rehire_route")
_ITEMS = tuple(f.name for f in FIELDS if f.construct is not None)
_SCHEMA_ORDER = {f.name: i for i, f in enumerate(FIELDS)}
_EXTRA_KINDS = ("bool", "ordinal", "int", "float", "category")
# Stand-in values for the schema fields a model does not use (see LeaverFeatures.fields).
_PLACEHOLDERS = {
    f.name: f.categories[0] if f.kind == "category" else float(f.low or 0.0) for f in FIELDS
}

_CATEGORY_FIELDS = frozenset(f.name for f in FIELDS if f.kind == "category")
_NAN = float("nan")

# One computed column: (name, source fields, values).
_Column = tuple[str, tuple[str, ...], np.ndarray]
# Record fields as arrays: float64 with NaN for NA, object (str) for category fields.
_Arrays = Mapping[str, np.ndarray]


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------


def _schema_error(message: str, rows: list[tuple[str, object, str]]) -> SchemaError:
    """A SchemaError with a problems table in the same layout as validate_records."""
    return SchemaError(message, problems=problems_table(
        [(None, None, column, value, problem) for column, value, problem in rows]))


def _select(X: object, fields: Sequence[str], owner: str) -> pd.DataFrame:
    """The needed columns of the records, or an error naming what is missing."""
    if issparse(X):
        raise TypeError(
            f"{owner}: sparse input is not supported; pass leaver records as a pandas "
            "DataFrame with named columns (see rehire_model.validate_records)"
        )
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"{owner} needs leaver records as a pandas DataFrame with named columns "
            f"(see rehire_model.validate_records), not {type(X).__name__}"
        )
    present = list(X.columns)
    missing = [name for name in fields if name not in present]
    repeated = [name for name in fields if present.count(name) > 1]
    if missing or repeated:
        parts = []
        if missing:
            parts.append("missing required column(s): " + ", ".join(missing))
        if repeated:
            parts.append("repeated column(s): " + ", ".join(repeated))
        rows = [(name, None, "required column is missing") for name in missing]
        rows += [(name, None, "column appears more than once") for name in repeated]
        raise _schema_error(f"{owner}: leaver records have " + "; ".join(parts), rows)
    return X.loc[:, list(fields)]


@functools.cache
def _category_index(categories: tuple[str, ...]) -> tuple[pd.Index, dict[str, int]]:
    # object dtype: matching text against an Arrow-backed index would convert every value
    return pd.Index(categories, dtype=object), {v: i for i, v in enumerate(categories)}


def _codes(values: np.ndarray, name: str, categories: Sequence[str]) -> np.ndarray:
    """Position of each value in ``categories``; -1 for NA."""
    index, positions = _category_index(tuple(categories))
    if len(values) <= 64:  # a few records: a dict lookup beats building a hash table
        codes = np.array([positions.get(v, -1) if isinstance(v, str) else -1 for v in values],
                         dtype=np.int64)
    else:
        codes = index.get_indexer(pd.Index(values, dtype=object)).astype(np.int64)
    unknown = (codes == -1) & ~pd.isna(values)
    if unknown.any():
        bad = list(dict.fromkeys(values[unknown]))
        shown = ", ".join(repr(v) for v in bad[:5])
        raise _schema_error(
            f"column {name!r} has {shown}; expected one of {', '.join(categories)} "
            "(validate the records with rehire_model.validate_records first)",
            [(name, v, "unrecognised category") for v in bad],
        )
    return codes


def _to_arrays(records: pd.DataFrame, categorical: frozenset[str]) -> dict[str, np.ndarray]:
    """The record columns as arrays; a value that is not a number is an error."""
    arrays = {}
    for name, series in records.items():
        if name in categorical:
            arrays[name] = series.to_numpy(dtype=object)
            continue
        numbers = pd.to_numeric(series, errors="coerce")
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        unreadable = np.isnan(values) & series.notna().to_numpy()
        if unreadable.any():
            bad = list(dict.fromkeys(series.to_numpy(dtype=object)[unreadable]))
            raise _schema_error(
                f"column {name!r} has {', '.join(repr(v) for v in bad[:5])}, not numbers or "
                "true/false (validate the records with rehire_model.validate_records first)",
                [(str(name), v, "not a number or true/false") for v in bad],
            )
        arrays[name] = values
    return arrays


def _zero_where(values: np.ndarray, not_held: np.ndarray) -> np.ndarray:
    """An interview's answer, 0 where the interview was not held (empty by structure)."""
    return np.where(not_held, 0.0, values)


def _one_hot(name: str, codes: np.ndarray, categories: Sequence[str]) -> list[_Column]:
    """One 0/1 column per category; NaN in every column where the value is missing."""
    blank = codes == -1
    return [
        (f"{name}={value}", (name,), np.where(blank, np.nan, (codes == i).astype(np.float64)))
        for i, value in enumerate(categories)
    ]


def _one_hot_one(value: str | None, categories: Sequence[str]) -> list[float]:
    """:func:`_one_hot` of one value."""
    if value is None:
        return [_NAN] * len(categories)
    return [1.0 if value == category else 0.0 for category in categories]


def _construct_means_one(items: Mapping[str, float]) -> dict[str, float]:
    """:func:`~rehire_model.schema.construct_scores` of one record: the mean of the
    answered items, NaN when none was."""
    scores = {}
    for construct, names in CONSTRUCTS.items():
        answered = [items[name] for name in names if items[name] == items[name]]
        scores[construct] = sum(answered) / len(answered) if answered else _NAN
    return scores


def _is_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_))


# --------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------


class _RecordFeatures(TransformerMixin, BaseEstimator):
    """Base of the feature transformers: input checks, fitted maps, output frame."""

    def _input_fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        raise NotImplementedError

    def _compute_one(self, values: Mapping[str, Any]) -> list[float]:
        raise NotImplementedError

    def categorical_fields(self) -> frozenset[str]:
        """The input fields read as categories (object arrays); every other is a number."""
        return _CATEGORY_FIELDS

    def record_encoder(self) -> Callable[[Mapping[str, Any]], list[float]]:
        """A function from one validated record to its model row, without a table.

        The record's values are as :func:`rehire_model.validation.read_record` returns
        them (categories as ``str`` or None, every other field as ``float``, NaN for a
        blank). The row is the one :meth:`transform_arrays` computes for the record,
        number for number.

        Examples
        --------
        >>> import rehire_model as rm
        >>> records = rm.make_leaver_survey(3, random_state=0)
        >>> features = PolicyFeatures().fit(records)
        >>> record = {name: float(records.loc[0, name]) for name in features.feature_names_in_}
        >>> features.record_encoder()(record) == features.transform(records).iloc[0].tolist()
        True
        """
        check_is_fitted(self, "feature_sources_")
        return self._compute_one

    def _check_params(self) -> None:
        for name, value in self.get_params(deep=False).items():
            if not _is_bool(value):
                raise TypeError(
                    f"{type(self).__name__}: parameter {name!r} must be True or False, "
                    f"got {value!r}"
                )

    def fit(self, X: pd.DataFrame, y: object = None) -> _RecordFeatures:
        """Check the records and fix the output columns.

        Parameters
        ----------
        X : pandas.DataFrame
            Validated leaver records (see :func:`rehire_model.validate_records`).
            Columns not used by this transformer are ignored.
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted transformer.

        Raises
        ------
        SchemaError
            A needed column is missing (the message names it).
        """
        self._check_params()
        records = _select(X, self._input_fields(), type(self).__name__)
        validate_data(self, records, skip_check_array=True, reset=True)
        self._fit_parts(records)
        # Nothing is learned from the values, but computing them checks them.
        columns = self._compute(_to_arrays(records, self.categorical_fields()))
        self.feature_sources_ = {name: sources for name, sources, _ in columns}
        return self

    def _fit_parts(self, records: pd.DataFrame) -> None:
        """Fit the sub-transformers of a composite (none by default)."""

    def record_arrays(self, records: pd.DataFrame) -> dict[str, np.ndarray]:
        """The input columns of validated records as arrays, ready for :meth:`transform_arrays`.

        Category fields become object arrays, every other field float64 (booleans as
        1.0/0.0, a skipped answer as NaN).

        Raises
        ------
        SchemaError
            A value is not a number or true/false (the records were not validated).
        """
        columns = list(self.feature_names_in_)
        return _to_arrays(records.loc[:, columns], self.categorical_fields())

    def transform_arrays(self, arrays: _Arrays) -> np.ndarray:
        """The model matrix (rows x output columns, float64) of record arrays.

        The one encoding path: :meth:`transform` uses it on a table, a fitted model on
        the arrays of a batch of records (:meth:`record_arrays`), so both give the
        same numbers.
        """
        columns = self._compute(arrays)
        n_rows = len(next(iter(arrays.values()))) if arrays else 0
        # Filled column by column (contiguous writes), returned as its n_rows x n_columns view.
        by_column = np.empty((len(columns), n_rows), dtype=np.float64)
        for j, (_, _, values) in enumerate(columns):
            by_column[j] = values
        bad = np.isinf(by_column)
        if bad.any():
            rows = []
            for j in np.flatnonzero(bad.any(axis=1)):
                name, sources, _ = columns[j]
                rows.append((sources[0], None, f"infinite (feature {name!r})"))
            fields = ", ".join(dict.fromkeys(r[0] for r in rows))
            raise _schema_error(
                f"leaver records have infinite values in: {fields} "
                "(validate the records with rehire_model.validate_records first)",
                rows,
            )
        return by_column.T

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Compute the features.

        Parameters
        ----------
        X : pandas.DataFrame
            Validated leaver records with at least the columns in ``feature_names_in_``.

        Returns
        -------
        pandas.DataFrame
            One ``float64`` column per name in :meth:`get_feature_names_out`, with the
            index of ``X``.

        Raises
        ------
        SchemaError
            A needed column is missing, or a value is not a valid record value.
        sklearn.exceptions.NotFittedError
            The transformer is not fitted.
        """
        check_is_fitted(self, "feature_sources_")
        records = _select(X, list(self.feature_names_in_), type(self).__name__)
        validate_data(self, records, skip_check_array=True, reset=False)
        matrix = self.transform_arrays(_to_arrays(records, self.categorical_fields()))
        return pd.DataFrame(matrix, index=records.index, columns=list(self.feature_sources_))

    def get_feature_names_out(self, input_features: Sequence[str] | None = None) -> np.ndarray:
        """Names of the output columns.

        Parameters
        ----------
        input_features : sequence of str, optional
            Column names of the input; when given they must include every name in
            ``feature_names_in_`` (other columns are ignored).

        Returns
        -------
        numpy.ndarray of str
            The output column names, in output order.
        """
        check_is_fitted(self, "feature_sources_")
        if input_features is not None:
            missing = sorted(set(self.feature_names_in_) - set(input_features))
            if missing:
                raise ValueError(
                    f"input_features lacks column(s) used by {type(self).__name__}: "
                    + ", ".join(missing)
                )
        return np.asarray(list(self.feature_sources_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A table of mixed types: categories as text, booleans with structural NA.
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        # The output is always float64, whatever the input dtypes.
        tags.transformer_tags.preserves_dtype = []
        return tags


# --------------------------------------------------------------------------------------
# The transformers
# --------------------------------------------------------------------------------------


class PolicyFeatures(_RecordFeatures):
    """The former employer's alumni policies as 0/1 flags and a count.

    Output columns: the five policy flags (``policy_comeback_program``,
    ``policy_alumni_perks``, ``policy_alumni_community``, ``policy_alumni_events``,
    ``informal_rehire_custom``) as 0/1; ``n_alumni_measures``, the number of the
    four formal measures in place (0..4); and ``informal_route_only``, 1 when
    rehiring happens by custom and there is no comeback program (the formal
    route is the comeback flag itself).

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray of str
        The record fields read.
    n_features_in_ : int
        Number of record fields read.
    feature_sources_ : dict of str -> tuple of str
        For each output column, the record fields it is computed from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(50, random_state=0)
    >>> X = PolicyFeatures().fit_transform(records)
    >>> list(X.columns[-2:]), X.shape
    (['n_alumni_measures', 'informal_route_only'], (50, 7))
    """

    def _input_fields(self) -> tuple[str, ...]:
        return (*_FORMAL_MEASURES, _INFORMAL)

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        flags = {name: arrays[name] for name in self._input_fields()}
        columns: list[_Column] = [(name, (name,), flags[name]) for name in flags]
        columns.append(
            ("n_alumni_measures", _FORMAL_MEASURES, sum(flags[n] for n in _FORMAL_MEASURES))
        )
        columns.append(
            (
                "informal_route_only",
                (_INFORMAL, _COMEBACK),
                flags[_INFORMAL] * (1.0 - flags[_COMEBACK]),
            )
        )
        return columns

    def _compute_one(self, values: Mapping[str, Any]) -> list[float]:
        row = [values[name] for name in self._input_fields()]
        row.append(sum(values[name] for name in _FORMAL_MEASURES))
        row.append(values[_INFORMAL] * (1.0 - values[_COMEBACK]))
        return row


class ExitInterviewFeatures(_RecordFeatures):
    """How the exit interviews went and the follow-up at exit.

    For each interview (supervisor, HR): ``*_interview_held`` as 0/1 and the
    amicability (``sup_amicability``, ``hr_amicability``) when held, 0 when not
    held; the held flag and the 0 together encode "no interview" explicitly
    instead of imputing an answer. The supervisor's behaviours are summarised by
    the three constructs ``respect``, ``drawing_out`` and ``welcome`` (mean of
    their answered items, 0 without an interview), and the follow-ups
    ``invited_to_alumni_community`` and ``informed_of_rehire_route`` as 0/1.
    A skipped answer is NaN (see the module docstring).

    Parameters
    ----------
    constructs : bool, default True
        Output the three constructs. Without them, each behaviour item is output.
    items : bool, default False
        Also output each behaviour item as 0/1 (0 without an interview).
    interaction : bool, default True
        Also output ``respect_x_drawing_out``, the product of the respect and drawing
        out constructs (drawing out feelings pays off together with respect for the
        decision).

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray of str
        The record fields read.
    n_features_in_ : int
        Number of record fields read.
    feature_sources_ : dict of str -> tuple of str
        For each output column, the record fields it is computed from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(50, random_state=0)
    >>> X = ExitInterviewFeatures().fit_transform(records)
    >>> list(X.columns[:4])
    ['sup_interview_held', 'sup_amicability', 'hr_interview_held', 'hr_amicability']
    >>> bool((X.loc[X["sup_interview_held"] == 0, "welcome"] == 0).all())
    True
    """

    def __init__(
        self, *, constructs: bool = True, items: bool = False, interaction: bool = True
    ) -> None:
        self.constructs = constructs
        self.items = items
        self.interaction = interaction

    def _input_fields(self) -> tuple[str, ...]:
        fields = [name for interview in _INTERVIEWS for name in interview[:2]]
        return tuple(sorted([*fields, *_ITEMS, *_FOLLOW_UPS], key=_SCHEMA_ORDER.__getitem__))

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        columns: list[_Column] = []
        not_held = {}
        for held, amicability, name in _INTERVIEWS:
            not_held[held] = arrays[held] == 0.0
            columns.append((held, (held,), arrays[held]))
            columns.append((name, (amicability,), _zero_where(arrays[amicability],
                                                              not_held[held])))
        items = {item: _zero_where(arrays[item], not_held["sup_interview_held"])
                 for item in _ITEMS}
        scores = construct_scores(items)
        if self.constructs:
            columns += [(construct, names, scores[construct])
                        for construct, names in CONSTRUCTS.items()]
        if self.interaction:
            columns.append(
                (
                    "respect_x_drawing_out",
                    (*CONSTRUCTS["respect"], *CONSTRUCTS["drawing_out"]),
                    scores["respect"] * scores["drawing_out"],
                )
            )
        if self.items or not self.constructs:
            columns += [(item, (item,), items[item]) for item in _ITEMS]
        columns += [(name, (name,), arrays[name]) for name in _FOLLOW_UPS]
        return columns

    def _compute_one(self, values: Mapping[str, Any]) -> list[float]:
        row = []
        for held, amicability, _ in _INTERVIEWS:
            row += [values[held], 0.0 if values[held] == 0.0 else values[amicability]]
        sup_not_held = values["sup_interview_held"] == 0.0
        items = {item: 0.0 if sup_not_held else values[item] for item in _ITEMS}
        scores = _construct_means_one(items)
        if self.constructs:
            row += [scores[construct] for construct in CONSTRUCTS]
        if self.interaction:
            row.append(scores["respect"] * scores["drawing_out"])
        if self.items or not self.constructs:
            row += [items[item] for item in _ITEMS]
        row += [values[name] for name in _FOLLOW_UPS]
        return row


class FixedFactFeatures(_RecordFeatures):
    """Facts about the former employer and the job.

    ``company_size`` as an ordinal code 0..3 (``10-99`` .. ``5000+``); one 0/1
    column ``industry=<value>`` and ``job_level=<value>`` for every category of
    the schema (fixed, so the columns do not depend on which categories the
    training data contain); ``tenure_years`` and ``years_since_exit`` as numbers.

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray of str
        The record fields read.
    n_features_in_ : int
        Number of record fields read.
    feature_sources_ : dict of str -> tuple of str
        For each output column, the record fields it is computed from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(50, random_state=0)
    >>> X = FixedFactFeatures().fit_transform(records)
    >>> X.shape, float(X.filter(like="industry=").sum(axis=1).min())
    ((50, 15), 1.0)
    """

    def _input_fields(self) -> tuple[str, ...]:
        return ("company_size", "industry", "job_level", "tenure_years", "years_since_exit")

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        size = _codes(arrays["company_size"], "company_size", COMPANY_SIZES)
        columns: list[_Column] = [
            ("company_size", ("company_size",), np.where(size == -1, np.nan, size))
        ]
        for name, categories in (("industry", INDUSTRIES), ("job_level", JOB_LEVELS)):
            columns += _one_hot(name, _codes(arrays[name], name, categories), categories)
        columns += [(name, (name,), arrays[name]) for name in ("tenure_years", "years_since_exit")]
        return columns

    def _compute_one(self, values: Mapping[str, Any]) -> list[float]:
        size = values["company_size"]
        row = [_NAN if size is None else float(COMPANY_SIZES.index(size))]
        row += _one_hot_one(values["industry"], INDUSTRIES)
        row += _one_hot_one(values["job_level"], JOB_LEVELS)
        row += [values["tenure_years"], values["years_since_exit"]]
        return row


class ProtectedFeatures(_RecordFeatures):
    """Protected attributes, for training configs that explicitly opt them in.

    ``age`` as a number, one 0/1 column ``gender=<value>`` for every gender of
    the schema, ``married`` and ``has_children`` as 0/1. A missing value is NaN
    (a missing gender in every gender column), for the model to handle.
    By default these fields are kept for fairness audits only and are not model
    features.

    Attributes
    ----------
    feature_names_in_ : numpy.ndarray of str
        The record fields read.
    n_features_in_ : int
        Number of record fields read.
    feature_sources_ : dict of str -> tuple of str
        For each output column, the record fields it is computed from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(50, random_state=0)
    >>> list(ProtectedFeatures().fit(records).get_feature_names_out())
    ['age', 'gender=female', 'gender=male', 'gender=other', 'gender=unknown', 'married', 'has_children']
    """  # noqa: E501

    def _input_fields(self) -> tuple[str, ...]:
        return ("age", "gender", "married", "has_children")

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        columns: list[_Column] = [("age", ("age",), arrays["age"])]
        columns += _one_hot("gender", _codes(arrays["gender"], "gender", GENDERS), GENDERS)
        columns += [(name, (name,), arrays[name]) for name in ("married", "has_children")]
        return columns

    def _compute_one(self, values: Mapping[str, Any]) -> list[float]:
        return [values["age"], *_one_hot_one(values["gender"], GENDERS), values["married"],
                values["has_children"]]


class LeaverFeatures(_RecordFeatures):
    """The full model matrix: fixed facts, policies, exit interviews (and protected).

    Concatenates :class:`FixedFactFeatures`, :class:`PolicyFeatures`,
    :class:`ExitInterviewFeatures`, :class:`ProtectedFeatures` (only when
    ``include_protected`` is true) and a company's own columns (``extra``), in
    that order.

    Parameters
    ----------
    include_protected : bool, default False
        Add age, gender, marriage and children as features. Off by default: these
        fields are for fairness audits, and no output column is then computed from
        any of them.
    constructs : bool, default True
        Passed to :class:`ExitInterviewFeatures`: output the three behaviour constructs
        (without them, each behaviour item).
    items : bool, default False
        Passed to :class:`ExitInterviewFeatures`: also output each behaviour item.
    interaction : bool, default True
        Passed to :class:`ExitInterviewFeatures`: also output ``respect_x_drawing_out``.
    fields : tuple of str, optional
        The schema fields to use (fixed, policy, exit-interview and follow-up fields);
        default all of them. Output columns computed from a field not listed are left
        out (``n_alumni_measures`` needs all four formal measures, a construct all its
        items), and records need not have the fields not listed.
    extra : tuple of (name, kind, categories), default ()
        A company's own columns: ``kind`` ``"bool"``, ``"ordinal"``, ``"int"`` or
        ``"float"`` gives one numeric column (booleans 0/1), ``"category"`` one 0/1
        column ``name=<value>`` per entry of ``categories``. Validate the records with
        the matching :class:`~rehire_model.schema.Field` objects first.

    Attributes
    ----------
    transformers_ : list of (str, transformer)
        The fitted schema parts, in output order.
    feature_names_in_ : numpy.ndarray of str
        The record fields read, in schema order, then the extra columns.
    n_features_in_ : int
        Number of record fields read.
    feature_sources_ : dict of str -> tuple of str
        For each output column, the record fields it is computed from.

    Examples
    --------
    >>> import rehire_model as rm
    >>> records = rm.make_leaver_survey(50, random_state=0)
    >>> X = LeaverFeatures().fit_transform(records)
    >>> X.shape, X.dtypes.unique().tolist()
    ((50, 32), [dtype('float64')])
    >>> LeaverFeatures(include_protected=True).fit_transform(records).shape
    (50, 39)
    >>> no_hr = [n for n in rm.schema.field_names(*rm.schema.FEATURE_ROLES) if "hr_" not in n]
    >>> list(LeaverFeatures(fields=tuple(no_hr)).fit(records).get_feature_names_out()[-4:])
    ['welcome', 'respect_x_drawing_out', 'invited_to_alumni_community', 'informed_of_rehire_route']
    """  # noqa: E501

    def __init__(
        self,
        *,
        include_protected: bool = False,
        constructs: bool = True,
        items: bool = False,
        interaction: bool = True,
        fields: tuple[str, ...] | None = None,
        extra: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
    ) -> None:
        self.include_protected = include_protected
        self.constructs = constructs
        self.items = items
        self.interaction = interaction
        self.fields = fields
        self.extra = extra

    def _check_params(self) -> None:
        for name in ("include_protected", "constructs", "items", "interaction"):
            if not _is_bool(getattr(self, name)):
                raise TypeError(
                    f"LeaverFeatures: parameter {name!r} must be True or False, "
                    f"got {getattr(self, name)!r}"
                )
        if self.fields is not None:
            unknown = [
                name for name in self.fields
                if name not in _SCHEMA_ORDER or FIELDS[_SCHEMA_ORDER[name]].role
                not in FEATURE_ROLES
            ]
            if unknown:
                raise ValueError(
                    f"LeaverFeatures: fields {unknown} are not fixed, policy, exit-interview "
                    "or follow-up fields of the schema; list a company's own columns in "
                    "'extra' and opt protected fields in with include_protected"
                )
        for spec in self.extra:
            if len(spec) != 3 or spec[1] not in _EXTRA_KINDS or (
                (spec[1] == "category") != bool(spec[2])
            ):
                raise ValueError(
                    f"LeaverFeatures: extra column {spec!r} must be (name, kind, categories) "
                    f"with kind one of {', '.join(_EXTRA_KINDS)} and categories given "
                    "exactly for kind 'category'"
                )

    def _parts(self) -> list[tuple[str, _RecordFeatures]]:
        parts: list[tuple[str, _RecordFeatures]] = [
            ("fixed", FixedFactFeatures()),
            ("policy", PolicyFeatures()),
            (
                "exit_interview",
                ExitInterviewFeatures(constructs=self.constructs, items=self.items,
                                      interaction=self.interaction),
            ),
        ]
        if self.include_protected:
            parts.append(("protected", ProtectedFeatures()))
        return parts

    def _used_schema_fields(self) -> set[str]:
        fields = {name for _, part in self._parts() for name in part._input_fields()}
        if self.fields is not None:
            fields &= set(self.fields) | set(ProtectedFeatures()._input_fields())
        return fields

    def _input_fields(self) -> tuple[str, ...]:
        used = sorted(self._used_schema_fields(), key=_SCHEMA_ORDER.__getitem__)
        return (*used, *(spec[0] for spec in self.extra))

    def categorical_fields(self) -> frozenset[str]:
        """The input fields read as categories: the schema's and a company's own."""
        own = {name for name, kind, _ in self.extra if kind == "category"}
        return _CATEGORY_FIELDS | own

    def _fit_parts(self, records: pd.DataFrame) -> None:
        records = records.assign(**self._placeholders(len(records)))
        self.transformers_ = [(name, part.fit(records)) for name, part in self._parts()]

    def _placeholders(self, n_rows: int) -> dict[str, np.ndarray]:
        """A constant for each schema field not used, so the parts can run unchanged.

        Every column computed from a placeholder is dropped in ``_compute``.
        """
        if self.fields is None:
            return {}
        used = self._used_schema_fields()
        return {
            name: np.full(n_rows, _PLACEHOLDERS[name],
                          dtype=object if name in _CATEGORY_FIELDS else np.float64)
            for _, part in self._parts()
            for name in part._input_fields()
            if name not in used
        }

    def _compute(self, arrays: _Arrays) -> list[_Column]:
        n_rows = len(next(iter(arrays.values()))) if arrays else 0
        filled = {**arrays, **self._placeholders(n_rows)}
        columns = [column for _, part in self.transformers_ for column in part._compute(filled)]
        if self.fields is not None:
            used = self._used_schema_fields()
            columns = [column for column in columns if used.issuperset(column[1])]
        for name, kind, categories in self.extra:
            if kind == "category":
                columns += _one_hot(name, _codes(arrays[name], name, categories), categories)
            else:
                columns.append((name, (name,), arrays[name]))
        return columns

    def record_encoder(self) -> Callable[[Mapping[str, Any]], list[float]]:
        """A function from one validated record to its model row, without a table: the
        row :meth:`transform_arrays` computes for the record, number for number."""
        check_is_fitted(self, "feature_sources_")
        placeholders = {name: values[0] if name in _CATEGORY_FIELDS else float(values[0])
                        for name, values in self._placeholders(1).items()}
        used = None if self.fields is None else self._used_schema_fields()
        parts = [
            (part._compute_one, None if used is None else [
                i for i, sources in enumerate(part.feature_sources_.values())
                if used.issuperset(sources)])
            for _, part in self.transformers_
        ]
        extra = [(name, categories if kind == "category" else None)
                 for name, kind, categories in self.extra]

        def encode(values: Mapping[str, Any]) -> list[float]:
            filled = {**values, **placeholders} if placeholders else values
            row: list[float] = []
            for compute, keep in parts:
                out = compute(filled)
                row += out if keep is None else [out[i] for i in keep]
            for name, categories in extra:
                if categories is None:
                    row.append(values[name])
                else:
                    row += _one_hot_one(values[name], categories)
            return row

        return encode


def feature_sources(transformer: object) -> dict[str, tuple[str, ...]]:
    """The map from each output column of a fitted transformer to its record fields.

    Parameters
    ----------
    transformer : fitted feature transformer
        Any transformer of this module (or another estimator with ``feature_sources_``).

    Returns
    -------
    dict of str -> tuple of str
        A copy of ``transformer.feature_sources_``, in output column order.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        The transformer is not fitted.
    TypeError
        The object does not trace its outputs to record fields.

    Examples
    --------
    >>> import rehire_model as rm
    >>> t = PolicyFeatures().fit(rm.make_leaver_survey(20, random_state=0))
    >>> feature_sources(t)["n_alumni_measures"]  # doctest: +NORMALIZE_WHITESPACE
    ('policy_comeback_program', 'policy_alumni_perks', 'policy_alumni_community',
     'policy_alumni_events')
    """
    if not isinstance(transformer, _RecordFeatures) and not hasattr(
        transformer, "feature_sources_"
    ):
        raise TypeError(
            f"{type(transformer).__name__} does not map its outputs to leaver-record fields"
        )
    check_is_fitted(transformer, "feature_sources_")
    return dict(transformer.feature_sources_)
