"""Oracle: does the model agree with the synthetic truth?

The synthetic survey knows each leaver's true probabilities
(:func:`rehire_model.survey.true_probabilities`), also for records with levers set.
:func:`oracle_check` compares the model's ROC AUC with the truth's on fresh leavers,
complete and with blanks (``training/train.py`` prints it); :func:`oracle_agreement`
compares the model's what-if changes and coaching with the truth
(``training/whatif_agreement.py`` prints it and ``docs/whatif.md`` records it). Both
check the model on synthetic data only: on real data no truth is known.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .coaching import INTERVIEW_HELD, candidate_actions, coach, is_taken
from .evaluation import evaluate
from .levers import actionable_levers, apply_settings, column_array
from .model import RehireModel
from .schema import FIELDS, FIELDS_BY_NAME
from .survey import make_leaver_survey, true_probabilities
from .validation import validate_records

__all__ = ["oracle_agreement", "oracle_check"]


def oracle_agreement(
    model: RehireModel,
    survey: pd.DataFrame,
    *,
    n_coached: int = 300,
    amicability: int = 3,
) -> dict[str, Any]:
    """How well the model's what-if answers agree with the synthetic survey's truth.

    For each actionable lever, the leavers in ``survey`` get it (a supervisor behaviour
    those whose supervisor interview was held; a policy or follow-up everyone); the
    model's mean change in each probability is compared with the true mean change
    (:func:`rehire_model.survey.true_probabilities` of the same records). For the first
    ``n_coached`` leavers, the top action of :func:`rehire_model.coaching.coach` is
    looked up in the true ranking of the same candidate actions.

    Parameters
    ----------
    survey : pandas.DataFrame
        Synthetic leaver records with the protected fields (the truth needs them).

    Returns
    -------
    dict
        ``levers`` (table of model and true mean changes per lever and target),
        ``sign_agreement`` and ``spearman`` per target, ``coach_top_in_true_top2``.
    """

    records = validate_records(survey).reset_index(drop=True)
    interviewed = records[records["sup_interview_held"].astype(bool)].reset_index(drop=True)
    rows = []
    for lever in actionable_levers(model):
        # A supervisor's behaviour is shown in an interview: it is set for the leavers
        # whose supervisor interview was held; policies and follow-ups for everyone.
        group = interviewed if FIELDS_BY_NAME[lever].requires else records
        changed = apply_settings(group, {lever: True}, fields=FIELDS,
                                 amicability=amicability)
        before, truth = model.predict(group), true_probabilities(group)
        after, true_after = model.predict(changed), true_probabilities(changed)
        row: dict[str, Any] = {"lever": lever, "n": len(group)}
        for target in model.targets:
            column = f"p_{target}"
            row[f"model_pp_{target}"] = 100 * float((after[column] - before[column]).mean())
            row[f"true_pp_{target}"] = 100 * float((true_after[column] - truth[column]).mean())
        rows.append(row)
    levers = pd.DataFrame(rows)
    result: dict[str, Any] = {"levers": levers, "sign_agreement": {}, "spearman": {}}
    for target in model.targets:
        m, t = levers[f"model_pp_{target}"], levers[f"true_pp_{target}"]
        result["sign_agreement"][target] = float((np.sign(m) == np.sign(t)).mean())
        result["spearman"][target] = float(spearmanr(m, t).statistic)
    hits = [_coach_hit(model, records.iloc[[i]], amicability) for i in range(
        min(n_coached, len(records)))]
    hits = [h for h in hits if h is not None]
    result["coach_top_in_true_top2"] = float(np.mean(hits)) if hits else float("nan")
    result["n_coached"] = len(hits)
    return result


def _coach_hit(model: RehireModel, record: pd.DataFrame, amicability: int) -> bool | None:
    """Is the model's top coaching action among the two truly best? None: nothing to do."""

    record = record.reset_index(drop=True)
    held = column_array(record[INTERVIEW_HELD], FIELDS_BY_NAME[INTERVIEW_HELD])
    if not is_taken(held)[0]:
        record = apply_settings(record, {INTERVIEW_HELD: True}, fields=FIELDS,
                                amicability=amicability)
    top = coach(model, record, amicability=amicability, top_k=1)
    if top.empty:
        return None
    fields = model.scoring.fields_by_name
    arrays = {name: column_array(record[name], FIELDS_BY_NAME[name]) for name in fields
              if name in FIELDS_BY_NAME}
    base = true_probabilities(record)
    gains = {}
    for key, settings, not_taken in candidate_actions(arrays, fields):
        if not not_taken[0]:
            continue
        after = true_probabilities(apply_settings(record, settings, fields=FIELDS,
                                                  amicability=amicability))
        gains[key] = float(sum(after[f"p_{t}"].iat[0] - base[f"p_{t}"].iat[0]
                               for t in model.targets))
    best_two = sorted(gains, key=gains.get, reverse=True)[:2]
    return top["action"].iat[0] in best_two


def oracle_check(
    model: RehireModel,
    *,
    n_samples: int = 20_000,
    random_state: int = 2026,
    missing_rates: tuple[float, ...] = (0.0, 0.1),
) -> pd.DataFrame:
    """ROC AUC against the oracle's on fresh synthetic leavers, complete and with blanks.

    The same leavers are drawn for every missing rate (see
    :func:`rehire_model.make_leaver_survey`), so the rows differ only in the answers left
    blank; the oracle knows every answer.

    Returns
    -------
    pandas.DataFrame
        Index (target, share of answers blank); columns ``roc_auc``, ``oracle_roc_auc``,
        ``auc_share`` (model / oracle), ``brier`` and ``ece``.

    Examples
    --------
    >>> import rehire_model as rm
    >>> table = oracle_check(rm.load_model(), n_samples=5000)
    >>> bool((table["auc_share"] > 0.95).all())
    True
    """
    rows = {}
    for rate in missing_rates:
        data, truth = make_leaver_survey(n_samples, random_state=random_state,
                                         return_truth=True, missing_rate=rate)
        table = evaluate(model, data, truth=truth)
        for target in model.targets:
            ours, oracle = table.loc[(target, "model")], table.loc[(target, "oracle")]
            rows[(target, rate)] = {
                "roc_auc": ours["roc_auc"], "oracle_roc_auc": oracle["roc_auc"],
                "auc_share": ours["roc_auc"] / oracle["roc_auc"],
                "brier": ours["brier"], "ece": ours["ece"],
            }
    result = pd.DataFrame.from_dict(rows, orient="index")
    result.index.names = ["target", "blank_share"]
    return result
