"""Exceptions and warnings raised by rehire_model.

Every error is a :class:`RehireModelError` and also the matching built-in
exception, so ``except ValueError`` keeps working for callers that do not know
this library.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataWarning",
    "InputError",
    "ModelFileError",
    "ModelVersionError",
    "RehireModelError",
    "RehireModelWarning",
    "SchemaError",
]


class RehireModelError(Exception):
    """Base class of every error raised by rehire_model."""


class SchemaError(RehireModelError, ValueError):
    """A leaver record does not match the leaver schema.

    Attributes
    ----------
    problems : pandas.DataFrame or None
        One row per problem found, with columns ``row``, ``leaver_id``,
        ``column``, ``value`` and ``problem``, when the error comes from
        validating a table.
    """

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = problems


class ConfigError(RehireModelError, ValueError):
    """A training configuration is invalid (the message names the key and the value)."""


class InputError(RehireModelError, ValueError):
    """An input file cannot be read as a leaver table (encoding, format, mapping)."""


class ModelFileError(RehireModelError, OSError):
    """A model folder cannot be loaded: missing, changed since it was saved, or unsafe."""


class ModelVersionError(ModelFileError):
    """A model folder was saved with library versions this environment cannot load."""


class RehireModelWarning(UserWarning):
    """Base class of every warning issued by rehire_model."""


class DataWarning(RehireModelWarning):
    """The data are usable but something about them deserves attention."""
