"""Benchmark: time a full drift report on 10,000 rows x 10 columns, and PSI on 10,000 values.

Run from the repository root:  python benchmarks/bench_drift.py [--repeats 21]

The frames are seeded loan applications (mlcicd.data) with two derived columns, so the report uses every
large-sample test (Wasserstein for numeric columns, Jensen-Shannon for categorical / few-valued ones). A
second line times the small-sample path (1,000 reference rows: KS, chi-squared and z-tests). The target
is well under 0.5 s per report on a 2-core machine. Prints medians (and min/max) over the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from mlcicd.data import covariate_drift, make_applications
from mlcicd.drift import drift_report, psi

ROWS = 10_000


def ten_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add two derived columns to applications (7 features + label): 10 columns."""
    df = df.copy()
    df["loan_to_income"] = (df["loan_amount"] / df["income"]).round(4)
    df["score_band"] = (df["credit_score"] // 100).astype("int64")  # 4-6 distinct values
    return df


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float]) -> str:
    return (f"{label:<62} median {statistics.median(times) * 1000:8.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="timed repetitions per measurement (default 21)")
    args = parser.parse_args()

    reference = ten_columns(make_applications(ROWS, seed=0))
    current = ten_columns(covariate_drift(make_applications(ROWS, seed=1), shift={"income": -10}, seed=1))
    assert reference.shape == current.shape == (ROWS, 10)

    report = drift_report(reference, current)
    print(f"drift_report on {ROWS:,} x {reference.shape[1]} (reference and current): tests used "
          f"{sorted(set(report.table['test']))}; drifted {report.drifted_columns}")
    print(line("full drift_report, 10,000 x 10", timed(lambda: drift_report(reference, current), args.repeats)))
    small = reference.iloc[:1000]
    print(line("full drift_report, 1,000-row reference x 10 (p-value tests)",
               timed(lambda: drift_report(small, current), args.repeats)))
    print(line("psi, 10,000 vs 10,000 values, 10 bins",
               timed(lambda: psi(reference["income"], current["income"]), args.repeats)))


if __name__ == "__main__":
    main()
