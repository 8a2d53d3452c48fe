"""Speed of predict() and explain() against the scikit-learn and shap calls they replace.

    python benchmarks/bench_predict_explain.py [--rows 1000000] [--explain-rows 100000]

Runs on the default model (logistic for both targets) and on a HistGradientBoosting
model trained on the same synthetic survey with the default config restricted to that
family (the tree-SHAP path). Every ratio is measured within this one run; single-call
figures are medians over many calls, batch figures the best of two or three timings of
each side. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
import shap
from sklearn.pipeline import make_pipeline

import rehire_model as rm
from rehire_model.schema import TARGETS

warnings.filterwarnings("ignore", message="X has feature names")


def median_seconds(call, repeats: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def seconds(call, repeats: int = 1) -> float:
    """Best of ``repeats`` timings (the least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def inner(model, target):
    """The classifier inside the calibration (what shap explains)."""
    return model.estimators[target].calibrated_classifiers_[0].estimator


class LinearShap:
    """shap's linear explainer of the logistic pipeline, on the imputed matrix with its
    missing-value indicators, each indicator's value added to the column it indicates
    (what ``contributions(level="column")`` gives)."""

    def __init__(self, pipeline):
        self.impute = pipeline.named_steps["impute"]
        scale, logistic = pipeline.named_steps["scale"], pipeline.named_steps["logistic"]
        weights = logistic.coef_[0] / scale.scale_
        self.explainer = shap.LinearExplainer(
            (weights, logistic.intercept_[0] - weights @ scale.mean_),
            shap.maskers.Independent(scale.mean_[None, :]))

    def shap_values(self, matrix):
        values = self.explainer.shap_values(self.impute.transform(matrix))
        folded = values[:, :matrix.shape[1]].copy()
        indicated = self.impute.indicator_.features_ if self.impute.indicator_ else []
        folded[:, indicated] += values[:, matrix.shape[1]:]
        return folded


def shap_explainer(model, target):
    estimator = inner(model, target)
    if model.selected[target] == "hist_gradient_boosting":
        return shap.TreeExplainer(estimator)
    return LinearShap(estimator)


def report(name: str, value: float, target: str) -> None:
    print(f"  {name:<62} {value:8.3f}x   (target {target})")


def single_record(model, record, frame) -> None:
    one = frame.iloc[[0]]
    encoded = model.features.transform(one).to_numpy()
    pipelines = [make_pipeline(model.features, model.estimators[t]) for t in TARGETS]
    raws = [inner(model, t) for t in TARGETS]
    explainers = [shap_explainer(model, t) for t in TARGETS]
    ours = median_seconds(lambda: model.predict(record), 500)
    pipeline_one = median_seconds(lambda: pipelines[0].predict_proba(one), 300)
    pipeline_both = median_seconds(lambda: [p.predict_proba(one) for p in pipelines], 300)
    raw_one = median_seconds(lambda: raws[0].predict_proba(encoded), 500)
    raw_both = median_seconds(lambda: [r.predict_proba(encoded) for r in raws], 500)
    print(f"  predict(dict) median {ours * 1e6:.0f} us; Pipeline on a one-row DataFrame "
          f"{pipeline_one * 1e6:.0f} us; raw predict_proba {raw_one * 1e6:.0f} us per target")
    report("predict(dict) / Pipeline.predict_proba(1-row DataFrame), 1 target",
           ours / pipeline_one, "<= 0.25")
    report("predict(dict) / Pipelines of both targets on the 1-row DataFrame",
           ours / pipeline_both, "<= 0.25")
    report("predict(dict) / raw predict_proba(encoded row), 1 target", ours / raw_one, "<= 3")
    report("predict(dict) / raw predict_proba(encoded row), both targets", ours / raw_both,
           "<= 3")
    ours = median_seconds(lambda: model.explain(record), 300)

    def baseline(k):
        return explainers[k].shap_values(model.features.transform(one).to_numpy())

    one_target = median_seconds(lambda: baseline(0), 300)
    both = median_seconds(lambda: [baseline(0), baseline(1)], 300)
    print(f"  explain(dict) median {ours * 1e6:.0f} us; encode + shap on one row "
          f"{one_target * 1e6:.0f} us per target")
    report("explain(dict) / (encode + shap_values(1 row)), 1 target", ours / one_target, "<= 2")
    report("explain(dict) / (encode + shap_values(1 row)), both targets", ours / both, "<= 2")


def batch(model, frame, explain_frame, n_jobs) -> None:
    matrix = model.features.transform(frame).to_numpy()
    raws = [inner(model, t) for t in TARGETS]
    raw_time = seconds(lambda: [r.predict_proba(matrix) for r in raws], 3)
    ours = seconds(lambda: model.predict(frame), 3)
    n = len(frame)
    print(f"  predict: {n / ours:,.0f} rows/s end to end (validate, encode, score); raw "
          f"predict_proba of both targets on the encoded matrix {n / raw_time:,.0f} rows/s")
    report(f"predict({n:,} rows) throughput / raw predict_proba throughput",
           raw_time / ours, ">= 0.7")
    matrix = model.features.transform(explain_frame).to_numpy()
    explainers = [shap_explainer(model, t) for t in TARGETS]
    serial = {}
    serial_time = seconds(lambda: serial.update(
        {t: e.shap_values(matrix) for t, e in zip(TARGETS, explainers, strict=True)}), 2)
    result = {}

    def explain_all():
        result.update(model.contributions(explain_frame, level="column", raw=True,
                                          n_jobs=n_jobs))

    cold = seconds(explain_all)  # the first call also starts the worker processes
    ours = seconds(explain_all, 2)
    n = len(explain_frame)
    identical = all(
        np.array_equal(result[t].drop(columns="base").to_numpy(), np.asarray(serial[t]))
        for t in TARGETS)
    closest = max(
        float(np.abs(result[t].drop(columns="base").to_numpy() - serial[t]).max())
        for t in TARGETS)
    print(f"  explain: {n / ours:,.0f} rows/s ({n_jobs} processes); single-process shap "
          f"{n / serial_time:,.0f} rows/s; identical values: {identical} (max diff {closest:g})")
    report(f"contributions({n:,} rows) throughput / single-process shap", serial_time / ours,
           ">= 1.8")
    report("  the same, first call (includes starting the worker processes)",
           serial_time / cold, ">= 1.8")
    ours_explain = seconds(lambda: model.explain(explain_frame, n_jobs=n_jobs))
    print(f"  explain() with top-3 reason text for {n:,} rows: {n / ours_explain:,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--explain-rows", type=int, default=100_000)
    args = parser.parse_args()
    n_jobs = os.cpu_count() or 1
    print(f"machine: {platform.processor() or platform.machine()}, {n_jobs} cores, "
          f"Python {platform.python_version()}")
    default = rm.load_model()
    data, truth = rm.make_leaver_survey(50_000, random_state=1, return_truth=True)
    # The tree model of the earlier figures: 15 leaves, up to 200 trees, early stopping.
    trees = rm.train(data, {"model_selection": {
        "candidates": ["hist_gradient_boosting"],
        "hist_gradient_boosting": {"learning_rate": 0.1, "max_iter": 200, "max_leaf_nodes": 15,
                                   "min_samples_leaf": 50, "early_stopping": True}}},
        truth=truth, n_jobs=-1)
    frame = rm.make_leaver_survey(args.rows, random_state=99)
    explain_frame = frame.head(args.explain_rows)
    record = frame.drop(columns="leaver_id").iloc[0].to_dict()
    for name, model in (("default model (logistic)", default),
                        ("HistGradientBoosting model (tree SHAP)", trees)):
        print(f"\n{name}: {model}")
        single_record(model, record, frame)
        batch(model, frame, explain_frame, n_jobs)


if __name__ == "__main__":
    main()
