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


def rows_alike(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a boolean matrix: each row's group of equal rows (numbered by first
    appearance) and the position of the first row of each group.

    Examples
    --------
    >>> mask = np.array([[True, False], [False, False], [True, False]])
    >>> groups, first = rows_alike(mask)
    >>> groups.tolist(), first.tolist()
    ([0, 1, 0], [0, 1])
    """
    packed = np.packbits(mask, axis=1)
    if packed.shape[1] <= 8:
        # Up to 64 columns: each row's bits as one 64-bit code.
        padded = np.zeros((len(packed), 8), dtype=np.uint8)
        padded[:, :packed.shape[1]] = packed
        codes = padded.view(np.uint64).ravel()
    else:
        codes = np.unique(packed, axis=0, return_inverse=True)[1].ravel()
    return first_of_each(codes)
