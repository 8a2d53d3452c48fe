"""Reading the TOML files users write (training configs, column mappings), and writing
the ones drafted for them (:mod:`rehire_model.draft`)."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: str | Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The content of a TOML file; ``error`` (naming ``what`` and the path) if unusable."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise error(f"cannot read the {what} {str(path)!r}: {e}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise error(f"{what} {str(path)!r} is not valid TOML: {e}") from e


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (JSON escapes, plus DEL)."""
    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    """A bool, int, finite float, str or list of them as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} in a training config")
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    items = [toml_value(v) for v in value]
    return "[" + ", ".join(items) + "]"


def toml_assignment(key: str, value: Any, comment: str = "", *, width: int) -> list[str]:
    """``key = value``, a list longer than ``width`` one item per line; an optional inline
    comment."""
    text = f"{key} = {toml_value(value)}"
    if isinstance(value, list) and len(text) > width:
        items = [f"    {toml_value(v)}," for v in value]
        return [f"{key} = [", *items, "]" + (f"  # {comment}" if comment else "")]
    return [text + (f"  # {comment}" if comment else "")]
