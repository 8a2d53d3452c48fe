"""Exceptions and warnings raised by rehire_model.

Every error is a :class:`RehireModelError` and also the matching built-in
exception, so ``except ValueError`` keeps working for callers that do not know
this library.
"""

from __future__ import annotations

from .texts import Message

__all__ = [
    "AnalysisError",
    "ConfigError",
    "DataWarning",
    "InputError",
    "LeverError",
    "ModelFileError",
    "ModelVersionError",
    "RehireModelError",
    "RehireModelWarning",
    "SchemaError",
]


class _Readable:
    """What errors and warnings share: a message that can be read in English or Japanese."""

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` (``"en"`` or ``"ja"``); English if it has no other."""
        first = self.args[0] if self.args else ""
        return first.render(lang) if isinstance(first, Message) else str(first)

    def __str__(self) -> str:
        return self.in_language("en")


class RehireModelError(_Readable, Exception):
    """Base class of every error raised by rehire_model.

    The message is a text or a :class:`~rehire_model.texts.Message`;
    :meth:`in_language` gives it in English or Japanese.
    """


class SchemaError(RehireModelError, ValueError):
    """A leaver record does not match the leaver schema.

    Attributes
    ----------
    problems : pandas.DataFrame or None
        One row per problem found, with columns ``row``, ``leaver_id``,
        ``column``, ``value`` and ``problem``, when the error comes from
        validating a table.
    """

    def __init__(self, message: str | Message, problems=None):
        super().__init__(message)
        self.problems = problems


class ConfigError(RehireModelError, ValueError):
    """A training configuration is invalid (the message names the key and the value)."""


class InputError(RehireModelError, ValueError):
    """An input file cannot be read as a leaver table (encoding, format, mapping)."""


class LeverError(RehireModelError, ValueError):
    """A what-if setting is not an actionable lever, or not a valid value."""


class AnalysisError(RehireModelError, ValueError):
    """The data or the model specification cannot support a driver analysis.

    Raised for unknown column names, constant columns, too few complete rows
    and perfectly collinear designs. It is also a :class:`ValueError`.
    """


class ModelFileError(RehireModelError, OSError):
    """A model folder cannot be loaded: missing, changed since it was saved, or unsafe."""


class ModelVersionError(ModelFileError):
    """A model folder was saved with library versions this environment cannot load."""


class RehireModelWarning(_Readable, UserWarning):
    """Base class of every warning issued by rehire_model (its message may be a
    :class:`~rehire_model.texts.Message`, read with :meth:`in_language`)."""


class DataWarning(RehireModelWarning):
    """The data are usable but something about them deserves attention."""
