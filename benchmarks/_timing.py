"""Shared by the benchmark scripts: thread limits, so numbers from different machines compare."""

from __future__ import annotations


def limit_threads(n: int) -> str:
    """Limit BLAS/OpenMP threads to ``n`` (0: leave them alone) if threadpoolctl is installed; say what was done."""
    if n <= 0:
        return "BLAS/OpenMP threads: not limited"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "BLAS/OpenMP threads: not limited (threadpoolctl is not installed)"
    threadpool_limits(n)
    return f"BLAS/OpenMP threads: limited to {n} (threadpoolctl)"
