"""End to end: a real Celery worker with beat on Redis and PostgreSQL, started by the test. Beat
runs the scan, the scan raises the alert and queues the sending, the worker posts to the robot.

Runs when CELERY_BROKER_URL names Redis and DATABASE_URL PostgreSQL (.ci/run sets both); with
KFQ_REQUIRE_SERVERS=1 a missing server fails instead of skipping.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from notifications.models import Alert, Channel, Delivery
from tests.notifications.test_processes import _env

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("data_migration_rows"),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith("redis://") and connection.vendor == "postgresql":
        return url
    if os.environ.get("KFQ_REQUIRE_SERVERS") == "1":
        pytest.fail("KFQ_REQUIRE_SERVERS=1 but CELERY_BROKER_URL is not Redis or no PostgreSQL")
    pytest.skip("needs CELERY_BROKER_URL=redis://… and PostgreSQL")


def _until(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_a_stalled_project_reaches_the_inbox_and_the_robot_through_worker_and_beat(
    broker_url, make_project, officer, zone_a, robot_server, tmp_path
):
    # given a stalled project, a robot of its zone, and beat told to scan every two seconds
    project = make_project(signed_on=datetime.date(2024, 9, 1), officer=officer)
    Channel.objects.create(name="开发区群", kind="wecom", zone=zone_a, url=f"{robot_server.url}/s")
    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.create(
        name="integration scan", task="notifications.tasks.scan_task", interval=every_2s
    )

    # when a real worker with beat runs on Redis against this database
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kfq",
            "worker",
            "--beat",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            "--concurrency",
            "2",
            "--purge",
            "-n",
            f"integration-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env={**_env(), "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_BROKER_URL": broker_url},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # then the officer's in-app alert appears and the robot is called, once
        arrived = _until(lambda: Delivery.objects.filter(status="sent").exists())
    finally:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: running tasks finish
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert arrived, log.read_text()[-3000:]
    alert = Alert.objects.get(project=project, recipient=officer)
    assert alert.rule == "signed_not_started"
    (request,) = robot_server.requests
    assert project.name in request["json"]["markdown"]["content"]
    assert "Traceback" not in log.read_text()
