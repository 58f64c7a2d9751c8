"""Root pytest plugin: a notebook cell that writes to stderr fails its nbval test.

nbval's --nbval-lax fails only on errors, but the course promises no warnings or stderr in any cell: nbgrader
scores a test cell 0 when it wrote to stderr, and a student should never see a warning from course code.
This lives at the root so that it covers notebooks/, source/ and tests/ alike.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    outputs = getattr(item, "test_outputs", None) or []
    stderr = "".join(
        out.get("text", "") for out in outputs if out.get("output_type") == "stream" and out.get("name") == "stderr"
    )
    if stderr:
        raise AssertionError(f"{item.nodeid} wrote to stderr (nbgrader would score such a test cell 0):\n{stderr}")
    return result
