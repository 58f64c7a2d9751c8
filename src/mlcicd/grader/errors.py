"""The grading engine's exceptions: one base, so a caller can catch everything the engine raises on purpose."""

from __future__ import annotations

from mlcicd.errors import MlcicdError

__all__ = ["ClusterError", "CourseError", "GradingError", "SandboxUnavailableError"]


class GradingError(MlcicdError):
    """Base class of the errors the grading engine raises; the message says what is wrong and what to do."""


class SandboxUnavailableError(GradingError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


class CourseError(GradingError):
    """The course folder is not ready to grade (no such lab, no release, no gradebook entry)."""


class ClusterError(GradingError):
    """The Dask cluster given with ``--scheduler`` cannot be reached, has no workers, or cannot grade."""
