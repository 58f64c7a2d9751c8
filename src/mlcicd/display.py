"""How the lessons show tables and numbers: ``display.setup()`` in a lesson's setup cell.

pandas cuts text cells at 50 characters ("age, income, ..., debt_t...") and prints small floats in scientific
notation with seven digits (``3.683804e-01``). :func:`setup` sets, for the running session only:

- ``display.max_colwidth = None``: text cells are never cut (long messages wrap in the HTML table);
- ``display.float_format = format_number``: four significant digits, scientific notation only for numbers
  below 0.001 (p-values such as ``2.18e-25``), thousands separators for large ones.

Importing this module changes nothing; :func:`format_number` also serves prose and f-strings.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

__all__ = ["format_number", "format_p_value", "setup"]


def format_number(x) -> str:
    """A float for a reader: ``0.3684``, ``0.0643``, ``12.5``, ``37,940``, ``2.18e-25``, ``0``, ``NaN``."""
    if not isinstance(x, numbers.Real) or isinstance(x, bool):
        raise TypeError(f"format_number takes a real number, got {type(x).__name__} {x!r}")
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    magnitude = abs(x)
    if magnitude == 0:
        return "0"
    if magnitude >= 1000:
        return f"{x:,.0f}" if x == round(x) else f"{x:,.1f}"
    if magnitude >= 1e-3:
        return f"{x:.4g}"
    return f"{x:.2e}"


def format_p_value(p) -> str:
    """A p-value as the lessons write it: ``p = 0.3684``, ``p = 2.18e-25``."""
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or not 0 <= float(p) <= 1:
        raise ValueError(f"a p-value is a number from 0 to 1, got {p!r}")
    return f"p = {format_number(p)}"


def setup() -> None:
    """Show whole text cells and readable numbers in every pandas table of this session (see the module doc)."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.float_format", format_number)
