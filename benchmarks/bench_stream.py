"""Time a 30-day stream simulation with daily monitoring: `python benchmarks/bench_stream.py`.

Each run serves 30 days x 500 loan applications with the champion model, and every day computes the
sliding-window accuracy and a drift report of the day's batch against the 2,500-row reference (concept
drift from day 15). The target is well under 0.5 s per run. Scenarios: no action on alerts, and retraining
on alerts (which adds a model fit and a registry write).

Wall-clock time depends on what else the machine runs, so the CPU time of this process
(``time.process_time``) is printed too: on a busy shared machine it is the steadier number. By default the
linear-algebra (BLAS/OpenMP) libraries are limited to one thread when threadpoolctl is installed, since on a
small shared machine extra threads only add contention; ``--blas-threads 0`` removes the limit.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _timing import limit_threads  # benchmarks/_timing.py, beside this script
from mlcicd.serving import simulate_stream


def bench(repeats: int, **kwargs) -> tuple[list[float], list[float]]:
    simulate_stream(**kwargs)  # warm-up: imports and first-call caches are not what we measure
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        simulate_stream(**kwargs)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per scenario (default 7)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="limit BLAS/OpenMP threads when threadpoolctl is installed (default 1; 0: no limit)",
    )
    args = parser.parse_args()
    print(limit_threads(args.blas_threads))
    scenarios = {
        "30-day stream, monitoring, no action": {"drift": "concept", "drift_day": 15},
        "30-day stream, monitoring, retrain on alert": {"drift": "concept", "drift_day": 15, "on_alert": "retrain"},
    }
    for name, kwargs in scenarios.items():
        wall, cpu = bench(args.repeats, **kwargs)
        print(
            f"{name}: median {statistics.median(wall):.3f} s wall (min {min(wall):.3f}, max {max(wall):.3f}), "
            f"median {statistics.median(cpu):.3f} s CPU (min {min(cpu):.3f}, max {max(cpu):.3f}), {args.repeats} runs"
        )


if __name__ == "__main__":
    main()
