"""Speed and memory of `rehire-model score` on large CSV files.

    python benchmarks/bench_score.py [--rows 1000000] [--small 200000] [--large 2000000]

1. Throughput: scoring a CSV of --rows leavers end to end (read in chunks, validate,
   encode, score, write scores and rejects) against the floor of the job on the same
   file: pandas ``read_csv`` of the whole file, the feature encoding and the raw
   models' ``predict_proba`` for both targets, with no validation and no output.
2. Memory: peak resident memory of a process scoring a --large file against one
   scoring a --small file (each in a fresh process; constant memory means a ratio
   near 1).

Writes its files to a temporary folder. Figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import rehire_model as rm
from rehire_model.batch import score_file
from rehire_model.schema import TARGETS

# VmHWM is the peak resident memory of this process image only (getrusage's ru_maxrss
# would also count the parent's memory at the time of the fork).
MEASURE_MEMORY = """
import json, re, sys, time
from rehire_model.batch import score_file
start = time.perf_counter()
summary = score_file(sys.argv[1], sys.argv[2], progress=False)
status = open("/proc/self/status").read()
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
print(json.dumps({"peak_mb": peak_kb / 1024, "seconds": time.perf_counter() - start,
                  "read": summary.read}))
"""


def write_survey(path: Path, n_rows: int) -> None:
    """A synthetic survey CSV written in pieces (so writing it needs little memory)."""
    piece = 250_000
    for start in range(0, n_rows, piece):
        rows = min(piece, n_rows - start)
        frame = rm.make_leaver_survey(rows, random_state=start)
        frame["leaver_id"] = [f"L{start + i + 1:08d}" for i in range(rows)]
        frame.to_csv(path, mode="w" if start == 0 else "a", header=start == 0, index=False)


def floor_seconds(path: Path, model: rm.RehireModel) -> float:
    start = time.perf_counter()
    frame = pd.read_csv(path)
    matrix = model.features.transform(frame).to_numpy()
    for target in TARGETS:
        model.estimators[target].calibrated_classifiers_[0].estimator.predict_proba(matrix)
    return time.perf_counter() - start


def peak_memory(source: Path, output: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", MEASURE_MEMORY, str(source), str(output)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--large", type=int, default=2_000_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    model = rm.load_model()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "leavers.csv"
        write_survey(source, args.rows)
        size_mb = source.stat().st_size / 1e6
        # Best of two timings of each side (the least disturbed by other work).
        floor = min(floor_seconds(source, model) for _ in range(2))
        ours = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            summary = score_file(source, folder / "scores.csv", model=model, progress=False)
            ours = min(ours, time.perf_counter() - start)
        print(f"\n{args.rows:,} rows ({size_mb:.0f} MB CSV): {summary.line()}")
        print(f"  score end to end:             {ours:6.2f} s  {args.rows / ours:10,.0f} rows/s")
        print(f"  read_csv + encode + raw predict_proba: {floor:6.2f} s  "
              f"{args.rows / floor:10,.0f} rows/s")
        print(f"  throughput ratio: {floor / ours:.3f}x   (target >= 0.5)")
        source.unlink()

        peaks = {}
        for n_rows in (args.small, args.large):
            path = folder / f"leavers_{n_rows}.csv"
            write_survey(path, n_rows)
            peaks[n_rows] = peak_memory(path, folder / f"scores_{n_rows}.csv")
            path.unlink()
            print(f"\n{n_rows:,} rows: peak memory {peaks[n_rows]['peak_mb']:.0f} MB, "
                  f"{peaks[n_rows]['read'] / peaks[n_rows]['seconds']:,.0f} rows/s")
        ratio = peaks[args.large]["peak_mb"] / peaks[args.small]["peak_mb"]
        print(f"  peak memory ratio {args.large:,} / {args.small:,} rows: {ratio:.3f}x   "
              "(target <= 1.3)")


if __name__ == "__main__":
    main()
