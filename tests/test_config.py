from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rehire_model.config import DEFAULTS, TargetSpec, load_config
from rehire_model.exceptions import ConfigError, SchemaError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TOML = ROOT / "training" / "configs" / "default.toml"


def test_default_toml_spells_out_the_defaults():
    assert load_config(DEFAULT_TOML).to_dict() == load_config(None).to_dict() == DEFAULTS


def test_values_given_override_only_their_key():
    config = load_config({"targets": {"rehire_intent": {"threshold": 0.4}}})
    assert config.target("rehire_intent").threshold == 0.4
    assert config.target("rehire_intent").positive == ">= 4"
    assert config.target("alumni_engagement").threshold == 0.3


def test_protected_fields_are_not_features_by_default():
    config = load_config()
    assert not any(f.role == "protected" for f in config.record_fields)
    assert config.feature_params["include_protected"] is False


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"sed": 1}, r"unknown key 'sed' in the training config; expected one of: seed"),
        ({"data": {"tests": 1}}, r"unknown key 'tests' in the training config \[data\]"),
        ({"targets": {"stay": {}}}, r"unknown key 'stay' .*\[targets\]"),
        ({"data": []}, r"\[data\] in the training config must be a table"),
        ({"seed": -1}, r"seed is -1; expected a whole number"),
        ({"seed": True}, r"seed is True"),
        ({"data": {"test_size": 0.9}}, r"data.test_size is 0.9; expected a share"),
        ({"features": {"interaction": "yes"}}, r"features.interaction is 'yes'"),
        ({"features": {"policy": ["company_size"]}}, r"features.policy is 'company_size'"),
        ({"features": {"fixed": "industry"}}, r"features.fixed is 'industry'; expected a list"),
        (
            {"features": {"exit_interview": ["sup_interview_amicability"]}},
            r"'sup_interview_held' listed too",
        ),
        (
            {"features": {role: [] for role in ("fixed", "policy", "exit_interview",
                                                 "follow_up")}},
            "at least one feature field",
        ),
        ({"targets": {"rehire_intent": {"positive": ""}}}, r"targets.rehire_intent.positive"),
        ({"targets": {"rehire_intent": {"threshold": 1}}}, r"threshold is 1; expected a prob"),
        ({"model_selection": {"candidates": ["svm"]}}, r"candidates is \['svm'\]"),
        ({"model_selection": {"cv_folds": 1}}, r"cv_folds is 1"),
        ({"model_selection": {"scoring": "accuracy"}}, r"scoring is 'accuracy'"),
        (
            {"model_selection": {"logistic": {"penalty": "l1"}}},
            r"'penalty' .*\[model_selection.logistic\]; expected one of: C, max_iter",
        ),
        ({"features": {"extra": [{"name": "x", "kind": "text"}]}}, r"extra\[0\].kind is 'text'"),
        ({"features": {"extra": [{"name": "age", "kind": "bool"}]}}, r"extra\[0\].name is 'age'"),
        (
            {"features": {"extra": [{"name": "x", "kind": "float"}]}},
            r"extra\[0\].low/high is \(None, None\)",
        ),
        (
            {"features": {"extra": [{"name": "x", "kind": "category"}]}},
            r"extra\[0\].categories is \(\)",
        ),
    ],
)
def test_bad_config_names_key_and_value(given, message):
    with pytest.raises(ConfigError, match=message):
        load_config(given)


def test_config_errors_are_value_errors():
    with pytest.raises(ValueError):
        load_config({"seed": "zero"})


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the training config"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config(bad)
    with pytest.raises(TypeError, match="config must be a path"):
        load_config(3)


def test_extra_columns_become_fields_with_levers():
    config = load_config(
        {
            "features": {
                "extra": [
                    {"name": "remote_work", "kind": "bool", "lever": "policy",
                     "label_ja": "リモートワーク可"},
                    {"name": "region", "kind": "category", "categories": ["east", "west"]},
                ]
            }
        }
    )
    remote, region = config.record_fields[-2:]
    assert (remote.name, remote.kind, remote.lever, remote.label("ja")) == (
        "remote_work", "bool", "policy", "リモートワーク可")
    assert region.lever == "fixed" and region.categories == ("east", "west")
    assert config.feature_params["extra"] == (
        ("remote_work", "bool", ()), ("region", "category", ("east", "west")))


@pytest.mark.parametrize(
    ("positive", "values", "expected"),
    [
        (">= 4", [1, 4, 5, "3"], [0, 1, 1, 0]),
        ("> 3.5", [3.5, 3.75, 1.0, 5], [0, 1, 0, 1]),
        ("== 5", [5, 4, 5.0, 1], [1, 0, 1, 0]),
        (("yes", "はい"), ["Yes", "no", "はい", " YES"], [1, 0, 1, 1]),
    ],
)
def test_positive_definitions(positive, values, expected):
    spec = TargetSpec("rehire_intent", "col", positive, 0.5)
    assert spec.binarize(pd.Series(values, dtype=object)).tolist() == expected


