"""Fairness audit of scored leavers: rates and impact ratios by group, and what drives a gap.

The audit reports what bias audits of automated employment decision tools report
(New York City Local Law 144 sets the form: sex, race/ethnicity and their
intersection), for any attribute a company holds (employment type, nationality,
region, ...), and adds what an HR team needs to act on a gap: which reasons drive it,
and whether each is a lever (a policy, the exit interview) or a fact.

For each target, attribute and group:

- ``selection_rate``: the share scored at or above the target's threshold;
- ``scoring_rate``: the share scored strictly above the median probability of the whole
  scored cohort (unknowns included in the median), the rate LL144 asks for a continuous
  score;
- ``impact_ratio_selection``, ``impact_ratio_scoring``: the group's rate over the highest
  rate of a group shown for that target and attribute;
- with each, what chance could make at this size (from :mod:`rehire_model.fairness`,
  the engine the model card uses too): Wilson intervals of the rates, Katz intervals of
  the ratios, Fisher exact p against the group with the highest rate (the ratio's
  denominator), adjusted by Holm over every comparison of the attribute (all groups,
  both targets, both rates), the shortfall and the flip-flop rule, and a finding per
  rate: ``"adverse_impact"``, ``"not_distinguishable"``, ``"no_impact"`` or
  ``"count_only"``;
- ``suppressed``: groups of fewer than :data:`~rehire_model.fairness.MIN_GROUP_SIZE`
  people keep their row and count, with no rates, and are never the highest rate or the
  reference; ``small_group``: under :data:`~rehire_model.fairness.SMALL_SHARE` of the
  cohort (LL144 allows leaving such groups out of the ratios, with
  ``exclude_small=True``, and their count shown); ``flagged``: a finding of adverse
  impact in either rate.

People whose value is missing or ``unknown`` are left out of that attribute's rates
and counted in ``unknown``. The drivers of a group's gap are the differences of mean
SHAP contributions (in calibrated log-odds) between the group and the reference
group, reason by reason; with the difference of the base values (zero: one model)
they add up to the difference of the groups' mean log-odds.

The audit supports a bias audit; it is not an independent one, and it describes the
model's scores, not the people.

Examples
--------
>>> import rehire_model as rm
>>> cohort = rm.make_leaver_survey(600, random_state=5)
>>> result = rm.audit(rm.load_model(), cohort, by=("gender", "age_band"))
>>> result.table.columns[:5].tolist()
['target', 'attribute', 'group', 'n', 'selection_rate']
>>> sorted(set(result.table["attribute"]))
['age_band', 'gender', 'gender x age_band']
>>> result.drivers.columns.tolist()
['target', 'attribute', 'group', 'reference', 'reason', 'lever', 'gap_log_odds']
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .exceptions import InputError, SchemaError
from .explain import Reason
from .fairness import (
    MIN_GROUP_SIZE,
    RATE_KINDS,
    SMALL_SHARE,
    age_band,
    compare_groups,
    eligible_references,
    family_size,
    group_counts,
    judge,
    would_tell,
)
from .labels import INTERSECTION, attribute_label, group_value_label, p_value_text
from .schema import FIELDS_BY_NAME, MISSING_TEXT, field_names
from .tables import XlsxBook, write_table
from .texts import text
from .validation import validate_records

if TYPE_CHECKING:
    from .model import RehireModel
    from .scoring import LeaverBatch, Records

__all__ = [
    "AGE_BANDS",
    "AUDIT_PARTS",
    "TABLE_COLUMNS",
    "FairnessAudit",
    "GapSummary",
    "audit",
    "audit_attributes",
    "audit_files",
    "audit_frames",
    "audit_scored",
    "audited_records",
    "write_audit",
]

logger = logging.getLogger(__name__)

#: The age bands of :func:`rehire_model.fairness.age_band`, youngest first.
AGE_BANDS = ("under 20", "20s", "30s", "40s", "50s", "60+")
#: A numeric attribute with more distinct values than this is audited in bands.
MAX_GROUPS = 10
#: A group that starts with a number, such as "1", "2.5", "<30" or "30–39".
_LEADING_NUMBER = re.compile(r"(?P<below><?)≥?(?P<number>-?\d+(?:\.\d+)?)")
#: Drivers named in a gap's sentence.
DRIVERS_SHOWN = 3
_UNKNOWN = "unknown"

#: The columns of :attr:`FairnessAudit.table`.
TABLE_COLUMNS = (
    "target", "attribute", "group", "n",
    "selection_rate", "selection_rate_low", "selection_rate_high",
    "scoring_rate", "scoring_rate_low", "scoring_rate_high",
    "impact_ratio_selection", "impact_ratio_selection_low", "impact_ratio_selection_high",
    "impact_ratio_scoring", "impact_ratio_scoring_low", "impact_ratio_scoring_high",
    "p_selection", "p_selection_adjusted", "p_scoring", "p_scoring_adjusted",
    "shortfall_selection", "flip_flop_selection", "finding_selection", "finding_scoring",
    "suppressed", "small_group", "flagged", "reference", "highest_selection",
    "highest_scoring")
#: The parts of a written audit: a file each, or a sheet each of one workbook.
AUDIT_PARTS = ("audit", "unknown", "drivers", "rejects")
DRIVER_COLUMNS = ("target", "attribute", "group", "reference", "reason", "lever",
                  "gap_log_odds")


@dataclass(frozen=True)
class GapSummary:
    """A group's adverse impact against the group with the highest rate (``reference``
    here), with its drivers against that group: the impact ratio (the lowest of its
    adverse rates) with its 95 % interval and adjusted p."""

    target: str
    attribute: str
    group: str
    reference: str
    impact_ratio: float
    levers: tuple[str, ...]
    facts: tuple[str, ...]
    impact_ratio_low: float = float("nan")
    impact_ratio_high: float = float("nan")
    p_adjusted: float = float("nan")

    def sentence(self, lang: str, reasons: Mapping[str, Reason]) -> str:
        """The gap as HR reads it, levers apart from facts."""
        comma = text("audit.list_separator", lang)
        parts = [text(key, lang, reasons=comma.join(reasons[r].label(lang) for r in keys))
                 for key, keys in (("audit.levers", self.levers), ("audit.facts", self.facts))
                 if keys]
        return text("audit.gap", lang,
                    outcome=text(f"target.{self.target}", lang),
                    group=group_value_label(self.attribute, self.group, lang),
                    reference=group_value_label(self.attribute, self.reference, lang),
                    ratio=f"{self.impact_ratio:.3f}", low=f"{self.impact_ratio_low:.2f}",
                    high=f"{self.impact_ratio_high:.2f}", p=p_value_text(self.p_adjusted),
                    drivers=text("audit.part_separator", lang).join(parts)
                    or text("audit.no_drivers", lang))


@dataclass(frozen=True)
class FairnessAudit:
    """The result of :func:`audit`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per target x attribute x group, the columns of :data:`TABLE_COLUMNS`:
        ``n``; per rate (``selection``, ``scoring``) the rate, the impact ratio, their
        95 % intervals, Fisher's p against the group with the highest rate and Holm's
        adjusted p, the finding; the selection shortfall and flip-flop; ``suppressed``,
        ``small_group``, ``flagged`` (adverse impact in either rate) and ``reference``
        (the group the drivers compare with: by default the highest selection rate).
    unknown : pandas.DataFrame
        Per attribute, ``n_unknown``: people left out of its rates (value missing or
        ``unknown``; for an intersection, in either part).
    drivers : pandas.DataFrame
        Per target x attribute x group (other than the reference, not suppressed), every
        reason with its ``lever`` and ``gap_log_odds`` against the ``reference``, largest
        absolute gap first; for a group with adverse impact against another group than
        the reference, against that group too.
    problems : pandas.DataFrame
        Records left out because a value is wrong (as ``validate_records`` reports them).
    n_scored : int
        People audited.
    reasons : dict of str -> Reason
        The reasons the drivers name, for their labels.
    banded : dict of str -> (int, tuple of str)
        The numeric attributes audited in bands of their own (no edges given): their
        count of distinct values and the bands (see :func:`audit_attributes`).
    """

    table: pd.DataFrame
    unknown: pd.DataFrame
    drivers: pd.DataFrame
    problems: pd.DataFrame
    n_scored: int
    reasons: Mapping[str, Reason] = field(repr=False)
    banded: Mapping[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def attributes(self) -> list[str]:
        """The attributes audited, intersections last."""
        return list(self.unknown["attribute"])

    def findings(self, finding: str = "adverse_impact") -> pd.DataFrame:
        """The groups' rates with ``finding`` (see :data:`rehire_model.fairness.FINDINGS`),
        one row per target, attribute, group and rate: ``rate`` ("selection" or
        "scoring"), ``compared_with`` (the group with the highest rate, which the ratio,
        the test and, in :meth:`gaps`, the drivers compare with), ``impact_ratio`` with
        ``_low``/``_high``, ``p_adjusted``; and, for
        ``"not_distinguishable"``, ``leavers_needed``: about how many people per group
        would tell the gap from chance (80 % power at the observed rates, at the level
        of the strictest comparison of the attribute). Lowest ratio first.
        """
        parts = []
        for kind in RATE_KINDS:
            rows = self.table[self.table[f"finding_{kind}"] == finding]
            part = rows[["target", "attribute", "group", "n", "reference"]].assign(
                rate=kind, compared_with=rows[f"highest_{kind}"],
                impact_ratio=rows[f"impact_ratio_{kind}"],
                impact_ratio_low=rows[f"impact_ratio_{kind}_low"],
                impact_ratio_high=rows[f"impact_ratio_{kind}_high"],
                p_adjusted=rows[f"p_{kind}_adjusted"])
            if finding == "not_distinguishable":
                part["leavers_needed"] = self._leavers_needed(rows, kind)
            parts.append(part)
        found = pd.concat(parts, ignore_index=True)
        return found.sort_values("impact_ratio", kind="stable").reset_index(drop=True)

    def _leavers_needed(self, rows: pd.DataFrame, kind: str) -> np.ndarray:
        """For :meth:`findings`: the people per group that would tell each gap."""
        if rows.empty:
            return np.zeros(0)
        sizes = {a: family_size(t) for a, t in self.table.groupby("attribute", sort=False)}
        compared = self.table[self.table[f"impact_ratio_{kind}"].notna()]
        highest = compared.groupby(["target", "attribute"])[f"{kind}_rate"].max()
        keys = pd.MultiIndex.from_frame(rows[["target", "attribute"]])
        return would_tell(rows[f"{kind}_rate"].to_numpy(), highest.reindex(keys).to_numpy(),
                          rows["attribute"].map(sizes).to_numpy())

    def lowest_ratios(self) -> pd.DataFrame:
        """Per target, the finding of adverse impact with the lowest impact ratio (none
        for a target without one); the columns of :meth:`findings`."""
        found = self.findings("adverse_impact")
        return found.groupby("target", sort=False).head(1).reset_index(drop=True)

    def gaps(self) -> list[GapSummary]:
        """Each group with a finding of adverse impact, with its top drivers that lower
        it (at most three); the ratio is the lowest of its adverse rates."""
        found = self.findings("adverse_impact").drop_duplicates(
            ["target", "attribute", "group"])
        drivers = self.drivers[self.drivers["gap_log_odds"] < 0].sort_values(
            "gap_log_odds", kind="stable")
        lowering = {key: rows for key, rows in drivers.groupby(
            ["target", "attribute", "group", "reference"], sort=False)}
        summaries = []
        for row in found.itertuples(index=False):
            top = lowering.get((row.target, row.attribute, row.group, row.compared_with),
                               drivers.head(0))
            top = top.head(DRIVERS_SHOWN)
            is_fact = top["lever"].eq("fixed").to_numpy()
            summaries.append(GapSummary(
                row.target, row.attribute, row.group, row.compared_with,
                float(row.impact_ratio), levers=tuple(top["reason"][~is_fact]),
                facts=tuple(top["reason"][is_fact]),
                impact_ratio_low=float(row.impact_ratio_low),
                impact_ratio_high=float(row.impact_ratio_high),
                p_adjusted=float(row.p_adjusted)))
        return summaries


# --------------------------------------------------------------------------------------
# Attributes
# --------------------------------------------------------------------------------------


def _is_unknown(values: pd.Series) -> np.ndarray:
    as_text = values.astype(str).str.strip().str.casefold()
    return (values.isna() | as_text.isin(MISSING_TEXT | {_UNKNOWN})).to_numpy()


def _as_groups(values: pd.Series) -> pd.Series:
    """Text groups, ``None`` where unknown; whole numbers read without ".0"."""
    unknown = _is_unknown(values)
    given = values[~unknown]
    if len(given) and given.map(lambda v: isinstance(v, (bool, np.bool_))).all():
        shown = values.map({True: "yes", False: "no"})
    elif pd.api.types.is_numeric_dtype(values):
        shown = values.map(_number_text)
    else:
        shown = values.astype(str).str.strip()
    return pd.Series(np.where(unknown, None, shown.astype(object)), dtype=object)


def _number_text(value: Any) -> str | None:
    if value != value:
        return None
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def audit_attributes(by: Sequence[str], records: pd.DataFrame, raw: pd.DataFrame,
                     bands: Mapping[str, Sequence[float]] | None = None) -> pd.DataFrame:
    """The groups of each ``by`` attribute, one row per validated record.

    A numeric attribute with more than :data:`MAX_GROUPS` distinct values is audited in
    bands: ``age`` in the survey's age bands (20s, 30s, ...), any other at its
    quintiles, unless ``bands`` gives the edges. The attributes banded without edges
    given are in ``.attrs["banded"]``: attribute -> (distinct values, the bands).

    Parameters
    ----------
    by : sequence of str
        Columns of the records; ``"age_band"`` is derived from ``age``.
    records : pandas.DataFrame
        The validated records (schema fields in canonical form).
    raw : pandas.DataFrame
        The same rows as given, for the company's own columns.
    bands : dict of str -> sequence of float, optional
        Band edges per numeric attribute (``{"age": [30, 40, 50]}`` gives under 30,
        30-39, 40-49, 50 and over); such an attribute is banded whatever its values.

    Raises
    ------
    SchemaError
        An attribute is not a column of the records.
    InputError
        ``bands`` names an attribute not audited, or one that is not numeric.

    Examples
    --------
    >>> records = pd.DataFrame({"age": [23, 37, 41, 58, 29, 33, 45, 51, 26, 39, 44, 55]})
    >>> groups = audit_attributes(["age"], records, records)
    >>> groups["age"].tolist()[:4], groups.attrs["banded"]["age"][0]
    (['20s', '30s', '40s', '50s'], 12)
    """
    bands = dict(bands or {})
    unknown = sorted(set(bands) - set(by))
    if unknown:
        raise InputError(f"bands given for {unknown}, which are not audited; expected some "
                         f"of {list(by)}")
    columns, banded = {}, {}
    for name in by:
        if name == "age_band" and "age_band" not in raw.columns:
            if "age" not in records.columns:
                raise SchemaError(_missing_attribute("age_band (derived from age)", "age",
                                                     raw))
            values = age_band(records["age"]).reset_index(drop=True)
        elif name in records.columns:
            values = records[name].reset_index(drop=True)
        elif name in raw.columns:
            values = raw[name].reset_index(drop=True)
        else:
            raise SchemaError(_missing_attribute(name, name, raw))
        distinct = values.dropna().nunique()
        if name in bands or (_is_numeric(values) and distinct > MAX_GROUPS):
            values = _banded(name, values, bands.get(name))
            if name not in bands:
                banded[name] = (int(distinct), tuple(_group_order(
                    name, list(values.dropna().unique()))))
        columns[name] = _as_groups(values)
    groups = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    groups.attrs["banded"] = banded
    return groups


def _is_numeric(values: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(values.dtype)
            and not pd.api.types.is_bool_dtype(values.dtype))


def _banded(name: str, values: pd.Series, edges: Sequence[float] | None) -> pd.Series:
    """A numeric attribute in bands: age bands for age, else at ``edges`` (or quintiles)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() < values.notna().sum():
        raise InputError(f"bands given for {name!r}, whose values are not all numbers")
    if name == "age" and edges is None:
        return age_band(numbers).where(numbers.notna(), None)
    if edges is None:
        edges = np.unique(np.round(np.nanquantile(numbers, [0.2, 0.4, 0.6, 0.8]), 2))
    edges = sorted(float(e) for e in edges)
    whole = bool(np.all(np.mod(numbers.dropna(), 1) == 0)) and all(
        e.is_integer() for e in edges)
    labels = _band_labels(edges, whole)
    positions = np.searchsorted(edges, numbers.to_numpy(dtype=float), side="right")
    shown = np.array(labels, dtype=object)[positions]
    return pd.Series(np.where(numbers.isna(), None, shown), index=values.index, dtype=object)


