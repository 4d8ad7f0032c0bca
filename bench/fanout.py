"""The scan as production runs it: the plan, then one ``scan_city_task`` per city holding a busy
zone, on a real Celery worker (prefork, one process per CPU) over the bench's Redis database.

The plan (``scan_zones_to_check``) runs in the bench's process, as ``scan_task`` runs it on a
worker, and the bench queues one ``scan_city_task`` per city of the zones it returns, as
``scan_task`` does (the bench keeps the zones, to wait on their marks).
A pass records its zone's ``ScanMark`` in its own transaction, so a zone is done when its mark
shows the day and a ``changed_since`` moved past the scan's start: the bench polls the marks.

The worker runs with production settings (``bench.transitions.production_env``), no beat, no scan
on start; the sender the passes queue after commit goes to a queue nobody takes
(``bench.worker_settings``). The bench's Redis database is emptied before the worker starts and
after it stops.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = os.cpu_count() or 1
QUEUE = "celery"  # the product's default queue: it routes none of the scan's tasks elsewhere
CITY_TASK = "notifications.tasks.scan_city_task"
STUCK_AFTER = 600  # seconds without a zone done: the fan-out is stuck, the bench fails
POLL = 0.1


@dataclass
class Timed:
    """One scan: ``seconds`` (extrapolated to every zone when the budget cut it), the zones the
    plan found busy, how many of them the worker passed in time, the plan's own seconds."""

    seconds: float
    zones_to_pass: int
    zones_done: int
    planned_seconds: float

    @property
    def extrapolated(self) -> bool:
        return self.zones_done < self.zones_to_pass


@functools.cache
def _broker():
    from celery import Celery

    from bench.transitions import REDIS_URL

    return Celery("bench-scan", broker=REDIS_URL, set_as_current=False)


def _flush() -> None:
    """The bench's Redis database emptied: queued zones, the held sender, unacked messages."""
    import redis

    from bench.transitions import REDIS_URL

    redis.Redis.from_url(REDIS_URL).flushdb()


class ScanWorker:
    """``celery -A kfq worker`` on the bench database, in a session of its own (Ctrl-C in the
    bench's terminal reaches the bench, which stops it)."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url = database_url
        self.folder = folder
        self.name = f"bench-scan-{os.getpid()}@%h"
        self.process: subprocess.Popen | None = None
        self.log_path = folder / "scan-worker.log"
        self._read = 0

    def start(self) -> None:
        from bench.transitions import production_env

        _flush()
        env = production_env("bench.worker_settings", self.database_url, self.folder / "var")
        env.update({"SCAN_ON_WORKER_START": "0", "EMAIL_URL": "dummy://"})
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kfq",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(PROCESSES),
            "--queues",
            QUEUE,
            "--loglevel",
            "INFO",
            "--hostname",
            self.name,
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        app = _broker()
        hostname = self.name.replace("%h", _hostname())
        for _ in range(120):
            self.check()
            if app.control.ping(destination=[hostname], timeout=1.0):
                return
        self.stop()
        raise SystemExit(f"the scan's Celery worker did not answer:\n{self.tail()}")

    def check(self) -> None:
        """Fail loudly if the worker stopped or a task failed (its log's errors)."""
        if self.process is None:
            return
        if self.process.poll() is not None:
            code = self.process.returncode
            self.process = None
            raise SystemExit(f"the scan's Celery worker stopped ({code}):\n{self.tail()}")
        with self.log_path.open("rb") as log:
            log.seek(self._read)
            new = log.read()
        self._read += len(new)
        errors = [
            line
            for line in new.decode(errors="replace").splitlines()
            if "ERROR/" in line or "CRITICAL/" in line
        ]
        if errors:
            self.stop()
            raise SystemExit(
                f"the scan's Celery worker logged {len(errors)} error(s), e.g. {errors[0]}\n"
                + self.tail()
            )

    def stop(self) -> None:
        """Warm shutdown: the passes under way finish, the zones not started go back to the
        queue, which is then emptied."""
        process, self.process = self.process, None
        if process is not None:
            # To the main process alone: its pool processes finish their tasks first.
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
            if code != 0:
                _flush()
                raise SystemExit(
                    f"the scan's Celery worker did not stop cleanly ({code}):\n{self.tail()}"
                )
        _flush()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no worker log)"
        return "\n".join(text.splitlines()[-lines:])


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _zones_done(zone_ids: list[int], as_of: datetime.date, since: datetime.datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM notifications_scanmark WHERE zone_id = ANY(%s) "
            "AND as_of = %s AND changed_since >= %s",
            [zone_ids, as_of, since],
        )
        return cursor.fetchone()[0]


