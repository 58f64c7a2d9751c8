"""The student edition: a public repository holding what students may see, and nothing that gives a lab away.

The instructor's repository (this one) holds ``source/`` (labs with ``### BEGIN SOLUTION`` regions and hidden tests),
the grading engine, the lab specs and the tests. Binder copies the whole repository it builds from into the
student's container, so it must build from a second repository: the one :func:`build_student_edition` writes.

That repository holds the lessons (``notebooks/``), the student versions of the labs (``release/``), the support
package (``src/mlcicd`` without the grading engine ``mlcicd.grader`` and without this module), the Binder
configuration (``binder/``), a ``pyproject.toml`` reduced to the runtime package, ``LICENSE`` and a student README
with the Binder badge. It is a git repository with one commit, ready to push.

Before the commit, :func:`solution_leaks` scans every file written for nbgrader's solution and hidden-test markers,
for the ``assert`` lines of every hidden test in ``source/`` (they hold the answer keys of the multiple-choice
questions) and for copies of solution regions; any hit stops the build with the file and the line.

Usage: python scripts/student_edition.py DEST [--binder-repo OWNER/NAME]   (or: make student-edition DEST=...)
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mlcicd.errors import MlcicdError

__all__ = [
    "BINDER_PLACEHOLDER",
    "EDITION_PARTS",
    "EXCLUDED_FROM_SRC",
    "Leak",
    "StudentEditionError",
    "build_student_edition",
    "Secret",
    "secret_regions",
    "solution_leaks",
    "student_pyproject",
    "student_readme",
]

#: What the student repository is made of (files or folders of the instructor's repository).
EDITION_PARTS = ("notebooks", "release", "src", "binder", "LICENSE")
#: Paths under src/ left out of the edition: the grading engine (it builds complete submissions from source/'s
#: solutions and sanitizes feedback about hidden tests) and this module (it reads source/).
EXCLUDED_FROM_SRC = ("mlcicd/grader", "mlcicd/edition.py")
#: Written into the badge when no --binder-repo is given; the README then says how to fill it in.
BINDER_PLACEHOLDER = "OWNER/STUDENT-REPO"
#: The tables of pyproject.toml a student's `pip install .` needs; the rest (console script of the grading engine,
#: test and lint extras, tool settings for tests that are not there) is instructor-side.
PYPROJECT_TABLES = ("build-system", "project", "tool.setuptools.packages.find", "tool.setuptools.package-data")

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)[ \t]*\n(.*?)### END \1", re.DOTALL)
#: A secret line shorter than this (``return out``, ``pass``, ``)``) is too common to prove a leak.
MIN_SECRET_LENGTH = 24
_IGNORED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc", "*.egg-info")


class StudentEditionError(MlcicdError, ValueError):
    """The student edition cannot be written (destination in use, a leak, git missing); the message says why."""


@dataclass(frozen=True)
class Leak:
    """A line of ``path`` (relative to the edition) that holds a marker or a line of a solution or hidden test."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text.strip()[:100]}"


@dataclass(frozen=True)
class Secret:
    """One solution region or hidden test of a lab: its distinctive lines (see :func:`secret_regions`)."""

    lab: str
    kind: str  # "SOLUTION" or "HIDDEN TESTS"
    lines: frozenset[str]


