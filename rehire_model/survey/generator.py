"""The calibrated synthetic leaver survey.

A small structural model (profile -> employer's alumni policies -> exit interviews ->
follow-up -> alumni engagement -> rehire intent) whose draws reproduce the published
figures of PERSOL Research and Consulting, "Quantitative survey on corporate alumni"
(2019) for its 2,000 leavers. :func:`rehire_model.survey.fidelity_table` shows each
published figure beside the reproduced one; ``docs/survey-fidelity.md`` lists every
assumption. The model itself is in :mod:`rehire_model.survey.structure`.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..exceptions import SchemaError
from ..schema import FEATURE_ROLES, field_names
from ..validation import validate_records
from . import structure as model

__all__ = ["make_leaver_survey", "true_probabilities"]

_TRUTH_NEEDS = ("age", "gender", "married", "has_children")


def make_leaver_survey(
    n_samples: int = 2000,
    random_state: int | np.random.Generator | None = None,
    *,
    return_truth: bool = False,
    missing_rate: float = 0.0,
    world: str | model.SurveyParameters = "survey",
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a synthetic leaver survey calibrated to the published Japanese survey.

    The sample design follows the survey: equal numbers of men and women in each age
    band (20s, 30s, 40s, 50s), leavers of the last five years from employers with 10
    or more staff.

    Parameters
    ----------
    n_samples : int, default 2000
        Number of leavers.
    random_state : int, numpy.random.Generator or None
        Seed; the same seed gives the same survey.
    return_truth : bool, default False
        Also return each leaver's true probability of each binary target (engaged:
        ``alumni_engagement >= 4``; intends to return: ``rehire_intent >= 4``), the
        best any predictor could do.
    missing_rate : float, default 0.0
        Share of answers left blank, each at random (item non-response, as in real
        surveys): every feature field of every record is blank with this probability
        (an interview's answers only where it was held). The people and their outcomes
        are those drawn without blanks, so ``truth`` is unchanged.
    world : {"survey", "shifted"} or SurveyParameters, default "survey"
        The world the leavers come from. ``"survey"``: the published survey's average
        world, the one the default model is trained on. ``"shifted"``: a company world
        unlike it, for testing model updating (recalibrating or retraining on a
        company's own leavers) on an answer that is not the default model's own world:
        the same drivers, but more alumni measures and supervisor interviews, some
        effects stronger or weaker, and higher rates of both outcomes (about 25 %
        engaged and 33 % intending to return, against 17 % and 16 %);
        ``rehire_model.survey.structure.SHIFTED_PARAMETERS`` lists what moved and
        ``docs/shifted-world.md`` how the default model fares there. A
        :class:`~rehire_model.survey.structure.SurveyParameters` draws from those
        parameters. The same seed in another world may give other people.

    Returns
    -------
    records : pandas.DataFrame
        One validated leaver record per row, with ``leaver_id`` and both targets.
    truth : pandas.DataFrame
        Only with ``return_truth``: ``p_alumni_engagement`` and ``p_rehire_intent``.

    Raises
    ------
    ValueError
        For a bad ``n_samples``, ``missing_rate`` or ``world``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> df, truth = rm.make_leaver_survey(500, random_state=0, return_truth=True)
    >>> df.shape[0], list(truth.columns)
    (500, ['p_alumni_engagement', 'p_rehire_intent'])
    >>> df.groupby("gender").size().tolist()
    [250, 250]
    >>> blanks = rm.make_leaver_survey(2000, random_state=0, missing_rate=0.1)
    >>> round(float(blanks["tenure_years"].isna().mean()), 2)
    0.1

    The shifted world's leavers intend to return about twice as often:

    >>> survey = rm.make_leaver_survey(2000, random_state=0)
    >>> shifted = rm.make_leaver_survey(2000, random_state=0, world="shifted")
    >>> [round(float((d["rehire_intent"] >= 4).mean()), 2) for d in (survey, shifted)]
    [0.16, 0.34]
    """
    if (
        not isinstance(n_samples, numbers.Integral)
        or isinstance(n_samples, bool)
        or n_samples < 1
    ):
        raise ValueError(f"n_samples must be a positive whole number, got {n_samples!r}")
    if not (isinstance(missing_rate, numbers.Real) and 0 <= missing_rate < 1):
        raise ValueError(f"missing_rate must be a share from 0 up to 1, got {missing_rate!r}")
    params = model.world_parameters(world)
    rng = np.random.default_rng(random_state)
    features = model.draw_leavers(rng, int(n_samples), params)
    engagement, rehire = model.draw_outcomes(rng, features, params)
    records = model.to_records(features)
    width = max(6, len(str(n_samples)))
    records.insert(0, "leaver_id", [f"L{i:0{width}d}" for i in range(1, n_samples + 1)])
    records["alumni_engagement"] = engagement
    records["rehire_intent"] = rehire
    records = validate_records(records, require_targets=True)
    truth = model.true_probabilities(records, params) if return_truth else None
    if missing_rate:
        records = _leave_blanks(records, rng, missing_rate)
    return (records, truth) if return_truth else records


def _leave_blanks(records: pd.DataFrame, rng: np.random.Generator, rate: float
                  ) -> pd.DataFrame:
    """The records with each feature answer blank with probability ``rate``."""
    out = records.copy()
    for name in field_names(*FEATURE_ROLES):
        blank = rng.random(len(out)) < rate
        out[name] = out[name].mask(blank)
    return out


def true_probabilities(
    records, *, world: str | model.SurveyParameters = "survey"
) -> pd.DataFrame:
    """True probabilities of the synthetic survey's binary targets for any records.

    The synthetic survey's outcomes depend only on the record, so the truth is known
    for any record, including one with a field changed (a counterfactual).

    Parameters
    ----------
    records : pandas.DataFrame, dict or list of dict
        Leaver records; validated by :func:`rehire_model.validate_records`. They must
        include the protected attributes (age, gender, married, has_children), which
        the synthetic outcomes depend on.
    world : {"survey", "shifted"} or SurveyParameters, default "survey"
        The world whose structural model gives the probabilities, as in
        :func:`make_leaver_survey`: use the world the records were drawn from.

    Returns
    -------
    pandas.DataFrame
        ``p_alumni_engagement`` and ``p_rehire_intent``, indexed like ``records``.

    Raises
    ------
    ValueError
        For a ``world`` that is neither a world's name nor a SurveyParameters.
    rehire_model.SchemaError
        For records that are not valid leaver records or lack a protected attribute.

    Examples
    --------
    >>> import rehire_model as rm
    >>> df = rm.make_leaver_survey(5, random_state=1)
    >>> welcomed = df[df["sup_interview_held"]].assign(sup_welcomed_return=True)
    >>> ignored = welcomed.assign(sup_welcomed_return=False)
    >>> truth = rm.survey.true_probabilities
    >>> bool((truth(welcomed) > truth(ignored)).all().all())
    True

    The same leavers are likelier to return in the shifted world:

    >>> df = rm.make_leaver_survey(2000, random_state=0, world="shifted")
    >>> [round(float(rm.survey.true_probabilities(df, world=w)["p_rehire_intent"].mean()), 2)
    ...  for w in ("survey", "shifted")]
    [0.19, 0.33]
    """
    params = model.world_parameters(world)
    records = validate_records(records)
    missing = [name for name in _TRUTH_NEEDS if name not in records]
    if missing:
        raise SchemaError(
            f"true_probabilities needs the columns {', '.join(missing)}: the synthetic "
            "outcomes depend on them; add them to the records"
        )
    return model.true_probabilities(records, params)
