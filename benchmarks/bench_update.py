"""Updating the shipped model from a company's labelled leavers: ``rm.update`` beside
keeping the model, retraining it and a plain pipeline.

    python benchmarks/bench_update.py                            # n = 50 ... 3000, 5 seeds
    python benchmarks/bench_update.py --sizes 100 300 --seeds 2  # a quick check
    python benchmarks/bench_update.py --methods intercept logistic --fresh 5000
    python benchmarks/bench_update.py --jobs 2 --save update.csv # seeds in 2 processes

The company is the shifted synthetic world (``world="shifted"``, docs/shifted-world.md):
the same drivers as the survey the default model learnt from, another level of both
outcomes and somewhat other strengths, with 10 % of answers blank. For each size n and
seed, n labelled leavers are drawn (seeds 1000 + seed), and every contender below scores
the same fresh sample of 20,000 leavers of that world (seed 4242). The figures are ROC
AUC and the Brier score against their observed outcomes, per target: the mean over the
seeds with the lowest and highest seed.

- ``shipped``: ``rm.load_model()`` as it is.
- ``intercept``, ``logistic``, ``revise``, ``refit``: ``rm.update(model, labelled,
  method=...)``, each target updated on its own (the other outcome column left out), so
  that a method the labels of one target do not allow (``SchemaError``) is recorded as
  not available for that target only.
- ``auto``: ``rm.update(model, labelled)`` on both outcomes, as a company would call it;
  what it chose per target is counted over the seeds.
- ``rm.train``: a model trained from scratch on the n leavers (default config with
  ``cv_repeats = 1``, which sets how often the model is measured, never the model); where
  a class is too rare for training (``SchemaError``) each target is tried alone, and is
  not available if it still fails.
- ``plain``: the plain scikit-learn pipeline of ``bench_small_samples.py`` (one-hot,
  imputation with indicators, scaling, ``LogisticRegression()``) fitted on the n leavers.
- ``reference``: the shipped model recalibrated (``method="logistic"``) on 20,000
  labelled leavers of the world (seed 7777), computed once: what recalibration reaches
  with plenty of labels. ``oracle``: the true probabilities, the best any model can do.

Goal check, on the means over seeds, per n and target: auto's AUC minus the best AUC of
{shipped, rm.train, plain} (goal >= -0.005), auto's Brier / the best Brier of them (goal
<= 1.01), and at n = 100 auto's Brier / the reference's (goal <= 1.03).

The times are those of one ``rm.update`` call (auto: both targets in one call; explicit
methods: one target per call) and depend on the machine and its load; the quality
figures do not.
"""

from __future__ import annotations

import argparse
import contextlib
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from bench_small_samples import as_numbers, plain_pipeline, survey_columns
from joblib import Parallel, delayed
from sklearn.metrics import brier_score_loss, roc_auc_score

import rehire_model as rm
from rehire_model.exceptions import DataWarning, SchemaError

TARGETS = ("alumni_engagement", "rehire_intent")
METHODS = ("intercept", "logistic", "revise", "refit")
ONE_MEASURE = {"data": {"cv_repeats": 1}}
MISSING_RATE = 0.1
FRESH_SEED, REFERENCE_SEED, LABELLED_SEED = 4242, 7777, 1000
#: Contenders in the order printed; the first three are the goal's alternatives.
ORDER = ("shipped", *METHODS, "auto", "rm.train", "plain", "reference", "oracle")
ALTERNATIVES = ("shipped", "rm.train", "plain")


def _outcomes(data: pd.DataFrame, target: str) -> np.ndarray:
    return (data[target] >= 4).astype(int).to_numpy()


