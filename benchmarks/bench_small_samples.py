"""Small company surveys: ``rm.train`` beside a plain scikit-learn pipeline on the same rows.

    python benchmarks/bench_small_samples.py                     # n = 300, 500, 1000, 3000
    python benchmarks/bench_small_samples.py --missing-rate 0.1  # with 10 % of answers blank
    python benchmarks/bench_small_samples.py --external ibm_hr_attrition.csv \\
        --config ibm.toml                                        # a company's own columns

Synthetic survey: for each size n and seed (10 seeds by default), n leavers are drawn
(seeds 1000 + seed, so independent of the default model's data), both models are fitted
on all n rows, and both score 20,000 fresh leavers whose true probabilities are known.
The figure is ROC AUC as a share of the oracle's (the true probabilities' AUC on the
same leavers), for each target: 1.0 is the best any model could do. With 300 leavers a
sample holds about 50 positives per target, so the seed-to-seed spread is of the order
of the differences measured: the mean over several seeds is the figure to read.

- ``plain``: the pipeline a data scientist writes first: the record fields as columns,
  one-hot encoded categories, mean imputation with missing-value indicators,
  standardisation and ``LogisticRegression()``, fitted on all rows.
- ``rm.train``: the library with its default training config. ``cv_repeats`` is set to 1:
  it only sets how many times the model is measured by cross-validation, never the model
  kept (the test suite checks that), so the figures are those of the defaults.
- ``rm.train, items``: the same without the survey's behaviour constructs (each
  supervisor behaviour as its own column, no respect x drawing-out interaction).

External data (``--external``): a company's table with its own columns, trained with the
given config (for example one drafted by ``rehire-model init-config``). Both are
measured on the same repeated stratified 5-fold splits: ``rm.train`` reports its own
cross-validation (model choice inside each fold) and the plain pipeline is scored on
those same folds.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import rehire_model as rm
from rehire_model.config import load_config
from rehire_model.exceptions import DataWarning
from rehire_model.schema import FEATURE_ROLES, field_names

TARGETS = ("alumni_engagement", "rehire_intent")
ONE_MEASURE = {"data": {"cv_repeats": 1}}
WITHOUT_CONSTRUCTS = {**ONE_MEASURE, "features": {"constructs": False, "interaction": False}}


def plain_pipeline(categorical: list[str], numeric: list[str]) -> Pipeline:
    """One-hot + imputation (with indicators) + scaling + logistic regression."""
    return make_pipeline(
        ColumnTransformer([
            ("categories", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                         OneHotEncoder(handle_unknown="ignore")), categorical),
            ("numbers", make_pipeline(SimpleImputer(add_indicator=True), StandardScaler()),
             numeric),
        ]),
        LogisticRegression(max_iter=1000),
    )


def as_numbers(records: pd.DataFrame, numeric: list[str]) -> pd.DataFrame:
    """Booleans and numbers as floats (NaN for blanks), categories as text."""
    out = records.copy()
    for name in numeric:
        out[name] = pd.to_numeric(out[name].astype("Float64"), errors="coerce").astype(float)
    return out


def survey_columns() -> tuple[list[str], list[str]]:
    names = list(field_names(*FEATURE_ROLES))
    categorical = ["company_size", "industry", "job_level"]
    return categorical, [n for n in names if n not in categorical]


def synthetic(sizes: list[int], seeds: int, missing_rate: float) -> pd.DataFrame:
    test, truth = rm.make_leaver_survey(20_000, random_state=4242, return_truth=True,
                                        missing_rate=missing_rate)
    categorical, numeric = survey_columns()
    test_x = as_numbers(test, numeric)
    rows = []
    for n in sizes:
        for seed in range(seeds):
            data = rm.make_leaver_survey(n, random_state=1000 + seed,
                                         missing_rate=missing_rate)
            scores: dict[str, dict[str, np.ndarray]] = {}
            seconds: dict[str, float] = {}
            for name, config in (("rm.train", ONE_MEASURE),
                                 ("rm.train, items", WITHOUT_CONSTRUCTS)):
                started = time.perf_counter()
                model = rm.train(data, config, n_jobs=-1)
                seconds[name] = time.perf_counter() - started
                predicted = model.predict(test)
                scores[name] = {t: predicted[f"p_{t}"].to_numpy() for t in TARGETS}
            scores["plain"] = {}
            for target in TARGETS:
                y = (data[target] >= 4).astype(int)
                pipeline = plain_pipeline(categorical, numeric)
                pipeline.fit(as_numbers(data, numeric)[categorical + numeric], y)
                scores["plain"][target] = pipeline.predict_proba(
                    test_x[categorical + numeric])[:, 1]
            for target in TARGETS:
                y_test = (test[target] >= 4).astype(int)
                oracle = roc_auc_score(y_test, truth[f"p_{target}"])
                for name, by_target in scores.items():
                    rows.append({"n": n, "seed": seed, "model": name, "target": target,
                                 "auc_share": roc_auc_score(y_test, by_target[target]) / oracle,
                                 "train_seconds": seconds.get(name, np.nan)})
            print(f"  n={n} seed={seed} done", flush=True)
    return pd.DataFrame(rows)


def external(path: str, config_path: str) -> pd.DataFrame:
    """rm.train's repeated cross-validation beside the plain pipeline on the same folds."""
    data = pd.read_csv(path)
    config = load_config(config_path)
    started = time.perf_counter()
    model = rm.train(data, config, n_jobs=-1)
    seconds = time.perf_counter() - started
    features = [f.name for f in config.extra]
    categorical = [f.name for f in config.extra if f.kind == "category"]
    numeric = [f.name for f in config.extra if f.kind != "category"]
    records = rm.validate_records(data, **config.validation_options)
    rows = []
    for spec in config.targets:
        y = spec.labels(data[spec.column]).astype(int)
        # The outer splits rm.train measures itself on: the same rows, folds and seed.
        folds = RepeatedStratifiedKFold(n_splits=config.cv_folds,
                                        n_repeats=config.cv_repeats, random_state=config.seed)
        X = as_numbers(records, numeric)[features]
        aucs = []
        for fit, test in folds.split(X, y):
            pipeline = plain_pipeline(categorical, numeric).fit(X.iloc[fit], y[fit])
            aucs.append(roc_auc_score(y[test], pipeline.predict_proba(X.iloc[test])[:, 1]))
        result = model.metrics[spec.name]
        rows += [
            {"target": spec.name, "model": "plain", "roc_auc": float(np.mean(aucs))},
            {"target": spec.name, "model": f"rm.train ({result['selected']})",
             "roc_auc": result["test"]["roc_auc"], "train_seconds": seconds},
        ]
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 500, 1000, 3000])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--missing-rate", type=float, default=0.0)
    parser.add_argument("--external", help="a company's table (CSV) with its own columns")
    parser.add_argument("--config", help="its training config (TOML)")
    parser.add_argument("--save", help="also write every seed's figures to this CSV")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DataWarning)
    pd.set_option("display.width", 160)
    if args.external:
        print(external(args.external, args.config).round(4).to_string(index=False))
        return
    print(f"Synthetic survey, {args.missing_rate:.0%} of answers blank; AUC / oracle AUC, "
          f"mean of {args.seeds} seeds (min in brackets)")
    table = synthetic(args.sizes, args.seeds, args.missing_rate)
    if args.save:
        table.to_csv(args.save, index=False)
    summary = table.groupby(["n", "target", "model"])["auc_share"].agg(["mean", "min"])
    wide = summary["mean"].unstack("model")
    shown = wide.round(3).astype(str) + " (" + summary["min"].unstack("model").round(3).astype(
        str) + ")"
    print(shown.to_string())
    ratio = wide["rm.train"] / wide["plain"]
    print("\nrm.train / plain (mean AUC share):")
    print(ratio.unstack("target").round(3).to_string())
    seconds = table.groupby(["n", "model"])["train_seconds"].mean().unstack("model")
    print("\nmean training time (s):")
    print(seconds.dropna(axis=1).round(1).to_string())


if __name__ == "__main__":
    main()
