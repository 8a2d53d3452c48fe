"""One record at a time: ``predict_one`` and ``explain_one`` against scikit-learn's floor.

    python benchmarks/bench_one_record.py [--calls 3000]

A service that scores leavers one by one pays every step per call. The limit measured
against is scikit-learn's own cost of one call: the default model's fitted
``LogisticRegression.predict_proba`` on one encoded numpy row (one target, no
validation, no encoding). Goals: ``predict_one`` (validation, encoding and both
targets) at most half of that; ``explain_one`` at most twice ``predict_one``.

Each timing is the median of --calls calls, the callables taking turns in rounds so
that the machine's noise falls on all of them alike. Records: synthetic leavers, one
complete and one with two skipped answers.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import rehire_model as rm


def medians(jobs: dict[str, Callable[[], object]], calls: int) -> dict[str, float]:
    """Median seconds per call of each job, the jobs taking turns in rounds of 50."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for job in jobs.values():
        job()
    for _ in range(calls // 50):
        for name, job in jobs.items():
            start = time.perf_counter()
            for _ in range(50):
                job()
            times[name].append((time.perf_counter() - start) / 50)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    model = rm.load_model()
    survey = rm.make_leaver_survey(2, random_state=4)
    record = survey.iloc[0].to_dict()
    skipped = dict(survey.iloc[1].to_dict(), tenure_years=None, sup_welcomed_return=None)
    target = model.targets[0]
    pipeline = model.estimators[target].calibrated_classifiers_[0].estimator
    row = model.features.transform(survey.head(1)).to_numpy()
    logistic = pipeline.named_steps["logistic"]
    encoded = pipeline[:-1].transform(row)
    assert model.predict_one(record) == model.predict(record).iloc[0].to_dict()

    times = medians({
        "LogisticRegression.predict_proba, one row": lambda: logistic.predict_proba(encoded),
        "predict_one": lambda: model.predict_one(record),
        "predict_one, two answers skipped": lambda: model.predict_one(skipped),
        "explain_one (top 3, Japanese)": lambda: model.explain_one(record, lang="ja"),
        "predict(dict)": lambda: model.predict(record),
        "explain(dict) (top 3, Japanese)": lambda: model.explain(record, lang="ja"),
    }, args.calls)
    for name, seconds in times.items():
        print(f"  {name:44s} {seconds * 1e6:8.1f} us")
    floor = times["LogisticRegression.predict_proba, one row"]
    one = times["predict_one"]
    print(f"\npredict_one / predict_proba:           {one / floor:.3f}x   (goal <= 0.5)")
    print(f"predict_one with blanks / predict_proba: "
          f"{times['predict_one, two answers skipped'] / floor:.3f}x")
    print(f"explain_one / predict_one:             "
          f"{times['explain_one (top 3, Japanese)'] / one:.3f}x   (goal <= 2)")
    print(f"predict(dict) / predict_proba:         {times['predict(dict)'] / floor:.3f}x")


if __name__ == "__main__":
    main()
