"""Train the default model on the calibrated synthetic survey, or check that it reproduces.

    python training/train.py                 # writes models/default
    python training/train.py --check         # retrains and compares with models/default
    python training/train.py --config training/configs/my.toml --out models/my-model

The default model is trained on ``make_leaver_survey(50_000, random_state=1,
missing_rate=0.1)`` (10 % of answers left blank, as in real surveys, so that records
with skipped answers score well) with the config ``training/configs/default.toml``; the
oracle's metrics on the test split are recorded beside the model's, and the model is
measured on 20,000 fresh leavers, complete and with 10 % of answers blank.
``--check`` exits with status 1 unless every fitted number, every metric and the
predictions on 10,000 fresh leavers (complete and with blanks) equal the saved model's
to 9 significant digits (processors differ in the last digits of floating-point sums),
and the config exactly. Takes about half a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import rehire_model as rm
from rehire_model.oracle import oracle_check

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = ROOT / "training" / "configs" / "default.toml"
DEFAULT_OUT = ROOT / "models" / "default"


MISSING_RATE = 0.1


def build(config: Path, n_samples: int, data_seed: int) -> rm.RehireModel:
    data, truth = rm.make_leaver_survey(n_samples, random_state=data_seed, return_truth=True,
                                        missing_rate=MISSING_RATE)
    model = rm.train(data, config, truth=truth, n_jobs=-1)
    model.training_data["source"] = (
        f"synthetic: rehire_model.make_leaver_survey(n_samples={n_samples}, "
        f"random_state={data_seed}, missing_rate={MISSING_RATE}), calibrated to the "
        "published survey, 10 % of answers left blank at random"
    )
    return model


#: How closely a retrained number must equal the saved one. The fit is deterministic, but
#: processors differ in the last digits of floating-point sums (BLAS kernels), so the
#: comparison allows that and nothing more: 9 significant digits.
RTOL, ATOL = 1e-9, 1e-12


def same(a: Any, b: Any) -> bool:
    """Whether two fitted states are equal, numbers to :data:`RTOL`: arrays, numbers,
    containers and the attributes of fitted objects, recursively."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))
        if a.dtype.kind == "O":
            return all(same(x, y) for x, y in zip(a.ravel(), b.ravel(), strict=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, float | np.floating):
        return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return same(vars(a), vars(b))
    return a == b


def check(model: rm.RehireModel, saved_dir: Path) -> list[str]:
    """Differences between a freshly trained model and the saved one (empty if none).

    Every fitted number, every metric and the predictions on 10,000 fresh leavers must
    equal the saved model's to 9 significant digits; the config, the thresholds and the
    training data's description exactly.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = rm.save_model(model, Path(tmp) / "m")
        fresh = json.loads((folder / "model.json").read_text("utf-8"))
    saved = json.loads((saved_dir / "model.json").read_text("utf-8"))
    differences = [
        f"{key}: saved {saved.get(key)!r} != retrained {fresh.get(key)!r}"
        for key in ("metrics", "config", "thresholds", "training_data")
        if not same(saved.get(key), fresh.get(key))
    ]
    saved_model = rm.load_model(saved_dir)
    fitted = {"features": (saved_model.features, model.features),
              **{name: (saved_model.estimators[name], model.estimators.get(name))
                 for name in saved_model.estimators}}
    differences += [f"the fitted numbers of {name} differ from the saved model's"
                    for name, (kept, retrained) in fitted.items() if not same(kept, retrained)]
    for rate in (0.0, MISSING_RATE):
        probe = rm.make_leaver_survey(10_000, random_state=12345, missing_rate=rate)
        kept, retrained = saved_model.predict(probe), model.predict(probe)
        if not (kept.columns.equals(retrained.columns) and same(
                {name: kept[name].to_numpy() for name in kept.columns},
                {name: retrained[name].to_numpy() for name in retrained.columns})):
            differences.append("the saved model's predictions differ from the retrained "
                               f"model's (records with {rate:.0%} of answers blank)")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--n", type=int, default=50_000, help="synthetic leavers to draw")
    parser.add_argument("--data-seed", type=int, default=1, help="seed of the synthetic draw")
    parser.add_argument("--check", action="store_true",
                        help="retrain and compare with the model in --out; write nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    model = build(args.config, args.n, args.data_seed)
    if args.check:
        differences = check(model, args.out)
        for line in differences:
            print(line)
        print("identical" if not differences else f"{len(differences)} difference(s)")
        return 1 if differences else 0
    rm.save_model(model, args.out, overwrite=True)
    print(f"saved {args.out}")
    for name in model.selected:
        print(name, model.selected[name], model.metrics[name]["settings"],
              {k: round(v, 4) for k, v in model.metrics[name]["test"].items()})
    print("\nROC AUC on 20,000 fresh leavers (seed 2026), complete and with 10 % of answers "
          "blank:")
    print(oracle_check(model).round(4).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
