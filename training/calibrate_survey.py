"""Solve the synthetic survey's calibrated parameters from the published figures.

The structural model in ``rehire_model/survey/structure.py`` fixes most numbers by
assumption; the parameters marked *calibrated* there are solved here so that the
survey's regressions (F2.2, F2.5), the engaged share and the rehire-intent ratios (F1.3,
F1.4) come out as published. The solution is printed; copy it into
``SurveyParameters``. Takes about two minutes on 2 cores.

    python training/calibrate_survey.py [--n 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from rehire_model.survey import code_leaver_survey, survey_regression
from rehire_model.survey import structure as model

ENGAGEMENT_TARGETS = {
    ("F2.2", "sup_amicability"): 0.198,
    ("F2.2", "adj_r2"): 0.091,
    ("F2.5", "welcome"): 0.321,
    ("F2.5", "drawing_out"): 0.162,
    ("F2.5", "respect"): -0.124,
    ("F2.5", "adj_r2"): 0.143,
    ("engaged", "share"): 0.17,
}
ENGAGEMENT_PARAMETERS = (
    "engagement_intercept",
    "engagement_noise_sd",
    "size_scale",
    "industry_scale",
    "sup_interview_effect",
    "sup_amicability_effect",
    "welcome_effect",
    "respect_effect",
)
REHIRE_TARGETS = {"none": 0.10, "policy_comeback_program": 3.3, "policy_alumni_perks": 3.3,
                  "informal_only": 2.0}
REHIRE_PARAMETERS = ("rehire_intercept", "policy_comeback_program", "policy_alumni_perks",
                     "informal_rehire_custom")


def _with(params, names, values):
    return replace(params, **{name: float(v) for name, v in zip(names, values, strict=True)})


def _engagement_figures(records, coded, noise, params):
    latent = model.engagement_mean(records, params) + params.engagement_noise_sd * noise
    coded["alumni_engagement"] = model.engagement_score(latent)
    figures = {("engaged", "share"): float((coded["alumni_engagement"] >= 4).mean())}
    for fact in ("F2.2", "F2.5"):
        fit = survey_regression(coded, fact)
        figures[(fact, "adj_r2")] = fit.adj_r2
        for term in fit.predictors:
            figures[(fact, term)] = fit.beta(term)
    return figures


def solve_engagement(records, params, rng):
    coded = code_leaver_survey(records)
    noise = rng.standard_normal(len(records))

    def residuals(values):
        figures = _engagement_figures(records, coded, noise, _with(params, ENGAGEMENT_PARAMETERS,
                                                                  values))
        return [figures[key] - target for key, target in ENGAGEMENT_TARGETS.items()]

    start = [getattr(params, name) for name in ENGAGEMENT_PARAMETERS]
    fit = least_squares(residuals, start, diff_step=1e-3, x_scale=np.abs(start) + 0.1)
    print(f"engagement: largest miss {np.abs(fit.fun).max():.4f} after {fit.nfev} evaluations")
    return _with(params, ENGAGEMENT_PARAMETERS, fit.x)


def _rehire_params(params, values):
    intercept, *effects = values
    policy_effects = dict(params.rehire_policy_effects)
    policy_effects.update(zip(REHIRE_PARAMETERS[1:], map(float, effects), strict=True))
    return replace(params, rehire_intercept=float(intercept),
                   rehire_policy_effects=policy_effects)


def _rehire_groups(records):
    policies = records[["policy_comeback_program", "policy_alumni_perks",
                        "policy_alumni_community", "policy_alumni_events"]].to_numpy(dtype=bool)
    informal = records["informal_rehire_custom"].to_numpy(dtype=bool)
    return {
        "none": ~policies.any(axis=1) & ~informal,
        "policy_comeback_program": policies[:, 0],
        "policy_alumni_perks": policies[:, 1],
        "informal_only": informal & ~policies.any(axis=1),
    }


def solve_rehire(records, params):
    """Match expected rehire-intent rates (true probabilities, no sampling noise)."""
    groups = _rehire_groups(records)

    def residuals(values):
        p = model.true_probabilities(records, _rehire_params(params, values))["p_rehire_intent"]
        rates = {name: float(p[mask].mean()) for name, mask in groups.items()}
        base = rates["none"]
        out = [base - REHIRE_TARGETS["none"]]
        out += [rates[name] / base - REHIRE_TARGETS[name] for name in REHIRE_PARAMETERS[1:]
                if name in rates]
        out.append(rates["informal_only"] / base - REHIRE_TARGETS["informal_only"])
        return out

    start = [params.rehire_intercept] + [
        params.rehire_policy_effects[name] for name in REHIRE_PARAMETERS[1:]]
    fit = least_squares(residuals, start, diff_step=1e-4)
    print(f"rehire intent: largest miss {np.abs(fit.fun).max():.4f}")
    return _rehire_params(params, fit.x)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="leavers to solve on")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    params = model.DEFAULT_PARAMETERS
    records = model.to_records(model.draw_leavers(rng, args.n, params))
    params = solve_engagement(records, params, rng)
    params = solve_rehire(records, params)
    coded = code_leaver_survey(records)
    figures = _engagement_figures(records, coded, rng.standard_normal(args.n), params)
    print("\nOn a fresh engagement draw:")
    print(pd.Series({f"{a} {b}": v for (a, b), v in figures.items()}).round(4).to_string())
    print("\nCalibrated parameters:")
    for name in ENGAGEMENT_PARAMETERS + ("rehire_intercept",):
        print(f"    {name} = {getattr(params, name):.4f}")
    for name in REHIRE_PARAMETERS[1:]:
        print(f"    rehire_policy_effects[{name!r}] = {params.rehire_policy_effects[name]:.4f}")


if __name__ == "__main__":
    main()
