"""`stspd import-ssmsi FILE` starts reliably: run as an operator runs it, many times over.

It once crashed in 1 run of 20 with `NameError: name 'sys' is not defined` while Django imported
its settings: the file was read in a thread started before Django, and the two threads
imported modules at the same time (issue 13). Each run here is a fresh process, the way the
race showed, against one temporary SQLite database set up once.
"""

import os
import subprocess
import sys
from pathlib import Path

from stspd.observatory.tests.test_import import row, write

RUNS = 50
SETUP = """
from stspd.territories.models import Commune, Departement, Region
region = Region.objects.create(code="28", name="Normandie")
dep = Departement.objects.create(code="76", name="Seine-Maritime", region=region)
for code in ("76351", "76540", "76575"):
    Commune.objects.create(code=code, name=code, kind="commune", departement=dep)
"""


# Runs `stspd import-ssmsi FILE` (argv[1]) as the `stspd` command does, and lists every module
# first imported by a thread other than the main one: where two threads import at once, one
# may see a module the other has only half run (the NameError of issue 13).
WATCHED = """
import sys, threading

class Watch:
    def find_spec(self, name, path=None, target=None):
        thread = threading.current_thread()
        if thread is not threading.main_thread():
            print(f"IMPORT OFF THE MAIN THREAD: {name} ({thread.name})", file=sys.stderr)
        return None  # the usual finders import it

sys.meta_path.insert(0, Watch())
sys.argv = ["stspd", "import-ssmsi", sys.argv[1]]
from stspd import cli
cli.main()
"""


def stspd(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stspd.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def environment(tmp_path: Path) -> dict[str, str]:
    """A temporary SQLite database with three communes, set up once."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}
    } | {
        "DJANGO_SETTINGS_MODULE": "stspd.settings",
        "STSPD_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stspd.sqlite3'}",
    }
    for args in (["migrate", "--verbosity", "0"], ["shell", "-c", SETUP]):
        done = stspd(env, *args)
        assert done.returncode == 0, done.stderr
    return env


def small_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "petit.csv.gz",
        [
            row(code, year, "Violences sexuelles", 7)
            for code in ("76351", "76540", "76575")
            for year in (2022, 2023)
        ],
        gz=True,
    )


def test_only_the_main_thread_imports_modules(tmp_path: Path) -> None:
    env, path = environment(tmp_path), small_file(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", WATCHED, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "valeurs enregistrées : 6\n" in done.stdout
    off_main = [line for line in done.stderr.splitlines() if "OFF THE MAIN THREAD" in line]
    assert not off_main, "\n".join(off_main)


def test_the_command_starts_every_time(tmp_path: Path) -> None:
    env, path = environment(tmp_path), small_file(tmp_path)
    failures = []
    for run in range(RUNS):
        done = stspd(env, "import-ssmsi", str(path))
        if done.returncode != 0 or "valeurs enregistrées : 6\n" not in done.stdout:
            failures.append(f"run {run + 1}: exit {done.returncode}\n{done.stderr[-2000:]}")

    assert not failures, f"{len(failures)} of {RUNS} runs failed:\n" + "\n".join(failures)