def _scores(y: dict[str, np.ndarray], p: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    return {t: {"auc": roc_auc_score(y[t], p[t]), "brier": brier_score_loss(y[t], p[t])}
            for t in p}


def _predicted(model: rm.RehireModel, fresh: pd.DataFrame, targets=TARGETS
               ) -> dict[str, np.ndarray]:
    out = model.predict(fresh)
    return {t: out[f"p_{t}"].to_numpy(dtype=float) for t in targets}


def _scratch(data: pd.DataFrame, n_jobs: int) -> dict[str, rm.RehireModel]:
    """rm.train on the rows; each target alone where a class is too rare for both."""
    try:
        model = rm.train(data, ONE_MEASURE, n_jobs=n_jobs)
        return {t: model for t in TARGETS}
    except SchemaError:
        pass
    models = {}
    for target in TARGETS:
        others = {t: False for t in TARGETS if t != target}
        with contextlib.suppress(SchemaError):
            models[target] = rm.train(data, {**ONE_MEASURE, "targets": others},
                                      n_jobs=n_jobs)
    return models


def one_sample(n: int, seed: int, fresh: pd.DataFrame, methods: list[str],
               n_jobs: int) -> list[dict[str, Any]]:
    """Every contender fitted on one labelled sample, measured on the fresh leavers."""
    warnings.simplefilter("ignore", DataWarning)
    model = rm.load_model()
    data = rm.make_leaver_survey(n, random_state=LABELLED_SEED + seed, world="shifted",
                                 missing_rate=MISSING_RATE)
    y = {t: _outcomes(fresh, t) for t in TARGETS}
    rows: list[dict[str, Any]] = []

    def add(contender: str, target: str, p: np.ndarray | None, **more: Any) -> None:
        row = {"n": n, "seed": seed, "target": target, "contender": contender,
               "auc": np.nan, "brier": np.nan, "seconds": np.nan, "method": None,
               "reason": None, **more}
        if p is not None:
            row |= _scores({target: y[target]}, {target: p})[target]
        rows.append(row)

    for target, p in _predicted(model, fresh).items():
        add("shipped", target, p)

    started = time.perf_counter()
    updated = rm.update(model, data)
    seconds = time.perf_counter() - started
    for target, p in _predicted(updated, fresh).items():
        entry = updated.lineage["targets"][target]
        add("auto", target, p, seconds=seconds, method=entry["method"],
            reason=entry["reason"]["en"])

    for method in methods:
        for target in TARGETS:
            alone = data.drop(columns=[t for t in TARGETS if t != target])
            started = time.perf_counter()
            try:
                updated = rm.update(model, alone, method=method)
            except SchemaError as error:
                add(method, target, None, reason=str(error))
                continue
            seconds = time.perf_counter() - started
            add(method, target, _predicted(updated, fresh, [target])[target],
                seconds=seconds, method=updated.lineage["targets"][target]["method"])

    started = time.perf_counter()
    scratch = _scratch(data, n_jobs)
    seconds = time.perf_counter() - started
    for target in TARGETS:
        p = _predicted(scratch[target], fresh, [target])[target] if target in scratch else None
        add("rm.train", target, p, seconds=seconds)

    categorical, numeric = survey_columns()
    columns = categorical + numeric
    train_x, fresh_x = as_numbers(data, numeric)[columns], as_numbers(fresh, numeric)[columns]
    for target in TARGETS:
        pipeline = plain_pipeline(categorical, numeric).fit(train_x, _outcomes(data, target))
        add("plain", target, pipeline.predict_proba(fresh_x)[:, 1])
    return rows


def once(fresh: pd.DataFrame, truth: pd.DataFrame) -> list[dict[str, Any]]:
    """The contenders that do not depend on the labelled sample."""
    model = rm.load_model()
    big = rm.make_leaver_survey(20_000, random_state=REFERENCE_SEED, world="shifted",
                                missing_rate=MISSING_RATE)
    started = time.perf_counter()
    reference = rm.update(model, big, method="logistic")
    seconds = time.perf_counter() - started
    y = {t: _outcomes(fresh, t) for t in TARGETS}
    rows = []
    for name, p in (("reference", _predicted(reference, fresh)),
                    ("oracle", {t: truth[f"p_{t}"].to_numpy() for t in TARGETS})):
        for target, scores in _scores(y, p).items():
            rows.append({"target": target, "contender": name, **scores,
                         "seconds": seconds if name == "reference" else np.nan})
    return rows


def run(sizes: list[int], seeds: int, n_fresh: int, methods: list[str], jobs: int
        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    fresh, truth = rm.make_leaver_survey(n_fresh, random_state=FRESH_SEED, world="shifted",
                                         missing_rate=MISSING_RATE, return_truth=True)
    fixed = pd.DataFrame(once(fresh, truth))
    tasks = [(n, seed) for n in sizes for seed in range(seeds)]
    n_jobs = -1 if jobs == 1 else 1  # rm.train's own processes when seeds run one by one

    def task(n: int, seed: int) -> list[dict[str, Any]]:
        started = time.perf_counter()
        rows = one_sample(n, seed, fresh, methods, n_jobs)
        print(f"  n={n} seed={seed} done in {time.perf_counter() - started:.0f} s",
              flush=True)
        return rows

    results = Parallel(n_jobs=jobs, verbose=0)(delayed(task)(n, s) for n, s in tasks)
    table = pd.DataFrame([row for rows in results for row in rows])
    return table, fixed


# --------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------


def _with_fixed(table: pd.DataFrame, fixed: pd.DataFrame) -> pd.DataFrame:
    """The per-seed table with the fixed contenders repeated at every n and seed."""
    keys = table[["n", "seed"]].drop_duplicates()
    return pd.concat([table, keys.merge(fixed, how="cross")], ignore_index=True)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    grouped = table.groupby(["n", "target", "contender"])
    out = grouped[["auc", "brier"]].agg(["mean", "min", "max"])
    out.columns = [f"{metric}_{stat}" for metric, stat in out.columns]
    out["available"] = grouped["auc"].count()
    out["seeds"] = grouped["seed"].nunique()
    order = {name: k for k, name in enumerate(ORDER)}
    return out.reset_index().sort_values(
        ["n", "target", "contender"], key=lambda s: s.map(order) if s.name == "contender"
        else s).set_index(["n", "target", "contender"])


def shown(means: pd.DataFrame) -> pd.DataFrame:
    def cell(metric: str) -> pd.Series:
        return means.apply(
            lambda r: "n/a" if np.isnan(r[f"{metric}_mean"]) else
            f"{r[f'{metric}_mean']:.4f} ({r[f'{metric}_min']:.4f}-{r[f'{metric}_max']:.4f})",
            axis=1)

    return pd.DataFrame({"AUC (min-max)": cell("auc"), "Brier (min-max)": cell("brier"),
                         "seeds": means["available"].astype(int).astype(str) + "/"
                         + means["seeds"].astype(str)})


def goal_check(means: pd.DataFrame) -> list[str]:
    lines = []
    for (n, target), block in means.groupby(level=["n", "target"]):
        block = block.droplevel(["n", "target"])
        auto = block.loc["auto"]
        others = block.loc[[c for c in ALTERNATIVES if c in block.index]]
        others = others[others["auc_mean"].notna()]
        best_auc, best_brier = others["auc_mean"].idxmax(), others["brier_mean"].idxmin()
        gap = auto["auc_mean"] - others.loc[best_auc, "auc_mean"]
        ratio = auto["brier_mean"] / others.loc[best_brier, "brier_mean"]
        lines.append(f"n={n:>5} {target:<18} AUC auto - best ({best_auc}) = {gap:+.4f} "
                     f"(>= -0.005: {'meets' if gap >= -0.005 else 'misses'}); "
                     f"Brier auto / best ({best_brier}) = {ratio:.4f} "
                     f"(<= 1.01: {'meets' if ratio <= 1.01 else 'misses'})")
        if n == 100 and "reference" in block.index:
            ratio = auto["brier_mean"] / block.loc["reference", "brier_mean"]
            lines.append(f"n={n:>5} {target:<18} Brier auto / reference (20,000 "
                         f"recalibrated) = {ratio:.4f} "
                         f"(<= 1.03: {'meets' if ratio <= 1.03 else 'misses'})")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 300, 1000, 3000])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--fresh", type=int, default=20_000,
                        help="fresh leavers the contenders are measured on")
    parser.add_argument("--methods", nargs="*", default=list(METHODS), choices=METHODS,
                        help="explicit methods to measure (auto is always measured)")
    parser.add_argument("--jobs", type=int, default=1, help="seeds run in parallel")
    parser.add_argument("--save", help="also write every seed's figures to this CSV")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DataWarning)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)
    print(f"Shifted world, {MISSING_RATE:.0%} of answers blank; sizes {args.sizes}, "
          f"{args.seeds} seeds, {args.fresh:,} fresh leavers, methods "
          f"{' '.join(args.methods) or '-'}", flush=True)
    started = time.perf_counter()
    table, fixed = run(args.sizes, args.seeds, args.fresh, args.methods, args.jobs)
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.save:
        table.to_csv(args.save, index=False)
    means = summary(_with_fixed(table, fixed))
    for n in args.sizes:
        print(f"\nn = {n:,}: AUC and Brier on the fresh leavers, mean of seeds (min-max)")
        print(shown(means.loc[n]).to_string())
    print("\nGoal check (means over seeds):")
    print("\n".join(goal_check(means)))
    chosen = (table[table["contender"] == "auto"].groupby(["n", "target"])["method"]
              .value_counts().unstack(fill_value=0))
    print("\nWhat auto chose (seeds):")
    print(chosen.to_string())
    timed = table[table["contender"].isin(["auto", *METHODS, "rm.train"])]
    seconds = timed.groupby(["n", "contender"])["seconds"].median().unstack("contender")
    print("\nSeconds per call, median over seeds (auto and rm.train: both targets in one "
          "call; explicit methods: one target):")
    print(seconds[[c for c in ORDER if c in seconds.columns]].round(2).to_string())
    reasons = table[table["contender"] == "auto"][["n", "seed", "target", "method", "reason"]]
    print("\nauto's reasons:")
    for row in reasons.itertuples():
        print(f"  n={row.n} seed={row.seed} {row.target}: {row.method}: {row.reason}")


if __name__ == "__main__":
    main()