def _band_labels(edges: Sequence[float], whole: bool) -> list[str]:
    """``<30``, ``30–39`` (or ``30–<40`` for fractions), ..., ``≥60``."""
    def number(x: float) -> str:
        return f"{x:g}"

    middle = [f"{number(low)}–{number(high - 1)}" if whole else
              f"{number(low)}–<{number(high)}" for low, high in itertools.pairwise(edges)]
    return [f"<{number(edges[0])}", *middle, f"≥{number(edges[-1])}"]


def _missing_attribute(what: str, column: str, raw: pd.DataFrame) -> str:
    shown = ", ".join(map(str, raw.columns[:30])) + (", ..." if raw.shape[1] > 30 else "")
    return (f"audit by {what}: the records have no column {column!r}; expected one of "
            f"the columns given ({shown}); add the column or map your header to it with "
            "--columns")


def _with_intersections(groups: pd.DataFrame) -> pd.DataFrame:
    out = dict(groups.items())
    for first, second in itertools.combinations(groups.columns, 2):
        a, b = groups[first], groups[second]
        both = a.notna() & b.notna()
        out[f"{first}{INTERSECTION}{second}"] = (a + INTERSECTION + b).where(both, None)
    return pd.DataFrame(out, index=groups.index)


def _group_order(attribute: str, groups: Sequence[str]) -> list[str]:
    """Groups in the order readers expect: the schema's (or the age bands') order,
    then numbers by value, then text; a pair by its first part, then its second."""
    parts = attribute.split(INTERSECTION)
    places = [_known_places(part) for part in parts]

    def key(group: str) -> tuple:
        values = group.split(INTERSECTION, len(parts) - 1)
        return tuple((place.get(value, len(place)), *_natural(value))
                     for place, value in zip(places, values, strict=False))

    return sorted(groups, key=key)


