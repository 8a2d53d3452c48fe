"""Do the model's what-if answers agree with the synthetic survey's truth?

    python training/whatif_agreement.py [--n 5000] [--coached 500]

Prints, for the default model on a fresh synthetic survey: per actionable lever, the
model's and the true mean change in each probability; the share of levers where the
signs agree and the Spearman correlation of the two rankings, per target; and the share
of leavers for whom the coaching's top action is one of the two truly best. The figures
are recorded in docs/whatif.md.
"""

from __future__ import annotations

import argparse

import pandas as pd

import rehire_model as rm
from rehire_model.oracle import oracle_agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--coached", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    survey = rm.make_leaver_survey(args.n, random_state=args.seed)
    result = oracle_agreement(rm.load_model(), survey, n_coached=args.coached)
    with pd.option_context("display.width", 160):
        print(result["levers"].round(2).to_string(index=False))
    for target in ("alumni_engagement", "rehire_intent"):
        print(f"{target}: signs agree for {result['sign_agreement'][target]:.0%} of levers; "
              f"Spearman {result['spearman'][target]:.3f} (target >= 0.8)")
    print(f"coaching: top action among the two truly best for "
          f"{result['coach_top_in_true_top2']:.1%} of {result['n_coached']} leavers "
          "(target >= 80%)")


if __name__ == "__main__":
    main()
