"""Speed of `predict` and `score` when answers are blank, against complete answers.

    python benchmarks/bench_blanks.py [--rows 200000] [--score-rows 1000000] [--blank 0.1]

Real surveys always have skipped answers. The same synthetic leavers are scored twice:
with every answer given, and with --blank of the answers blank
(``make_leaver_survey(missing_rate=...)``), in three forms: as the synthetic survey
holds them (pandas' nullable dtypes), as ``pandas.read_csv`` reads them back from a CSV
file, and with every answer column of object dtype (as records built from JSON or dicts
hold them). The limit is the speed on complete answers: a blank costs a little work (the
model's own handling and the ``missing_fields`` text), and the goal is a ratio of at
least 0.8.

1. ``model.predict(frame)`` of --rows leavers (best of three).
2. ``score_file`` of a CSV of --score-rows leavers, end to end (best of two).

Writes its files to a temporary folder. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_seconds

import rehire_model as rm
from rehire_model.batch import score_file
from rehire_model.schema import FEATURE_ROLES, INTERVIEW_FLAGS


def with_blanks(frame: pd.DataFrame, model: rm.RehireModel, share: float,
                seed: int = 0) -> pd.DataFrame:
    """``frame`` with ``share`` of the answers the model reads blanked at random (None),
    every answer column of object dtype."""
    rng = np.random.default_rng(seed)
    answers = [f.name for f in model.record_fields
               if f.role in FEATURE_ROLES and f.name not in INTERVIEW_FLAGS]
    out = frame.astype({name: object for name in answers})
    for name in answers:
        out.loc[rng.random(len(out)) < share, name] = None
    return out


def as_read_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the dtypes ``pandas.read_csv`` gives it: numbers with blanks as
    float64, true/false with blanks as objects, complete columns as bool or int64."""
    text = io.StringIO()
    frame.to_csv(text, index=False)
    text.seek(0)
    return pd.read_csv(text)


def rate(rows: int, seconds: float) -> str:
    return f"{seconds:6.2f} s {rows / seconds:10,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--score-rows", type=int, default=1_000_000)
    parser.add_argument("--blank", type=float, default=0.1)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    model = rm.load_model()

    survey = rm.make_leaver_survey(args.rows, random_state=0)
    holes = rm.make_leaver_survey(args.rows, random_state=0, missing_rate=args.blank)
    share = (model.predict(holes)["missing_fields"] != "").mean()
    print(f"\npredict, {args.rows:,} leavers ({share:.0%} of them with a blank answer):")
    for label, complete, blanks in (
            ("as the synthetic survey holds them (nullable dtypes)", survey, holes),
            ("as pandas.read_csv gives them", as_read_csv(survey), as_read_csv(holes)),
            ("every answer of object dtype", with_blanks(survey, model, 0.0),
             with_blanks(survey, model, args.blank))):
        full = best_seconds(lambda c=complete: model.predict(c), repeat=3)
        part = best_seconds(lambda b=blanks: model.predict(b), repeat=3)
        print(f"  {label}:")
        print(f"    complete answers:    {rate(args.rows, full)}")
        print(f"    {args.blank:.0%} of answers blank: {rate(args.rows, part)}")
        print(f"    ratio blank / complete: {full / part:.3f}x   (goal >= 0.8)")

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        seconds = {}
        for name, frame in (("complete", survey), ("blank", holes)):
            path = folder / f"{name}.csv"
            pieces = -(-args.score_rows // args.rows)
            for i in range(pieces):
                piece = frame.assign(leaver_id=[f"L{i}-{j}" for j in range(len(frame))])
                piece.to_csv(path, mode="a" if i else "w", header=not i, index=False)
            rows = pieces * args.rows
            seconds[name] = best_seconds(lambda p=path: score_file(
                p, folder / "scores.csv", model=model, progress=False), repeat=2)
            path.unlink()
        print(f"\nscore, {rows:,} leavers from CSV, end to end:")
        print(f"  complete answers:    {rate(rows, seconds['complete'])}")
        print(f"  {args.blank:.0%} of answers blank: {rate(rows, seconds['blank'])}")
        print(f"  ratio blank / complete: {seconds['complete'] / seconds['blank']:.3f}x   "
              "(goal >= 0.8)")


if __name__ == "__main__":
    main()