def _known_places(attribute: str) -> dict[str, int]:
    known: Sequence[str] = ()
    if attribute in ("age_band", "age"):
        known = AGE_BANDS
    elif attribute in FIELDS_BY_NAME and FIELDS_BY_NAME[attribute].kind == "category":
        known = FIELDS_BY_NAME[attribute].categories
    return {g: i for i, g in enumerate(known)}


def _natural(group: str) -> tuple[float, str]:
    """Groups by the number they start with (a band "<30" before "30–39"), then text."""
    match = _LEADING_NUMBER.match(group)
    if match is None:
        return float("inf"), group
    return float(match["number"]) - (0.5 if match["below"] else 0.0), group


# --------------------------------------------------------------------------------------
# Rates, ratios and drivers
# --------------------------------------------------------------------------------------


def _rates(groups: pd.Series, selected: np.ndarray, above: np.ndarray, n_cohort: int,
           exclude_small: bool, chosen: str | None) -> pd.DataFrame:
    """One target's comparison of the groups of an attribute; their drivers compared
    with ``chosen`` or, by default, the group with the highest selection rate."""
    counts = group_counts(groups, {"selection": selected, "scoring": above})
    order = _group_order(str(groups.name), list(counts["group"]))
    counts = counts.set_index("group").loc[order].reset_index()
    rates = compare_groups(counts, n_cohort=n_cohort, exclude_small=exclude_small)
    if chosen is None:
        return rates
    eligible = rates.loc[eligible_references(rates, exclude_small=exclude_small), "group"]
    if chosen not in set(eligible):
        shown = ", ".join(map(repr, eligible))
        why = (f"groups of fewer than {MIN_GROUP_SIZE} people" + (
            f" or under {SMALL_SHARE:.0%} of the cohort (left out with exclude_small)"
            if exclude_small else ""))
        raise InputError(f"reference group {chosen!r} of {groups.name!r} is not a group "
                         f"compared in the audit; expected one of {shown} ({why} cannot "
                         "be the reference)")
    return rates.assign(reference=chosen)


def _judged(table: pd.DataFrame) -> pd.DataFrame:
    """Findings, each attribute (or pair) one family: all its groups, targets and rates."""
    judged = pd.concat([judge(rows, RATE_KINDS) for _, rows in
                        table.groupby("attribute", sort=False)]).loc[table.index]
    judged["flagged"] = (judged[[f"finding_{k}" for k in RATE_KINDS]]
                         == "adverse_impact").any(axis=1)
    return judged


def _drivers(contributions: pd.DataFrame, groups: pd.Series, which: Sequence[str],
             reference: str | None, levers: Mapping[str, str]) -> pd.DataFrame:
    """Every reason's gap of mean contributions between each of ``which`` groups and
    ``reference``, largest first within a group."""
    which = [g for g in which if g != reference]
    if reference is None or not which:
        return pd.DataFrame(columns=list(DRIVER_COLUMNS[2:]))
    reasons = contributions.columns.drop("base")
    known = groups.notna().to_numpy()
    means = contributions.loc[known, reasons].groupby(groups[known].to_numpy()).mean()
    gaps = means.loc[which] - means.loc[reference]
    long = gaps.stack().rename("gap_log_odds").rename_axis(["group", "reason"]).reset_index()
    long.insert(1, "reference", reference)
    long.insert(3, "lever", long["reason"].map(levers))
    size = long["gap_log_odds"].abs()
    order = long.assign(size=size, rank=long["group"].map(
        {g: i for i, g in enumerate(which)})).sort_values(
        ["rank", "size"], ascending=[True, False], kind="stable")
    return order.drop(columns=["size", "rank"])


def _gap_drivers(table: pd.DataFrame, contributions: Mapping[str, pd.DataFrame],
                 groups: pd.DataFrame, levers: Mapping[str, str]) -> list[pd.DataFrame]:
    """The drivers of each adverse impact against the group its ratio compares with,
    where that is not the reference the drivers already compare with."""
    found = pd.concat([
        table.loc[(table[f"finding_{kind}"] == "adverse_impact")
                  & (table[f"highest_{kind}"] != table["reference"]),
                  ["target", "attribute", "group", f"highest_{kind}"]].set_axis(
            ["target", "attribute", "group", "against"], axis=1) for kind in RATE_KINDS])
    extra = []
    for (target, attribute, against), rows in found.drop_duplicates().groupby(
            ["target", "attribute", "against"], sort=False):
        extra.append(_drivers(contributions[target], groups[attribute], list(rows["group"]),
                              against, levers).assign(target=target, attribute=attribute))
    return extra


def audit_scored(
    leavers: LeaverBatch,
    attributes: pd.DataFrame,
    *,
    intersections: bool = True,
    reference: Mapping[str, str] | None = None,
    exclude_small: bool = False,
    problems: pd.DataFrame | None = None,
) -> FairnessAudit:
    """The audit of validated leavers with their attributes (see :func:`audit`).

    ``attributes`` comes from :func:`audit_attributes`, row-aligned with ``leavers``.
    """
    groups = _with_intersections(attributes) if intersections else attributes
    reference = dict(reference or {})
    unknown_attributes = sorted(set(reference) - set(groups.columns))
    if unknown_attributes:
        raise InputError(f"reference given for {unknown_attributes}, which are not audited; "
                         f"expected some of {list(groups.columns)}")
    scoring = leavers.scoring
    reasons = {r.key: r for r in scoring.reasons["reason"][0]}
    levers = {key: r.lever for key, r in reasons.items()}
    probabilities = leavers.probabilities()
    by_reason = leavers.contributions("reason")
    contributions = {t: by_reason[t].reset_index(drop=True) for t in scoring.targets}
    n = len(leavers)
    tables, drivers = [], []
    for target in scoring.targets:
        p = probabilities[target]
        selected = p >= scoring.thresholds[target]
        above = p > np.median(p) if n else p.astype(bool)
        for attribute, values in groups.items():
            rates = _rates(values.rename(attribute), selected, above, n, exclude_small,
                           reference.get(attribute))
            chosen = rates["reference"].iloc[0] if len(rates) else None
            compared = rates.loc[~rates["suppressed"], "group"]
            gaps = _drivers(contributions[target], values, list(compared), chosen, levers)
            tables.append(rates.assign(target=target, attribute=attribute))
            drivers.append(gaps.assign(target=target, attribute=attribute))
    table = _judged(pd.concat(tables, ignore_index=True))
    drivers += _gap_drivers(table, contributions, groups, levers)
    table = table[list(TABLE_COLUMNS)]
    table["n"] = table["n"].astype(np.int64)
    for flag in ("suppressed", "small_group", "flagged", "flip_flop_selection"):
        table[flag] = table[flag].astype(bool)
    return FairnessAudit(
        table=table,
        unknown=pd.DataFrame({"attribute": list(groups.columns),
                              "n_unknown": groups.isna().sum().to_numpy(dtype=np.int64)}),
        drivers=pd.concat(drivers, ignore_index=True)[list(DRIVER_COLUMNS)],
        problems=problems if problems is not None else pd.DataFrame(),
        n_scored=n,
        reasons=reasons,
        banded=attributes.attrs.get("banded", {}),
    )


def audit(
    model: RehireModel,
    records: Records,
    by: str | Sequence[str] = ("gender", "age_band"),
    intersections: bool = True,
    reference: Mapping[str, str] | None = None,
    *,
    exclude_small: bool = False,
    bands: Mapping[str, Sequence[float]] | None = None,
    lang: str = "en",
) -> FairnessAudit:
    """Audit the model's scores of leavers by group: rates, impact ratios, gap drivers.

    Parameters
    ----------
    model : RehireModel
    records : DataFrame, dict or list of dict
        Leaver records with the attributes to audit by. Records with a wrong value
        are left out and listed in ``problems``.
    by : str or sequence of str, default ("gender", "age_band")
        Columns of the records to audit by, schema fields or a company's own (for
        example ``race_ethnicity``); ``age_band`` is derived from ``age``.
    intersections : bool, default True
        Also audit every pair of ``by`` attributes (``"gender x race_ethnicity"``, groups
        such as ``"female x B"``).
    reference : dict of str -> str, optional
        The group each attribute's drivers (``.drivers``) compare with, e.g.
        ``{"race_ethnicity": "A"}``. Default: the group with the highest selection rate
        (ties to the larger group), per target. Impact ratios, tests and findings are
        always against the group with the highest rate, as the four-fifths rule asks.
    exclude_small : bool, default False
        Leave groups under :data:`SMALL_SHARE` of the cohort out of the impact ratios and
        the reference (they keep their row, marked ``small_group``).
    bands : dict of str -> sequence of float, optional
        Band edges of numeric attributes. A numeric attribute with more than
        :data:`MAX_GROUPS` distinct values is banded anyway: ``age`` in 10-year bands,
        another at its quintiles (see :func:`audit_attributes`); ``.banded`` says which.
    lang : {"en", "ja"}, default "en"
        Language of the problems of the records left out (``.problems``).

    Returns
    -------
    FairnessAudit
        ``.table``, ``.unknown``, ``.drivers`` (see :class:`FairnessAudit`).

    Raises
    ------
    SchemaError
        A ``by`` column is not in the records.
    InputError
        ``reference`` names an attribute not audited or a group not shown.

    Examples
    --------
    >>> import rehire_model as rm
    >>> cohort = rm.make_leaver_survey(400, random_state=1)
    >>> cohort["region"] = ["east", "west"] * 200
    >>> result = rm.audit(rm.load_model(), cohort, by="region", reference={"region": "east"})
    >>> result.table[["target", "group", "n"]].head(2).values.tolist()
    [['alumni_engagement', 'east', 200], ['alumni_engagement', 'west', 200]]
    """
    by = (by,) if isinstance(by, str) else tuple(by)
    if not by or len(set(by)) != len(by):
        raise InputError(f"by: expected one or more different column names, got {list(by)}")
    valid, problems, raw = audited_records(model, _as_frame(records), lang)
    attributes = audit_attributes(by, valid, raw, bands)
    if len(problems):
        logger.info("audit: %d records left out for wrong values", problems["row"].nunique())
    return audit_scored(model.scoring.valid(valid), attributes, intersections=intersections,
                        reference=reference, exclude_small=exclude_small, problems=problems)


