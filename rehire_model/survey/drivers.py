"""Driver analysis: which exit-interview behaviours move alumni engagement.

HR researchers regress a continuous outcome, such as the alumni engagement
score of a leaver survey, on the drivers they care about (for example how
amicable the supervisor's exit interview was, or whether the supervisor signalled
that the leaver would be welcome back) while holding control variables fixed
(age, gender, industry, company size, ...). The result is reported the way
survey reports present it: standardized coefficients (beta) with significance
marks, the adjusted R^2 and the number of respondents used.

The model is ordinary least squares with an intercept. Categorical columns are
dummy-coded against a reference level, and interactions between two numeric
columns are added as product terms, so that the effect of one driver can be
read at chosen values of the other (a simple slope).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, stats

from rehire_model.exceptions import AnalysisError, DataWarning
from rehire_model.schema import TARGETS
from rehire_model.survey._coding import as_float, survey_construct_scores

__all__ = [
    "DriverAnalysis",
    "code_leaver_survey",
    "driver_analysis",
    "significance_stars",
]

INTERCEPT = "Intercept"
_TABLE_COLUMNS = ["coef", "std_error", "t", "p_value", "beta", "stars"]
_STAR_LEGEND = "*** p<0.01, ** p<0.05, * p<0.1"
# A null-space loading below this marks a column as not involved in a collinearity.
_LOADING_TOL = 1e-6


def significance_stars(p: float) -> str:
    """Return the survey significance mark for a p-value.

    Parameters
    ----------
    p : float
        Two-sided p-value.

    Returns
    -------
    str
        ``"***"`` if ``p < 0.01``, ``"**"`` if ``p < 0.05``, ``"*"`` if
        ``p < 0.1`` and ``""`` otherwise (also for a missing p-value).

    Examples
    --------
    >>> significance_stars(0.003)
    '***'
    >>> significance_stars(0.05)
    '*'
    >>> significance_stars(0.4)
    ''
    """
    if p is None or not np.isfinite(p):
        return ""
    if p < 0.01:
        return "***"
    if p < 0.05:
        return "**"
    if p < 0.1:
        return "*"
    return ""


@dataclass(frozen=True, eq=False)
class DriverAnalysis:
    """Result of :func:`driver_analysis`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term, indexed by term name: the intercept first, then the
        predictors, the interaction terms and the controls. Columns ``coef``
        (unstandardized coefficient), ``std_error``, ``t``, ``p_value``,
        ``beta`` (standardized coefficient; NaN for the intercept) and
        ``stars`` (see :func:`significance_stars`).
    n : int
        Number of rows (respondents) used in the fit.
    r2, adj_r2 : float
        R^2 and adjusted R^2.
    target : str
        Name of the outcome column.
    predictors : tuple of str
        Term names of the drivers of interest, after dummy coding.
    controls : tuple of str
        Term names of the control variables, after dummy coding.
    interactions : tuple of (str, str)
        The interacting column pairs; the term of pair ``(a, b)`` is ``"a:b"``.
    df_resid : int
        Residual degrees of freedom, ``n - k - 1`` for ``k`` terms.
    cov : pandas.DataFrame
        Covariance matrix of the coefficients, indexed like ``table``.
    """

    table: pd.DataFrame
    n: int
    r2: float
    adj_r2: float
    target: str
    predictors: tuple[str, ...]
    controls: tuple[str, ...]
    interactions: tuple[tuple[str, str], ...] = ()
    df_resid: int = 0
    cov: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def interaction_terms(self) -> tuple[str, ...]:
        """Term names of the interactions, such as ``"respect:drawing_out"``."""
        return tuple(_interaction_name(a, b) for a, b in self.interactions)

    def beta(self, term: str) -> float:
        """Standardized coefficient of a term (NaN for the intercept).

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> survey = pd.DataFrame({"welcome": rng.normal(size=500)})
        >>> survey["engagement"] = 0.5 * survey["welcome"] + rng.normal(size=500)
        >>> result = driver_analysis(survey, "engagement", ["welcome"])
        >>> round(result.beta("welcome"), 2)
        0.48
        """
        return float(self.table.loc[self._check_term(term), "beta"])

    def p_value(self, term: str) -> float:
        """Two-sided p-value of a term's coefficient.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> survey = pd.DataFrame({"welcome": rng.normal(size=500)})
        >>> survey["engagement"] = 0.5 * survey["welcome"] + rng.normal(size=500)
        >>> result = driver_analysis(survey, "engagement", ["welcome"])
        >>> result.p_value("welcome") < 0.01
        True
        """
        return float(self.table.loc[self._check_term(term), "p_value"])

    def slope(self, term: str, at: Mapping[str, float] | None = None) -> float:
        """Simple slope of a column given values of its interaction partners.

        The slope of ``a`` where its partner ``b`` equals ``v`` is
        ``coef[a] + v * coef["a:b"]``, summed over every interaction of ``a``.
        Without interactions it is the coefficient itself.

        Parameters
        ----------
        term : str
            A numeric predictor or control (not a dummy or interaction term).
        at : mapping of str to float, optional
            Value of every interaction partner of ``term``.

        Returns
        -------
        float
            Change in the outcome per unit of ``term`` at the given values.

        Examples
        --------
        Respecting the decision without drawing out feelings lowers engagement;
        together with drawing out feelings it raises it:

        >>> import numpy as np
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> survey = pd.DataFrame(
        ...     {"respect": rng.integers(0, 2, 1000), "drawing_out": rng.integers(0, 2, 1000)}
        ... )
        >>> survey["engagement"] = (
        ...     -0.4 * survey["respect"]
        ...     + 0.8 * survey["respect"] * survey["drawing_out"]
        ...     + rng.normal(size=1000)
        ... )
        >>> result = driver_analysis(
        ...     survey, "engagement", ["respect", "drawing_out"],
        ...     interactions=[("respect", "drawing_out")],
        ... )
        >>> round(result.slope("respect", at={"drawing_out": 0}), 2)
        -0.38
        >>> round(result.slope("respect", at={"drawing_out": 1}), 2)
        0.46
        """
        weights = self._slope_weights(term, at)
        return float(weights @ self.table["coef"].to_numpy())

    def slope_test(self, term: str, at: Mapping[str, float] | None = None) -> pd.Series:
        """Simple slope with its standard error, t statistic and p-value.

        Parameters
        ----------
        term, at
            As in :meth:`slope`.

        Returns
        -------
        pandas.Series
            Entries ``slope``, ``std_error``, ``t``, ``p_value`` and ``stars``.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> survey = pd.DataFrame({"welcome": rng.normal(size=500)})
        >>> survey["engagement"] = 0.5 * survey["welcome"] + rng.normal(size=500)
        >>> driver_analysis(survey, "engagement", ["welcome"]).slope_test("welcome")["stars"]
        '***'
        """
        weights = self._slope_weights(term, at)
        estimate = float(weights @ self.table["coef"].to_numpy())
        std_error = float(np.sqrt(weights @ self.cov.to_numpy() @ weights))
        t_stat, p = _t_test(np.array([estimate]), np.array([std_error]), self.df_resid)
        return pd.Series(
            {
                "slope": estimate,
                "std_error": std_error,
                "t": float(t_stat[0]),
                "p_value": float(p[0]),
                "stars": significance_stars(float(p[0])),
            },
            name=term,
            dtype=object,
        )

    def summary(self, digits: int = 3) -> str:
        """Format the result like a survey report table.

        Each term is listed with its standardized coefficient and significance
        marks and its p-value, grouped into drivers, interactions and controls;
        the adjusted R^2 and n close the table.

        Parameters
        ----------
        digits : int, default 3
            Decimals of beta, p-values and R^2.

        Returns
        -------
        str

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> rng = np.random.default_rng(0)
        >>> survey = pd.DataFrame({"welcome": rng.normal(size=500)})
        >>> survey["engagement"] = 0.5 * survey["welcome"] + rng.normal(size=500)
        >>> result = driver_analysis(survey, "engagement", ["welcome"])
        >>> print(result.summary())
        Driver analysis of engagement (OLS, standardized coefficients)
        ---------------------------
        Term        beta          p
        ---------------------------
        Drivers
          welcome  0.479***  <0.001
        ---------------------------
        R^2 = 0.229   Adjusted R^2 = 0.228   n = 500
        *** p<0.01, ** p<0.05, * p<0.1
        """
        groups = [
            ("Drivers", self.predictors),
            ("Interactions", self.interaction_terms),
            ("Controls", self.controls),
        ]
        terms = [term for _, names in groups for term in names]
        term_width = max([len(term) for term in terms] + [4]) + 2
        beta_width = digits + 7
        p_width = max(digits + 3, 6) + 2
        rule = "-" * (term_width + beta_width + p_width)
        lines = [
            f"Driver analysis of {self.target} (OLS, standardized coefficients)",
            rule,
            "Term".ljust(term_width) + "beta".rjust(beta_width - 3) + "   " + "p".rjust(p_width),
            rule,
        ]
        for title, names in groups:
            if not names:
                continue
            lines.append(title)
            for term in names:
                row = self.table.loc[term]
                beta = f"{row['beta']:.{digits}f}{row['stars']:<3}"
                lines.append(
                    ("  " + term).ljust(term_width)
                    + beta.rjust(beta_width)
                    + _format_p(row["p_value"], digits).rjust(p_width)
                )
        lines += [
            rule,
            f"R^2 = {self.r2:.{digits}f}   Adjusted R^2 = {self.adj_r2:.{digits}f}"
            f"   n = {self.n:,}",
            _STAR_LEGEND,
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _check_term(self, term: str) -> str:
        if term not in self.table.index:
            raise AnalysisError(
                f"unknown term {term!r}; the model has terms: {', '.join(self.table.index)}"
            )
        return term

    def _slope_weights(self, term: str, at: Mapping[str, float] | None) -> np.ndarray:
        """Weights on the coefficients whose sum is the simple slope of ``term``."""
        self._check_term(term)
        if term == INTERCEPT or term in self.interaction_terms:
            raise AnalysisError(
                f"a slope is defined for a predictor or control column, not for {term!r}"
            )
        at = dict(at or {})
        known = {name for pair in self.interactions for name in pair}
        unknown = sorted(set(at) - known - set(self.table.index))
        if unknown:
            raise AnalysisError(f"'at' names columns that are not in the model: {unknown}")
        index = list(self.table.index)
        weights = np.zeros(len(index))
        weights[index.index(term)] = 1.0
        for a, b in self.interactions:
            if term not in (a, b):
                continue
            partner = b if term == a else a
            if partner not in at:
                raise AnalysisError(
                    f"{term!r} interacts with {partner!r}: give its value, "
                    f"e.g. at={{{partner!r}: 0}}"
                )
            weights[index.index(_interaction_name(a, b))] = _as_float(at[partner], partner)
        return weights


def driver_analysis(
    data: pd.DataFrame,
    target: str,
    predictors: Sequence[str],
    *,
    controls: Sequence[str] = (),
    interactions: Sequence[tuple[str, str]] = (),
    categorical: Iterable[str] | None = None,
) -> DriverAnalysis:
    """Regress an outcome on drivers and controls and report standardized effects.

    Fits ordinary least squares with an intercept, the way leaver surveys
    estimate what drives alumni engagement: which exit-interview behaviours
    matter once age, gender, industry and company size are held fixed.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    target : str
        Column of the continuous outcome, e.g. an alumni engagement score.
    predictors : sequence of str
        Columns of the drivers of interest.
    controls : sequence of str, optional
        Columns of the control variables.
    interactions : sequence of (str, str), optional
        Pairs of numeric (or boolean) predictor/control columns whose product
        enters the model as the term ``"a:b"``. The product uses the raw
        values, so the coefficient of ``a`` is its slope where ``b == 0`` and
        its slope where ``b == v`` is ``coef[a] + v * coef["a:b"]`` (see
        :meth:`DriverAnalysis.slope`). Centre the columns beforehand to read
        main effects at the mean instead.
    categorical : iterable of str, optional
        Numeric columns to treat as categorical as well. Columns of string,
        object or category dtype are always categorical.

    Returns
    -------
    DriverAnalysis
        Coefficients, standard errors, t statistics, p-values, standardized
        coefficients and significance marks, with R^2, adjusted R^2 and n.

    Raises
    ------
    AnalysisError
        If a column is unknown, the target is not numeric, a predictor or
        control is constant in the rows used, there are fewer complete rows
        than the model needs, or the design is perfectly collinear.

    Warns
    -----
    DataWarning
        If rows with a missing value in a used column are dropped.

    Notes
    -----
    Categorical columns are dummy-coded against their first level, named
    ``"column[level]"``. The first level is the first declared category for a
    category dtype and the smallest value otherwise. Boolean columns enter as
    0/1 under their own name.

    Standard errors come from the QR decomposition of the design with the
    residual variance on ``n - k - 1`` degrees of freedom; p-values are
    two-sided from Student's t. The standardized coefficient of a term is
    ``coef * sd(term column) / sd(target)`` with sample standard deviations
    of the design column actually used (the dummy, or the product for an
    interaction), which equals the slope of a regression of the z-scored
    outcome on the z-scored design columns.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> survey = pd.DataFrame(
    ...     {
    ...         "welcome": rng.normal(size=300),
    ...         "age": rng.integers(20, 60, 300),
    ...         "industry": rng.choice(["IT", "finance", "retail"], 300),
    ...     }
    ... )
    >>> survey["engagement"] = 0.5 * survey["welcome"] + rng.normal(size=300)
    >>> result = driver_analysis(
    ...     survey, "engagement", ["welcome"], controls=["age", "industry"]
    ... )
    >>> list(result.table.index)
    ['Intercept', 'welcome', 'age', 'industry[finance]', 'industry[retail]']
    >>> print(result)
    Driver analysis of engagement (OLS, standardized coefficients)
    -------------------------------------
    Term                  beta          p
    -------------------------------------
    Drivers
      welcome            0.485***  <0.001
    Controls
      age                0.080      0.118
      industry[finance] -0.019      0.752
      industry[retail]   0.014      0.812
    -------------------------------------
    R^2 = 0.241   Adjusted R^2 = 0.231   n = 300
    *** p<0.01, ** p<0.05, * p<0.1
    """
    if not isinstance(data, pd.DataFrame):
        raise AnalysisError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    predictors = _as_names(predictors, "predictors")
    controls = _as_names(controls, "controls")
    categorical = set(_as_names(categorical or (), "categorical"))
    pairs = _as_pairs(interactions)

    _check_specification(data, target, predictors, controls, pairs, categorical)
    used = list(dict.fromkeys([target, *predictors, *controls]))
    complete = data[used].notna().all(axis=1)
    if not complete.all():
        warnings.warn(_missing_message(data[used], complete), DataWarning, stacklevel=2)
    rows = data.loc[complete, used]
    if rows.empty:
        raise AnalysisError("no row has a value in every column the model uses")

    y = _target_values(rows[target], target)
    blocks = {
        "predictors": _encode_columns(rows, predictors, categorical),
        "interactions": [
            (_interaction_name(a, b), _encode_numeric(rows[a], a) * _encode_numeric(rows[b], b))
            for a, b in pairs
        ],
        "controls": _encode_columns(rows, controls, categorical),
    }
    columns = [column for block in blocks.values() for column in block]
    names = [INTERCEPT, *(name for name, _ in columns)]
    _check_term_names(names)
    design = np.column_stack([np.ones(len(rows)), *(values for _, values in columns)])
    _check_design(design, names)

    fit = _fit_ols(design, y)
    table = pd.DataFrame(
        {
            "coef": fit["coef"],
            "std_error": fit["std_error"],
            "t": fit["t"],
            "p_value": fit["p_value"],
            "beta": _standardized(fit["coef"], design, y),
        },
        index=pd.Index(names, name="term"),
    )
    table["stars"] = [significance_stars(p) for p in table["p_value"]]
    return DriverAnalysis(
        table=table[_TABLE_COLUMNS],
        n=len(rows),
        r2=fit["r2"],
        adj_r2=fit["adj_r2"],
        target=str(target),
        predictors=tuple(name for name, _ in blocks["predictors"]),
        controls=tuple(name for name, _ in blocks["controls"]),
        interactions=tuple((str(a), str(b)) for a, b in pairs),
        df_resid=fit["df_resid"],
        cov=pd.DataFrame(fit["cov"], index=names, columns=names),
    )


# ---------------------------------------------------------------------------
# Checking the specification against the data


def _as_names(names: str | Iterable[str], argument: str) -> list[str]:
    """Accept a single column name where a list of names is expected."""
    if isinstance(names, str):
        return [names]
    names = list(names)
    duplicates = sorted({str(n) for n in names if names.count(n) > 1})
    if duplicates:
        raise AnalysisError(f"{argument} lists the same column more than once: {duplicates}")
    return names


def _as_pairs(interactions: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = []
    for pair in interactions:
        if isinstance(pair, str) or len(pair) != 2:
            raise AnalysisError(
                f"each interaction must be a pair of column names like ('a', 'b'), got {pair!r}"
            )
        a, b = pair
        if a == b:
            raise AnalysisError(f"an interaction needs two different columns, got ({a!r}, {b!r})")
        if (a, b) in pairs or (b, a) in pairs:
            raise AnalysisError(f"the interaction ({a!r}, {b!r}) is listed more than once")
        pairs.append((a, b))
    return pairs


def _check_specification(
    data: pd.DataFrame,
    target: str,
    predictors: list[str],
    controls: list[str],
    pairs: list[tuple[str, str]],
    categorical: set[str],
) -> None:
    if not predictors:
        raise AnalysisError("give at least one predictor")
    named = [target, *predictors, *controls, *(c for pair in pairs for c in pair), *categorical]
    unknown = list(dict.fromkeys(name for name in named if name not in data.columns))
    if unknown:
        raise AnalysisError(
            f"unknown column(s) {', '.join(map(repr, unknown))}; "
            f"available columns: {', '.join(map(str, data.columns))}"
        )
    repeated = [name for name in dict.fromkeys(named) if (data.columns == name).sum() > 1]
    if repeated:
        raise AnalysisError(f"data has more than one column named {repeated}")
    if target in predictors or target in controls:
        raise AnalysisError(f"the target {target!r} cannot also be a predictor or control")
    both = [name for name in predictors if name in controls]
    if both:
        raise AnalysisError(f"columns listed both as predictor and control: {both}")
    terms = set(predictors) | set(controls)
    for a, b in pairs:
        outside = [name for name in (a, b) if name not in terms]
        if outside:
            raise AnalysisError(
                f"interaction ({a!r}, {b!r}) uses {outside}, which is not a predictor or control"
            )
        coded = [name for name in (a, b) if _is_categorical(data[name], name, categorical)]
        if coded:
            raise AnalysisError(
                f"interaction ({a!r}, {b!r}) uses categorical column(s) {coded}; "
                "interact numeric or boolean columns, e.g. a 0/1 indicator of one level"
            )


def _missing_message(used: pd.DataFrame, complete: pd.Series) -> str:
    per_column = used.isna().sum()
    per_column = per_column[per_column > 0]
    detail = ", ".join(f"{name}: {count}" for name, count in per_column.items())
    dropped = int((~complete).sum())
    return (
        f"dropped {dropped} of {len(used)} rows with missing values (missing per column: {detail})"
    )


def _check_term_names(names: list[str]) -> None:
    """Dummy and interaction names must not collide with each other or other terms."""
    if names.count(INTERCEPT) > 1:
        raise AnalysisError(f"{INTERCEPT!r} is reserved for the intercept; rename that column")
    clashes = sorted({name for name in names if names.count(name) > 1})
    if clashes:
        raise AnalysisError(
            f"two terms would share the name(s) {clashes}; rename the column(s) so that "
            "dummy ('column[level]') and interaction ('a:b') names stay unique"
        )


# ---------------------------------------------------------------------------
# Building the design matrix


def _is_categorical(column: pd.Series, name: str, categorical: set[str]) -> bool:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if name in categorical or isinstance(dtype, pd.CategoricalDtype):
        return True
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _encode_columns(
    rows: pd.DataFrame, names: list[str], categorical: set[str]
) -> list[tuple[str, np.ndarray]]:
    """Named design columns of ``names``, in order, with categorical columns dummy-coded."""
    encoded: list[tuple[str, np.ndarray]] = []
    for name in names:
        column = rows[name]
        if _is_categorical(column, name, categorical):
            encoded.extend(_dummies(column, name))
        else:
            encoded.append((str(name), _encode_numeric(column, name)))
    return encoded


def _encode_numeric(column: pd.Series, name: str) -> np.ndarray:
    dtype = column.dtype
    if not pd.api.types.is_numeric_dtype(dtype):
        raise AnalysisError(
            f"column {name!r} has dtype {dtype}, which is neither numeric, boolean nor categorical"
        )
    values = column.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise AnalysisError(f"column {name!r} contains infinite values")
    return values


def _target_values(column: pd.Series, name: str) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
        column.dtype
    ):
        raise AnalysisError(
            f"the target {name!r} must be a numeric (continuous) column, not {column.dtype}"
        )
    values = _encode_numeric(column, name)
    if np.ptp(values) == 0:
        raise AnalysisError(
            f"the target {name!r} is constant in the rows used; there is nothing to explain"
        )
    return values


def _levels(column: pd.Series) -> list:
    present = set(column.unique())
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [level for level in column.cat.categories if level in present]
    try:
        return sorted(present)
    except TypeError:
        return sorted(present, key=str)


def _dummies(column: pd.Series, name: str) -> list[tuple[str, np.ndarray]]:
    """0/1 columns for every level but the first (the reference level)."""
    levels = _levels(column)
    if len(levels) < 2:
        raise AnalysisError(
            f"column {name!r} is constant in the rows used (only level {levels[0]!r}); "
            "a constant column cannot explain differences in the outcome"
        )
    values = column.to_numpy(dtype=object)
    return [(f"{name}[{level}]", (values == level).astype(float)) for level in levels[1:]]


def _interaction_name(a: str, b: str) -> str:
    return f"{a}:{b}"


def _check_design(design: np.ndarray, names: list[str]) -> None:
    n, p = design.shape
    if n < p + 1:
        raise AnalysisError(
            f"too few rows: {n} complete rows for {p - 1} terms plus the intercept; "
            f"at least {p + 1} are needed to estimate the residual variance"
        )
    constant = [
        name
        for name, values in zip(names[1:], design[:, 1:].T, strict=True)
        if np.ptp(values) == 0
    ]
    if constant:
        raise AnalysisError(
            f"constant column(s) in the rows used: {constant}; "
            "a constant column cannot explain differences in the outcome"
        )
    involved = _collinear_terms(design, names)
    if involved:
        raise AnalysisError(
            "perfectly collinear design: one of these terms is a linear combination "
            f"of the others: {involved}; drop or combine some of them"
        )


def _collinear_terms(design: np.ndarray, names: list[str]) -> list[str]:
    """Names of the terms that take part in an exact linear dependence."""
    scaled = design / np.linalg.norm(design, axis=0)
    _, singular, right = np.linalg.svd(scaled, full_matrices=False)
    tol = singular[0] * max(design.shape) * np.finfo(float).eps
    null_space = right[singular <= tol]
    if null_space.size == 0:
        return []
    loadings = np.abs(null_space).max(axis=0)
    return [name for name, loading in zip(names, loadings, strict=True) if loading > _LOADING_TOL]


# ---------------------------------------------------------------------------
# Estimation


def _fit_ols(design: np.ndarray, y: np.ndarray) -> dict:
    n, p = design.shape
    q, r = np.linalg.qr(design)
    coef = linalg.solve_triangular(r, q.T @ y)
    residuals = y - design @ coef
    df_resid = n - p
    sigma2 = float(residuals @ residuals) / df_resid
    r_inv = linalg.solve_triangular(r, np.eye(p))
    cov = sigma2 * (r_inv @ r_inv.T)
    std_error = np.sqrt(np.diag(cov))
    t_stat, p_value = _t_test(coef, std_error, df_resid)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(residuals @ residuals) / total if total > 0 else np.nan
    adj_r2 = 1.0 - (1.0 - r2) * (n - 1) / df_resid
    return {
        "coef": coef,
        "std_error": std_error,
        "t": t_stat,
        "p_value": p_value,
        "cov": cov,
        "r2": r2,
        "adj_r2": adj_r2,
        "df_resid": df_resid,
    }


def _t_test(
    estimate: np.ndarray, std_error: np.ndarray, df_resid: int
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        t_stat = estimate / std_error
    return t_stat, 2.0 * stats.t.sf(np.abs(t_stat), df_resid)


def _standardized(coef: np.ndarray, design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """beta = coef * sd(design column) / sd(y); NaN for the intercept."""
    sd_y = y.std(ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = coef * design.std(axis=0, ddof=1) / sd_y
    beta[0] = np.nan
    return beta


def _format_p(p: float, digits: int) -> str:
    if not np.isfinite(p):
        return "nan"
    floor = 10.0**-digits
    return f"<{floor:.{digits}f}" if p < floor else f"{p:.{digits}f}"


def _as_float(value: object, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AnalysisError(
            f"the value given for {name!r} must be a number, not {value!r}"
        ) from None


def code_leaver_survey(records: pd.DataFrame) -> pd.DataFrame:
    """Code validated leaver records the way the survey's regressions do.

    Every leaver stays in the analysis: a behaviour that was not reported (no
    supervisor interview) counts 0 and the amicability of an interview that was
    not held counts 0. Each behaviour construct (respect for the decision, drawing
    out feelings, welcome signal) is the mean of its items. Protected attributes
    keep their missing values, so :func:`driver_analysis` drops and reports them.

    Parameters
    ----------
    records : pandas.DataFrame
        Leaver records as returned by :func:`rehire_model.validate_records`.

    Returns
    -------
    pandas.DataFrame
        Columns ``age``, ``female``, ``married``, ``has_children``, ``industry``,
        ``company_size``, ``sup_amicability``, ``hr_amicability``, ``respect``,
        ``drawing_out``, ``welcome`` and the targets present in ``records``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> coded = code_leaver_survey(rm.make_leaver_survey(200, random_state=0))
    >>> fit = driver_analysis(coded, "alumni_engagement", ["welcome", "drawing_out", "respect"],
    ...                       controls=["age", "female", "married", "has_children", "industry"])
    >>> fit.n
    200
    """
    coded = pd.DataFrame(index=records.index)
    for name in ("age", "married", "has_children"):
        if name in records:
            coded[name] = records[name].astype(float)
    if "gender" in records:
        coded["female"] = (records["gender"] == "female").astype(float).where(
            records["gender"].notna())
    coded["industry"] = records["industry"].astype(object)
    coded["company_size"] = records["company_size"].astype(object)
    coded["sup_amicability"] = as_float(records, "sup_interview_amicability")
    coded["hr_amicability"] = as_float(records, "hr_interview_amicability")
    for construct, scores in survey_construct_scores(records).items():
        coded[construct] = scores
    for target in TARGETS:
        if target in records:
            coded[target] = records[target].astype(float)
    return coded
