"""Training rows: recognising the leavers a model learnt from."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import rehire_model as rm
from rehire_model.exceptions import ModelFileError
from rehire_model.training_rows import TrainingRows, row_hashes


def test_a_record_read_back_from_a_csv_file_is_recognised(tmp_path):
    model = rm.load_model()
    records = rm.make_leaver_survey(200, random_state=5, missing_rate=0.1)
    records["tenure_years"] = records["tenure_years"] + 1 / 3  # digits a file rounds
    path = tmp_path / "leavers.csv"
    records.to_csv(path, index=False)
    again = pd.read_csv(path)
    in_memory = model.scoring.read(records).matrix
    from_file = model.scoring.read(again).matrix
    assert (row_hashes(in_memory) == row_hashes(from_file)).all()
    rows = TrainingRows.from_matrix(in_memory[:100], {"rehire_intent": np.full(100, 0.5)})
    found, _ = rows.honest(from_file)
    assert found.tolist() == [True] * 100 + [False] * 100


def test_rows_that_share_a_hash_share_the_mean_of_their_probabilities():
    matrix = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, np.nan]])
    rows = TrainingRows.from_matrix(matrix, {"t": np.array([0.2, 0.4, np.nan])})
    assert len(rows) == 2
    found, p = rows.honest(np.array([[1.0, 2.0], [3.0, np.nan], [0.0, 0.0]]))
    assert found.tolist() == [True, True, False]
    assert p["t"][0] == pytest.approx(0.3)
    assert np.isnan(p["t"][1:]).all()


def test_a_union_keeps_the_newer_probabilities_of_a_row_in_both():
    old = TrainingRows.from_matrix(np.array([[1.0], [2.0]]), {"t": np.array([0.1, 0.2])})
    new = TrainingRows.from_matrix(np.array([[2.0], [3.0]]), {"t": np.array([0.9, np.nan])})
    found, p = old.union(new).honest(np.array([[1.0], [2.0], [3.0]]))
    assert found.all()
    assert p["t"][:2] == pytest.approx([0.1, 0.9])
    assert np.isnan(p["t"][2])


def test_an_empty_set_of_rows_recognises_nothing():
    rows = TrainingRows.from_matrix(np.empty((0, 2)), {"t": np.empty(0)})
    found, p = rows.honest(np.ones((3, 2)))
    assert not found.any() and np.isnan(p["t"]).all()


def test_saved_rows_load_back_and_a_foreign_file_is_refused(tmp_path):
    rows = TrainingRows.from_matrix(np.arange(6.0).reshape(3, 2), {"t": np.array([.1, .2, .3])})
    rows.save(tmp_path / "rows.npz")
    loaded = TrainingRows.load(tmp_path / "rows.npz")
    assert (loaded.hashes == rows.hashes).all()
    assert loaded.probabilities["t"] == pytest.approx(rows.probabilities["t"])
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"code": 1}], dtype=object), allow_pickle=True)
    (tmp_path / "bad.npz").write_bytes(pickled.getvalue())
    with pytest.raises(ModelFileError, match="does not hold a model's training rows"):
        TrainingRows.load(tmp_path / "bad.npz")
