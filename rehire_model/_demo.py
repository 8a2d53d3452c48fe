"""``make demo`` / ``python -m rehire_model``: what the library does, on synthetic data."""

from __future__ import annotations

import pandas as pd

from .calibration import calibration_table
from .evaluation import held_out_table
from .model_io import load_model


def main() -> None:
    """Print the survey calibration and the default model's held-out metrics."""
    with pd.option_context("display.max_colwidth", 80, "display.width", 160):
        print("Synthetic leaver survey vs PERSOL Research and Consulting (2019)\n")
        print(calibration_table().to_string(index=False))
        model = load_model()
        print(
            f"\nDefault model ({model.training_data['n_test']:,} held-out synthetic "
            "leavers; oracle = the true probabilities)\n"
        )
        print(f"Kept per target: {model.selected}\n")
        print(held_out_table(model).round(4).to_string())
