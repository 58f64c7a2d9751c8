"""mlcicd.validation: clean data passes, every injected fault is caught with the right code, bad calls raise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcicd.data import (
    FAULTS,
    NUMERIC_FEATURES,
    REGIONS,
    concept_drift,
    covariate_drift,
    inject_fault,
    make_applications,
    make_stream,
    prior_drift,
)
from mlcicd.grader.sample_class import solution_sources
from mlcicd.validation import (
    ERROR_CODES,
    LOAN_SCHEMA,
    ColumnSpec,
    ValidationError,
    errors_to_frame,
    infer_schema,
    validate,
)
from support import REPO_ROOT


@pytest.fixture(scope="module")
def stream() -> pd.DataFrame:
    return make_stream(n_days=10, rows_per_day=200, seed=4)


def codes(errors):
    return [(e.code, e.column) for e in errors]


# ---------------------------------------------------------------- clean data


def test_clean_stream_and_applications_are_valid_against_loan_schema(stream):
    assert validate(stream, LOAN_SCHEMA) == []
    assert validate(make_applications(500, seed=1), LOAN_SCHEMA) == []  # no "day" column: it is optional


def test_an_empty_frame_with_the_right_columns_is_valid(stream):
    assert validate(stream.iloc[:0], LOAN_SCHEMA) == []


@pytest.mark.parametrize(
    "drift",
    [
        lambda df: covariate_drift(df, 5, shift={"income": -30, "age": 25}, scale={"loan_amount": 3.0}),
        lambda df: covariate_drift(df, 5, shift={"credit_score": -200, "debt_to_income": 0.5, "employment_years": 30}),
        lambda df: prior_drift(df, 5, positive_rate=0.8),
        lambda df: concept_drift(df, 5),
    ],
    ids=["covariate-1", "covariate-2", "prior", "concept"],
)
def test_drifted_but_well_formed_data_is_valid(stream, drift):
    # Drift is value skew, not a schema fault: validation must not stop a pipeline because of it.
    assert validate(drift(stream), LOAN_SCHEMA) == []


# ---------------------------------------------------------------- every fault is caught


@pytest.mark.parametrize("column", ["income", "age", "credit_score", "region"])
def test_nulls_fault_is_reported_as_null_values_with_count_and_first_row(stream, column):
    broken = inject_fault(stream, "nulls", column=column, start_day=5, fraction=0.2, seed=1)
    n_null = int(broken[column].isna().sum())
    assert n_null > 0
    assert validate(broken) == [ValidationError("null_values", column, n_null, int(broken[column].isna().idxmax()))]


@pytest.mark.parametrize("column", NUMERIC_FEATURES)
def test_numbers_as_strings_fault_is_reported_as_wrong_dtype(stream, column):
    broken = inject_fault(stream, "numbers_as_strings", column=column)
    (error,) = validate(broken)
    assert (error.code, error.column, error.count) == ("wrong_dtype", column, len(stream))
    assert isinstance(error.example, str)


@pytest.mark.parametrize("column", NUMERIC_FEATURES)
def test_unit_x1000_fault_is_reported_as_above_max_for_the_affected_rows(stream, column):
    broken = inject_fault(stream, "unit_x1000", column=column, start_day=5)
    errors = validate(broken)
    assert codes(errors) == [("above_max", column)]
    affected = int((stream["day"] >= 5).sum())
    tiny = int(((stream["day"] >= 5) & (stream[column] * 1000 <= LOAN_SCHEMA[column].max)).sum())
    assert errors[0].count == affected - tiny  # values that were 0 stay 0 after x1000


def test_unseen_category_fault_is_reported_as_unknown_category(stream):
    broken = inject_fault(stream, "unseen_category", start_day=3, fraction=0.1, seed=2)
    n_unknown = int((broken["region"] == "unknown").sum())
    assert validate(broken) == [ValidationError("unknown_category", "region", n_unknown, "unknown", REGIONS)]


def test_renamed_column_fault_is_reported_as_missing_plus_unexpected(stream):
    broken = inject_fault(stream, "renamed_column", column="loan_amount")
    assert codes(validate(broken)) == [("missing_column", "loan_amount"), ("unexpected_column", "loan_amount_v2")]


def test_every_fault_in_data_faults_is_caught(stream):
    for fault in FAULTS:
        assert validate(inject_fault(stream, fault, seed=0)), f"fault {fault!r} was not caught"


def test_several_faults_at_once_are_all_reported(stream):
    broken = inject_fault(inject_fault(stream, "nulls", column="age"), "unit_x1000", column="income")
    broken = broken.drop(columns=["region"])
    expected = {("null_values", "age"), ("above_max", "income"), ("missing_column", "region")}
    assert set(codes(validate(broken))) == expected


# ---------------------------------------------------------------- individual checks


def test_below_min_and_above_max_count_offending_values():
    df = pd.DataFrame({"x": [-1.0, 0.0, 5.0, 11.0, 12.0]})
    errors = validate(df, {"x": ColumnSpec("float", min=0, max=10)})
    assert errors == [ValidationError("below_min", "x", 1, -1.0, 0), ValidationError("above_max", "x", 2, 11.0, 10)]
    assert errors[1].message == "'x': values above the maximum 10: 2 values (e.g. 11.0)"


def test_int_spec_accepts_whole_floats_but_rejects_fractions():
    schema = {"n": ColumnSpec("int", nullable=True)}
    assert validate(pd.DataFrame({"n": [1.0, 2.0, np.nan]}), schema) == []
    fractions = pd.DataFrame({"n": [1.0, 2.5, 3.5]})
    assert validate(fractions, schema) == [ValidationError("wrong_dtype", "n", 2, 2.5, "int")]


def test_float_spec_rejects_booleans_and_str_spec_rejects_numbers():
    assert codes(validate(pd.DataFrame({"b": [True, False]}), {"b": ColumnSpec("float")})) == [("wrong_dtype", "b")]
    assert codes(validate(pd.DataFrame({"s": [1, 2]}), {"s": ColumnSpec("str")})) == [("wrong_dtype", "s")]


def test_object_column_mixing_text_and_numbers_reports_only_the_numbers():
    df = pd.DataFrame({"s": pd.Series(["a", 3, "b", 4.5], dtype=object)})
    assert validate(df, {"s": ColumnSpec("str")}) == [ValidationError("wrong_dtype", "s", 2, 3, "str")]


def test_nullable_column_allows_missing_values():
    df = pd.DataFrame({"s": ["a", None]})
    assert validate(df, {"s": ColumnSpec("str", nullable=True)}) == []
    assert validate(df, {"s": ColumnSpec("str")}) == [ValidationError("null_values", "s", 1, 1)]


def test_unique_column_reports_repeats():
    df = pd.DataFrame({"id": [1, 2, 2, 3, 3, 3]})
    assert validate(df, {"id": ColumnSpec("int", unique=True)}) == [ValidationError("duplicate_values", "id", 3, 2)]


def test_duplicate_column_names_are_reported_not_raised():
    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    assert codes(validate(df, {"a": ColumnSpec("int")})) == [("duplicate_column", "a")]


def test_wrong_dtype_skips_range_checks_that_would_be_meaningless():
    df = pd.DataFrame({"x": ["5000", "1"]})
    assert codes(validate(df, {"x": ColumnSpec("float", max=10)})) == [("wrong_dtype", "x")]


def test_examples_are_plain_python_values(stream):
    (error,) = validate(inject_fault(stream, "unit_x1000"))
    assert type(error.example) is float


def test_every_error_code_is_documented_and_has_a_message():
    import mlcicd.validation as module

    for code in ERROR_CODES:
        assert ValidationError(code, "c", 1).message
    assert all(f"``{code}``" in module.__doc__ for code in ERROR_CODES)


def test_errors_to_frame_has_one_row_per_error(stream):
    frame = errors_to_frame(validate(inject_fault(stream, "renamed_column")))
    assert list(frame.columns) == ["code", "column", "count", "example", "expected", "message"]
    assert frame["code"].tolist() == ["missing_column", "unexpected_column"]
    assert errors_to_frame([]).empty


def test_loan_schema_is_read_only_but_easy_to_extend():
    with pytest.raises(TypeError):
        LOAN_SCHEMA["age"] = ColumnSpec("int")
    extended = {**LOAN_SCHEMA, "note": ColumnSpec("str", nullable=True)}
    assert validate(make_applications(20).assign(note=None), extended) == []


cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.sampled_from(["north", "0", "1", "nan", ""]),
)
columns = st.sampled_from([*LOAN_SCHEMA, "extra", "income_v2"])
specs = st.builds(
    ColumnSpec,
    dtype=st.sampled_from(["int", "float", "str"]),
    nullable=st.booleans(),
    allowed=st.one_of(st.none(), st.lists(cells, max_size=3)),
    unique=st.booleans(),
    required=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(columns, st.lists(cells, min_size=3, max_size=3), max_size=5),
    st.one_of(st.just(LOAN_SCHEMA), st.dictionaries(columns, specs, max_size=4)),
    st.booleans(),
)
def test_property_validate_never_raises_on_bad_data(data, schema, infer_dtypes):
    df = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in data.items()})
    if infer_dtypes:
        df = df.infer_objects()
    errors = validate(df, schema)
    assert isinstance(errors, list)
    assert all(isinstance(e, ValidationError) and e.code in ERROR_CODES and e.count > 0 for e in errors)


# ---------------------------------------------------------------- infer_schema


def test_inferred_schema_accepts_its_own_data_and_catches_faults(stream):
    schema = infer_schema(stream)
    assert validate(stream, schema) == []
    assert schema["region"].allowed == ("east", "north", "south", "west")
    assert codes(validate(inject_fault(stream, "unseen_category"), schema)) == [("unknown_category", "region")]
    assert codes(validate(inject_fault(stream, "numbers_as_strings"), schema)) == [("wrong_dtype", "income")]
    assert codes(validate(inject_fault(stream, "renamed_column"), schema)) == [
        ("missing_column", "income"),
        ("unexpected_column", "income_v2"),
    ]


def test_inferred_ranges_are_open_unless_asked_for(stream):
    assert infer_schema(stream)["age"].max is None
    ranged = infer_schema(stream, ranges=True)
    assert (ranged["age"].min, ranged["age"].max) == (stream["age"].min(), stream["age"].max())
    assert codes(validate(inject_fault(stream, "unit_x1000", column="age"), ranged)) == [("above_max", "age")]


def test_infer_schema_marks_columns_with_missing_values_nullable(stream):
    assert infer_schema(inject_fault(stream, "nulls"))["income"].nullable


# ---------------------------------------------------------------- bad calls


@pytest.mark.parametrize("bad", [None, [1, 2], {"age": [30]}, np.zeros((2, 2)), pd.Series([1])])
def test_validate_raises_type_error_naming_the_problem_when_not_given_a_dataframe(bad):
    with pytest.raises(TypeError, match="validate\\(\\) expects a pandas DataFrame"):
        validate(bad, LOAN_SCHEMA)


def test_validate_rejects_a_schema_that_is_not_column_specs(stream):
    with pytest.raises(TypeError, match="mapping of column name -> ColumnSpec"):
        validate(stream, {"age": "int"})


def test_column_spec_rejects_an_unknown_dtype_and_inverted_bounds():
    with pytest.raises(ValueError, match="dtype must be one of"):
        ColumnSpec("integer")
    with pytest.raises(ValueError, match="greater than max"):
        ColumnSpec("int", min=5, max=1)
    with pytest.raises(TypeError, match="collection"):
        ColumnSpec("str", allowed="abc")


def test_infer_schema_rejects_non_frames_and_unsupported_dtypes():
    with pytest.raises(TypeError, match="expects a pandas DataFrame"):
        infer_schema([1, 2])
    with pytest.raises(TypeError, match="column 'flag' has dtype bool"):
        infer_schema(pd.DataFrame({"flag": [True, False]}))


# ---------------------------------------------------------------- issue 13: infinities, empty frames, lab 2


def test_a_float_spec_without_ranges_reports_infinities_as_infinite_values():
    df = pd.DataFrame({"x": [1.0, np.inf, 2.0, -np.inf, np.nan]})
    errors = validate(df, {"x": ColumnSpec("float", nullable=True)})
    assert errors == [ValidationError("infinite_values", "x", 2, np.inf)]
    assert errors[0].message == "'x': infinite values (+inf or -inf) in a numeric column: 2 values (e.g. inf)"


def test_infinities_are_reported_once_as_infinite_values_not_also_as_out_of_range_or_wrong_dtype():
    df = pd.DataFrame({"x": [1.0, np.inf, 20.0], "n": [1.0, -np.inf, 2.0]})
    schema = {"x": ColumnSpec("float", min=0, max=10), "n": ColumnSpec("int", min=0)}
    assert validate(df, schema) == [
        ValidationError("infinite_values", "x", 1, np.inf),
        ValidationError("above_max", "x", 1, 20.0, 10),
        ValidationError("infinite_values", "n", 1, -np.inf),
    ]


def test_infer_schema_refuses_an_empty_frame_instead_of_allowing_no_category_at_all(stream):
    with pytest.raises(ValueError, match=r"df is empty \(0 rows\).*infer the schema from a frame with rows"):
        infer_schema(stream.iloc[:0])


def test_infer_schema_refuses_infinities_in_the_trusted_frame(stream):
    with pytest.raises(ValueError, match=r"column 'income' has 1 infinite value.*replace"):
        infer_schema(stream.assign(income=stream["income"].where(stream.index != 3, np.inf)))


def _lab2_validate_batch():
    """Lab 2's solution of validate_batch(), from source/ (the lab and the package must follow one convention)."""
    namespace = {"pd": pd, "np": np}
    exec(solution_sources("lab2_testing", REPO_ROOT)["testing-validate-batch-solution"], namespace)
    return namespace["validate_batch"]


