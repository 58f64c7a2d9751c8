"""`mlcicd grade --db postgresql://...`: the gradebook in a real PostgreSQL server.

The module starts its own server: ``initdb`` and ``pg_ctl`` (Debian's `postgresql` package) in a temporary folder,
as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root), listening on 127.0.0.1 only.
The same class is graded into PostgreSQL and into SQLite; the scores and `nbgrader export`'s CSV must be equal.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from mlcicd.grader import sample_class
from mlcicd.grader.cluster import _free_port
from support import REPO_ROOT, VENV_BIN, copy_course, course_env, run_nbgrader

pytestmark = [pytest.mark.grading, pytest.mark.postgres]

LAB = "lab1_versioning"
KINDS = ("complete", "partial", "blank", "cheat", "rebinding", "always_equal")
INSTALL_HINT = "install PostgreSQL's server (Debian/Ubuntu: `apt-get install postgresql`; .ci/run does it)"


def _server_binaries() -> Path:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").is_file():
            return folder
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    pytest.fail(f"no PostgreSQL server binaries (initdb, pg_ctl) on this machine: {INSTALL_HINT}")


def _as_server_user(command: list[str], folder: Path) -> list[str]:
    if os.geteuid() != 0:
        return command
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(f"running as root but there is no `postgres` user to run the server as: {INSTALL_HINT}")
    os.chown(folder, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="module")
def postgres_url():
    binaries = _server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="mlcicd-pg-"))
    folder.chmod(0o755)
    port = _free_port()

    def run(*command: str) -> None:
        proc = subprocess.run(
            _as_server_user([str(binaries / command[0]), *command[1:]], folder),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"{command[0]} failed:\n{proc.stdout}\n{proc.stderr}"

    data = folder / "data"
    run("initdb", "-D", str(data), "-U", "mlcicd", "--auth=trust", "-E", "UTF8", "--no-instructions")
    run(
        "pg_ctl",
        "-D",
        str(data),
        "-l",
        str(folder / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}",
        "start",
    )
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="mlcicd", dbname="postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE gradebook")
        yield f"postgresql://mlcicd@127.0.0.1:{port}/gradebook"
    finally:
        run("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def mlcicd_grade(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "mlcicd"), "grade", LAB, "--timeout", "20", "--jobs", "2", *args],
        cwd=course,
        env=course_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def scores(db_url: str) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return {
            s.student.id: {g.name: g.auto_score for nb in s.notebooks for g in nb.grades}
            for s in gb.assignment_submissions(LAB)
        }


def graded_class(dest: Path, *db: str) -> Path:
    course = copy_course(dest)
    run_nbgrader(course, "generate_assignment", LAB, "--force", *db)
    for number, kind in enumerate(KINDS):
        sample_class.write_submission(course, f"s{number}", LAB, getattr(sample_class, kind)(LAB, REPO_ROOT))
    proc = mlcicd_grade(course, *db)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(KINDS)} graded, 0 rejected" in proc.stdout
    return course


@pytest.fixture(scope="module")
def sqlite_course(tmp_path_factory) -> Path:
    return graded_class(tmp_path_factory.mktemp("sqlite") / "course")


@pytest.fixture(scope="module")
def postgres_course(tmp_path_factory, postgres_url) -> Path:
    return graded_class(tmp_path_factory.mktemp("postgres") / "course", "--db", postgres_url)


def test_grading_into_postgres_gives_the_scores_of_sqlite(sqlite_course, postgres_course, postgres_url):
    expected = scores(f"sqlite:///{sqlite_course / 'gradebook.db'}")
    assert sorted(expected) == [f"s{n}" for n in range(len(KINDS))]
    assert len({tuple(sorted(s.items())) for s in expected.values()}) >= 3  # the class is not all one score
    assert scores(postgres_url) == expected
    assert not (postgres_course / "gradebook.db").exists(), "--db must not also write a SQLite gradebook"


def test_nbgrader_export_from_postgres_is_the_csv_of_sqlite(sqlite_course, postgres_course, postgres_url):
    run_nbgrader(sqlite_course, "export", "--to", "grades.csv")
    run_nbgrader(postgres_course, "export", "--db", postgres_url, "--to", "grades.csv")
    # nbgrader lists the students in the order the database returns them (it sorts by name, which is empty here),
    # so the rows are compared as a set under the same header.
    header, *rows = (sqlite_course / "grades.csv").read_text().splitlines()
    pg_header, *pg_rows = (postgres_course / "grades.csv").read_text().splitlines()
    assert len(rows) == len(KINDS)
    assert pg_header == header
    assert sorted(pg_rows) == sorted(rows)


def test_the_config_can_point_the_gradebook_at_postgres(postgres_course, postgres_url):
    config = postgres_course / "nbgrader_config.py"
    original = config.read_text()
    config.write_text(original + f"\nc.CourseDirectory.db_url = {postgres_url!r}\n")
    try:
        proc = mlcicd_grade(postgres_course, "--student", "s0", "--force")
    finally:
        config.write_text(original)
    # Read from SQLite, the course would have no lab1 in its gradebook and the command would stop with exit 2.
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (postgres_course / "gradebook.db").exists()
    assert "s0" in scores(postgres_url)


def test_an_unreachable_database_is_a_clear_error_without_the_password(postgres_course):
    proc = mlcicd_grade(postgres_course, "--db", f"postgresql://mlcicd:s3cret@127.0.0.1:{_free_port()}/gradebook")
    assert proc.returncode == 2
    assert "cannot open the gradebook postgresql://mlcicd:***@127.0.0.1" in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout
