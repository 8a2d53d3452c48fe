from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy.special import logit
from scipy.stats import binomtest, fisher_exact
from scipy.stats.contingency import relative_risk

import rehire_model as rm
from rehire_model.exceptions import InputError
from rehire_model.fairness import FINDINGS, RATE_KINDS, age_band, leavers_needed, would_tell
from rehire_model.fairness_audit import (
    AGE_BANDS,
    TABLE_COLUMNS,
    audit_files,
    audit_frames,
    write_audit,
)
from rehire_model.labels import INTERSECTION, attribute_label, group_value_label, p_value_text
from rehire_model.texts import text

TARGETS = ("alumni_engagement", "rehire_intent")
#: The columns the design's "Audit statistics" adds to the audit's table.
DESIGN_COLUMNS = (
    "selection_rate_low", "selection_rate_high", "scoring_rate_low", "scoring_rate_high",
    "impact_ratio_selection_low", "impact_ratio_selection_high",
    "impact_ratio_scoring_low", "impact_ratio_scoring_high", "p_selection", "p_scoring",
    "p_selection_adjusted", "p_scoring_adjusted", "shortfall_selection",
    "flip_flop_selection", "finding_selection", "finding_scoring")
#: Four fifths, exactly.
FOUR_FIFTHS = Fraction(4, 5)


@pytest.fixture(scope="module")
def model():
    return rm.load_model()


@pytest.fixture(scope="module")
def cohort():
    data = rm.make_leaver_survey(1200, random_state=77)
    rng = np.random.default_rng(77)
    race = rng.choice(["A", "B", "C", "D"], size=len(data), p=[0.5, 0.3, 0.15, 0.05])
    race = race.astype(object)
    race[rng.random(len(data)) < 0.04] = None
    race[:5] = ["", " ", "unknown", "Unknown ", "n/a"]
    data["race_ethnicity"] = race
    return data


@pytest.fixture(scope="module")
def result(model, cohort):
    return rm.audit(model, cohort, by=("gender", "age_band", "race_ethnicity"))


@pytest.fixture(scope="module")
def excluded(model, cohort):
    """The audit of ``result`` with the groups under 2 % left out of the comparisons."""
    return rm.audit(model, cohort, by=("gender", "age_band", "race_ethnicity"),
                    exclude_small=True)


@pytest.fixture(scope="module")
def scores(model, cohort):
    return model.predict(cohort)


def _race(cohort) -> list:
    """Each leaver's race_ethnicity, None where blank or unknown."""
    return [None if pd.isna(v) or str(v).strip().casefold() in ("", "unknown", "n/a") else v
            for v in cohort["race_ethnicity"]]


def _independent_table(model, scores, groups: pd.Series) -> pd.DataFrame:
    """Rates and impact ratios computed row by row, without the library's audit."""
    rows = []
    for target in TARGETS:
        p = scores[f"p_{target}"].to_numpy()
        median = np.median(p)
        known = sorted({g for g in groups if isinstance(g, str)})
        rates = {}
        for g in known:
            members = [i for i, x in enumerate(groups) if x == g]
            if len(members) >= 5:
                rates[g] = (np.mean([p[i] >= model.thresholds[target] for i in members]),
                            np.mean([p[i] > median for i in members]), len(members))
            else:
                rates[g] = (np.nan, np.nan, len(members))
        top_selection = max(r[0] for r in rates.values() if r[2] >= 5)
        top_scoring = max(r[1] for r in rates.values() if r[2] >= 5)
        for g, (selection, scoring, n) in rates.items():
            rows.append({"target": target, "group": g, "n": n, "selection_rate": selection,
                         "scoring_rate": scoring,
                         "impact_ratio_selection": selection / top_selection,
                         "impact_ratio_scoring": scoring / top_scoring})
    return pd.DataFrame(rows)


def _compare(table: pd.DataFrame, attribute: str, expected: pd.DataFrame) -> None:
    shown = table[table["attribute"] == attribute].sort_values(["target", "group"])
    expected = expected.sort_values(["target", "group"])
    assert shown["group"].tolist() == expected["group"].tolist()
    assert shown["n"].tolist() == expected["n"].tolist()
    for column in ("selection_rate", "scoring_rate", "impact_ratio_selection",
                   "impact_ratio_scoring"):
        np.testing.assert_allclose(shown[column], expected[column], rtol=1e-12, err_msg=column)


