"""The instructor's grading engine behind ``mlcicd grade`` (see :mod:`mlcicd.grader.engine`)."""

from mlcicd.grader.engine import GradeOptions, Row, grade
from mlcicd.grader.errors import ClusterError, CourseError, GradingError, SandboxUnavailableError

__all__ = ["ClusterError", "CourseError", "GradeOptions", "GradingError", "Row", "SandboxUnavailableError", "grade"]
