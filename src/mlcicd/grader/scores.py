"""Scores read from the gradebook, split into autograded and hand-graded points, and a table that fits 80 columns.

``read_scores`` asks nbgrader's gradebook (the one ``nbgrader export`` reads for grades.csv) for every submission of
the given labs; ``score_table`` prints one row per student and lab, then one total row per student. A hand-graded
answer nobody has graded yet shows ``awaiting`` (not 0), and the total says how many points still wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = ["LabScore", "autograded_ids", "read_scores", "score_table", "gradebook_students"]

#: Shown instead of a manual score while a hand-graded answer waits for the formgrader.
AWAITING = "awaiting"


@dataclass
class LabScore:
    """One student's points in one lab; ``manual`` is None while a hand-graded answer awaits grading."""

    student: str
    lab: str
    auto: float = 0.0
    auto_max: float = 0.0
    manual: float | None = None
    manual_max: float = 0.0
    rejected: str = ""  # the reason, when mlcicd grade rejected the submission (no gradebook entry)

    @property
    def total(self) -> float:
        return self.auto + (self.manual or 0.0)

    @property
    def total_max(self) -> float:
        return self.auto_max + self.manual_max


def autograded_ids(notebook: Path) -> set[str]:
    """grade_ids of the autograded test cells of a lab notebook (source or release)."""
    nb = nbformat.read(str(notebook), as_version=4)
    ids = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            ids.add(meta["grade_id"])
    return ids


def gradebook_students(db_url: str) -> list[str]:
    """The ids of every student in the gradebook (none when it does not exist yet)."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return sorted(s.id for s in gb.students)


def read_scores(root: Path, labs: list[str], db_url: str | None = None) -> list[LabScore]:
    """Every submission of ``labs`` in the course at ``root`` (its gradebook.db unless ``db_url``)."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root)
    db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"
    found: list[LabScore] = []
    with Gradebook(db_url) as gb:
        for lab in labs:
            auto_ids = autograded_ids(root / "source" / lab / f"{lab}.ipynb")
            try:
                submissions = gb.assignment_submissions(lab)
            except MissingEntry:
                continue
            for submission in submissions:
                score = LabScore(submission.student.id, lab)
                manual, awaiting = 0.0, False
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.name in auto_ids:
                            score.auto += float(grade.score or 0)
                            score.auto_max += float(grade.max_score or 0)
                        else:
                            score.manual_max += float(grade.max_score or 0)
                            if grade.manual_score is None and grade.needs_manual_grade:
                                awaiting = True
                            else:
                                manual += float(grade.score or 0)
                score.manual = None if awaiting else manual
                found.append(score)
    return found


def _points(value: float, out_of: float) -> str:
    return f"{value:g} / {out_of:g}"


def score_table(scores: list[LabScore]) -> str:
    """One row per student and lab (autograded, hand-graded, total, %), then each student's total over all labs.

    ``awaiting``: a hand-graded answer not graded yet; it counts 0 in the total and % until it is graded
    (``3+?``: 3 hand-graded points so far, more answers awaiting)."""
    header = f"{'student':<10}{'lab':<26}{'autograded':>11}{'hand-graded':>14}{'total':>11}{'%':>6}"
    lines = [header, "-" * len(header)]
    by_student: dict[str, list[LabScore]] = {}
    for score in sorted(scores, key=lambda s: (s.student, s.lab)):
        by_student.setdefault(score.student, []).append(score)
        if score.rejected:
            lines.append(f"{score.student:<10}{score.lab:<26}{'rejected: not graded*':>42}")
            continue
        manual = AWAITING if score.manual is None else f"{score.manual:g}"
        manual = f"{manual} / {score.manual_max:g}" if score.manual_max else "-"
        percent = f"{100 * score.total / score.total_max:.0f}%" if score.total_max else "-"
        lines.append(
            f"{score.student:<10}{score.lab:<26}{_points(score.auto, score.auto_max):>11}{manual:>14}"
            f"{_points(score.total, score.total_max):>11}{percent:>6}"
        )
    if len({s.lab for s in scores}) > 1:
        lines += [
            "",
            f"{'student':<10}{'all labs':<26}{'autograded':>11}{'hand-graded':>14}{'total':>11}{'%':>6}",
            "-" * len(header),
        ]
        for student, rows in by_student.items():
            graded = [r for r in rows if not r.rejected]
            if not graded:
                lines.append(f"{student:<10}{f'0 graded, {len(rows)} rejected':<26}{'rejected: not graded*':>42}")
                continue
            auto, auto_max = sum(r.auto for r in graded), sum(r.auto_max for r in graded)
            hand_points = sum(r.manual or 0.0 for r in graded)
            manual_max = sum(r.manual_max for r in graded)
            waiting = sum(r.manual is None for r in graded)
            hand = AWAITING if waiting and not hand_points else f"{hand_points:g}" + ("+?" if waiting else "")
            hand = f"{hand} / {manual_max:g}" if manual_max else "-"
            total, total_max = auto + hand_points, auto_max + manual_max
            percent = f"{100 * total / total_max:.0f}%" if total_max else "-"
            lines.append(
                f"{student:<10}{f'{len(graded)} graded, {len(rows) - len(graded)} rejected':<26}"
                f"{_points(auto, auto_max):>11}{hand:>14}{_points(total, total_max):>11}{percent:>6}"
            )
    return "\n".join(lines)
