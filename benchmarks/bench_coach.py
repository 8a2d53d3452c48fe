"""Speed of coaching, explanations and the policy simulation against plain scoring.

    python benchmarks/bench_coach.py [--rows 20000] [--cohort 50000] [--one-by-one 200]

1. ``score --coach 3`` and ``score --explain 3`` of a CSV of --rows leavers, each
   against plain ``score`` of the same file (``score_file``, what the command runs;
   best of two timings each).
2. ``simulate_policies`` (every policy and pair, 500 bootstrap resamples) on a cohort
   of --cohort leavers, in seconds and against ``predict`` of the same cohort.
3. ``model.coach`` of a table of --one-by-one leavers against calling it once per
   leaver (the per-record answers are the same).

Writes its files to a temporary folder. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path

from _timing import best_seconds

import rehire_model as rm
from rehire_model.batch import score_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--cohort", type=int, default=50_000)
    parser.add_argument("--one-by-one", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    model = rm.load_model()

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "leavers.csv"
        rm.make_leaver_survey(args.rows, random_state=1).to_csv(source, index=False)

        def score(**options: object) -> Callable[[], object]:
            return lambda: score_file(source, Path(folder) / "scores.csv", model=model,
                                      progress=False, **options)

        score()()  # warm-up: imports, first allocations
        plain = best_seconds(score())
        explained = best_seconds(score(explain=3))
        coached = best_seconds(score(coach=3))
    print(f"\nscore of {args.rows:,} leavers: plain {plain:.2f} s "
          f"({args.rows / plain:,.0f} rows/s)")
    print(f"  --explain 3: {explained:.2f} s, ratio to plain {explained / plain:.2f} "
          "(target <= 2)")
    print(f"  --coach 3:   {coached:.2f} s, ratio to plain {coached / plain:.2f} "
          f"(target <= 4), {args.rows / coached:,.0f} leavers coached per second")

    cohort = rm.make_leaver_survey(args.cohort, random_state=2)
    predicted = best_seconds(lambda: model.predict(cohort))
    simulated = best_seconds(lambda: rm.simulate_policies(model, cohort), repeat=1)
    print(f"\nsimulate_policies on {args.cohort:,} leavers (pairs, 500 resamples): "
          f"{simulated:.2f} s; predict of the same cohort {predicted:.3f} s "
          f"(ratio {simulated / predicted:.1f})")

    sample = cohort.head(args.one_by_one)
    records = sample.to_dict("records")
    table = best_seconds(lambda: model.coach(sample, top_k=3))
    one_by_one = best_seconds(lambda: [model.coach(r, top_k=3) for r in records], repeat=1)
    print(f"\ncoach of {args.one_by_one} leavers: as one table {table:.3f} s, one call per "
          f"leaver {one_by_one:.2f} s (ratio {one_by_one / table:.0f}x)")


if __name__ == "__main__":
    main()
