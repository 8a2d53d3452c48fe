from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy.special import logit

import rehire_model as rm
from rehire_model.audit import (
    AGE_BANDS,
    INTERSECTION,
    attribute_label,
    audit_files,
    group_value_label,
    write_audit,
)
from rehire_model.exceptions import InputError
from rehire_model.fairness import age_band
from rehire_model.texts import text

TARGETS = ("alumni_engagement", "rehire_intent")


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


def _race(cohort) -> list:
    """Each leaver's race_ethnicity, None where blank or unknown."""
    return [None if pd.isna(v) or str(v).strip().casefold() in ("", "unknown", "n/a") else v
            for v in cohort["race_ethnicity"]]


def _independent_table(model, cohort, groups: pd.Series) -> pd.DataFrame:
    """Rates and impact ratios computed row by row, without the library's audit."""
    scores = model.predict(cohort)
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


# --------------------------------------------------------------------------------------
# Rates and impact ratios
# --------------------------------------------------------------------------------------


def test_rates_and_ratios_equal_an_independent_computation(model, cohort, result):
    race = _race(cohort)
    _compare(result.table, "race_ethnicity", _independent_table(model, cohort, pd.Series(race)))
    bands = [None if b == "unknown" else b for b in age_band(cohort["age"])]
    _compare(result.table, "age_band", _independent_table(model, cohort, pd.Series(bands)))
    pairs = [None if g is None or r is None else f"{g}{INTERSECTION}{r}"
             for g, r in zip(cohort["gender"], race, strict=True)]
    _compare(result.table, "gender x race_ethnicity",
             _independent_table(model, cohort, pd.Series(pairs)))


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
    assert (table.set_index("group").loc[["small", "large"], "impact_ratio_selection"]
            == 1.0).all()


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
    audited = rm.audit(model, cohort, by="race_ethnicity", reference={"race_ethnicity": "C"})
    assert set(audited.table["reference"]) == {"C"}
    assert set(audited.drivers["reference"]) == {"C"}
    assert set(audited.drivers["group"]) == {"A", "B", "D"}
    with pytest.raises(rm.RehireModelError, match=r"reference group 'Z' of 'race_ethnicity' "
                                                  r"is not a group shown.*'A', 'B'"):
        rm.audit(model, cohort, by="race_ethnicity", reference={"race_ethnicity": "Z"})
    with pytest.raises(ValueError, match=r"reference given for \['region'\]"):
        rm.audit(model, cohort, by="race_ethnicity", reference={"region": "north"})


# --------------------------------------------------------------------------------------
# Drivers of a gap
# --------------------------------------------------------------------------------------


def test_driver_gaps_add_up_to_the_gap_of_mean_log_odds(model, cohort, result):
    scores = model.predict(cohort)
    groups = rm.audit(model, cohort, by=("gender", "age_band", "race_ethnicity"))
    race = pd.Series(_race(cohort), dtype=object)
    bands = age_band(cohort["age"])
    members = {"race_ethnicity": race, "age_band": bands,
               "gender x race_ethnicity": cohort["gender"] + " x " + race.fillna("?")}
    checked = 0
    for (target, attribute, group), rows in groups.drivers.groupby(
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
    gap = next(g for g in audited.gaps() if g.target == "rehire_intent" and g.group == "B")
    assert gap.levers[0] == "welcome"
    sentence = gap.sentence("ja", audited.reasons)
    assert sentence.startswith("Bの再入社意向がAより低い")
    assert "歓迎の意思表示" in sentence and "施策や面談で変えられる要因" in sentence


def test_gap_sentences_keep_levers_apart_from_facts(result):
    gaps = result.gaps()
    assert gaps
    for gap in gaps:
        assert all(result.reasons[r].lever != "fixed" for r in gap.levers)
        assert all(result.reasons[r].lever == "fixed" for r in gap.facts)
        assert len(gap.levers) + len(gap.facts) <= 3
        english = gap.sentence("en", result.reasons)
        assert english.startswith("For ") and english.endswith(".")
    flagged = result.table[result.table["flagged"]]
    assert len(gaps) == len(flagged)


def test_lowest_ratios_name_one_group_per_target(result):
    lowest = result.lowest_ratios()
    assert lowest["target"].tolist() == list(TARGETS)
    for row in lowest.itertuples():
        shown = result.table.query("target == @row.target")["impact_ratio_selection"]
        assert row.impact_ratio_selection == shown.min()


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
