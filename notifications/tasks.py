"""Celery tasks: thin, idempotent wrappers of the services (a unique key in the database, not a
hope). Beat runs ``scan_task`` daily at 07:30 Asia/Shanghai and the sender and sweeper every
minute (rows of django-celery-beat, created by a data migration, editable in the admin)."""

from __future__ import annotations

import datetime

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from notifications.services import (
    city_scan,
    deliveries_cancel_cleared_of,
    deliveries_send_due,
    deliveries_sweep,
    scan_cities_to_check,
    zone_scan,
)


@shared_task
def scan_task(as_of: str | None = None) -> int:
    """Fan out: one task per city holding a zone that may raise something (the others' marks
    move on here), so a province or the country spreads over every worker; every city as of
    the same day. The number of cities queued.

    Per city, not per zone: a zone's pass costs about as many statements as a city's, and the
    zones of one city would queue behind each other on the city's letter sequence (measured at
    100,000 projects: one task per zone on two worker processes was no faster than one process
    city by city)."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    city_ids = scan_cities_to_check(as_of=day)
    for city_id in city_ids:
        scan_city_task.delay(city_id, day.isoformat())
    return len(city_ids)


@shared_task
def scan_city_task(city_id: int, as_of: str | None = None) -> int:
    day = datetime.date.fromisoformat(as_of) if as_of else None
    return city_scan(city_id=city_id, as_of=day)


@shared_task
def scan_zone_task(zone_id: int, as_of: str | None = None) -> int:
    """One zone's pass (the fan-out's unit before 1.8; kept for messages queued by then)."""
    day = datetime.date.fromisoformat(as_of) if as_of else None
    return zone_scan(zone_id=zone_id, as_of=day)


@shared_task
def deliveries_cancel_cleared_task(project_ids: list[int]) -> int:
    """After a change: cancel what its projects' cleared findings left waiting (idempotent: a
    cancelled delivery is no longer pending, a closed interview no longer open)."""
    return deliveries_cancel_cleared_of(project_ids=project_ids)


@shared_task
def deliveries_send_task() -> int:
    return deliveries_send_due()


@shared_task
def deliveries_sweep_task() -> int:
    return deliveries_sweep()


@worker_ready.connect
def _scan_on_start(sender=None, **kwargs) -> None:
    """The embedded run: a scan as soon as the worker is up, so the inboxes fill at once."""
    if settings.SCAN_ON_WORKER_START:
        scan_task.delay()
