"""The survey-research half of rehire_model: a synthetic survey and its analysis.

The modules here reproduce PERSOL Research and Consulting, "Quantitative survey on
corporate alumni" (2019) as a synthetic survey (the data the default model is trained
on) and run the survey's regressions:

- :mod:`~rehire_model.survey.generator`: :func:`make_leaver_survey` draws a calibrated
  synthetic leaver survey and :func:`true_probabilities` gives the true probability of
  each binary target for any record. Both take ``world="shifted"`` for a company world
  unlike the survey's average (higher rates, more alumni measures, some drivers
  stronger or weaker), to test model updating on (``docs/shifted-world.md``).
- :mod:`~rehire_model.survey.structure`: the structural model the generator draws from,
  with every parameter (``DEFAULT_PARAMETERS``, the survey's world;
  ``SHIFTED_PARAMETERS``, the shifted world).
- :mod:`~rehire_model.survey.fidelity`: :func:`fidelity_table` puts every published
  figure beside the synthetic survey's; :func:`assumptions_table` lists the figures the
  survey does not publish and the values assumed for them.
- :mod:`~rehire_model.survey.drivers`: :func:`driver_analysis`, the survey's own method
  (OLS with controls, standardized betas, significance marks) for HR researchers working
  on their own survey data, and :func:`code_leaver_survey`, which codes leaver records
  the way the survey did.
- :mod:`~rehire_model.survey.hr_export`: :func:`write_hr_export` writes leaver records
  the way a Japanese HR team keeps them in Excel (notes sheet, title rows, the
  company's own headers and spellings, blanks), with the column map for them.

The main names are also available from :mod:`rehire_model` itself.

Examples
--------
>>> from rehire_model import survey
>>> coded = survey.code_leaver_survey(survey.make_leaver_survey(500, random_state=0))
>>> fit = survey.driver_analysis(coded, "alumni_engagement", ["welcome"])
>>> fit.n
500
"""

from rehire_model.exceptions import AnalysisError

from .drivers import (
    DriverAnalysis,
    code_leaver_survey,
    driver_analysis,
    significance_stars,
)
from .fidelity import assumptions_table, fidelity_table, survey_regression
from .generator import make_leaver_survey, true_probabilities
from .hr_export import HrExport, write_hr_export

__all__ = [
    "AnalysisError",
    "DriverAnalysis",
    "HrExport",
    "assumptions_table",
    "code_leaver_survey",
    "driver_analysis",
    "fidelity_table",
    "make_leaver_survey",
    "significance_stars",
    "survey_regression",
    "true_probabilities",
    "write_hr_export",
]