def _zones_not_done(
    zone_ids: list[int], as_of: datetime.date, since: datetime.datetime
) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT z.id FROM projects_zone z LEFT JOIN notifications_scanmark m "
            "ON m.zone_id = z.id AND m.as_of = %s AND m.changed_since >= %s "
            "WHERE z.id = ANY(%s) AND m.zone_id IS NULL ORDER BY z.id",
            [as_of, since, zone_ids],
        )
        return [row[0] for row in cursor.fetchall()]


def fanout_scan(
    worker: ScanWorker, *, label: str, as_of: datetime.date, budget: float, progress
) -> Timed:
    """The plan, one ``scan_city_task`` per city of the busy zones, then the wait until every busy zone's
    mark shows the pass. Past ``budget`` seconds (0: none) the waiting stops: the worker
    finishes the passes under way and stops, the queued zones are dropped and passed untimed
    in this process (city by city), and the time is extrapolated from the zones done."""
    from django.utils import timezone

    from notifications.services import UNCOMMITTED_MARGIN, city_scan, scan_zones_to_check
    from projects.models import Zone

    if worker.process is None:
        worker.start()
    # A pass stamps its mark with its start less the margin: later than this, once passed.
    since = timezone.now() - UNCOMMITTED_MARGIN
    started = time.perf_counter()
    busy = scan_zones_to_check(as_of=as_of)
    cities = list(
        Zone.objects.filter(pk__in=busy)
        .order_by("city_id")
        .values_list("city_id", flat=True)
        .distinct()
    )
    planned = time.perf_counter() - started
    app = _broker()
    with app.producer_or_acquire() as producer:
        for city_id in cities:
            app.send_task(
                CITY_TASK, args=[city_id, as_of.isoformat()], queue=QUEUE, producer=producer
            )
    bar = progress(total=len(busy), desc=label, unit="zone", leave=False)
    done, moved = 0, time.perf_counter()
    cut = False
    while done < len(busy):
        time.sleep(POLL)
        now = time.perf_counter()
        count = _zones_done(busy, as_of, since)
        if count > done:
            bar.update(count - done)
            done, moved = count, now
            continue
        worker.check()
        if budget and now - started > budget:
            cut = True
            break
        if now - moved > STUCK_AFTER:
            missing = len(busy) - done
            worker.stop()
            raise SystemExit(
                f"{label}: {missing} of {len(busy)} zones not done after {STUCK_AFTER} s "
                f"without progress:\n{worker.tail()}"
            )
    elapsed = time.perf_counter() - started
    bar.close()
    if not cut:
        return Timed(elapsed, len(busy), len(busy), planned)
    worker.stop()  # the passes under way finish; the zones not started are dropped with the queue
    rest = _zones_not_done(busy, as_of, since)
    # The zones the budget cut are passed all the same, untimed: the next figure must start
    # from what a whole scan leaves.
    cities = list(
        Zone.objects.filter(pk__in=rest).order_by("city_id").values_list("city_id", flat=True)
    )
    for city_id in progress(
        sorted(set(cities)), desc=f"{label} (rest, untimed)", unit="city", leave=False
    ):
        city_scan(city_id=city_id, as_of=as_of)
    fanned = elapsed - planned
    seconds = planned + (fanned * len(busy) / done if done else fanned)
    return Timed(seconds, len(busy), done, planned)
