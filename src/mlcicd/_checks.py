"""Argument checks shared by the package, in the style of scikit-learn's ``check_scalar``.

A wrong *type* raises ``TypeError``; the right type with a wrong *value* raises ``ValueError``; a data frame
without a required column raises ``KeyError`` (as ``df[column]`` would). Every message names the argument, what
it must be, what it got, and where that helps, how to fix it. Each check returns the value in its canonical
form (a Python ``int`` or ``float``), so callers can write ``n = check_int(n, "n", min_value=1)``.

Booleans are refused where a number is expected: ``True`` is an ``int`` in Python, but ``window_days=True`` is
always a mistake.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["check_bool", "check_fraction", "check_frame", "check_int", "check_number", "check_seed", "check_text"]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value: Any, name: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """``value`` as an ``int``; TypeError unless it is an integer (not a bool), ValueError outside the bounds."""
    if not _is_int(value):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return int(value)


def check_fraction(value: Any, name: str) -> float:
    """``value`` as a ``float`` in [0, 1]; TypeError unless it is a real number (not a bool), ValueError outside."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1, got {type(value).__name__} {value!r}")
    number = float(value)
    if math.isnan(number) or not 0 <= number <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return number


def check_number(
    value: Any,
    name: str,
    *,
    greater_than: float | None = None,
    less_than: float | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> float:
    """``value`` as a finite ``float``; TypeError unless it is a real number (not a bool), ValueError when it is NaN,
    infinite or outside the bounds (``greater_than``/``less_than`` exclusive, ``min_value``/``max_value`` inclusive)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if greater_than is not None and not number > greater_than:
        raise ValueError(f"{name} must be > {greater_than}, got {value!r}")
    if less_than is not None and not number < less_than:
        raise ValueError(f"{name} must be < {less_than}, got {value!r}")
    if min_value is not None and number < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value!r}")
    if max_value is not None and number > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value!r}")
    return number


def check_bool(value: Any, name: str) -> bool:
    """``value`` as a ``bool``; TypeError unless it is ``True`` or ``False`` (numpy booleans included)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_seed(seed: Any, name: str = "seed") -> int:
    """A seed for ``numpy.random.default_rng`` and scikit-learn's ``random_state``: an int in [0, 2**32 - 1]."""
    if not _is_int(seed):
        raise TypeError(
            f"{name} must be a non-negative integer such as 0 or 42, got {type(seed).__name__} {seed!r}; "
            "pass the same seed to get the same numbers"
        )
    return check_int(seed, name, min_value=0, max_value=2**32 - 1)


def check_text(value: Any, name: str, *, example: str) -> str:
    """``value`` itself; TypeError unless it is a ``str``, ValueError when it is empty or only whitespace."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string such as {example!r}, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise ValueError(f"{name} is empty; pass a string such as {example!r}")
    return value


def check_frame(df: Any, name: str = "df", *, columns: Sequence[str] = (), non_empty: bool = True) -> pd.DataFrame:
    """``df`` itself, after checking it is a DataFrame (TypeError) with ``columns`` (KeyError) and rows (ValueError)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{name} is missing column(s) {missing}; it has {list(df.columns)}")
    if non_empty and len(df) == 0:
        raise ValueError(f"{name} is empty; it needs at least one row")
    return df
