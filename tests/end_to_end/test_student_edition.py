"""The student edition (`make student-edition DEST=...`, scripts/student_edition.py, mlcicd.edition) proven on a
real build: a git repository with one commit that holds no solution, hidden test, answer key or instructor file,
whose Binder configuration renders with repo2docker and whose lessons run against its own copy of the package.

Run only these:  python -m pytest tests/end_to_end/test_student_edition.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlcicd.edition import BINDER_PLACEHOLDER, StudentEditionError, build_student_edition, solution_leaks
from support import REPO_ROOT, assert_binder_config_renders, course_env

BINDER_REPO = "example-org/mlcicd-student"
SCRIPT = REPO_ROOT / "scripts" / "student_edition.py"
#: What only the instructor's repository may hold.
INSTRUCTOR_ONLY = (
    "source",
    "nbgrader_config.py",
    "gradebook.db",
    "tests",
    "scripts",
    "benchmarks",
    "autograded",
    "submitted",
    "feedback",
    "Makefile",
    "src/mlcicd/grader",
    "src/mlcicd/edition.py",
)
#: The lessons whose run proves the edition's package works on its own (the start page and one lesson).
LESSONS = ("notebooks/00_start_here.ipynb", "notebooks/01_versioning.ipynb")


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """The student edition built once by the script, as `make student-edition` runs it."""
    dest = tmp_path_factory.mktemp("edition") / "mlcicd-student"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(dest), "--binder-repo", BINDER_REPO],
        cwd=REPO_ROOT,
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_the_edition_holds_no_solution_or_hidden_test_marker(edition: Path):
    files = _files(edition)
    assert len(files) > 20, f"the edition is nearly empty: {files}"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{path.relative_to(edition)} contains {marker!r}"


def test_the_edition_holds_no_line_of_a_solution_or_hidden_test(edition: Path):
    assert solution_leaks(edition, REPO_ROOT / "source") == []


def test_the_leak_check_finds_solutions_and_answer_keys(tmp_path: Path):
    # The control for the test above: the same check, on the labs with their solutions, finds them.
    assert solution_leaks(REPO_ROOT / "source", REPO_ROOT / "source")
    # A solution pasted without its markers into a lesson, and a hidden test's answer key in the package, are caught.
    source = nbformat.read(REPO_ROOT / "source" / "lab1_versioning" / "lab1_versioning.ipynb", as_version=4)
    solution = next(c.source for c in source.cells if "### BEGIN SOLUTION" in c.source)
    hidden = next(c.source for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source)
    unmarked = "\n".join(line for line in solution.splitlines() if "### " not in line)
    lesson = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(unmarked)])
    (tmp_path / "notebooks").mkdir()
    nbformat.write(lesson, tmp_path / "notebooks" / "lesson.ipynb")
    key = next(
        line
        for line in hidden.split("### BEGIN HIDDEN TESTS", 1)[1].splitlines()
        if line.strip().startswith("assert") and len(line.strip()) > 30
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helper.py").write_text(f"def check():\n    {key.strip()}\n", encoding="utf-8")
    leaks = {leak.path for leak in solution_leaks(tmp_path, REPO_ROOT / "source")}
    assert leaks == {"notebooks/lesson.ipynb", "src/helper.py"}, leaks


def test_the_edition_has_the_student_parts_and_no_instructor_files(edition: Path):
    for part in ("notebooks/00_start_here.ipynb", "release", "src/mlcicd/__init__.py", "binder/postBuild", "LICENSE"):
        assert (edition / part).exists(), f"the edition lacks {part}"
    assert sorted(p.name for p in (edition / "release").iterdir()) == sorted(
        p.name for p in (REPO_ROOT / "source").iterdir() if p.is_dir()
    ), "every lab in source/ must have its student version in the edition"
    for name in INSTRUCTOR_ONLY:
        assert not (edition / name).exists(), f"the student edition must not hold {name}"
    assert list(edition.rglob("*.db")) == []


def test_the_edition_is_a_git_repository_with_one_commit_and_everything_committed(edition: Path):
    assert _git(edition, "rev-list", "--count", "HEAD").strip() == "1"
    assert _git(edition, "status", "--porcelain") == "", "the edition has uncommitted files"
    tracked = set(_git(edition, "ls-files").split())
    assert tracked == {p.relative_to(edition).as_posix() for p in _files(edition)}


def test_the_student_readme_has_the_binder_badge_of_the_student_repository(edition: Path, tmp_path: Path):
    readme = (edition / "README.md").read_text(encoding="utf-8")
    assert f"https://mybinder.org/v2/gh/{BINDER_REPO}/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb" in readme
    assert "Validate" in readme
    # Without --binder-repo the badge carries the placeholder and the README says how to fill it in.
    bare = build_student_edition(REPO_ROOT, tmp_path / "bare")
    text = (bare / "README.md").read_text(encoding="utf-8")
    assert f"/v2/gh/{BINDER_PLACEHOLDER}/HEAD" in text
    assert f"replace `{BINDER_PLACEHOLDER}`" in text


def test_the_student_pyproject_installs_only_the_runtime_package(edition: Path):
    import tomllib

    project = tomllib.loads((edition / "pyproject.toml").read_text(encoding="utf-8"))
    instructor = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dependencies"] == instructor["project"]["dependencies"]
    # The console script runs the grading engine, which the edition does not have.
    assert "scripts" not in project["project"]
    assert "optional-dependencies" not in project["project"]


def test_an_existing_folder_that_is_not_empty_is_refused(tmp_path: Path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StudentEditionError, match="already exists and is not an empty folder"):
        build_student_edition(REPO_ROOT, dest)
    assert [p.name for p in dest.iterdir()] == ["notes.txt"], "a refused DEST must be left untouched"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(dest)], env=course_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "Choose another DEST" in proc.stderr


def test_the_editions_binder_config_renders_with_repo2docker(edition: Path):
    assert_binder_config_renders(edition)


@pytest.mark.slow
def test_the_editions_lessons_run_with_its_own_package(edition: Path):
    env = {**course_env(), "PYTHONPATH": str(edition / "src"), "MPLBACKEND": "Agg"}
    env.pop("PYTEST_ADDOPTS", None)
    probe = subprocess.run(
        [sys.executable, "-c", "import mlcicd, mlcicd.grading, mlcicd.quiz; print(mlcicd.__file__)"],
        cwd=edition,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).is_relative_to(edition / "src"), probe.stdout
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            *LESSONS,
        ],
        cwd=edition,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout, proc.stdout[-2000:]


def test_the_make_target_passes_dest_and_binder_repo():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "student-edition:" in makefile
    assert "scripts/student_edition.py" in makefile
    proc = subprocess.run(
        ["make", "-n", "student-edition", "DEST=/tmp/x", f"BINDER_REPO={BINDER_REPO}"],
        cwd=REPO_ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"scripts/student_edition.py /tmp/x --binder-repo {BINDER_REPO}" in proc.stdout
    assert shutil.which("git"), "git is needed for the student edition"


def test_no_module_of_the_edition_imports_what_it_leaves_out(edition: Path):
    # Every module the edition ships imports (import_module of each: the edition's src/ first on the path).
    modules = sorted(
        ".".join(p.relative_to(edition / "src").with_suffix("").parts).removesuffix(".__init__")
        for p in (edition / "src").rglob("*.py")
    )
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    env = {**course_env(), "PYTHONPATH": str(edition / "src"), "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-c", code, *modules], cwd=edition, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"a module of the student edition needs a left-out one:\n{proc.stderr[-3000:]}"
