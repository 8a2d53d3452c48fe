"""rehire_model: predict and explain alumni engagement and rehire intent of leavers."""

from .analysis import AnalysisError, DriverAnalysis, code_leaver_survey, driver_analysis
from .calibration import calibration_table
from .datasets import make_leaver_survey, true_probabilities
from .exceptions import DataWarning, RehireModelError, RehireModelWarning, SchemaError
from .schema import FIELDS, FIELDS_BY_NAME, Field, validate_records

__version__ = "0.1.0"

__all__ = [
    "FIELDS",
    "FIELDS_BY_NAME",
    "AnalysisError",
    "DataWarning",
    "DriverAnalysis",
    "Field",
    "RehireModelError",
    "RehireModelWarning",
    "SchemaError",
    "__version__",
    "calibration_table",
    "code_leaver_survey",
    "driver_analysis",
    "make_leaver_survey",
    "true_probabilities",
    "validate_records",
]
