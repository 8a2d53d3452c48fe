"""rehire_model: predict and explain alumni engagement and rehire intent of leavers."""

from .audit import FairnessAudit, audit
from .config import load_config
from .evaluation import evaluate
from .exceptions import (
    ConfigError,
    DataWarning,
    ModelFileError,
    ModelVersionError,
    RehireModelError,
    RehireModelWarning,
    SchemaError,
)
from .model import RehireModel
from .model_io import load_model
from .monitoring import Monitoring, monitor, split_waves
from .schema import FIELDS, FIELDS_BY_NAME, Field, validate_records
from .survey import (
    AnalysisError,
    DriverAnalysis,
    code_leaver_survey,
    driver_analysis,
    fidelity_table,
    make_leaver_survey,
    true_probabilities,
)
from .survey import fidelity_table as calibration_table
from .training import train
from .updating import estimate_base_rate, update
from .whatif import LeverError, simulate_policies

__version__ = "0.1.0"

__all__ = [
    "FIELDS",
    "FIELDS_BY_NAME",
    "AnalysisError",
    "ConfigError",
    "DataWarning",
    "DriverAnalysis",
    "FairnessAudit",
    "Field",
    "LeverError",
    "ModelFileError",
    "ModelVersionError",
    "Monitoring",
    "RehireModel",
    "RehireModelError",
    "RehireModelWarning",
    "SchemaError",
    "__version__",
    "audit",
    "calibration_table",
    "code_leaver_survey",
    "driver_analysis",
    "estimate_base_rate",
    "evaluate",
    "fidelity_table",
    "load_config",
    "load_model",
    "make_leaver_survey",
    "monitor",
    "simulate_policies",
    "split_waves",
    "train",
    "true_probabilities",
    "update",
    "validate_records",
]
