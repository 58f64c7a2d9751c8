"""mlcicd: the simulation library behind the "CI/CD for ML" course.

Importing the package has no side effects: it sets no seeds, creates no folders and changes no plot style.
"""

from mlcicd.data import make_applications, make_stream

__all__ = ["make_applications", "make_stream"]
__version__ = "0.1.0"
