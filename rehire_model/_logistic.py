"""Logistic models of an outcome on a model's log-odds, by Newton's method.

Shared by updating (recalibration and revision of a model) and monitoring (its
calibration-in-the-large and slope on a wave of leavers).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

__all__ = ["fit_logistic", "log_likelihood"]


def log_likelihood(y: np.ndarray, eta: np.ndarray) -> float:
    """The Bernoulli log-likelihood of outcomes ``y`` at log-odds ``eta``."""
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def fit_logistic(y: np.ndarray, L: np.ndarray, Z: np.ndarray | None, *, slope: bool,
                 penalty: float = np.inf) -> tuple[float, float, np.ndarray | None]:
    """Maximum (penalised) likelihood of ``a + b L + Z g`` by Newton's method; ``b``
    fixed at 1 without ``slope``, ``g`` at 0 when ``penalty`` is infinite. The
    objective is the mean log loss plus ``penalty / 2 * |g|^2``."""
    use_z = Z is not None and np.isfinite(penalty)
    columns = [np.ones_like(L)] + ([L] if slope else [])
    design = np.column_stack(columns + ([Z] if use_z else []))
    offset = np.zeros_like(L) if slope else L
    n, k = design.shape
    ridge = np.full(k, 1e-8)  # keeps the steps finite when the classes nearly separate
    ridge[len(columns):] += penalty if use_z else 0.0
    theta = np.zeros(k)
    if slope:
        theta[1] = 1.0

    def objective(theta: np.ndarray) -> float:
        eta = offset + design @ theta
        return float(np.mean(np.logaddexp(0, eta) - y * eta) + 0.5 * ridge @ theta**2)

    value = objective(theta)
    for _ in range(100):
        p = expit(offset + design @ theta)
        gradient = design.T @ (p - y) / n + ridge * theta
        if np.max(np.abs(gradient)) < 1e-10:
            break
        hessian = (design.T * (p * (1 - p))) @ design / n + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6:  # halve the step until the objective does not rise
            candidate = theta - size * step
            new_value = objective(candidate)
            if new_value <= value + 1e-15:
                break
            size /= 2
        if size <= 1e-6:
            break
        theta, value = candidate, new_value
    g = theta[len(columns):].copy() if use_z else None
    return float(theta[0]), float(theta[1]) if slope else 1.0, g
