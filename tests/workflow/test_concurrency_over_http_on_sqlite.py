"""Six clients taking the same transition at once on the embedded default (SQLite in a file).

Before, the losers got ``database is locked`` 500s beside the one 200: a deferred transaction
that read first could not take the write lock later. With IMMEDIATE transactions they queue for
the lock and lose as on PostgreSQL, with a 409.

pytest-django's ``live_server`` shares one connection among its threads when the test database is
SQLite in memory, which would hide the lock; so the product's own server (``runserver``, as the
embedded run uses) serves a fresh SQLite file here, with real threads sending real requests.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CALLERS = 6

SEED = """
import datetime
from projects.models import City, Membership, Project, Zone
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
city = City.objects.create(name="临汾市")
zone = Zone.objects.create(code="linfen-etdz", name="临汾经济技术开发区", city=city)
ids = [Project.objects.create(
    name=f"项目{i}", investor="山西测试有限公司", zone=zone, industry_chain="新材料",
    total_investment=1000, funds_in_place=100, signed_on=datetime.date(2025, 1, 1),
).pk for i in range(2)]
user = get_user_model().objects.create(username="supervisor")
Membership.objects.create(user=user, role="supervisor", city=city)
print(json.dumps({"projects": ids, "token": Token.objects.create(user=user).key}))
"""

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded default's race; PostgreSQL has its own"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A migrated SQLite file with two projects and a supervisor's token, served on a port."""
    home = tmp_path_factory.mktemp("embedded")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "KFQ_VAR_DIR": str(home / "var"),
        "DEBUG": "1",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    seeded = json.loads(manage("shell", "-v0", "-c", "import json\n" + SEED).splitlines()[-1])
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/nope/", timeout=1)
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        yield {**seeded, "base": base}
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def _call(server, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        server["base"] + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {server['token']}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(raw: bytes) -> dict:
    """The body as JSON, or its start when it is not (Django's HTML error pages)."""
    try:
        return json.loads(raw)
    except ValueError:
        return {"code": None, "not_json": raw[:200].decode(errors="replace")}


def _race(server, path: str, body: dict) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(CALLERS)
    answers: list = [None] * CALLERS

    def take(i: int) -> None:
        barrier.wait(timeout=30)
        answers[i] = _call(server, "POST", path, body)

    threads = [threading.Thread(target=take, args=(i,)) for i in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


@pytest.mark.parametrize(
    ("which", "body", "loser_code"),
    [
        (0, {"effective_on": "2025-06-01", "version": 1}, "version_conflict"),
        (1, {"effective_on": "2025-06-01"}, "transition_not_allowed"),
    ],
    ids=["with-version", "without-version"],
)
def test_six_clients_starting_one_project_one_wins_the_rest_get_409(
    server, which, body, loser_code
):
    project = server["projects"][which]

    # when: six clients take the same transition at the same moment
    answers = _race(server, f"/projects/{project}/transitions/start/", body)

    # then: one 200, five 409s naming the conflict, no 500, and one row in the log
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (CALLERS - 1), answers
    assert {body["code"] for status, body in answers if status == 409} == {loser_code}
    status, history = _call(server, "GET", f"/projects/{project}/history/")
    assert status == 200
    assert [row["transition"] for row in history["results"]] == ["start"]
