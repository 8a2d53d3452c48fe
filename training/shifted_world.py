"""Measure the shifted company world against the survey's: the figures of docs/shifted-world.md.

    python training/shifted_world.py                # the figures, 1-2 minutes on 2 cores
    python training/shifted_world.py --company 2000 3000 5000   # docs/shifted-world.md
    python training/shifted_world.py --solve        # re-solve the shifted world's levels

Draws 20,000 fresh leavers from each world (``make_leaver_survey(..., world=...)``) and
prints: the base rates of both targets; the shipped default model's ROC AUC, Brier score
and mean prediction beside the observed rate and the oracle's (the true probabilities');
then, for the shifted world, the default model recalibrated (Platt scaling of its logit)
on a company's labelled leavers beside a model retrained on those same leavers with
``training/configs/default.toml``, both measured on the 20,000.

``--solve`` re-derives ``engagement_intercept`` and ``rehire_intercept`` of
``SHIFTED_PARAMETERS`` (rehire_model/survey/structure.py): the levels at which 25 % of
the shifted world's leavers are engaged and 33 % intend to return, on 200,000 leavers.
"""

from __future__ import annotations

import argparse
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import logit
from sklearn.linear_model import LogisticRegression

import rehire_model as rm
from rehire_model.evaluation import evaluate, probability_metrics
from rehire_model.survey import structure

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "training" / "configs" / "default.toml"
TARGETS = ("alumni_engagement", "rehire_intent")
LEVELS = {"p_alumni_engagement": 0.25, "p_rehire_intent": 0.33}


def _solve_shifted_levels(n: int = 200_000, seed: int = 5) -> dict[str, float]:
    """The shifted world's two intercepts that give the :data:`LEVELS` (mean truth)."""
    params = structure.SHIFTED_PARAMETERS
    records = structure.to_records(structure.draw_leavers(np.random.default_rng(seed), n,
                                                          params))

    def gap(name, column):
        def f(value):
            trial = replace(params, **{name: value})
            return structure.true_probabilities(records, trial)[column].mean() - LEVELS[column]
        return f

    engagement = round(brentq(gap("engagement_intercept", "p_alumni_engagement"), 0, 6), 4)
    params = replace(params, engagement_intercept=engagement)
    rehire = round(brentq(gap("rehire_intercept", "p_rehire_intent"), -6, 2), 4)
    return {"engagement_intercept": engagement, "rehire_intercept": rehire}


def default_model_table(model: rm.RehireModel, n: int, seed: int) -> pd.DataFrame:
    """Base rates and the default model's metrics beside the oracle's, in each world."""
    rows = {}
    for world in ("survey", "shifted"):
        data, truth = rm.make_leaver_survey(n, random_state=seed, return_truth=True,
                                            world=world)
        table = evaluate(model, data, truth=truth)
        predicted = model.predict(data)
        for target in TARGETS:
            ours, oracle = table.loc[(target, "model")], table.loc[(target, "oracle")]
            rows[(world, target)] = {
                "actual_rate": ours["positive_rate"],
                "mean_truth": truth[f"p_{target}"].mean(),
                "mean_predicted": predicted[f"p_{target}"].mean(),
                "auc": ours["roc_auc"],
                "oracle_auc": oracle["roc_auc"],
                "auc_share": ours["roc_auc"] / oracle["roc_auc"],
                "brier": ours["brier"],
                "oracle_brier": oracle["brier"],
            }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = ["world", "target"]
    return out


def updating_table(model: rm.RehireModel, n_test: int, seed: int,
                   company_sizes: tuple[int, ...]) -> pd.DataFrame:
    """On the shifted world: the default model, recalibrated, retrained, the oracle."""
    test, truth = rm.make_leaver_survey(n_test, random_state=seed, return_truth=True,
                                        world="shifted")
    test_scores = model.predict(test)
    rows = {}
    for n in company_sizes:
        company = rm.make_leaver_survey(n, random_state=seed + n, world="shifted")
        company_scores = model.predict(company)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. the fairness audit's small groups
            retrained = rm.train(company, CONFIG, n_jobs=-1)
        retrained_table = evaluate(retrained, test)
        for target in TARGETS:
            spec = next(s for s in model.config.targets if s.name == target)
            y_company = spec.labels(company[spec.column]).astype(int)
            y_test = spec.labels(test[spec.column]).astype(int)
            column = f"p_{target}"

            def logit_of(p):
                return logit(np.clip(p, 1e-6, 1 - 1e-6)).reshape(-1, 1)

            platt = LogisticRegression(C=1e6).fit(logit_of(company_scores[column].to_numpy()),
                                                  y_company)
            recalibrated = platt.predict_proba(logit_of(test_scores[column].to_numpy()))[:, 1]
            scorers = {
                "default": test_scores[column].to_numpy(),
                "recalibrated default": recalibrated,
                "oracle": truth[column].to_numpy(),
            }
            for name, p in scorers.items():
                m = probability_metrics(y_test, p)
                rows[(n, target, name)] = {"auc": m["roc_auc"], "brier": m["brier"],
                                           "mean_predicted": float(np.mean(p))}
            m = retrained_table.loc[(target, "model")]
            rows[(n, target, "retrained")] = {
                "auc": m["roc_auc"], "brier": m["brier"],
                "mean_predicted": float(retrained.predict(test)[column].mean()),
            }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.names = ["company_leavers", "target", "scorer"]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="fresh leavers per world")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--company", type=int, nargs="*", default=[3000],
                        help="labelled leavers of the company (default 3000); none: skip")
    parser.add_argument("--solve", action="store_true",
                        help="re-solve the shifted world's two intercepts and stop")
    args = parser.parse_args(argv)
    if args.solve:
        print(_solve_shifted_levels())
        return
    pd.set_option("display.width", 120)
    model = rm.load_model()
    print(f"The default model on {args.n:,} fresh leavers of each world (seed {args.seed})")
    print(default_model_table(model, args.n, args.seed).round(4).to_string())
    if args.company:
        print(f"\nShifted world: updating on a company's labelled leavers, measured on "
              f"{args.n:,} fresh leavers")
        print(updating_table(model, args.n, args.seed, tuple(args.company))
              .round(4).to_string())


if __name__ == "__main__":
    main()
