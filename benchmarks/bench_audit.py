"""Does the fairness audit read chance as discrimination? Null and planted cohorts.

    python benchmarks/bench_audit.py                       # n = 300 and 1,000, 100 seeds
    python benchmarks/bench_audit.py --sizes 300 --seeds 20  # a quick check

Each cohort is drawn from the synthetic survey (``rm.make_leaver_survey(n, seed)``) and
given an attribute ``group`` with the shares of the README's example column (A 44 %,
B 28 %, C 12 %, D 11 %, E 1.3 %, blank 3.7 %), then audited by it with the shipped model
(``rm.audit(model, cohort, by="group")``: both targets, both rates).

- **null**: the attribute is drawn independently of every answer and outcome, so any
  finding is a false alarm. Counted: the share of cohorts with any group under four
  fifths (what the audit flagged before it tested chance) and the share with any
  ``"adverse_impact"`` finding (goal: at most 5 %).
- **planted**: the same, but in one group the supervisors never signal that the leaver
  is welcome back (``sup_welcomed_return`` is "no" wherever the supervisor interview was
  held): a real disparity the model's scores carry. Planted in B (28 % of the cohort)
  and, apart, in C (12 %). Counted: the share of cohorts where the planted group has an
  ``"adverse_impact"`` finding (goal: at least 80 % at n = 1,000), and the share with a
  false finding on another group.

Each cohort is audited twice: with the defaults, and with ``exclude_small=True``
(groups under 2 % of the cohort, here E, left out of the comparisons, as New York City
Local Law 144 allows). Each share is given with its Wilson 95 % interval over the seeds.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import rehire_model as rm
from rehire_model.fairness import FOUR_FIFTHS, wilson_interval

GROUPS = ("A", "B", "C", "D", "E", None)
SHARES = (0.44, 0.28, 0.12, 0.11, 0.013, 0.037)
PLANTED = ("B", "C")


def cohort(n: int, seed: int, planted: str | None = None) -> pd.DataFrame:
    """A synthetic cohort with a random ``group`` (and, if ``planted`` names a group, its
    supervisors never welcoming the leaver back)."""
    records = rm.make_leaver_survey(n, random_state=seed)
    rng = np.random.default_rng(10_000 + seed)
    group = rng.choice(np.array(GROUPS, dtype=object), size=n, p=SHARES)
    records["group"] = group
    if planted is not None:
        held = records["sup_interview_held"].astype(bool) & (group == planted)
        records.loc[held, "sup_welcomed_return"] = False
    return records


def one_cohort(model: rm.RehireModel, n: int, seed: int, planted: str | None = None,
               exclude_small: bool = False) -> dict[str, bool]:
    table = rm.audit(model, cohort(n, seed, planted), by="group",
                     exclude_small=exclude_small).table
    ratios = table[["impact_ratio_selection", "impact_ratio_scoring"]]
    adverse = table[table["flagged"]]
    return {
        "under_four_fifths": bool((ratios < FOUR_FIFTHS).any(axis=None)),
        "adverse_impact": bool(len(adverse)),
        "planted_found": bool((adverse["group"] == planted).any()),
        "other_found": bool((adverse["group"] != planted).any()),
    }


def share(flags: list[bool]) -> str:
    hits, total = int(np.sum(flags)), len(flags)
    low, high = wilson_interval(hits, total)
    return f"{hits}/{total} = {hits / total:6.1%} [{float(low):.1%}, {float(high):.1%}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--seeds", type=int, default=100)
    args = parser.parse_args()
    model = rm.load_model()
    print(f"{args.seeds} cohorts per size; shares with their Wilson 95 % interval\n")
    for n in args.sizes:
        for exclude_small in (False, True):
            print(f"n = {n:,}" + (", exclude_small=True" if exclude_small else ""))
            null = [one_cohort(model, n, seed, exclude_small=exclude_small)
                    for seed in range(args.seeds)]
            print("  null        any group under four fifths (flagged before) "
                  + share([r["under_four_fifths"] for r in null]))
            print("  null        any adverse_impact finding (goal <= 5 %)     "
                  + share([r["adverse_impact"] for r in null]))
            for group in PLANTED:
                planted = [one_cohort(model, n, seed, group, exclude_small)
                           for seed in range(args.seeds)]
                print(f"  planted in {group} the group found (goal >= 80 % at 1,000)  "
                      + share([r["planted_found"] for r in planted]))
                print(f"  planted in {group} another group found (a false finding)  "
                      + share([r["other_found"] for r in planted]))

if __name__ == "__main__":
    main()
