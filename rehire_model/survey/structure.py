"""The structural model behind the synthetic leaver survey.

profile -> employer policies -> exit interviews -> follow-up -> engagement -> rehire intent.

Published figures (survey-facts.md) fix the rates and regression results this model must
reproduce; everything else is an assumption listed in :mod:`rehire_model.survey.fidelity`.
Parameters marked *calibrated* were solved numerically so that the survey's regressions
come out as published (``training/calibrate_survey.py`` re-derives them from the functions
here). :func:`rehire_model.make_leaver_survey` draws from this model with
``DEFAULT_PARAMETERS``, or, with ``world="shifted"``, with ``SHIFTED_PARAMETERS``: a
company world unlike the survey's, to test model updating on (``docs/shifted-world.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ..schema import COMPANY_SIZES, CONSTRUCTS, INDUSTRIES, JOB_LEVELS
from ._coding import as_float, survey_construct_scores

__all__ = [
    "AGE_BANDS",
    "DEFAULT_PARAMETERS",
    "ENGAGED_LATENT_CUT",
    "REHIRE_CUTS",
    "SHIFTED_PARAMETERS",
    "WORLDS",
    "SurveyParameters",
    "draw_leavers",
    "draw_outcomes",
    "engagement_mean",
    "engagement_score",
    "rehire_mean",
    "to_records",
    "true_probabilities",
    "world_parameters",
]

AGE_BANDS = (20, 30, 40, 50)

# Engaged = engagement score >= 4. The score is the mean of four Likert items (a 0.25
# grid), so the latent score rounds to 4 or more exactly when it reaches 3.875.
ENGAGED_LATENT_CUT = 3.875
# Rehire intent Likert 1..5 from its latent score: cut points between the categories.
REHIRE_CUTS = (-1.8, -0.9, 0.0, 0.8)


@dataclass(frozen=True)
class SurveyParameters:
    """Every number of the structural model (see fidelity.ASSUMPTIONS for the reasons)."""

    # --- profile ---------------------------------------------------------------------
    company_size_shares: tuple[float, ...] = (0.36, 0.34, 0.1735, 0.1265)  # F0.4: 5000+
    industry_shares: tuple[float, ...] = (0.22, 0.08, 0.10, 0.17, 0.06, 0.07, 0.12, 0.14, 0.04)
    married_by_band: tuple[float, ...] = (0.30, 0.60, 0.70, 0.72)
    children_if_married_by_band: tuple[float, ...] = (0.55, 0.80, 0.85, 0.85)
    children_if_single: float = 0.05
    # P(supervisor), P(manager) by age band; women's promotion odds are lower.
    supervisor_by_band: tuple[float, ...] = (0.10, 0.22, 0.25, 0.22)
    manager_by_band: tuple[float, ...] = (0.02, 0.08, 0.18, 0.25)
    female_promotion_factor: float = 0.6
    tenure_log_sd: float = 0.8
    max_years_since_exit: float = 5.0  # F0.1: left in the last five years

    # --- employer policies, rates by company size (10-99, 100-999, 1000-4999, 5000+) --
    comeback_by_size: tuple[float, ...] = (0.050, 0.070, 0.1075, 0.202)  # F1.1, F1.2
    perks_by_size: tuple[float, ...] = (0.05, 0.08, 0.13, 0.22)
    community_by_size: tuple[float, ...] = (0.03, 0.05, 0.09, 0.16)
    events_by_size: tuple[float, ...] = (0.04, 0.06, 0.10, 0.17)
    informal_by_size: tuple[float, ...] = (0.30, 0.24, 0.18, 0.14)  # among no-program firms
    policy_loading: float = 0.6  # how strongly one employer's policies go together

    # --- exit interviews ---------------------------------------------------------------
    sup_interview_rate: float = 0.670  # F2.1
    hr_interview_by_size: tuple[float, ...] = (0.25, 0.40, 0.52, 0.60)  # F2.1 overall 39.2 %
    quality_loading: float = 0.3  # ... and have better supervisors
    # Behaviour rates among leavers whose supervisor held the interview (F2.3).
    item_rates: dict[str, float] = field(
        default_factory=lambda: {
            "sup_understood_reason": 0.496,
            "sup_respected_timing": 0.483,
            "sup_listened_to_end": 0.460,
            "sup_listened_carefully": 0.452,
            "sup_heard_dissatisfaction": 0.380,
            "sup_answered_questions": 0.420,
            "sup_welcomed_return": 0.337,
        }
    )
    # How strongly each construct follows the supervisor's overall quality, and each item
    # its construct.
    construct_quality: dict[str, float] = field(
        default_factory=lambda: {"respect": 0.5, "drawing_out": 0.4, "welcome": 0.5}
    )
    item_loading: float = 0.8
    amicability_shares: tuple[float, ...] = (0.07, 0.13, 0.32, 0.31, 0.17)
    amicability_quality: float = 0.35

    # --- follow-up at exit -----------------------------------------------------------------
    invited_if_community: float = 0.40
    invited_if_welcomed: float = 0.30  # added when the supervisor signalled welcome
    informed_if_comeback: float = 0.55
    informed_if_informal: float = 0.20
    informed_otherwise: float = 0.03
    informed_if_welcomed: float = 0.15

    # --- alumni engagement: latent score (1..5 scale) ----------------------------------------
    engagement_intercept: float = 2.9083  # calibrated: share engaged
    engagement_noise_sd: float = 0.5737  # calibrated: R^2 of F2.2 / F2.5
    size_scale: float = 1.508  # calibrated: multiplies size_effects
    industry_scale: float = 0.3929  # calibrated: multiplies industry_effects
    size_effects: tuple[float, ...] = (0.0, 0.05, 0.12, 0.22)
    industry_effects: tuple[float, ...] = (0.0, -0.05, -0.12, -0.02, 0.10, -0.06, 0.12, 0.0, 0.0)
    age_effect_per_decade: float = 0.02
    female_effect: float = 0.015
    married_effect: float = 0.015
    children_effect: float = 0.01
    job_level_effects: tuple[float, ...] = (0.0, 0.05, 0.10)
    log_tenure_effect: float = 0.06
    years_since_exit_effect: float = -0.05
    policy_engagement: dict[str, float] = field(
        default_factory=lambda: {
            "policy_comeback_program": 0.10,
            "policy_alumni_perks": 0.10,
            "policy_alumni_community": 0.30,
            "policy_alumni_events": 0.20,
            "informal_rehire_custom": 0.05,
            "invited_to_alumni_community": 0.20,
            "informed_of_rehire_route": 0.10,
        }
    )
    sup_interview_effect: float = -0.6387  # calibrated: a held interview as such (F2.2, F2.5)
    sup_amicability_effect: float = 0.1959  # calibrated: F2.2
    hr_amicability_effect: float = 0.005  # F2.2: not significant
    welcome_effect: float = 0.5721  # calibrated: F2.5
    # Drawing out feelings pays off through respect for the decision (F2.6): its own
    # effect with no respect shown is zero.
    drawing_out_effect: float = 0.0
    respect_effect: float = -0.4772  # calibrated: F2.5 (slope of respect with no drawing out)
    respect_drawing_ratio: float = 1.6  # F2.6: interaction = -ratio * respect_effect

    # --- rehire intent: latent score, Likert by REHIRE_CUTS, residual sd 1 ---------------
    rehire_intercept: float = -2.92  # calibrated: rate with no alumni measure
    rehire_engagement_slope: float = 0.5
    rehire_policy_effects: dict[str, float] = field(
        default_factory=lambda: {
            "policy_comeback_program": 0.347,  # calibrated: F1.3
            "policy_alumni_perks": 0.4465,  # calibrated: F1.3
            "policy_alumni_community": 0.15,
            "policy_alumni_events": 0.10,
            "informal_rehire_custom": 0.4042,  # calibrated: F1.4
            "informed_of_rehire_route": 0.30,
            "sup_welcomed_return": 0.20,
        }
    )
    rehire_age_per_decade: float = -0.05
    rehire_job_level_effects: tuple[float, ...] = (0.0, 0.03, 0.06)
    rehire_years_since_exit: float = -0.04

    @property
    def interaction_effect(self) -> float:
        return -self.respect_drawing_ratio * self.respect_effect


DEFAULT_PARAMETERS = SurveyParameters()

#: A company world unlike the survey's average, for testing and benchmarking model
#: updating (recalibrating or retraining the default model on a company's own leavers):
#: the same drivers, but a higher level of both outcomes, more alumni measures and
#: supervisor interviews, and some drivers stronger or weaker. The default model keeps
#: its ranking there (AUC 0.97-0.98 of the oracle's) but not its level (it predicts a
#: rehire-intent rate of about 0.20 where 0.33 is true). ``docs/shifted-world.md`` gives
#: the measured figures; ``training/shifted_world.py`` prints them.
SHIFTED_PARAMETERS = replace(
    DEFAULT_PARAMETERS,
    # Prevalences: an alumni-minded sector, where every alumni measure is about 1.8x as
    # common at each company size (comeback program 15.5 % overall instead of 8.6 %) ...
    comeback_by_size=(0.09, 0.125, 0.195, 0.365),
    perks_by_size=(0.09, 0.145, 0.235, 0.395),
    community_by_size=(0.055, 0.09, 0.16, 0.29),
    events_by_size=(0.07, 0.11, 0.18, 0.305),
    # ... and supervisors hold an exit interview with 85 % of leavers (67 %, F2.1).
    sup_interview_rate=0.85,
    # Effects: company size matters more for engagement (a large employer's name and
    # network carry more weight): 0 / 0.18 / 0.42 / 0.77 instead of 0 / 0.08 / 0.18 /
    # 0.33 on the 1-5 scale from 10-99 to 5000+ staff.
    size_scale=3.5,
    # The supervisor's welcome signal matters more for engagement (1.0 instead of 0.57
    # on the 1-5 scale): an invitation back is taken at its word where people do return.
    welcome_effect=1.0,
    # Perks do not build engagement (0 instead of +0.10): discounts are taken for granted.
    policy_engagement={**DEFAULT_PARAMETERS.policy_engagement, "policy_alumni_perks": 0.0},
    rehire_policy_effects={
        **DEFAULT_PARAMETERS.rehire_policy_effects,
        # A comeback program matters more for rehire intent (0.90 instead of 0.35 on the
        # latent scale): it is known to work, so leavers count on it ...
        "policy_comeback_program": 0.9,
        # ... perks much less (0.10 instead of 0.45): a discount is no reason to return ...
        "policy_alumni_perks": 0.1,
        # ... and being told "you would be welcome back" more (0.50 instead of 0.20).
        "sup_welcomed_return": 0.5,
    },
    # Levels, solved (``_solve_shifted_levels`` in training/shifted_world.py, 200,000
    # leavers) so that 25 % of leavers are engaged (survey: 17 %) and 33 % intend to
    # return (survey: 16 %) once the changes above are in.
    engagement_intercept=2.6975,
    rehire_intercept=-2.5724,
)

#: The named worlds :func:`rehire_model.make_leaver_survey` draws from.
WORLDS: dict[str, SurveyParameters] = {
    "survey": DEFAULT_PARAMETERS,
    "shifted": SHIFTED_PARAMETERS,
}


def world_parameters(world: str | SurveyParameters) -> SurveyParameters:
    """The parameters of a named world (a key of :data:`WORLDS`), or ``world`` itself.

    Raises
    ------
    ValueError
        For a name that is not a world, or anything else.

    Examples
    --------
    >>> world_parameters("survey") is DEFAULT_PARAMETERS
    True
    """
    if isinstance(world, SurveyParameters):
        return world
    if isinstance(world, str) and world in WORLDS:
        return WORLDS[world]
    choices = ", ".join(repr(name) for name in WORLDS)
    raise ValueError(
        f"world must be one of {choices} or a SurveyParameters, got {world!r}"
    )


# --------------------------------------------------------------------------------------
# Drawing leavers
# --------------------------------------------------------------------------------------


def _probit_draw(rng, rate, common=None, loading=0.0):
    """Bernoulli draws with exact marginal ``rate`` that share a standard-normal ``common``."""
    noise = rng.standard_normal(len(rate))
    score = noise if common is None else loading * common + np.sqrt(1 - loading**2) * noise
    return score < ndtri(rate)


def _ordinal_draw(latent, shares):
    """Cut a standard-normal latent into categories 1..k with the given shares."""
    cuts = ndtri(np.cumsum(shares)[:-1])
    return 1 + np.searchsorted(cuts, latent)


def _draw_profile(rng, n, params):
    cell = np.arange(n) % (2 * len(AGE_BANDS))  # equal gender x age-band cells (F0.1)
    rng.shuffle(cell)
    female = cell % 2 == 0
    band = cell // 2
    age = np.asarray(AGE_BANDS)[band] + rng.integers(0, 10, n)
    married = rng.random(n) < np.asarray(params.married_by_band)[band]
    p_children = np.where(
        married, np.asarray(params.children_if_married_by_band)[band], params.children_if_single
    )
    promotion = np.where(female, params.female_promotion_factor, 1.0)
    p_manager = np.asarray(params.manager_by_band)[band] * promotion
    p_supervisor = np.asarray(params.supervisor_by_band)[band] * promotion
    u = rng.random(n)
    level = np.where(u < p_manager, 2, np.where(u < p_manager + p_supervisor, 1, 0))
    median_tenure = 1.5 + 0.2 * (age - 20)
    tenure = median_tenure * np.exp(params.tenure_log_sd * rng.standard_normal(n))
    tenure = np.clip(np.round(tenure, 2), 0.25, np.maximum(age - 18, 0.25))
    return pd.DataFrame(
        {
            "company_size": rng.choice(np.asarray(COMPANY_SIZES, dtype=object), n,
                                       p=params.company_size_shares),
            "industry": rng.choice(np.asarray(INDUSTRIES, dtype=object), n,
                                   p=params.industry_shares),
            "job_level": np.asarray(JOB_LEVELS, dtype=object)[level],
            "tenure_years": tenure,
            "years_since_exit": np.round(rng.uniform(0, params.max_years_since_exit, n), 1),
            "age": age,
            "gender": np.where(female, "female", "male").astype(object),
            "married": married,
            "has_children": rng.random(n) < p_children,
        }
    )


def _draw_policies(rng, size_code, orientation, params):
    def by_size(rates):
        return np.asarray(rates)[size_code]

    loading = params.policy_loading
    comeback = _probit_draw(rng, by_size(params.comeback_by_size), orientation, loading)
    informal = ~comeback & _probit_draw(rng, by_size(params.informal_by_size))
    return {
        "policy_comeback_program": comeback,
        "policy_alumni_perks": _probit_draw(rng, by_size(params.perks_by_size), orientation,
                                            loading),
        "policy_alumni_community": _probit_draw(rng, by_size(params.community_by_size),
                                                orientation, loading),
        "policy_alumni_events": _probit_draw(rng, by_size(params.events_by_size), orientation,
                                             loading),
        "informal_rehire_custom": informal,
    }


def _draw_interviews(rng, size_code, orientation, params):
    n = len(size_code)
    sup_held = rng.random(n) < params.sup_interview_rate
    hr_held = _probit_draw(rng, np.asarray(params.hr_interview_by_size)[size_code])
    quality = params.quality_loading * orientation + np.sqrt(
        1 - params.quality_loading**2) * rng.standard_normal(n)
    out = {"sup_interview_held": sup_held}
    amicability = _ordinal_draw(
        params.amicability_quality * quality
        + np.sqrt(1 - params.amicability_quality**2) * rng.standard_normal(n),
        params.amicability_shares,
    )
    out["sup_interview_amicability"] = np.where(sup_held, amicability, 0)
    out["hr_interview_held"] = hr_held
    hr_amicability = _ordinal_draw(rng.standard_normal(n), params.amicability_shares)
    out["hr_interview_amicability"] = np.where(hr_held, hr_amicability, 0)
    for construct, items in CONSTRUCTS.items():
        rho = params.construct_quality[construct]
        factor = rho * quality + np.sqrt(1 - rho**2) * rng.standard_normal(n)
        loading = params.item_loading if len(items) > 1 else 1.0
        for item in items:
            rate = np.full(n, params.item_rates[item])
            out[item] = sup_held & _probit_draw(rng, rate, factor, loading)
    return out


def _draw_follow_up(rng, columns, params):
    n = len(columns["policy_alumni_community"])
    welcomed = columns["sup_welcomed_return"]
    p_invited = np.where(
        columns["policy_alumni_community"],
        params.invited_if_community + params.invited_if_welcomed * welcomed,
        0.0,
    )
    p_informed = np.select(
        [columns["policy_comeback_program"], columns["informal_rehire_custom"]],
        [params.informed_if_comeback, params.informed_if_informal],
        params.informed_otherwise,
    ) + params.informed_if_welcomed * welcomed
    return {
        "invited_to_alumni_community": rng.random(n) < p_invited,
        "informed_of_rehire_route": rng.random(n) < np.minimum(p_informed, 1.0),
    }


def draw_leavers(rng: np.random.Generator, n: int, params: SurveyParameters) -> pd.DataFrame:
    """Draw the leaver-record features (no targets) as plain numpy-backed columns.

    Absent interview answers are coded 0 / False here; :func:`to_records` turns them
    into the schema's structural NA.
    """
    profile = _draw_profile(rng, n, params)
    size_code = pd.Categorical(profile["company_size"], categories=COMPANY_SIZES).codes
    orientation = rng.standard_normal(n)  # the employer's alumni-mindedness, unobserved
    columns = _draw_policies(rng, size_code, orientation, params)
    columns.update(_draw_interviews(rng, size_code, orientation, params))
    columns.update(_draw_follow_up(rng, columns, params))
    return pd.concat([profile, pd.DataFrame(columns)], axis=1)


# --------------------------------------------------------------------------------------
# Outcomes as functions of a record
# --------------------------------------------------------------------------------------


def _lookup(df, name, levels, effects):
    codes = pd.Categorical(df[name], categories=levels).codes
    return np.asarray(effects)[codes]


def engagement_mean(df: pd.DataFrame, params: SurveyParameters) -> np.ndarray:
    """Expected latent engagement score of each record."""
    p = params
    scores = survey_construct_scores(df)
    fixed = p.size_scale * _lookup(df, "company_size", COMPANY_SIZES, p.size_effects) + (
        p.industry_scale * _lookup(df, "industry", INDUSTRIES, p.industry_effects))
    profile = (
        p.age_effect_per_decade * (as_float(df, "age") - 40) / 10
        + p.female_effect * (df["gender"] == "female").to_numpy(dtype=float)
        + p.married_effect * as_float(df, "married")
        + p.children_effect * as_float(df, "has_children")
        + _lookup(df, "job_level", JOB_LEVELS, p.job_level_effects)
        + p.log_tenure_effect * np.log(as_float(df, "tenure_years"))
        + p.years_since_exit_effect * as_float(df, "years_since_exit")
    )
    policies = sum(effect * as_float(df, name) for name, effect in p.policy_engagement.items())
    interview = (
        p.sup_interview_effect * as_float(df, "sup_interview_held")
        + p.sup_amicability_effect * as_float(df, "sup_interview_amicability")
        + p.hr_amicability_effect * as_float(df, "hr_interview_amicability")
        + p.welcome_effect * scores["welcome"]
        + p.drawing_out_effect * scores["drawing_out"]
        + p.respect_effect * scores["respect"]
        + p.interaction_effect * scores["respect"] * scores["drawing_out"]
    )
    return p.engagement_intercept + fixed + profile + policies + interview


def rehire_mean(df: pd.DataFrame, params: SurveyParameters) -> np.ndarray:
    """Expected latent rehire-intent score of each record, engagement excluded."""
    p = params
    policies = sum(
        effect * as_float(df, name) for name, effect in p.rehire_policy_effects.items()
    )
    return (
        p.rehire_intercept
        + policies
        + p.rehire_age_per_decade * (as_float(df, "age") - 40) / 10
        + _lookup(df, "job_level", JOB_LEVELS, p.rehire_job_level_effects)
        + p.rehire_years_since_exit * as_float(df, "years_since_exit")
    )


def true_probabilities(df: pd.DataFrame, params: SurveyParameters) -> pd.DataFrame:
    """P(engaged) and P(rehire intent >= 4) of each record under the structural model."""
    mean_e = engagement_mean(df, params)
    sd_e = params.engagement_noise_sd
    slope = params.rehire_engagement_slope
    rehire_sd = np.sqrt(1.0 + (slope * sd_e) ** 2)
    mean_r = rehire_mean(df, params) + slope * mean_e
    return pd.DataFrame(
        {
            "p_alumni_engagement": ndtr((mean_e - ENGAGED_LATENT_CUT) / sd_e),
            "p_rehire_intent": ndtr((mean_r - REHIRE_CUTS[2]) / rehire_sd),
        },
        index=df.index,
    )


def engagement_score(latent: np.ndarray) -> np.ndarray:
    """The reported score: mean of four Likert items, a 0.25 grid within 1..5."""
    return np.clip(np.round(latent * 4) / 4, 1.0, 5.0)


def draw_outcomes(rng, df, params):
    """Draw the engagement score (0.25 grid, 1..5) and rehire intent (Likert 1..5)."""
    n = len(df)
    latent_e = engagement_mean(df, params) + params.engagement_noise_sd * rng.standard_normal(n)
    engagement = engagement_score(latent_e)
    latent_r = (
        rehire_mean(df, params)
        + params.rehire_engagement_slope * latent_e
        + rng.standard_normal(n)
    )
    rehire = 1 + np.searchsorted(np.asarray(REHIRE_CUTS), latent_r)
    return engagement, rehire


def to_records(df: pd.DataFrame) -> pd.DataFrame:
    """Schema dtypes, with structural NA where an interview was not held."""
    out = df.copy()
    sup_items = [item for items in CONSTRUCTS.values() for item in items]
    held = out["sup_interview_held"].to_numpy(dtype=bool)
    for name in sup_items:
        values = pd.array(out[name].to_numpy(dtype=bool), dtype="boolean")
        values[~held] = pd.NA
        out[name] = values
    for name, flag in (("sup_interview_amicability", "sup_interview_held"),
                       ("hr_interview_amicability", "hr_interview_held")):
        values = pd.array(out[name].to_numpy(), dtype="Int64")
        values[~out[flag].to_numpy(dtype=bool)] = pd.NA
        out[name] = values
    return out
