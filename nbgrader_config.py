"""nbgrader configuration for the "CI/CD for ML" course.

Run every nbgrader command from the repository root: this file makes the root the course directory, so
``source/``, ``release/``, ``submitted/``, ``autograded/`` and ``feedback/`` sit beside it.
"""

import os

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "mlcicd"
# The folder of this file, absolute: a relative root makes every Jupyter server log "root '.' is not absolute".
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))  # __file__: set by traitlets' config loader
# header.ipynb holds the shared instructions once; generate_assignment prepends it to every lab.
c.IncludeHeaderFooter.header = "source/header.ipynb"

c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("Replace this line with your solution.")'
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# The default 30 s per cell is too short for a scikit-learn fit on a slow or busy machine, yet an
# infinite loop in a student's cell must still be cut so the other parts of that notebook get graded.
c.ExecutePreprocessor.timeout = 120
# A student's print in a loop must not produce a multi-megabyte notebook or feedback page.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
# A test cell deleted by a student comes back from the source, so that part is graded (and scores 0)
# instead of silently disappearing from the gradebook.
c.OverwriteCells.add_missing_cells = True
# Plain `nbgrader autograde` (and the formgrader's Autograde button) runs student code the way `mlcicd grade` does:
# the kernel in the bubblewrap sandbox (no view of this folder, no network, memory and process caps), guarded
# around every test cell, restarted without a cell that kills it; stderr in a test cell does not zero a correct
# answer and outputs are capped in bytes. Only autograde is changed: a student's Validate button runs as before.
# Without bubblewrap this fails with the install line; `--GuardedExecute.sandbox=False` runs unconfined.
from mlcicd.grader.engine import AUTOGRADE_PREPROCESSORS  # noqa: E402 - the engine's list, kept in one place

c.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS

# nbgrader's feedback copies the autograded notebook, hidden tests included, and tracebacks quote the failing
# hidden assert. FeedbackSanitizer keeps only the visible tests, pass or fail with the instructor's message, and no
# output that quotes a hidden test.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mlcicd.grader.feedback.FeedbackSanitizer",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# A hand-graded answer not graded yet reads "awaiting grading" in feedback, not "Score: 0.0 / 4.0".
from mlcicd.grader.feedback import FEEDBACK_FILTERS  # noqa: E402

c.HTMLExporter.filters = FEEDBACK_FILTERS
