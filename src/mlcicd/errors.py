"""The package's one exception base.

Every error that `mlcicd` raises about the state of the world (a corrupt registry, an unknown model version, a
course folder that is not ready to grade, a switched-off reference implementation) derives from
:class:`MlcicdError`, so ``except MlcicdError`` catches them all. A subclass also keeps the built-in base its
callers already catch: ``mlcicd.grading.ReferenceDisabledError`` is still a ``RuntimeError``.

A bad *argument* is different: it is a mistake in the calling code, and it raises a plain ``TypeError`` (wrong
type) or ``ValueError`` (right type, wrong value), exactly like scikit-learn's ``check_scalar`` and the standard
library; see :mod:`mlcicd._checks`.
"""

from __future__ import annotations

__all__ = ["MlcicdError"]


class MlcicdError(Exception):
    """Base class of the errors `mlcicd` raises on purpose; the message says what is wrong and what to do."""
