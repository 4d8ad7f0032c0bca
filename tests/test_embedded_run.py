"""Stopping the embedded run ends the web server, the Celery worker and beat, and everything they
started, within 10 seconds, however it is stopped (issue 11 §4: once, a TERM to the process
group followed by an INT left Celery in "Warm shutdown" for over 40 s).

The run is started for real on a free port, with its own var directory and SQLite database, in
a session of its own: every process it starts, orphans included, keeps that session id, so
"all gone" is "no live process left in the session".
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "bin" / "run-embedded"
STARTUP_SECONDS = 120
STOP_SECONDS = 10

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)


@pytest.fixture(autouse=True)
def _today():
    """Real time here: the runs are real processes, and the deadlines are real seconds (the
    suite's frozen clock would stop ``time.monotonic`` too)."""
    yield


def _session_members(sid: int) -> list[int]:
    """The live (not zombie) processes of a session."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
        state, _ppid, _pgrp, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            members.append(int(entry.name))
    return members


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A migrated SQLite database of its own, shared by the runs (they write nothing to it)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('embedded') / 'db.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        timeout=300,
    )
    return url


def _web_answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def _start(database: str, var: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "KFQ_VAR_DIR": str(var),
        "KFQ_BIN": str(Path(sys.executable).parent),
        "PORT": str(port),
    }
    env.pop("CELERY_BROKER_URL", None)  # the embedded broker, whatever the test run uses
    run = subprocess.Popen(
        [str(SCRIPT)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return run, port


def _ready(run: subprocess.Popen, port: int, var: Path) -> bool:
    if run.poll() is not None:
        pytest.fail(f"bin/run-embedded ended on its own with {run.returncode}")
    log = var / "log" / "celery.log"
    return log.exists() and " ready." in log.read_text(errors="replace") and _web_answers(port)


def _kill_session(sid: int) -> list[int]:
    """Kill what is left of a session (so a failing test leaves nothing behind); answers it."""
    left = _session_members(sid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def _ctrl_c(run: subprocess.Popen) -> None:
    """A terminal's Ctrl-C: INT to the foreground process group."""
    os.killpg(run.pid, signal.SIGINT)


def _term_to_the_script(run: subprocess.Popen) -> None:
    run.send_signal(signal.SIGTERM)


def _term_then_int_to_the_group(run: subprocess.Popen) -> None:
    os.killpg(run.pid, signal.SIGTERM)
    time.sleep(0.2)
    os.killpg(run.pid, signal.SIGINT)


WAYS = {
    "ctrl-c": _ctrl_c,
    "term-to-the-script": _term_to_the_script,
    "term-then-int-to-the-group": _term_then_int_to_the_group,
}


def test_stopping_the_embedded_run_ends_every_process_within_ten_seconds(database, tmp_path):
    """The three ways run side by side, on three ports, to keep the test short."""
    # given three embedded runs, each with the web server answering and the worker ready
    runs = {way: (*_start(database, tmp_path / way), tmp_path / way) for way in WAYS}
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        waiting = set(WAYS)
        while waiting and time.monotonic() < deadline:
            waiting = {way for way in waiting if not _ready(*runs[way])}
            time.sleep(0.5)
        assert not waiting, f"not started in time: {waiting}"
        for run, _port, _var in runs.values():
            # the script, runserver's reloader and its server, celery's main process and more
            assert len(_session_members(run.pid)) >= 4

        # when each is stopped its own way
        for way, stop in WAYS.items():
            stop(runs[way][0])

        # then every process of each session is gone within ten seconds, and the ports are free
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline and any(
            _session_members(run.pid) for run, _, _ in runs.values()
        ):
            time.sleep(0.1)
        left = {way: _session_members(run.pid) for way, (run, _, _) in runs.items()}
        assert left == {way: [] for way in WAYS}
        for run, port, _var in runs.values():
            run.wait(timeout=STOP_SECONDS)
            assert not _web_answers(port)
    finally:
        for run, _port, _var in runs.values():
            _kill_session(run.pid)