def secret_regions(source_dir: Path) -> list[Secret]:
    """The solution regions and hidden tests of ``source_dir/*/*.ipynb``, each as its stripped lines of at least
    MIN_SECRET_LENGTH characters that the lab does not also show outside its regions (``with
    reference_disabled(...)`` opens visible and hidden tests alike, so it proves nothing)."""
    regions: list[tuple[str, str, list[str]]] = []
    visible: set[str] = set()
    for path in sorted(Path(source_dir).glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            text = cell.source + "\n"
            for match in _REGION.finditer(text):
                regions.append((path.stem, match.group(1), [line.strip() for line in match.group(2).splitlines()]))
            visible.update(line.strip() for line in _REGION.sub("", text).splitlines())
    secrets = []
    for lab, kind, lines in regions:
        distinctive = frozenset(line for line in lines if len(line) >= MIN_SECRET_LENGTH and line not in visible)
        if distinctive:
            secrets.append(Secret(lab, kind, distinctive))
    return secrets


def _text_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    if path.suffix == ".ipynb":
        # A notebook's JSON escapes quotes and newlines; compare the cells' sources as the student reads them.
        with contextlib.suppress(Exception):  # not a valid notebook: scan the raw text
            text = "\n".join(cell.source for cell in nbformat.reads(text, as_version=4).cells)
    return list(enumerate(text.splitlines(), start=1))


def _region_leaked(found: set[str], secret: Secret) -> bool:
    # Half of a region's distinctive lines in one file is a copy, not a coincidence of common code lines.
    return len(found & secret.lines) >= max(2, (len(secret.lines) + 1) // 2)


def solution_leaks(root: Path, source_dir: Path) -> list[Leak]:
    """What in the folder ``root`` (``.git`` excluded) gives a lab of ``source_dir`` away; empty when nothing does.

    A leak is a line holding nbgrader's solution or hidden-test marker; any ``assert`` line of a hidden test (the
    hidden checks, and the answer keys of the multiple-choice questions: ``assert answer_q1 == "C", ...``); or a
    file holding half or more of the distinctive lines of one solution region or hidden test. The support package
    (``src/``) is exempt from the last rule for solution regions only: it holds, on purpose, reference
    implementations of what the labs ask for (the lessons use them; lab tests switch them off with
    ``mlcicd.grading.reference_disabled``), written independently of the solutions but sharing common lines.
    """
    root = Path(root)
    secrets = secret_regions(source_dir)
    hidden_asserts = {
        line
        for secret in secrets
        if secret.kind == "HIDDEN TESTS"
        for line in secret.lines
        if line.startswith("assert")
    }
    leaks = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        rel = path.relative_to(root).as_posix()
        lines = list(_text_lines(path))
        for number, line in lines:
            if any(marker in line for marker in MARKERS) or line.strip() in hidden_asserts:
                leaks.append(Leak(rel, number, line))
        stripped = {line.strip() for _, line in lines}
        for secret in secrets:
            if secret.kind == "SOLUTION" and rel.startswith("src/"):
                continue
            if _region_leaked(stripped, secret):
                first = min(number for number, line in lines if line.strip() in secret.lines)
                leaks.append(
                    Leak(
                        rel,
                        first,
                        f"{len(stripped & secret.lines)} lines of a {secret.kind.lower()} region of {secret.lab}",
                    )
                )
    return leaks


def student_pyproject(text: str) -> str:
    """The instructor's pyproject.toml reduced to PYPROJECT_TABLES, without the grading engine's console script."""
    kept: list[str] = []
    keep = False
    for line in text.splitlines(keepends=True):
        header = re.match(r"^\[+([^\]]+)\]+\s*$", line)
        if header:
            keep = header.group(1).strip() in PYPROJECT_TABLES
        if keep:
            kept.append(line)
    result = "".join(kept).rstrip() + "\n"
    parsed = tomllib.loads(result)  # a broken reduction fails here, not in the student's pip install
    if "dependencies" not in parsed.get("project", {}):
        raise StudentEditionError("pyproject.toml has no [project] dependencies: the student edition needs them.")
    return result


def student_readme(binder_repo: str | None) -> str:
    """The student repository's README, with the Binder badge pointing at ``binder_repo`` (``owner/name``)."""
    repo = binder_repo or BINDER_PLACEHOLDER
    fill_in = (
        ""
        if binder_repo
        else (
            f"\n(Instructor: replace `{BINDER_PLACEHOLDER}` in the badge above with this repository's GitHub "
            "`owner/name`, or rebuild it with `make student-edition DEST=... BINDER_REPO=owner/name`.)\n"
        )
    )
    return f"""# CI/CD for ML: student edition

[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb)
{fill_in}
A hands-on JupyterLab course on why CI/CD for machine learning differs from CI/CD for ordinary software: the
lessons are in `notebooks/` (start with `notebooks/00_start_here.ipynb`), the labs in `release/<lab>/`.

## On Binder

Click the badge; JupyterLab opens on the start page. Work is not saved when the session ends: download your
notebooks (right-click, *Download*).

## On your own machine (Python 3.11)

```bash
python3.11 -m venv .venv
export PATH="$PWD/.venv/bin:$PATH"
pip install -r binder/requirements.txt && pip install --no-deps -e .
export JUPYTER_CONFIG_DIR="$PWD/.jupyter-student"
bash binder/student_settings.sh         # once: Validate, no instructor tools, no news prompt
python -m mlcicd.workspace my-work      # copies notebooks/ and release/ into my-work/, never over your files
jupyter lab --ServerApp.root_dir=my-work my-work/notebooks/00_start_here.ipynb
```

Work in `my-work/` (ignored by git): a `git pull` of a new version of the course then never conflicts with your
work; run `python -m mlcicd.workspace my-work` again to get the lessons and labs that are new. Back it up yourself.

## Working on a lesson or a lab

- Read a lesson top to bottom, running each cell (Shift+Enter). Quizzes answer at once; you can retry.
- In a lab, write your code where it says `# YOUR CODE HERE` (and delete the `raise NotImplementedError` line),
  answer the multiple-choice questions in code (`answer_q1 = "<your letter>"`), and write the open answer where it says
  `YOUR ANSWER HERE`.
- **Check your work** with the **Validate** button in the notebook toolbar: it restarts the kernel, runs every cell
  and lists the cells that fail. The visible checks are a part of the grading; hidden tests check more.
- **Submit** the notebook file `<lab>.ipynb` as your instructor tells you. Do not rename it, and do not delete or
  edit the test cells: the autograder restores them.
"""


def _check_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise StudentEditionError(
            f"{dest} already exists and is not an empty folder: the student edition is written into a new folder. "
            "Choose another DEST, or delete that folder first."
        )


def _git(dest: Path, *args: str) -> None:
    try:
        proc = subprocess.run(["git", *args], cwd=dest, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise StudentEditionError("git is not installed: install it (apt-get install git) and run again.") from None
    if proc.returncode != 0:
        raise StudentEditionError(f"git {' '.join(args)} failed in {dest}:\n{proc.stderr.strip()}")


def build_student_edition(course_root: Path, dest: Path, binder_repo: str | None = None) -> Path:
    """Write the student repository of the course at ``course_root`` into ``dest`` (new or empty) and commit it.

    Raises :class:`StudentEditionError` when ``dest`` is in use, a part is missing, git fails, or a solution or
    hidden test would leak (then ``dest`` is left as written, uncommitted, for inspection).
    """
    course_root, dest = Path(course_root).resolve(), Path(dest).resolve()
    if binder_repo is not None and not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", binder_repo):
        raise StudentEditionError(
            f"--binder-repo must be a GitHub owner/name such as my-org/mlcicd-student, got {binder_repo!r}."
        )
    _check_dest(dest)
    missing = [part for part in (*EDITION_PARTS, "pyproject.toml", "source") if not (course_root / part).exists()]
    if missing:
        raise StudentEditionError(f"{course_root} is not the course repository: it has no {', '.join(missing)}.")
    if dest == course_root or course_root in dest.parents:
        raise StudentEditionError(f"DEST {dest} is inside the course repository: choose a folder outside it.")

    dest.mkdir(parents=True, exist_ok=True)
    excluded = {(course_root / "src" / rel).resolve() for rel in EXCLUDED_FROM_SRC}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(_IGNORED(folder, names))
        return skipped | {name for name in names if (Path(folder) / name).resolve() in excluded}

    for part in EDITION_PARTS:
        src = course_root / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=ignore)
        else:
            shutil.copy2(src, dest / part)
    pyproject = (course_root / "pyproject.toml").read_text(encoding="utf-8")
    (dest / "pyproject.toml").write_text(student_pyproject(pyproject), encoding="utf-8")
    (dest / "README.md").write_text(student_readme(binder_repo), encoding="utf-8")
    (dest / ".gitignore").write_text(
        ".venv/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\nmy-work/\n.jupyter-student/\n", encoding="utf-8"
    )

    leaks = solution_leaks(dest, course_root / "source")
    if leaks:
        listed = "\n".join(f"  {leak}" for leak in leaks[:20])
        raise StudentEditionError(
            f"The student edition in {dest} would give {len(leaks)} line(s) of solutions or hidden tests away; "
            f"nothing was committed. Remove them from the files named (regenerate release/ from source/):\n{listed}"
        )

    _git(dest, "init", "--quiet", "--initial-branch=main")
    _git(dest, "add", "--all")
    _git(
        dest,
        "-c",
        "user.name=CI/CD for ML course",
        "-c",
        "user.email=course@example.invalid",
        "commit",
        "--quiet",
        "-m",
        "Student edition of the course CI/CD for ML",
    )
    return dest
