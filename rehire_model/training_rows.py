"""Which leavers a model learnt from, so that its figures on them are never in-sample.

A model measured on the rows it was fitted on looks better than it is. At training time
the model keeps, for each training row, a 64-bit hash of its row of the model matrix
(the encoded answers, not the answers or the leaver id) and, where the training
procedure measured that row out of sample (cross-validation), the probability it gave
the row then. A report on data that include training rows uses those out-of-sample
probabilities, and leaves out, with a note, training rows that have none.

A hash tells whether a given record was a training row; the records cannot be read
back from it. Two leavers with the same encoded answers share a hash (the model cannot
tell them apart either).

Examples
--------
>>> import numpy as np
>>> matrix = np.array([[0.0, 1.0], [1.0, np.nan]])
>>> rows = TrainingRows.from_matrix(matrix, {"rehire_intent": np.array([0.2, np.nan])})
>>> found, p = rows.honest(np.array([[1.0, np.nan], [0.0, 1.0], [5.0, 5.0]]))
>>> found.tolist(), p["rehire_intent"].round(2).tolist()
([True, True, False], [nan, 0.2, nan])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import ModelFileError

__all__ = ["ROWS_FILE", "TrainingRows", "row_hashes"]

#: The file of a model folder that holds the training rows' hashes.
ROWS_FILE = "training_rows.npz"
#: Decimals kept of each matrix value before hashing, so that a number read back from
#: a file (``3.1400000000000001``) hashes as the one trained on.
_DECIMALS = 9


def row_hashes(matrix: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a model matrix (NaN where an answer was skipped).

    Examples
    --------
    >>> h = row_hashes(np.array([[1.0, np.nan], [1.0, np.nan], [-0.0, 2.0]]))
    >>> bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    """
    values = np.round(np.asarray(matrix, dtype=np.float64), _DECIMALS) + 0.0  # -0.0 is 0.0
    return pd.util.hash_pandas_object(pd.DataFrame(values), index=False).to_numpy(np.uint64)


@dataclass(frozen=True)
class TrainingRows:
    """The training rows of a model: their hashes and out-of-sample probabilities.

    Attributes
    ----------
    hashes : numpy.ndarray of uint64
        One per distinct training row, sorted.
    probabilities : dict of str -> numpy.ndarray
        Per target, the out-of-sample probability of each hashed row (the mean over
        rows that share a hash), NaN where the row was only fitted on.
    """

    hashes: np.ndarray
    probabilities: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def from_matrix(cls, matrix: np.ndarray, probabilities: Mapping[str, np.ndarray]
                    ) -> TrainingRows:
        """The training rows of ``matrix``, with per target each row's out-of-sample
        probability (NaN where it has none)."""
        return cls.from_hashes(row_hashes(matrix), probabilities)

    @classmethod
    def from_hashes(cls, hashes: np.ndarray, probabilities: Mapping[str, np.ndarray]
                    ) -> TrainingRows:
        unique, inverse = np.unique(np.asarray(hashes, dtype=np.uint64), return_inverse=True)
        merged = {}
        for target, p in probabilities.items():
            p = np.asarray(p, dtype=np.float64)
            known = ~np.isnan(p)
            total = np.bincount(inverse[known], weights=p[known], minlength=len(unique))
            count = np.bincount(inverse[known], minlength=len(unique))
            with np.errstate(invalid="ignore", divide="ignore"):
                merged[target] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        return cls(unique, merged)

    def __len__(self) -> int:
        return len(self.hashes)

    def union(self, other: TrainingRows) -> TrainingRows:
        """The rows of both; a row in both keeps ``other``'s probabilities."""
        hashes = np.concatenate([self.hashes, other.hashes])
        targets = set(self.probabilities) | set(other.probabilities)
        nan_self, nan_other = np.full(len(self), np.nan), np.full(len(other), np.nan)
        # Where a hash is in both, only other's value is kept: blank self's copy.
        in_other = np.isin(self.hashes, other.hashes)
        probabilities = {
            t: np.concatenate([np.where(in_other, np.nan, self.probabilities.get(t, nan_self)),
                               other.probabilities.get(t, nan_other)])
            for t in sorted(targets)
        }
        return TrainingRows.from_hashes(hashes, probabilities)

    def honest(self, matrix: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Which rows of ``matrix`` are training rows, and their out-of-sample
        probabilities per target (NaN for a row that is not a training row, or was
        only fitted on)."""
        hashes = row_hashes(matrix)
        position = np.searchsorted(self.hashes, hashes)
        position = np.minimum(position, max(len(self.hashes) - 1, 0))
        found = (self.hashes[position] == hashes) if len(self.hashes) else np.zeros(
            len(hashes), dtype=bool)
        return found, {t: np.where(found, p[position] if len(p) else np.nan, np.nan)
                       for t, p in self.probabilities.items()}

    def save(self, path: str | Path) -> None:
        """Write the rows to an ``.npz`` file (plain arrays, no pickled objects)."""
        arrays = {"hashes": self.hashes,
                  **{f"p_{t}": p.astype(np.float32) for t, p in self.probabilities.items()}}
        with open(path, "wb") as file:  # a file object keeps the name as given
            np.savez_compressed(file, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> TrainingRows:
        """Read rows written by :meth:`save` (pickled objects are refused)."""
        try:
            with np.load(path, allow_pickle=False) as arrays:
                hashes = arrays["hashes"].astype(np.uint64)
                probabilities = {name[2:]: arrays[name].astype(np.float64)
                                 for name in arrays.files if name.startswith("p_")}
        except (OSError, ValueError, KeyError) as e:
            raise ModelFileError(f"{path} does not hold a model's training rows: {e}") from e
        if any(len(p) != len(hashes) for p in probabilities.values()):
            raise ModelFileError(f"{path} holds training rows of unequal lengths")
        return cls(hashes, probabilities)
