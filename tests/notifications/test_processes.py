"""Separate processes on PostgreSQL: two scans at once, and a worker killed mid-send."""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from notifications.models import Alert, Channel, Delivery
from notifications.services import deliveries_send_due, deliveries_sweep
from tests.factories import member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("data_migration_rows"),
]
ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2025, 6, 30)


def _env() -> dict[str, str]:
    """The test database, eager Celery (a scan sends in its own process), no real e-mail."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_URL": "locmem://",
        "SCAN_ON_WORKER_START": "0",
    }


@pytest.fixture
def stalled_zone(make_project, zone_a, officer, zone_leader, supervisor, robot_server):
    leader = member("baolian", "viewer", zone=zone_a)
    for days in (5, 20, 40, 70):
        make_project(
            signed_on=AS_OF - datetime.timedelta(days=180 + days), officer=officer, leader=leader
        )
    return Channel.objects.create(
        name="临汾开发区群", kind="wecom", zone=zone_a, url=f"{robot_server.url}/send"
    )


def test_two_scans_at_once_create_each_alert_once_and_send_each_delivery_once(
    stalled_zone, robot_server
):
    # given two processes scanning the same day at the same moment
    command = [sys.executable, "manage.py", "scan", "--as-of", AS_OF.isoformat()]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]

    # then every alert exists once, and the two reports add up to them
    created = [int(out.strip().splitlines()[-1].split()[1]) for out in outputs]
    assert sum(created) == Alert.objects.count() > 0
    keys = Alert.objects.values_list("recipient", "rule", "project", "level", "due_period")
    assert len(set(keys)) == len(keys)

    # and every robot delivery was sent once, by one of them
    robot_rows = Delivery.objects.filter(channel=stalled_zone)
    assert set(robot_rows.values_list("status", flat=True)) == {"sent"}
    lines = [
        line
        for body in robot_server.bodies
        for line in body["markdown"]["content"].splitlines()
        if line.startswith("- ")
    ]
    assert len(lines) == robot_rows.count()


def test_a_worker_killed_after_claiming_is_sent_exactly_once_after_the_lease(
    stalled_zone, robot_server, monkeypatch
):
    # given robot deliveries (not sent by this process), and a worker process that claims them
    # and is killed before sending
    from notifications import services

    monkeypatch.setattr(services, "_queue_sending", lambda: None)
    services.scan(as_of=AS_OF, zone_code="linfen-etdz")
    Delivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(days=1000))
    worker = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("claim_and_die.py"))],
        cwd=ROOT,
        env={**_env(), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout.readline().strip() == "claimed"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    rows = Delivery.objects.filter(channel=stalled_zone)
    assert set(rows.values_list("status", flat=True)) == {"sending"}
    assert robot_server.requests == []
    claimed = rows.first()

    # when nothing happens within the lease, then the sweeper runs after it
    assert deliveries_sweep(now=claimed.lease_until - datetime.timedelta(seconds=1)) == 0
    after = claimed.lease_until + datetime.timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        assert deliveries_sweep() == rows.count()
        deliveries_send_due()
        deliveries_send_due()

    # then each was sent exactly once, in one digest
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    (request,) = robot_server.requests
    lines = [x for x in request["json"]["markdown"]["content"].splitlines() if x.startswith("- ")]
    assert len(lines) == rows.count()
