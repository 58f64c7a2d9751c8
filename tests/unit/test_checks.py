"""mlcicd._checks: wrong type -> TypeError, wrong value -> ValueError, missing column -> KeyError; one error base."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlcicd._checks import (
    check_bool,
    check_fraction,
    check_frame,
    check_int,
    check_number,
    check_seed,
    check_text,
)
from mlcicd.errors import MlcicdError


def test_check_int_returns_a_python_int_for_numpy_integers():
    value = check_int(np.int64(3), "n", min_value=1)
    assert value == 3 and type(value) is int


@pytest.mark.parametrize("value", [1.0, "3", None, True, np.bool_(True)])
def test_check_int_refuses_non_integers_and_booleans_with_a_type_error(value):
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(value, "n")


@pytest.mark.parametrize(("value", "match"), [(0, "n must be >= 1, got 0"), (11, "n must be <= 10, got 11")])
def test_check_int_refuses_values_outside_the_bounds_with_a_value_error(value, match):
    with pytest.raises(ValueError, match=match):
        check_int(value, "n", min_value=1, max_value=10)


@pytest.mark.parametrize("value", [0, 1, 0.25, np.float32(0.5)])
def test_check_fraction_accepts_numbers_in_the_closed_unit_interval(value):
    result = check_fraction(value, "share")
    assert type(result) is float and math.isclose(result, float(value))


@pytest.mark.parametrize("value", ["0.5", None, True])
def test_check_fraction_refuses_non_numbers_with_a_type_error(value):
    with pytest.raises(TypeError, match="share must be a number between 0 and 1"):
        check_fraction(value, "share")


@pytest.mark.parametrize("value", [-0.01, 1.5, float("nan")])
def test_check_fraction_refuses_values_outside_zero_one_with_a_value_error(value):
    with pytest.raises(ValueError, match="share must be between 0 and 1"):
        check_fraction(value, "share")


def test_check_seed_accepts_the_range_numpy_and_scikit_learn_accept():
    assert check_seed(0) == 0 and check_seed(2**32 - 1) == 2**32 - 1
    np.random.RandomState(check_seed(2**32 - 1))  # the largest accepted seed works where it is used


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (2**32, ValueError), ("0", TypeError), (1.0, TypeError)])
def test_check_seed_refuses_what_numpy_would_refuse_or_misread(seed, error):
    with pytest.raises(error, match="seed"):
        check_seed(seed)


def test_check_text_separates_wrong_type_from_empty_text():
    assert check_text("abc", "code_version", example="3f2a9c1") == "abc"
    with pytest.raises(TypeError, match="code_version must be a string such as '3f2a9c1'"):
        check_text(7, "code_version", example="3f2a9c1")
    with pytest.raises(ValueError, match="code_version is empty"):
        check_text("  ", "code_version", example="3f2a9c1")


def test_check_frame_names_the_argument_and_the_problem():
    df = pd.DataFrame({"a": [1, 2]})
    assert check_frame(df, "batch", columns=("a",)) is df
    with pytest.raises(TypeError, match="batch must be a pandas DataFrame, got list"):
        check_frame([1, 2], "batch")
    with pytest.raises(KeyError, match=r"batch is missing column\(s\) \['b'\]; it has \['a'\]"):
        check_frame(df, "batch", columns=("a", "b"))
    with pytest.raises(ValueError, match="batch is empty"):
        check_frame(df.iloc[:0], "batch")
    assert check_frame(df.iloc[:0], "batch", non_empty=False).empty


def test_checks_raise_only_builtin_argument_errors():
    """Bad arguments are TypeError/ValueError/KeyError as in scikit-learn, not the package's MlcicdError."""
    for call in (lambda: check_int("1", "n"), lambda: check_fraction(2, "f"), lambda: check_frame(None)):
        with pytest.raises((TypeError, ValueError)) as info:
            call()
        assert not isinstance(info.value, MlcicdError)


def test_the_package_errors_share_one_base_and_keep_their_builtin_bases():
    from mlcicd.grader.errors import CourseError, GradingError, SandboxUnavailableError
    from mlcicd.grading import ReferenceDisabledError
    from mlcicd.registry import RegistryError

    for error in (GradingError, CourseError, SandboxUnavailableError, RegistryError, ReferenceDisabledError):
        assert issubclass(error, MlcicdError), error
    assert issubclass(ReferenceDisabledError, RuntimeError)


def test_check_number_returns_a_finite_float_within_open_and_closed_bounds():
    value = check_number(np.float32(0.5), "x", greater_than=0, less_than=1)
    assert value == 0.5 and type(value) is float
    assert check_number(1, "x", min_value=1, max_value=1) == 1.0


@pytest.mark.parametrize(
    ("value", "kwargs", "error", "match"),
    [
        ("0.1", {}, TypeError, "x must be a number, got str"),
        (True, {}, TypeError, "x must be a number, got bool"),
        (None, {}, TypeError, "x must be a number"),
        (math.nan, {}, ValueError, "x must be finite"),
        (-math.inf, {}, ValueError, "x must be finite"),
        (0, {"greater_than": 0}, ValueError, "x must be > 0, got 0"),
        (1, {"less_than": 1}, ValueError, "x must be < 1, got 1"),
        (-1, {"min_value": 0}, ValueError, "x must be >= 0, got -1"),
        (2, {"max_value": 1}, ValueError, "x must be <= 1, got 2"),
    ],
)
def test_check_number_separates_wrong_type_from_wrong_value(value, kwargs, error, match):
    with pytest.raises(error, match=match):
        check_number(value, "x", **kwargs)


def test_check_bool_accepts_only_true_and_false():
    assert check_bool(np.bool_(True), "flag") is True
    for value in (1, "yes", None):
        with pytest.raises(TypeError, match="flag must be True or False"):
            check_bool(value, "flag")
