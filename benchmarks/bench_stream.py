"""Time a 30-day stream simulation with daily monitoring: `python benchmarks/bench_stream.py`.

Each run serves 30 days x 500 loan applications with the champion model, and every day computes the
sliding-window accuracy and a drift report of the day's batch against the 2,500-row reference (concept
drift from day 15). The target is well under 0.5 s per run. Scenarios: no action on alerts, and retraining
on alerts (which adds a model fit and a registry write).

Wall-clock time depends on what else the machine runs; the CPU time of this process is printed too.
``--blas-threads 1`` stops the linear-algebra library from spinning extra threads, which on a small
shared machine only adds contention.
"""

from __future__ import annotations

import argparse
import statistics
import time

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
    parser.add_argument("--blas-threads", type=int, default=None, help="limit BLAS/OpenMP threads (default: no limit)")
    args = parser.parse_args()
    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)
    scenarios = {
        "30-day stream, monitoring, no action": {"drift": "concept", "drift_day": 15},
        "30-day stream, monitoring, retrain on alert": {"drift": "concept", "drift_day": 15, "on_alert": "retrain"},
    }
    for name, kwargs in scenarios.items():
        wall, cpu = bench(args.repeats, **kwargs)
        print(
            f"{name}: median {statistics.median(wall):.3f} s wall (min {min(wall):.3f}, max {max(wall):.3f}), "
            f"median {statistics.median(cpu):.3f} s CPU, {args.repeats} runs"
        )


if __name__ == "__main__":
    main()
