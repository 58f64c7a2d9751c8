"""Lesson tables and numbers: whole text cells and readable floats once display.setup() ran."""

from __future__ import annotations

import pandas as pd
import pytest

from mlcicd import display


@pytest.fixture
def course_display():
    with pd.option_context("display.max_colwidth", 50, "display.float_format", None):
        display.setup()
        yield


@pytest.mark.parametrize(
    "value, text",
    [
        (0.3683804, "0.3684"),
        (0.06430612, "0.06431"),
        (12.5, "12.5"),
        (37940.0, "37,940"),
        (1234.56, "1,234.6"),
        (2.178461e-25, "2.18e-25"),
        (0.0, "0"),
        (float("nan"), "NaN"),
        (-0.5, "-0.5"),
    ],
)
def test_numbers_read_with_four_significant_digits_and_exponents_only_for_tiny_values(value, text):
    assert display.format_number(value) == text


def test_a_p_value_outside_zero_to_one_is_refused_with_the_range():
    assert display.format_p_value(2.178461e-25) == "p = 2.18e-25"
    with pytest.raises(ValueError, match="from 0 to 1"):
        display.format_p_value(1.5)
    with pytest.raises(TypeError, match="real number"):
        display.format_number("0.5")


def test_after_setup_tables_keep_long_text_and_print_p_values_readably(course_display):
    features = "age, income, loan_amount, credit_score, debt_to_income, employment_years, region"
    table = pd.DataFrame({"drifted": [features], "KS p-value": [3.683804e-01], "tiny": [2.178461e-25]})
    for text in (table.to_string(), table._repr_html_()):
        assert "debt_to_income, employment_years, region" in text and "..." not in text
        assert "0.3684" in text and "2.18e-25" in text and "e-01" not in text


def test_importing_the_module_changes_no_pandas_option():
    import importlib

    with pd.option_context("display.max_colwidth", 50):
        importlib.reload(display)
        assert pd.get_option("display.max_colwidth") == 50