def test_bad_target_values_name_the_rows():
    spec = TargetSpec("rehire_intent", "would_return", ">= 4", 0.5)
    with pytest.raises(SchemaError, match=r"'would_return' .* row 1 has 'often'") as info:
        spec.binarize(pd.Series([4, "often", None], dtype=object))
    assert info.value.problems["row"].tolist() == [1]
    labels = TargetSpec("rehire_intent", "would_return", ("yes",), 0.5)
    with pytest.raises(SchemaError, match="row 0 has nan; expected an answer in every row"):
        labels.binarize(pd.Series([np.nan, "yes"], dtype=object))


def test_unanswered_targets_are_nan_in_labels():
    spec = TargetSpec("rehire_intent", "would_return", ">= 4", 0.5)
    assert spec.labels(pd.Series([5, None, " ", "2"], dtype=object)).tolist()[::3] == [1.0, 0.0]
    assert np.isnan(spec.labels(pd.Series([None, " "], dtype=object))).all()


def test_one_target_config():
    config = load_config({"targets": {"alumni_engagement": False}})
    assert config.target_names == ("rehire_intent",)
    with pytest.raises(KeyError, match="trains no 'alumni_engagement' target"):
        config.target("alumni_engagement")
    with pytest.raises(ConfigError, match="targets is 'every target false'"):
        load_config({"targets": {"alumni_engagement": False, "rehire_intent": False}})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"data": {"missing": "drop"}}, r"data.missing is 'drop'; expected 'impute'"),
        ({"data": {"max_missing": 1}}, r"data.max_missing is 1; expected a share"),
        ({"data": {"cv_repeats": 0}}, r"data.cv_repeats is 0"),
        ({"data": {"small_sample_rows": -1}}, r"data.small_sample_rows is -1"),
        ({"data": {"calibration_size": 0.2}},
         r"data.calibration_size is no longer used: no rows are held out to calibrate"),
        ({"model_selection": {"logistic": {"C": []}}},
         r"model_selection.logistic.C is \[\]; expected a value, or a non-empty list"),
        ({"features": {"extra": [{"name": "x", "kind": "category", "levels": ["a", "b"],
                                  "categories": ["a"]}]}},
         r"extra\[0\].levels is \('a', 'b'\); expected at least two labels in order, for "
         r"kind 'ordinal' only"),
        ({"features": {"extra": [{"name": "x", "kind": "ordinal", "levels": ["a", "b"],
                                  "low": 1, "high": 2}]}},
         r"extra\[0\].low/high is \(1, 2\); expected nothing"),
        ({"features": {"extra": [{"name": " x", "kind": "bool"}]}},
         r"extra\[0\].name is ' x'; expected the column's name"),
        ({"features": {"extra": [{"name": "would_return", "kind": "bool"}]},
          "targets": {"rehire_intent": {"column": "would_return"}}},
         r"targets.rehire_intent.column is 'would_return'; expected a column that is not "
         r"also a feature"),
    ],
)
def test_bad_new_settings_name_key_and_value(given, message):
    with pytest.raises(ConfigError, match=message):
        load_config(given)


def test_text_levels_make_an_ordinal_from_one():
    config = load_config({"features": {"extra": [
        {"name": "満足度 (5段階)", "kind": "ordinal",
         "levels": ["そう思わない", "ややそう思う", "そう思う"]}]}})
    field = config.extra[0]
    assert (field.name, field.low, field.high) == ("満足度 (5段階)", 1.0, 3.0)
    assert field.levels == ("そう思わない", "ややそう思う", "そう思う")


def test_settings_grid_and_validation_options():
    config = load_config({"model_selection": {"logistic": {"C": [0.1, 1.0]}},
                          "data": {"missing": "reject", "max_missing": 0.2}})
    assert [s["C"] for s in config.settings_grid("logistic")] == [0.1, 1.0]
    assert len(config.settings_grid("hist_gradient_boosting")) == 4
    options = config.validation_options
    assert (options["missing"], options["max_missing"]) == ("reject", 0.2)
    assert options["fields"] == config.record_fields


def test_label_rule_from_toml(tmp_path):
    path = tmp_path / "company.toml"
    path.write_text(
        '[targets.rehire_intent]\ncolumn = "戻りたい"\npositive = ["はい", "yes"]\n',
        encoding="utf-8",
    )
    spec = load_config(path).target("rehire_intent")
    assert spec.column == "戻りたい" and spec.positive == ("はい", "yes")
