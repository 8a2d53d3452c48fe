"""rehire_model: predict and explain alumni engagement and rehire intent of leavers."""

from ._version import __version__
from .batch import score_file
from .config import load_config
from .draft import draft_config
from .evaluation import evaluate
from .exceptions import (
    AnalysisError,
    ConfigError,
    DataWarning,
    InputError,
    LeverError,
    ModelFileError,
    ModelVersionError,
    RehireModelError,
    RehireModelWarning,
    SchemaError,
)
from .fairness_audit import FairnessAudit, audit
from .model import RehireModel
from .model_io import load_model, save_model
from .monitoring import Monitoring, monitor, split_waves
from .questionnaire import Questionnaire, questionnaire
from .report import write_report
from .schema import FIELDS, FIELDS_BY_NAME, Field
from .survey import driver_analysis, make_leaver_survey
from .training import train
from .updating import estimate_base_rate, update
from .validation import validate_records
from .whatif import simulate_policies

__all__ = [
    "FIELDS",
    "FIELDS_BY_NAME",
    "AnalysisError",
    "ConfigError",
    "DataWarning",
    "FairnessAudit",
    "Field",
    "InputError",
    "LeverError",
    "ModelFileError",
    "ModelVersionError",
    "Monitoring",
    "Questionnaire",
    "RehireModel",
    "RehireModelError",
    "RehireModelWarning",
    "SchemaError",
    "__version__",
    "audit",
    "draft_config",
    "driver_analysis",
    "estimate_base_rate",
    "evaluate",
    "load_config",
    "load_model",
    "make_leaver_survey",
    "monitor",
    "questionnaire",
    "save_model",
    "score_file",
    "simulate_policies",
    "split_waves",
    "train",
    "update",
    "validate_records",
    "write_report",
]
