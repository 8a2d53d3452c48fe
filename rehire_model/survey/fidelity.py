"""How the synthetic leaver survey matches the published survey, and what it assumes.

:func:`fidelity_table` draws a large synthetic survey and puts every published
figure about the 2,000 leavers (survey-facts F0-F2) beside the value reproduced. Rates
are measured on one large draw; the regression figures the way the survey got them:
on 2,000-leaver samples, averaged over several draws.

Run ``python -m rehire_model.survey.fidelity`` (or the demo, ``python -m rehire_model``)
to print the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import field_names
from .drivers import DriverAnalysis, code_leaver_survey, driver_analysis
from .generator import make_leaver_survey

__all__ = [
    "ASSUMPTIONS",
    "SURVEY_REGRESSIONS",
    "SURVEY_SAMPLE_SIZE",
    "Assumption",
    "assumptions_table",
    "fidelity_table",
    "main",
    "survey_regression",
]

SURVEY_SAMPLE_SIZE = 2000
_CONTROLS = ("age", "female", "married", "has_children", "industry")
# The survey's regressions of alumni engagement (F2.2, F2.5 and the F2.6 interaction).
SURVEY_REGRESSIONS: dict[str, dict] = {
    "F2.2": {
        "predictors": ("sup_amicability", "hr_amicability"),
        "controls": (*_CONTROLS, "company_size"),
    },
    "F2.5": {"predictors": ("welcome", "drawing_out", "respect"), "controls": _CONTROLS},
    "F2.6": {
        "predictors": ("welcome", "drawing_out", "respect"),
        "controls": _CONTROLS,
        "interactions": (("respect", "drawing_out"),),
    },
}


@dataclass(frozen=True)
class Assumption:
    """A figure the survey does not publish, with the reason for the value chosen."""

    topic: str
    value: str
    reason: str


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("company size mix", "10-99: 36 %, 100-999: 34 %, 1000-4999: 17.35 %",
               "typical of Japanese private-sector employment with 10+ staff; 5000+ is F0.4"),
    Assumption("industry mix", "manufacturing 22 %, wholesale/retail 17 %, services 14 %, "
               "healthcare 12 %, IT 10 %, construction 8 %, transport 7 %, finance 6 %, "
               "other 4 %", "close to the Labour Force Survey without public and primary "
               "sectors (excluded by F0.3)"),
    Assumption("marriage and children", "married 30/60/70/72 % by age band; children 55-85 % "
               "of married, 5 % of single", "Japanese census shares by age"),
    Assumption("job level", "supervisor 10-25 %, manager 2-25 % rising with age; women "
               "promoted at 0.6x the rate", "Japanese managerial gender gap"),
    Assumption("tenure and time since exit", "tenure log-normal, median 1.5 years at 20 "
               "plus 0.2 per year of age, at least 3 months; exit 0-5 years ago",
               "F0.1 (left in the last 5 years) and F0.3 (3 months or more)"),
    Assumption("comeback program by size", "5.0 / 7.0 / 10.75 / 20.2 %",
               "rises with size; chosen so the total is F1.1 (8.6 %) with F1.2 at 5000+"),
    Assumption("other alumni policies by size", "perks 5-22 %, community 3-16 %, events "
               "4-17 %, informal rehire custom 14-30 % of employers without a program",
               "alumni measures are rarer than comeback programs in small firms and go "
               "together (shared employer alumni-mindedness, loading 0.6)"),
    Assumption("HR interview by size", "25 / 40 / 52 / 60 %",
               "large firms have HR staff for exit interviews; total is F2.1 (39.2 %)"),
    Assumption("unpublished behaviour items", "voiced dissatisfaction 38 %, answered "
               "questions 42 % of supervisor interviews", "just below the published "
               "drawing-out items (F2.3), as the survey lists them without a rate"),
    Assumption("F2.3 base", "behaviour rates are shares of leavers whose supervisor held "
               "an exit interview", "the behaviours are reported about that interview"),
    Assumption("interview amicability", "1: 7 %, 2: 13 %, 3: 32 %, 4: 31 %, 5: 17 %; "
               "follows supervisor quality (0.35)", "most exits are amicable"),
    Assumption("follow-up at exit", "invited to the community: 40 % where one exists, +30 "
               "points if welcomed back; told the rehire route: 55 % with a program, 20 % "
               "with informal custom, 3 % otherwise, +15 points if welcomed back",
               "the survey recommends both as routine; a welcoming supervisor does more"),
    Assumption("engaged share", "17 % of leavers score 4 or more", "a minority of leavers "
               "stay attached; the score is the mean of four Likert items"),
    Assumption("drawing out without respect", "no effect on engagement",
               "F2.6 says respect helps only with drawing out; the converse is not "
               "published, so drawing out pays off through respect"),
    Assumption("other engagement drivers", "community +0.30, events +0.20, invited to the "
               "community +0.20, perks/program/rehire route +0.10 on the 1-5 scale; "
               "-0.05 per year since exit; small profile effects",
               "alumni activities keep leavers attached; attachment fades with time"),
    Assumption("rehire intent with no alumni measure", "10 % answer 4 or 5",
               "boomerangs are a minority; F1.3/F1.4 fix the ratios, not the level"),
    Assumption("rehire intent drivers", "engagement +0.5 per point (latent scale), told the "
               "rehire route +0.30, welcomed back +0.20, community +0.15, events +0.10, "
               "-0.05 per decade of age, -0.04 per year since exit",
               "attached leavers and those invited back return more (F1.5: invited by a "
               "former boss is the most common route)"),
)


def survey_regression(coded: pd.DataFrame, fact: str) -> DriverAnalysis:
    """Run one of the survey's regressions (``"F2.2"``, ``"F2.5"``, ``"F2.6"``).

    Parameters
    ----------
    coded : pandas.DataFrame
        Leaver records coded by :func:`rehire_model.code_leaver_survey`.
    fact : str
        Which published regression to run.

    Returns
    -------
    DriverAnalysis

    Examples
    --------
    >>> import rehire_model as rm
    >>> coded = rm.survey.code_leaver_survey(rm.make_leaver_survey(2000, random_state=0))
    >>> survey_regression(coded, "F2.5").n
    2000
    """
    spec = SURVEY_REGRESSIONS[fact]
    return driver_analysis(coded, "alumni_engagement", list(spec["predictors"]),
                           controls=list(spec["controls"]),
                           interactions=spec.get("interactions", ()))


def _rehire_rate(df: pd.DataFrame, mask: pd.Series) -> float:
    return float((df.loc[mask, "rehire_intent"] >= 4).mean())


def _rate_rows(df: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    cells = df.groupby(["gender", df["age"] // 10]).size() / len(df)
    large = df["company_size"] == "5000+"
    policies = df[list(field_names("policy"))].to_numpy(dtype=bool)
    no_measure = ~policies.any(axis=1)
    informal_only = df["informal_rehire_custom"].to_numpy(dtype=bool) & ~policies[:, :4].any(
        axis=1)
    base = _rehire_rate(df, no_measure)
    held = df["sup_interview_held"].to_numpy(dtype=bool)
    rows = [
        ("F0.1", "leavers per gender x age band", "12.5 % each",
         f"{cells.min():.2%} to {cells.max():.2%}"),
        ("F0.1", "ages", "20-59", f"{df['age'].min()}-{df['age'].max()}"),
        ("F0.3", "tenure at the former employer", ">= 0.25 years",
         f">= {df['tenure_years'].min():.2f} years"),
        ("F0.4", "from employers with 5,000+ staff", "12.65 %", f"{large.mean():.2%}"),
        ("F1.1", "comeback program exists", "8.6 %",
         f"{df['policy_comeback_program'].mean():.2%}"),
        ("F1.2", "comeback program, 5,000+ staff", "20.2 %",
         f"{df.loc[large, 'policy_comeback_program'].mean():.2%}"),
    ]
    for name, label in (("policy_alumni_perks", "alumni perks"),
                        ("policy_comeback_program", "comeback program")):
        ratio = _rehire_rate(df, df[name].to_numpy(dtype=bool)) / base
        rows.append(("F1.3", f"rehire intent with {label} vs no measure", "> 3x",
                     f"{ratio:.2f}x"))
    rows.append(("F1.4", "rehire intent with informal custom only vs no measure", "about 2x",
                 f"{_rehire_rate(df, informal_only) / base:.2f}x"))
    rows += [
        ("F2.1", "exit interview by the supervisor", "67.0 %",
         f"{df['sup_interview_held'].mean():.2%}"),
        ("F2.1", "exit interview by HR", "39.2 %", f"{df['hr_interview_held'].mean():.2%}"),
    ]
    published = {"sup_understood_reason": "49.6 %", "sup_respected_timing": "48.3 %",
                 "sup_listened_to_end": "46.0 %", "sup_listened_carefully": "45.2 %",
                 "sup_welcomed_return": "33.7 %"}
    for item, value in published.items():
        rate = df.loc[held, item].astype(bool).mean()
        rows.append(("F2.3", f"{item} (of supervisor interviews)", value, f"{rate:.2%}"))
    return rows


def _regression_rows(fits: dict[str, list[DriverAnalysis]]) -> list[tuple[str, str, str, str]]:
    def mean(fact, what):
        return float(np.mean([what(fit) for fit in fits[fact]]))

    def beta(fact, term):
        return mean(fact, lambda fit: fit.beta(term))

    def share_significant(fact, term):
        return mean(fact, lambda fit: fit.p_value(term) < 0.1)

    rows = [
        ("F2.2", "beta of supervisor interview amicability", "0.198 ***",
         f"{beta('F2.2', 'sup_amicability'):.3f}"),
        ("F2.2", "HR interview amicability", "not significant",
         f"beta {beta('F2.2', 'hr_amicability'):.3f}, p<0.1 in "
         f"{share_significant('F2.2', 'hr_amicability'):.0%} of samples"),
        ("F2.2", "adjusted R^2", "0.091", f"{mean('F2.2', lambda f: f.adj_r2):.3f}"),
    ]
    for term, value in (("welcome", "0.321 ***"), ("drawing_out", "0.162 ***"),
                        ("respect", "-0.124 ***")):
        rows.append(("F2.5", f"beta of {term}", value, f"{beta('F2.5', term):.3f}"))
    rows.append(("F2.5", "adjusted R^2", "0.143", f"{mean('F2.5', lambda f: f.adj_r2):.3f}"))
    without = mean("F2.6", lambda fit: fit.slope("respect", at={"drawing_out": 0}))
    with_ = mean("F2.6", lambda fit: fit.slope("respect", at={"drawing_out": 1}))
    rows += [
        ("F2.6", "respect x drawing out", "significant",
         f"p<0.01 in {1 - mean('F2.6', lambda f: f.p_value('respect:drawing_out') >= 0.01):.0%}"
         " of samples"),
        ("F2.6", "slope of respect without drawing out", "negative", f"{without:.3f}"),
        ("F2.6", "slope of respect with drawing out", "positive", f"{with_:.3f}"),
    ]
    return rows


def fidelity_table(
    n_samples: int = 100_000, n_regression_samples: int = 10, random_state: int = 0
) -> pd.DataFrame:
    """Published survey figures beside the synthetic survey's.

    Parameters
    ----------
    n_samples : int, default 100_000
        Size of the draw the rates are measured on.
    n_regression_samples : int, default 10
        Number of 2,000-leaver draws the regression figures are averaged over.
    random_state : int, default 0
        Seed of the first draw; the regression draws use the following seeds.

    Returns
    -------
    pandas.DataFrame
        Columns ``fact`` (survey-facts id), ``figure``, ``published``, ``reproduced``.

    Examples
    --------
    >>> table = fidelity_table(n_samples=20_000, n_regression_samples=2)
    >>> list(table.columns)
    ['fact', 'figure', 'published', 'reproduced']
    """
    rows = _rate_rows(make_leaver_survey(n_samples, random_state))
    fits: dict[str, list[DriverAnalysis]] = {fact: [] for fact in SURVEY_REGRESSIONS}
    for seed in range(random_state + 1, random_state + 1 + n_regression_samples):
        coded = code_leaver_survey(make_leaver_survey(SURVEY_SAMPLE_SIZE, seed))
        for fact, results in fits.items():
            results.append(survey_regression(coded, fact))
    rows += _regression_rows(fits)
    return pd.DataFrame(rows, columns=["fact", "figure", "published", "reproduced"])


def assumptions_table() -> pd.DataFrame:
    """The synthetic survey's assumptions (figures the survey does not publish)."""
    return pd.DataFrame([(a.topic, a.value, a.reason) for a in ASSUMPTIONS],
                        columns=["assumption", "value", "reason"])


def main() -> None:
    """Print the fidelity table (published vs reproduced figures)."""
    with pd.option_context("display.max_colwidth", 80, "display.width", 160):
        print("Synthetic leaver survey vs PERSOL Research and Consulting (2019)\n")
        print(fidelity_table().to_string(index=False))


if __name__ == "__main__":
    main()