LAB2_SCHEMA = {
    "age": {"dtype": "int", "min": 18, "max": 100},
    "income": {"dtype": "float", "min": 0.0, "max": 1000.0},
    "loan_amount": {"dtype": "float", "min": 0.0, "max": 500.0},
    "credit_score": {"dtype": "int", "min": 300, "max": 850},
    "debt_to_income": {"dtype": "float", "min": 0.0, "max": 1.0},
    "employment_years": {"dtype": "float", "min": 0.0, "max": 60.0},
    "region": {"dtype": "str", "allowed": ["north", "south", "east", "west"]},
    "default": {"dtype": "int", "min": 0, "max": 1},
}


@pytest.mark.parametrize(
    "fault",
    [
        lambda df: df,
        lambda df: inject_fault(df, "nulls", column="age", seed=1),
        lambda df: inject_fault(df, "nulls", column="income", seed=1),
        lambda df: df.assign(age=df["age"].astype(float)),
        lambda df: df.assign(age=df["age"] + 0.5),
        lambda df: inject_fault(df, "numbers_as_strings", column="income", seed=1),
        lambda df: inject_fault(df, "unit_x1000", column="income", seed=1),
        lambda df: inject_fault(df, "unseen_category", fraction=0.05, seed=1),
        lambda df: inject_fault(df, "renamed_column", column="income", seed=1),
        lambda df: df.assign(default=df["default"].astype(bool)),
    ],
    ids=[
        "clean",
        "null-in-int",
        "null-in-float",
        "whole-floats-in-int",
        "fractions-in-int",
        "numbers-as-strings",
        "unit-x1000",
        "unseen-category",
        "renamed",
        "bool-as-int",
    ],
)
def test_lab2_solution_and_the_package_follow_one_convention(fault):
    """Issue 13 item 5: a missing value in an int column is null_values only, in lab 2 and in mlcicd.validation."""
    batch = fault(make_applications(300, seed=2))
    schema = {name: ColumnSpec(**spec) for name, spec in LAB2_SCHEMA.items()}
    package = {(e.code, e.column) for e in validate(batch, schema)}
    assert _lab2_validate_batch()(batch, LAB2_SCHEMA) == package
