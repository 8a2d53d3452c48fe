"""Grouping equal codes, for work done once per distinct value instead of per row."""

from __future__ import annotations

import numpy as np
import pandas as pd


def first_of_each(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For integer codes: each entry's group (numbered by first appearance) and the
    position of the first entry of each group.

    Examples
    --------
    >>> groups, first = first_of_each(np.array([7, 3, 7, 5, 3]))
    >>> groups.tolist(), first.tolist()
    ([0, 1, 0, 2, 1], [0, 1, 3])
    """
    groups, uniques = pd.factorize(codes)
    first = np.empty(len(uniques), dtype=np.int64)
    first[groups[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return groups, first