def audited_records(model: RehireModel, data: pd.DataFrame, lang: str = "en"
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The records a model scores, with the protected fields it does not read checked too
    (the problems written in ``lang``).

    Returns
    -------
    records : pandas.DataFrame
        The valid records in canonical form (protected fields included, for the audit).
    problems : pandas.DataFrame
        The problems of the records left out (see :func:`rehire_model.validate_records`).
    kept : pandas.DataFrame
        The rows of ``data`` kept, as given (for the company's own columns).
    """
    protected = tuple(FIELDS_BY_NAME[n] for n in field_names("protected")
                      if n in data.columns and FIELDS_BY_NAME[n] not in model.record_fields)
    options = dict(model.config.validation_options, fields=(*model.record_fields, *protected))
    records, problems = validate_records(data, errors="report", lang=lang, **options)
    rejected = problems["row"].unique() if len(problems) else []
    return records, problems, data.iloc[np.setdiff1d(np.arange(len(data)), rejected)]


def _as_frame(records: Records) -> pd.DataFrame:
    if isinstance(records, pd.DataFrame):
        return records
    if isinstance(records, Mapping):
        return pd.DataFrame([records])
    return pd.DataFrame(list(records))



def audit_files(path: str | Path) -> dict[str, Path]:
    """Where :func:`write_audit` writes each part beside ``path`` (CSV or Parquet).

    Examples
    --------
    >>> [p.name for p in audit_files("out/audit.csv").values()]
    ['audit.csv', 'audit.unknown.csv', 'audit.drivers.csv', 'audit.rejects.csv']
    """
    path = Path(path)
    return {part: path if part == "audit" else path.with_name(
        f"{path.stem}.{part}{path.suffix}") for part in AUDIT_PARTS}


#: The headers of the audit's tables as people read them (Japanese), by column.
_HEADER_KEYS = {
    "target": "table.outcome", "attribute": "audit.column.attribute",
    "group": "table.group", "n": "table.people",
    **{name: f"audit.column.{name}" for name in TABLE_COLUMNS[4:]},
    "n_unknown": "audit.column.n_unknown", "label": "audit.column.label",
    "lever": "audit.column.lever", "gap_log_odds": "audit.column.gap_log_odds",
    "line": "output.line", "leaver_id": "field.leaver_id", "column": "output.column",
    "value": "output.value", "problem": "output.problem",
}
#: The sheets of an audit workbook as people read them, by part.
_SHEET_KEYS = {"audit": "audit.sheet.audit", "unknown": "audit.sheet.unknown",
               "drivers": "audit.sheet.drivers", "rejects": "output.rejects_sheet"}


def audit_frames(result: FairnessAudit, lang: str = "en", *, codes: bool = True
                 ) -> dict[str, pd.DataFrame]:
    """The audit's tables as written: the drivers with each reason's ``label`` in
    ``lang``; the rejects only when records were left out.

    With ``codes=False`` and ``lang="ja"`` every word is Japanese: headers, outcomes,
    attributes, groups, levers and yes/no (the reason keys are left out); the parts are
    keyed by their sheet names (監査, 不明, 要因, 除外した行).
    """
    drivers = result.drivers.copy()
    drivers.insert(drivers.columns.get_loc("reason") + 1, "label",
                   [result.reasons[r].label(lang) for r in drivers["reason"]])
    frames = {"audit": result.table, "unknown": result.unknown, "drivers": drivers}
    if len(result.problems):
        frames["rejects"] = result.problems
    if codes or lang != "ja":
        return frames
    return {text(_SHEET_KEYS[part], lang): _in_words(frame.drop(columns="reason",
                                                                errors="ignore"), lang)
            for part, frame in frames.items()}


def _in_words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table of the audit with its values and headers in ``lang``."""
    out = frame.copy()
    if "target" in out.columns:
        out["target"] = [text(f"target.{t}", lang) for t in out["target"]]
    for name in ("group", "reference", "highest_selection", "highest_scoring"):
        if name in out.columns and "attribute" in out.columns:
            out[name] = [None if pd.isna(g) else group_value_label(a, g, lang)
                         for a, g in zip(out["attribute"], out[name], strict=True)]
    if "attribute" in out.columns:
        out["attribute"] = [attribute_label(a, lang) for a in out["attribute"]]
    if "lever" in out.columns:
        out["lever"] = [text(f"lever.{lever}", lang) for lever in out["lever"]]
    if "column" in out.columns:
        out["column"] = [FIELDS_BY_NAME[c].label(lang) if c in FIELDS_BY_NAME else c
                         for c in out["column"]]
    for name in ("suppressed", "small_group", "flagged", "flip_flop_selection"):
        if name in out.columns:
            out[name] = out[name].map({True: text("shown.yes", lang),
                                       False: text("shown.no", lang)})
    for name in ("finding_selection", "finding_scoring"):
        if name in out.columns:
            out[name] = [text(f"finding.{f}", lang) for f in out[name]]
    return out.rename(columns={name: text(key, lang) for name, key in _HEADER_KEYS.items()})


def write_audit(result: FairnessAudit, path: str | Path, *, lang: str = "en",
                encoding: str | None = None, raw_text: bool = False, codes: bool = True
                ) -> list[Path]:
    """Write the audit: an ``.xlsx`` workbook with a sheet per part, or one CSV (or
    Parquet) file per part beside ``path`` (see :func:`audit_files`).

    Text is written as :func:`rehire_model.tables.write_table` writes it: no cell runs
    as a formula in a spreadsheet (``raw_text=True`` writes CSV text as it is). With
    ``codes=False`` and ``lang="ja"`` every word is Japanese (see :func:`audit_frames`)
    and a CSV is UTF-8 with a byte-order mark unless ``encoding`` says otherwise.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    frames = audit_frames(result, lang, codes=codes)
    in_words = not codes and lang == "ja"
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        book = XlsxBook()
        try:
            for sheet, frame in frames.items():
                book.sheet(sheet).write(frame)
            book.save(path)
        except BaseException:
            book.discard()
            raise
        return [path]
    places = audit_files(path)
    encoding = encoding or ("utf-8-sig" if in_words else "utf-8")
    for part, frame in zip(AUDIT_PARTS, frames.values(), strict=False):
        write_table(frame, places[part], encoding=encoding, raw_text=raw_text)
    return [places[part] for part in AUDIT_PARTS[:len(frames)]]