def _holm(p: list[float]) -> list[float]:
    """Holm's step-down adjustment, written out: the i-th smallest of m p-values times
    (m - i + 1), never below the one before it, at most 1."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    adjusted, running = [np.nan] * len(p), 0.0
    for step, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - step) * p[i]))
        adjusted[i] = running
    return adjusted


def _counted(rows: pd.DataFrame, kind: str) -> dict[str, int]:
    """People counted for a rate per shown group, recomputed as n x rate."""
    shown = rows[~rows["suppressed"]]
    return {g: round(n * rate) for g, n, rate in
            zip(shown.index, shown["n"], shown[f"{kind}_rate"], strict=True)}


def _top(rows: pd.DataFrame, kind: str, among) -> str:
    """The group with the highest rate among ``among``, ties to the larger group."""
    return max(among, key=lambda g: (rows.loc[g, f"{kind}_rate"], rows.loc[g, "n"]))


def _rows(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= (table[column] == value).to_numpy()
    return table[mask]


# --------------------------------------------------------------------------------------
# Rates and impact ratios
# --------------------------------------------------------------------------------------


def test_rates_and_ratios_equal_an_independent_computation(model, cohort, scores, result):
    race = _race(cohort)
    _compare(result.table, "race_ethnicity", _independent_table(model, scores, pd.Series(race)))
    bands = [None if b == "unknown" else b for b in age_band(cohort["age"])]
    _compare(result.table, "age_band", _independent_table(model, scores, pd.Series(bands)))
    pairs = [None if g is None or r is None else f"{g}{INTERSECTION}{r}"
             for g, r in zip(cohort["gender"], race, strict=True)]
    _compare(result.table, "gender x race_ethnicity",
             _independent_table(model, scores, pd.Series(pairs)))


def test_the_table_has_every_target_attribute_and_group(result):
    assert set(result.table["attribute"]) == {
        "gender", "age_band", "race_ethnicity", "gender x age_band",
        "gender x race_ethnicity", "age_band x race_ethnicity"}
    assert set(result.table["target"]) == set(TARGETS)
    race = result.table.query("target == 'rehire_intent' and attribute == 'race_ethnicity'")
    assert race["group"].tolist() == ["A", "B", "C", "D"]
    bands = result.table.query("target == 'rehire_intent' and attribute == 'age_band'")
    assert bands["group"].tolist() == ["20s", "30s", "40s", "50s"]
    assert result.table["group"].str.contains(" x ").sum() > 0
    assert "female x A" in set(result.table["group"])


def test_unknowns_are_counted_and_left_out_of_the_rates(cohort, result):
    unknown = result.unknown.set_index("attribute")["n_unknown"]
    blank = sum(v is None for v in _race(cohort))
    assert unknown["race_ethnicity"] == blank > 5
    assert unknown["gender"] == 0
    assert unknown["gender x race_ethnicity"] == unknown["race_ethnicity"]
    for attribute, n_unknown in unknown.items():
        shown = result.table[(result.table["attribute"] == attribute)
                             & (result.table["target"] == "rehire_intent")]
        assert shown["n"].sum() + n_unknown == result.n_scored == len(cohort)


def test_gender_unknown_of_the_schema_is_unknown(model, cohort):
    data = cohort.head(300).copy()
    data.loc[:9, "gender"] = "unknown"
    audited = rm.audit(model, data, by="gender")
    assert audited.unknown["n_unknown"].tolist() == [10]
    assert "unknown" not in set(audited.table["group"])


def test_small_groups_are_suppressed_and_never_the_highest_rate(model, cohort):
    data = cohort.head(400).copy()
    p = model.predict(data)["p_rehire_intent"].to_numpy()
    top3 = np.argsort(-p)[:3]
    data["team"] = "big"
    data.loc[data.index[top3], "team"] = "tiny"  # the three highest scores
    data.loc[data.index[np.argsort(p)[:200]], "team"] = "other"
    audited = rm.audit(model, data, by="team")
    table = audited.table.set_index(["target", "group"])
    tiny = table.loc[("rehire_intent", "tiny")]
    assert tiny["suppressed"] and tiny["n"] == 3
    assert np.isnan(tiny[["selection_rate", "scoring_rate", "impact_ratio_selection",
                          "impact_ratio_scoring"]].astype(float)).all()
    shown = table.xs("rehire_intent")
    assert shown.loc[~shown["suppressed"], "impact_ratio_selection"].max() == 1.0
    assert set(shown["reference"]) == {"big"}
    assert "tiny" not in set(audited.drivers["group"])
    for target in TARGETS:
        tiny = table.loc[(target, "tiny")]
        assert tiny["finding_selection"] == tiny["finding_scoring"] == "count_only"
        assert np.isnan(tiny[["p_selection", "p_scoring", "p_selection_adjusted",
                              "p_scoring_adjusted"]].astype(float)).all()
        assert not tiny["flagged"]


def test_groups_under_two_percent_are_marked_and_left_out_on_request(model, cohort):
    data = cohort.head(600).copy()
    data["site"] = np.where(np.arange(600) < 8, "satellite", "main")  # 8 < 2 % of 600
    marked = rm.audit(model, data, by="site")
    satellite = marked.table[marked.table["group"] == "satellite"]
    assert satellite["small_group"].all() and not satellite["suppressed"].any()
    assert satellite["impact_ratio_selection"].notna().all()
    left_out = rm.audit(model, data, by="site", exclude_small=True)
    satellite = left_out.table[left_out.table["group"] == "satellite"]
    assert satellite["impact_ratio_selection"].isna().all()
    assert satellite["selection_rate"].notna().all()
    assert set(left_out.table["reference"]) == {"main"}


def test_ties_of_the_highest_rate_go_to_the_larger_group(model, cohort):
    data = cohort.head(600).copy()
    p = model.predict(data)["p_rehire_intent"].to_numpy()
    selected = np.flatnonzero(p >= model.thresholds["rehire_intent"])
    not_selected = np.flatnonzero(p < model.thresholds["rehire_intent"])
    assert len(selected) >= 15
    data["unit"] = "rest"
    for unit, size in (("small", 5), ("large", 10)):
        data.iloc[selected[:size], data.columns.get_loc("unit")] = unit
        data.iloc[not_selected[:size], data.columns.get_loc("unit")] = unit
        selected, not_selected = selected[size:], not_selected[size:]
    table = rm.audit(model, data, by="unit").table.query("target == 'rehire_intent'")
    rates = table.set_index("group")["selection_rate"]
    assert rates["small"] == rates["large"] == 0.5 == rates.max() > rates["rest"]
    assert set(table["reference"]) == {"large"}
    groups = table.set_index("group")
    assert (groups.loc[["small", "large"], "impact_ratio_selection"] == 1.0).all()
    # the larger is the comparison group: the smaller, tied, is tested against it
    assert groups.loc["small", "small_group"] and not groups.loc["large", "small_group"]
    assert np.isnan(groups.loc["large", "p_selection"])
    assert groups.loc["small", "p_selection"] == pytest.approx(
        fisher_exact([[5, 5], [10, 10]]).pvalue)
    assert groups.loc["small", "finding_selection"] == "no_impact"


def test_a_company_column_of_codes_reads_as_groups(model, cohort):
    data = cohort.head(300).copy()
    data["grade"] = np.where(np.arange(300) % 2 == 0, 1.0, 2.0)
    data.loc[:3, "grade"] = np.nan
    audited = rm.audit(model, data, by=["grade"], intersections=False)
    assert set(audited.table["group"]) == {"1", "2"}
    assert audited.unknown["n_unknown"].tolist() == [4]


def test_numeric_attributes_with_many_values_are_audited_in_bands(model, cohort):
    data = cohort.head(400).copy()
    data["salary"] = np.linspace(200, 999, 400).round()
    data["grade"] = np.arange(400) % 3
    audited = rm.audit(model, data, by=["age", "salary", "grade"], intersections=False)
    groups = audited.table.groupby("attribute")["group"].unique()
    assert list(groups["age"]) == [band for band in AGE_BANDS
                                   if band in set(age_band(data["age"]))]
    expected_age = age_band(data["age"]).value_counts()
    ages = audited.table[(audited.table["attribute"] == "age")
                         & (audited.table["target"] == "rehire_intent")]
    assert dict(zip(ages["group"], ages["n"], strict=True)) == expected_age.to_dict()
    assert len(groups["salary"]) == 5 and groups["salary"][0].startswith("<")
    assert groups["salary"][-1].startswith("≥")
    assert list(groups["grade"]) == ["0", "1", "2"]  # 3 values: left as they are
    assert set(audited.banded) == {"age", "salary"}
    assert audited.banded["age"][0] == data["age"].nunique()
    chosen = rm.audit(model, data, by=["age"], intersections=False, bands={"age": [30, 45]})
    assert list(chosen.table["group"].unique()) == ["<30", "30–44", "≥45"]
    assert chosen.banded == {}
    with pytest.raises(InputError, match=r"bands given for \['region'\], which are not "
                       r"audited"):
        rm.audit(model, data, by=["age"], bands={"region": [1]})


def test_bad_records_are_left_out_and_listed(model, cohort):
    data = cohort.head(300).copy()
    data.loc[7, "industry"] = "banking"
    audited = rm.audit(model, data, by="gender")
    assert audited.n_scored == 299
    assert audited.problems[["row", "column", "value"]].values.tolist() == [
        [7, "industry", "banking"]]


def test_a_single_record_and_a_list_of_records_are_audited(model, cohort):
    records = cohort.head(20).to_dict("records")
    audited = rm.audit(model, records, by="gender", intersections=False)
    assert audited.table["n"].sum() == 2 * 20


def test_a_one_target_model_is_audited_on_its_target(one_target_model, survey):
    audited = rm.audit(one_target_model, survey[0].head(400), by="gender")
    assert set(audited.table["target"]) == set(one_target_model.targets)


# --------------------------------------------------------------------------------------
# Statistics and findings
# --------------------------------------------------------------------------------------


def test_the_table_has_the_columns_of_the_design(result, excluded):
    for audited in (result, excluded):
        assert audited.table.columns.tolist() == list(TABLE_COLUMNS)
    assert set(DESIGN_COLUMNS) <= set(TABLE_COLUMNS)
    found = set(result.table["finding_selection"]) | set(result.table["finding_scoring"])
    assert found <= set(FINDINGS)
    assert result.table["flagged"].dtype == bool


@pytest.mark.parametrize("exclude_small", [False, True])
@pytest.mark.parametrize("attribute", ["race_ethnicity", "age_band x race_ethnicity"])
def test_p_values_and_intervals_equal_scipy_and_holm(result, excluded, attribute,
                                                     exclude_small):
    audited = excluded if exclude_small else result
    table = _rows(audited.table, attribute=attribute)
    assert not table["suppressed"].any()
    raw, adjusted, tops = [], [], set()
    for _, rows in table.groupby("target"):
        rows = rows.set_index("group")
        compared = rows.index[~(rows["small_group"] & exclude_small)]
        for kind in RATE_KINDS:
            count = _counted(rows, kind)
            # each kind against its own highest group among the groups compared
            top = _top(rows, kind, compared)
            tops.add((rows["target"].iloc[0], kind, top))
            x_top, n_top = count[top], int(rows.loc[top, "n"])
            for group, row in rows.iterrows():
                x, n = count[group], int(row["n"])
                wilson = binomtest(x, n).proportion_ci(method="wilson")
                assert row[f"{kind}_rate_low"] == pytest.approx(wilson.low, rel=1e-9, abs=1e-12)
                assert row[f"{kind}_rate_high"] == pytest.approx(wilson.high, rel=1e-9)
                if group not in compared:  # small, and left out: the count and rate only
                    assert row[f"finding_{kind}"] == "count_only"
                    assert np.isnan(row[[f"impact_ratio_{kind}", f"impact_ratio_{kind}_low",
                                         f"p_{kind}", f"p_{kind}_adjusted"]].astype(float)
                                    ).all()
                    continue
                if x and x_top:  # no half-person correction: Katz, as scipy has it
                    katz = relative_risk(x, n, x_top, n_top).confidence_interval(0.95)
                    assert row[f"impact_ratio_{kind}_low"] == pytest.approx(katz.low, rel=1e-9)
                    assert row[f"impact_ratio_{kind}_high"] == pytest.approx(katz.high,
                                                                             rel=1e-9)
                if group == top:
                    assert np.isnan(row[f"p_{kind}"]) and np.isnan(row[f"p_{kind}_adjusted"])
                    continue
                fisher = fisher_exact([[x, n - x], [x_top, n_top - x_top]])
                assert row[f"p_{kind}"] == pytest.approx(fisher.pvalue, rel=1e-12, abs=1e-300)
                raw.append(row[f"p_{kind}"])
                adjusted.append(row[f"p_{kind}_adjusted"])
    # the two kinds of a target have different highest groups here
    assert len({(target, top) for target, _, top in tops}) > len(TARGETS)
    # one family: every group compared but the highest, both targets, both rates
    n_compared = (~(table["small_group"] & exclude_small)).sum() // len(TARGETS)
    assert len(raw) == len(TARGETS) * len(RATE_KINDS) * (n_compared - 1)
    np.testing.assert_allclose(adjusted, _holm(raw), rtol=1e-12)
    if exclude_small and attribute == "age_band x race_ethnicity":
        assert n_compared < table["group"].nunique()  # some groups were left out


@pytest.mark.parametrize("exclude_small", [False, True])
def test_findings_follow_the_four_fifths_rule_tested_against_chance(result, excluded,
                                                                    exclude_small):
    audited = excluded if exclude_small else result
    seen = []
    for _, rows in audited.table.groupby(["target", "attribute"]):
        rows = rows.set_index("group")
        compared = rows.index[~rows["suppressed"] & ~(rows["small_group"] & exclude_small)]
        # the reference of the drivers: the highest selection rate of a group compared,
        # small groups included unless they are left out
        assert set(rows["reference"]) == {_top(rows, "selection", compared)}
        for group in rows.index.difference(compared):
            assert (rows.loc[group, "finding_selection"] == rows.loc[group, "finding_scoring"]
                    == "count_only")
        for kind in RATE_KINDS:
            count = _counted(rows, kind)
            top = _top(rows, kind, compared)  # each kind against its own highest group
            x_top, n_top = count[top], int(rows.loc[top, "n"])
            highest = Fraction(x_top, n_top)
            assert highest > 0
            for group in compared:
                row = rows.loc[group]
                x, n = count[group], int(row["n"])
                ratio = Fraction(x, n) / highest
                assert row[f"impact_ratio_{kind}"] == pytest.approx(float(ratio), rel=1e-12)
                under = ratio < FOUR_FIFTHS
                flips = under and (Fraction(x + 1, n)
                                   >= FOUR_FIFTHS * Fraction(x_top - 1, n_top))
                adverse = under and not flips and row[f"p_{kind}_adjusted"] < 0.05
                expected = ("adverse_impact" if adverse else
                            "not_distinguishable" if under else "no_impact")
                assert row[f"finding_{kind}"] == expected, (row["target"], group, kind)
                if kind == "selection":
                    assert row["flip_flop_selection"] == flips
                    needed = math.ceil(FOUR_FIFTHS * highest * n - x)
                    assert row["shortfall_selection"] == max(needed, 0)
                seen.append(expected)
    assert set(seen) == {"adverse_impact", "not_distinguishable", "no_impact"}
    findings = audited.table[[f"finding_{kind}" for kind in RATE_KINDS]]
    assert audited.table["flagged"].equals((findings == "adverse_impact").any(axis=1))


def test_an_explicit_reference_changes_only_the_reference_and_the_drivers(
        model, cohort, scores):
    # A chosen reference with a low rate: mid, well above it yet under four fifths of
    # the highest rate and far from chance, is a finding against the highest group all
    # the same; only the group the drivers compare with changes.
    p = scores["p_rehire_intent"].to_numpy()
    chosen = p >= model.thresholds["rehire_intent"]
    selected, other = np.flatnonzero(chosen), np.flatnonzero(~chosen)
    assert len(selected) > 110
    data = cohort.copy()
    data["unit"] = "low"
    column = data.columns.get_loc("unit")
    data.iloc[np.r_[selected[:50], other[:50]], column] = "high"       # 50 %
    data.iloc[np.r_[selected[50:100], other[50:250]], column] = "mid"  # 20 %
    default = rm.audit(model, data, by="unit")
    given = rm.audit(model, data, by="unit", reference={"unit": "low"})
    assert set(default.table["reference"]) == {"high"}
    assert set(given.table["reference"]) == {"low"}
    pd.testing.assert_frame_equal(given.table.drop(columns="reference"),
                                  default.table.drop(columns="reference"))
    for finding in ("adverse_impact", "not_distinguishable"):
        pd.testing.assert_frame_equal(given.findings(finding).drop(columns="reference"),
                                      default.findings(finding).drop(columns="reference"))
    mid = _rows(given.table, target="rehire_intent", group="mid").iloc[0]
    low = _rows(given.table, target="rehire_intent", group="low").iloc[0]
    assert mid["impact_ratio_selection"] == pytest.approx(0.4)  # 0.2 / 0.5
    assert mid["selection_rate"] > low["selection_rate"]
    assert mid["p_selection"] == pytest.approx(fisher_exact([[50, 200], [50, 50]]).pvalue,
                                               rel=1e-12)
    assert mid["p_selection_adjusted"] < 1e-6
    assert mid["finding_selection"] == "adverse_impact"
    # the drivers: every other group against the chosen one, adding up to its gap; and
    # each adverse impact also against the group its ratio compares with
    chosen = given.drivers[given.drivers["reference"] == "low"]
    assert set(chosen["group"]) == {"high", "mid"}
    apart = given.drivers[given.drivers["reference"] != "low"]
    assert set(apart["reference"]) <= {"high"} and "mid" in set(apart["group"])
    for (target, group), rows in apart.groupby(["target", "group"]):
        pd.testing.assert_frame_equal(rows.reset_index(drop=True), _rows(
            default.drivers, target=target, group=group).reset_index(drop=True))
    assert set(default.drivers["group"]) == {"low", "mid"}
    log_odds = logit(scores["p_rehire_intent"])
    for audited, reference in ((given, "low"), (default, "high")):
        gaps = _rows(audited.drivers, target="rehire_intent", group="mid",
                     reference=reference)["gap_log_odds"]
        expected = (log_odds[data["unit"] == "mid"].mean()
                    - log_odds[data["unit"] == reference].mean())
        assert gaps.sum() == pytest.approx(expected, abs=1e-9)


def test_a_small_group_with_the_highest_rate_is_the_comparison_group(model, cohort,
                                                                     scores):
    data = cohort.head(600).copy()
    order = np.argsort(-scores["p_rehire_intent"].to_numpy()[:600])
    # satellite: 10 < 2 % of 600, the 3 highest scores of rehire intent and the 7 lowest:
    # the highest selection rate (3 of 10), and a scoring rate (3 of 10) under main's
    data["site"] = "main"
    data.iloc[np.r_[order[:3], order[-7:]], data.columns.get_loc("site")] = "satellite"
    marked = rm.audit(model, data, by="site")
    table = marked.table.query("target == 'rehire_intent'").set_index("group")
    satellite, main = table.loc["satellite"], table.loc["main"]
    assert satellite["small_group"] and not satellite["suppressed"]
    assert satellite["selection_rate"] == 0.3 > main["selection_rate"]
    assert satellite["scoring_rate"] == 0.3 < main["scoring_rate"]
    # selection: the small group is the comparison group, and the drivers' reference
    assert set(table["reference"]) == {"satellite"}
    assert satellite["impact_ratio_selection"] == 1.0
    assert main["impact_ratio_selection"] == pytest.approx(main["selection_rate"] / 0.3)
    x = round(main["selection_rate"] * main["n"])
    assert main["p_selection"] == pytest.approx(
        fisher_exact([[x, main["n"] - x], [3, 7]]).pvalue, rel=1e-12)
    assert np.isnan(satellite["p_selection"])
    # far under four fifths of it, but ten people cannot tell that from chance
    assert main["impact_ratio_selection"] < 0.8 and not main["flip_flop_selection"]
    assert main["p_selection_adjusted"] >= 0.05
    assert main["finding_selection"] == "not_distinguishable"
    # scoring: main is the highest, and the satellite is compared with it
    assert main["impact_ratio_scoring"] == 1.0 and np.isnan(main["p_scoring"])
    assert satellite["impact_ratio_scoring"] == pytest.approx(0.3 / main["scoring_rate"])
    above = round(main["scoring_rate"] * main["n"])
    assert satellite["p_scoring"] == pytest.approx(
        fisher_exact([[3, 7], [above, main["n"] - above]]).pvalue, rel=1e-12)
    assert satellite["finding_scoring"] == "not_distinguishable"
    assert not marked.table["flagged"].any()
    unclear = marked.findings("not_distinguishable")
    assert {("rehire_intent", "main", "selection"), ("rehire_intent", "satellite", "scoring")
            } <= set(zip(unclear["target"], unclear["group"], unclear["rate"], strict=True))

    # left out: the satellite keeps its rates and count only; main is the comparison
    left_out = rm.audit(model, data, by="site", exclude_small=True)
    table = left_out.table.set_index(["target", "group"])
    for target in TARGETS:
        satellite, main = table.loc[(target, "satellite")], table.loc[(target, "main")]
        assert satellite["finding_selection"] == satellite["finding_scoring"] == "count_only"
        assert satellite[["selection_rate", "scoring_rate"]].notna().all()
        assert np.isnan(satellite[["impact_ratio_selection", "impact_ratio_scoring",
                                   "p_selection", "p_scoring", "p_selection_adjusted",
                                   "p_scoring_adjusted"]].astype(float)).all()
        assert main["impact_ratio_selection"] == main["impact_ratio_scoring"] == 1.0
        assert main["finding_selection"] == main["finding_scoring"] == "no_impact"
    assert set(left_out.table["reference"]) == {"main"}
    with pytest.raises(InputError, match=r"reference group 'satellite' of 'site'"):
        rm.audit(model, data, by="site", exclude_small=True,
                 reference={"site": "satellite"})


def test_findings_list_each_adverse_rate_lowest_ratio_first(result):
    found = result.findings()
    assert found.columns.tolist() == [
        "target", "attribute", "group", "n", "reference", "rate", "compared_with",
        "impact_ratio", "impact_ratio_low", "impact_ratio_high", "p_adjusted"]
    table = result.table
    assert len(found) == sum((table[f"finding_{k}"] == "adverse_impact").sum()
                             for k in RATE_KINDS) > 0
    assert found["impact_ratio"].is_monotonic_increasing
    for row in found.itertuples():
        shown = _rows(table, target=row.target, attribute=row.attribute,
                      group=row.group).iloc[0]
        assert shown[f"finding_{row.rate}"] == "adverse_impact"
        assert (row.n, row.reference) == (shown["n"], shown["reference"])
        assert row.impact_ratio == shown[f"impact_ratio_{row.rate}"] < 0.8
        assert row.impact_ratio_low <= row.impact_ratio <= row.impact_ratio_high
        assert row.p_adjusted == shown[f"p_{row.rate}_adjusted"] < 0.05
    unclear = result.findings("not_distinguishable")
    assert unclear.columns.tolist() == [*found.columns, "leavers_needed"]
    assert len(unclear) == sum((table[f"finding_{k}"] == "not_distinguishable").sum()
                               for k in RATE_KINDS)
    assert (unclear["leavers_needed"] % 10 == 0).all()
    assert np.isfinite(unclear["leavers_needed"]).all()
    # against the highest rate of its target, attribute and kind, at Holm's strictest
    # level for the attribute's family (every p of its groups, targets and rates)
    for row in unclear.itertuples():
        rows = _rows(table, target=row.target, attribute=row.attribute)
        compared = rows[~rows["suppressed"]]
        family = _rows(table, attribute=row.attribute)[["p_selection", "p_scoring"]]
        rate = _rows(rows, group=row.group)[f"{row.rate}_rate"].iloc[0]
        expected = would_tell(rate, compared[f"{row.rate}_rate"].max(),
                              family.notna().to_numpy().sum())
        assert row.leavers_needed == expected


def test_leavers_needed_is_given_for_a_group_with_nobody_selected(result):
    unclear = result.findings("not_distinguishable")
    nobody = unclear[unclear["impact_ratio"] == 0]
    assert len(nobody)  # alumni engagement, 30s x D: 0 of 12 selected
    assert set(nobody["attribute"]) == {"age_band x race_ethnicity"}
    assert np.isfinite(nobody["leavers_needed"]).all()
    family = _rows(result.table, attribute="age_band x race_ethnicity")
    comparisons = family[["p_selection", "p_scoring"]].notna().to_numpy().sum()
    for row in nobody.itertuples():
        rows = _rows(result.table, target=row.target, attribute=row.attribute)
        highest = rows.loc[~rows["suppressed"], f"{row.rate}_rate"].max()
        assert highest > 0
        strictest = leavers_needed(0.0, highest, alpha=0.05 / comparisons)
        assert row.leavers_needed == np.ceil(strictest / 10) * 10


def test_a_ratio_of_exactly_four_fifths_is_no_finding(model, cohort, scores):
    p = scores["p_rehire_intent"].to_numpy()
    chosen = p >= model.thresholds["rehire_intent"]
    selected, other = np.flatnonzero(chosen), np.flatnonzero(~chosen)
    data = cohort.copy()
    assert len(selected) >= 108
    data["unit"] = "rest"
    column = data.columns.get_loc("unit")
    data.iloc[np.r_[selected[:60], other[:240]], column] = "top"  # 60 of 300
    data.iloc[np.r_[selected[60:108], other[240:492]], column] = "next"  # 48 of 300
    table = rm.audit(model, data, by="unit").table.query("target == 'rehire_intent'")
    rates = table.set_index("group")["selection_rate"]
    assert rates["top"] == rates.max() == 0.2 and rates["next"] == 0.16
    next_ = table.set_index("group").loc["next"]
    assert next_["impact_ratio_selection"] == pytest.approx(0.8)
    assert next_["p_selection"] == pytest.approx(
        fisher_exact([[48, 252], [60, 240]]).pvalue, rel=1e-12)
    assert next_["reference"] == "top" and next_["shortfall_selection"] == 0
    assert not next_["flip_flop_selection"]
    assert next_["finding_selection"] == "no_impact"


def test_a_random_column_shows_no_adverse_impact(model, cohort):
    data = cohort.copy()
    # A column independent of everything. With seed 1 nothing is a finding (as for about
    # 95 % of seeds: Holm holds the chance of any false finding of the family under 5 %),
    # while team R's selection rate for rehire intent is, by chance, about 0.54 of the
    # highest (286 people; some 540 per group would tell).
    data["team"] = np.random.default_rng(1).choice(["P", "Q", "R", "S"], size=len(data))
    audited = rm.audit(model, data, by="team", intersections=False)
    findings = audited.table[[f"finding_{kind}" for kind in RATE_KINDS]]
    assert not (findings == "adverse_impact").any(axis=None)
    assert not audited.table["flagged"].any()
    assert audited.gaps() == []
    assert audited.lowest_ratios().empty
    assert audited.findings().empty
    unclear = audited.findings("not_distinguishable")
    assert (unclear["impact_ratio"] < 0.8).all()
    told = unclear[np.isfinite(unclear["leavers_needed"])
                   & (unclear["leavers_needed"] > unclear["n"])]
    assert len(told) >= 1
    assert {"R"} <= set(told["group"])


# --------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------


def test_an_attribute_the_records_lack_is_named(model, cohort):
    with pytest.raises(rm.SchemaError, match=r"audit by ethnicity: the records have no "
                                             r"column 'ethnicity'.*--columns"):
        rm.audit(model, cohort, by=("gender", "ethnicity"))
    with pytest.raises(rm.SchemaError, match=r"age_band \(derived from age\).*'age'"):
        rm.audit(model, cohort.drop(columns="age"), by="age_band")
    with pytest.raises(ValueError, match="one or more different column names"):
        rm.audit(model, cohort, by=("gender", "gender"))


def test_a_chosen_reference_is_used_and_checked(model, cohort):
    default = rm.audit(model, cohort, by="race_ethnicity")
    assert set(default.table["reference"]) == {"C"}  # the highest selection rate
    audited = rm.audit(model, cohort, by="race_ethnicity", reference={"race_ethnicity": "A"})
    assert set(audited.table["reference"]) == {"A"}
    assert set(audited.drivers["reference"]) == {"A"}
    assert set(audited.drivers["group"]) == {"B", "C", "D"}
    # ratios, p and findings stay against the highest group of each rate
    pd.testing.assert_frame_equal(audited.table.drop(columns="reference"),
                                  default.table.drop(columns="reference"))
    with pytest.raises(rm.RehireModelError, match=r"reference group 'Z' of 'race_ethnicity' "
                                                  r"is not a group compared.*'A', 'B'"):
        rm.audit(model, cohort, by="race_ethnicity", reference={"race_ethnicity": "Z"})
    with pytest.raises(ValueError, match=r"reference given for \['region'\]"):
        rm.audit(model, cohort, by="race_ethnicity", reference={"region": "north"})


# --------------------------------------------------------------------------------------
# Drivers of a gap
# --------------------------------------------------------------------------------------


def test_driver_gaps_add_up_to_the_gap_of_mean_log_odds(cohort, scores, result):
    race = pd.Series(_race(cohort), dtype=object)
    bands = age_band(cohort["age"])
    members = {"race_ethnicity": race, "age_band": bands,
               "gender x race_ethnicity": cohort["gender"] + " x " + race.fillna("?")}
    checked = 0
    for (target, attribute, group), rows in result.drivers.groupby(
            ["target", "attribute", "group"]):
        if attribute not in members:
            continue
        reference = rows["reference"].iloc[0]
        log_odds = logit(scores[f"p_{target}"])
        gap = (log_odds[members[attribute] == group].mean()
               - log_odds[members[attribute] == reference].mean())
        base_difference = 0.0  # one model: the same base value for every group
        assert rows["gap_log_odds"].sum() + base_difference == pytest.approx(gap, abs=1e-9)
        assert rows["gap_log_odds"].abs().is_monotonic_decreasing
        checked += 1
    assert checked >= 10
    assert set(result.drivers["lever"]) == {"policy", "exit_interview", "fixed"}


def test_a_planted_proxy_is_named_as_the_groups_top_driver(model):
    data = rm.make_leaver_survey(2000, random_state=11)
    rng = np.random.default_rng(11)
    data["race_ethnicity"] = rng.choice(["A", "B"], size=len(data), p=[0.7, 0.3])
    # Group B's supervisors never signal a welcome back.
    data.loc[data["race_ethnicity"] == "B", "sup_welcomed_return"] = False
    audited = rm.audit(model, data, by="race_ethnicity", reference={"race_ethnicity": "A"})
    drivers = audited.drivers.query("target == 'rehire_intent' and group == 'B'")
    top = drivers.iloc[0]
    assert (top["reason"], top["lever"]) == ("welcome", "exit_interview")
    assert top["gap_log_odds"] < 0
    # B's rates are findings of adverse impact, A's never
    b = audited.table[audited.table["group"] == "B"]
    findings = b[[f"finding_{kind}" for kind in RATE_KINDS]]
    assert (findings == "adverse_impact").any(axis=1).any()
    assert b["flagged"].any() and not audited.table.query("group == 'A'")["flagged"].any()
    assert "B" in set(audited.lowest_ratios()["group"])
    assert set(audited.findings()["group"]) == {"B"}
    assert "B" in {g.group for g in audited.gaps()}
    gap = next(g for g in audited.gaps() if g.target == "rehire_intent" and g.group == "B")
    assert gap.p_adjusted < 0.05 and gap.impact_ratio_high < 0.8
    assert gap.levers[0] == "welcome"
    sentence = gap.sentence("ja", audited.reasons)
    assert sentence.startswith("Bの再入社意向がAより低い")
    assert "歓迎の意思表示" in sentence and "施策や面談で変えられる要因" in sentence


def test_gap_sentences_keep_levers_apart_from_facts(result):
    gaps = result.gaps()
    assert gaps
    found = result.findings()
    for gap in gaps:
        assert all(result.reasons[r].lever != "fixed" for r in gap.levers)
        assert all(result.reasons[r].lever == "fixed" for r in gap.facts)
        assert len(gap.levers) + len(gap.facts) <= 3
        # the lowest of the group's adverse rates, with its interval and adjusted p
        lowest = _rows(found, target=gap.target, attribute=gap.attribute,
                       group=gap.group).iloc[0]
        assert (gap.reference, gap.impact_ratio, gap.impact_ratio_low,
                gap.impact_ratio_high, gap.p_adjusted) == (
            lowest["reference"], lowest["impact_ratio"], lowest["impact_ratio_low"],
            lowest["impact_ratio_high"], lowest["p_adjusted"])
        assert gap.impact_ratio_low < gap.impact_ratio < gap.impact_ratio_high
        english = gap.sentence("en", result.reasons)
        assert english.startswith("For ") and english.endswith(".")
        interval = f"{gap.impact_ratio_low:.2f}–{gap.impact_ratio_high:.2f}"
        assert f"impact ratio {gap.impact_ratio:.3f}" in english and interval in english
        assert f"adjusted p {p_value_text(gap.p_adjusted)}" in english
        japanese = gap.sentence("ja", result.reasons)
        assert interval in japanese
        assert f"調整後のp値 {p_value_text(gap.p_adjusted)}" in japanese
    # one gap per group with a finding of adverse impact, and no other
    flagged = result.table[result.table["flagged"]]
    assert len(gaps) == len(flagged)
    assert {(g.target, g.attribute, g.group) for g in gaps} == set(
        zip(flagged["target"], flagged["attribute"], flagged["group"], strict=True))


def test_a_gap_sentence_names_a_group_with_a_higher_rate(model, cohort, scores):
    p = scores["p_rehire_intent"].to_numpy()
    order = np.argsort(-p)
    between = np.flatnonzero((p > np.median(p)) & (p < model.thresholds["rehire_intent"]))
    data = cohort.copy()
    data["unit"] = "Z"
    column = data.columns.get_loc("unit")
    data.iloc[np.r_[order[:30], order[-70:]], column] = "X"  # selection 0.3, scoring 0.3
    data.iloc[between[:100], column] = "Y"  # selection 0, scoring 1
    audited = rm.audit(model, data, by="unit")
    table = audited.table.set_index(["target", "group"])
    x = table.loc[("rehire_intent", "X")]
    # X: the highest selection rate (the reference), a scoring gap to Y's
    assert x["reference"] == "X" and x["finding_scoring"] == "adverse_impact"
    found = audited.findings()
    for gap in audited.gaps():
        kind = _rows(found, target=gap.target, attribute=gap.attribute,
                     group=gap.group)["rate"].iloc[0]
        assert (table.loc[(gap.target, gap.group), f"{kind}_rate"]
                < table.loc[(gap.target, gap.reference), f"{kind}_rate"]), gap
    # X's scoring gap is explained against Y, the group its ratio compares with
    gap = next(g for g in audited.gaps() if g.target == "rehire_intent" and g.group == "X")
    assert gap.reference == "Y" == x["highest_scoring"]
    against_y = _rows(audited.drivers, target="rehire_intent", group="X", reference="Y")
    assert len(against_y) and set(gap.levers + gap.facts) <= set(against_y["reason"])
    assert gap.sentence("en", audited.reasons).startswith(
        "For X, rehire intent is lower than for Y")


def test_lowest_ratios_name_the_lowest_adverse_finding_per_target(result):
    lowest = result.lowest_ratios()
    found = result.findings()
    assert lowest.columns.tolist() == found.columns.tolist()
    assert sorted(lowest["target"]) == sorted(set(found["target"]))
    # In this cohort only alumni engagement has a finding: no row for rehire intent,
    # though some of its groups are under four fifths.
    assert lowest["target"].tolist() == ["alumni_engagement"]
    assert (result.table.query("target == 'rehire_intent'")["impact_ratio_selection"]
            < 0.8).any()
    for row in lowest.itertuples():
        assert row.impact_ratio == found.query("target == @row.target")["impact_ratio"].min()
        # not the lowest ratio of the target: a lower one is within chance
        shown = result.table.query("target == @row.target")["impact_ratio_selection"]
        assert shown.min() < row.impact_ratio


# --------------------------------------------------------------------------------------
# Labels and files
# --------------------------------------------------------------------------------------


def test_attributes_and_groups_read_as_people_know_them():
    assert attribute_label("race_ethnicity", "ja") == "人種・民族"
    assert attribute_label("雇用区分", "ja") == "雇用区分"
    assert attribute_label("gender x age_band", "en") == "gender × age band"
    assert group_value_label("gender", "female", "ja") == "女性"
    assert group_value_label("married", "yes", "ja") == "はい"
    assert group_value_label("race_ethnicity x age_band", "B x 60+", "en") == "B × 60 and over"


def test_the_audit_is_written_as_files_or_sheets(result, tmp_path):
    written = write_audit(result, tmp_path / "audit.csv", lang="ja")
    assert [p.name for p in written] == ["audit.csv", "audit.unknown.csv", "audit.drivers.csv"]
    drivers = pd.read_csv(tmp_path / "audit.drivers.csv")
    assert drivers.columns.tolist() == ["target", "attribute", "group", "reference", "reason",
                                        "label", "lever", "gap_log_odds"]
    assert text("construct.welcome", "ja") in set(drivers["label"])
    table = pd.read_csv(tmp_path / "audit.csv", keep_default_na=False)
    assert len(table) == len(result.table)
    write_audit(result, tmp_path / "audit.xlsx")
    book = openpyxl.load_workbook(tmp_path / "audit.xlsx", read_only=True)
    assert book.sheetnames == ["audit", "unknown", "drivers"]
    write_audit(result, tmp_path / "words.csv", lang="ja", codes=False)
    assert (tmp_path / "words.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    words = pd.read_csv(tmp_path / "words.drivers.csv", encoding="utf-8-sig")
    assert words.columns.tolist() == ["結果", "属性", "グループ", "比較の基準", "要因", "種類",
                                      "差（対数オッズ）"]
    assert len(words) == len(result.drivers)
    unknown = pd.read_csv(tmp_path / "words.unknown.csv", encoding="utf-8-sig")
    assert unknown.columns.tolist() == ["属性", "不明の人数"]
    assert set(unknown["属性"]) >= {"性別", "年代", "人種・民族"}
    assert list(audit_files(tmp_path / "a.parquet"))[-1] == "rejects"


def test_the_audit_sheet_reads_in_japanese_words(result, excluded):
    words = {"adverse_impact": "不利な影響あり", "not_distinguishable": "偶然と区別できない",
             "no_impact": "不利な影響なし", "count_only": "人数のみ"}
    assert set(words) == set(FINDINGS)
    identifier = re.compile(r"[A-Za-z0-9]*_\w*|[A-Za-z]{3,}")
    seen = set()
    for audited in (result, excluded):  # excluded: groups under 2 % are count only
        frames = audit_frames(audited, "ja", codes=False)
        assert list(frames) == ["監査", "不明", "要因"]
        sheet = frames["監査"]
        headers = sheet.columns.tolist()
        assert len(set(headers)) == len(headers) == len(TABLE_COLUMNS)
        assert {"調整後のp値（選定率）", "調整後のp値（中央値超の割合）", "p値（選定率）",
                "判定（選定率）", "判定（中央値超の割合）", "選定率（95%区間の下限）",
                "影響比（選定率）の95%区間の上限", "比較の基準"} <= set(headers)
        for kind, header in (("selection", "判定（選定率）"),
                             ("scoring", "判定（中央値超の割合）")):
            assert sheet[header].tolist() == [words[f] for f in
                                              audited.table[f"finding_{kind}"]]
            seen |= set(sheet[header])
        cells = [v for column in sheet.columns for v in sheet[column] if isinstance(v, str)]
        for value in [*headers, *cells]:
            assert not identifier.search(value), value
            assert value not in set(FINDINGS) | set(TABLE_COLUMNS)
    assert seen == set(words.values())
