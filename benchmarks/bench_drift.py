"""Benchmark: time a full drift report on 10,000 rows x 10 columns, and PSI on 10,000 values.

Run from the repository root:  python benchmarks/bench_drift.py [--repeats 21]

The frames are seeded loan applications (mlcicd.data) with two derived columns, so the report uses every
large-sample test (Wasserstein for numeric columns, Jensen-Shannon for categorical / few-valued ones). A
second line times the small-sample path (1,000 reference rows: KS, chi-squared and z-tests). The target
is well under 0.5 s per report on a 2-core machine. Prints the median (and min/max) wall-clock time and the
median CPU time of this process (``time.process_time``, the steadier number on a busy shared machine) over
the repeats. BLAS/OpenMP libraries are limited to one thread when threadpoolctl is installed
(``--blas-threads 0``: no limit).
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from _timing import limit_threads  # benchmarks/_timing.py, beside this script
from mlcicd.data import covariate_drift, make_applications
from mlcicd.drift import ReferenceProfile, drift_report, psi

ROWS = 10_000


def ten_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add two derived columns to applications (7 features + label): 10 columns."""
    df = df.copy()
    df["loan_to_income"] = (df["loan_amount"] / df["income"]).round(4)
    df["score_band"] = (df["credit_score"] // 100).astype("int64")  # 4-6 distinct values
    return df


def timed(fn, repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``repeats`` calls of ``fn`` (after one warm-up call)."""
    fn()  # warm-up (imports, caches)
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def line(label: str, times: tuple[list[float], list[float]]) -> str:
    wall, cpu = times
    return (
        f"{label:<62} median {statistics.median(wall) * 1000:8.1f} ms wall "
        f"(min {min(wall) * 1000:.1f}, max {max(wall) * 1000:.1f}), "
        f"median {statistics.median(cpu) * 1000:.1f} ms CPU, n={len(wall)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="timed repetitions per measurement (default 21)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="limit BLAS/OpenMP threads when threadpoolctl is installed (default 1; 0: no limit)",
    )
    args = parser.parse_args()
    print(limit_threads(args.blas_threads))

    reference = ten_columns(make_applications(ROWS, seed=0))
    current = ten_columns(covariate_drift(make_applications(ROWS, seed=1), shift={"income": -10}, seed=1))
    assert reference.shape == current.shape == (ROWS, 10)

    report = drift_report(reference, current)
    print(
        f"drift_report on {ROWS:,} x {reference.shape[1]} (reference and current): tests used "
        f"{sorted(set(report.table['test']))}; drifted {report.drifted_columns}"
    )
    print(line("full drift_report, 10,000 x 10", timed(lambda: drift_report(reference, current), args.repeats)))
    profile = ReferenceProfile(reference)
    print(
        line(
            "drift_report with a prepared ReferenceProfile, 10,000 x 10",
            timed(lambda: drift_report(profile, current), args.repeats),
        )
    )
    small = reference.iloc[:1000]
    print(
        line(
            "full drift_report, 1,000-row reference x 10 (p-value tests)",
            timed(lambda: drift_report(small, current), args.repeats),
        )
    )
    print(
        line(
            "psi, 10,000 vs 10,000 values, 10 bins",
            timed(lambda: psi(reference["income"], current["income"]), args.repeats),
        )
    )


if __name__ == "__main__":
    main()
