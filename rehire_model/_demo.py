"""``make demo`` / ``python -m rehire_model``: what the library does, on synthetic data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .batch import score_file
from .evaluation import held_out_table
from .model_io import load_model
from .oracle import oracle_check
from .report import write_report
from .survey import fidelity_table

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "leavers_sample.csv"


def main(output_dir: str | Path = "demo") -> None:
    """Print the survey fidelity table and the default model's metrics; score the sample
    cohort and write its trust report into ``output_dir``."""
    output_dir = Path(output_dir)
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print("Synthetic leaver survey vs PERSOL Research and Consulting (2019)\n")
        print(fidelity_table().to_string(index=False))
        model = load_model()
        print(
            f"\nDefault model ({model.training_data['n_test']:,} held-out synthetic "
            "leavers, 10 % of answers blank; oracle = the true probabilities)\n"
        )
        print(f"Kept per target: {model.selected}\n")
        print(held_out_table(model).round(4).to_string())
        print("\nROC AUC on 20,000 fresh synthetic leavers, complete (blank_share 0) and "
              "with 10 % of answers left blank (0.1); the oracle knows every answer:\n")
        print(oracle_check(model).round(4).to_string())
        if SAMPLE.is_file():
            _score_sample(model, output_dir)


def _score_sample(model, output_dir: Path) -> None:
    scores_path = output_dir / "scores.csv"
    summary = score_file(SAMPLE, scores_path, model=model, explain=3, lang="ja",
                         codes=True, progress=False)
    print(f"\nScored the sample cohort {SAMPLE.name}: {summary.line()} -> {scores_path}")
    scores = pd.read_csv(scores_path)
    top = scores.sort_values("p_rehire_intent", ascending=False).head(5)
    for row in top.itertuples():
        print(f"\n{row.leaver_id}  再入社意向 {row.p_rehire_intent:.0%}  アルムナイ意識 "
              f"{row.p_alumni_engagement:.0%}  segment: {row.segment}")
        for rank in (1, 2, 3):
            print(f"  {getattr(row, f'rehire_intent_reason_{rank}')}")
    report = write_report(model, pd.read_csv(SAMPLE), output_dir / "report.html",
                          leaver_ids=top["leaver_id"].head(2).tolist(), name="default")
    print(f"\nTrust report (model card, metrics, fairness by group): {report}")
    print("\nScores are decision support for HR staff, never the sole basis for a decision "
          "about a person.")
