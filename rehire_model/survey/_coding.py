"""Numeric coding of leaver records shared by the survey generator and the driver analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import CONSTRUCTS, construct_scores


def as_float(records: pd.DataFrame, name: str) -> np.ndarray:
    """A record column as floats; structural NA (question not asked) counts 0."""
    return pd.to_numeric(records[name], errors="coerce").astype(float).fillna(0.0).to_numpy()


def survey_construct_scores(records: pd.DataFrame) -> dict[str, np.ndarray]:
    """Mean of each behaviour construct's items (survey F2.4); unreported items count 0."""
    items = {item: as_float(records, item) for names in CONSTRUCTS.values() for item in names}
    return construct_scores(items, blank="zero")
