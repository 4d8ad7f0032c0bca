"""The beat's scan fans out one task per city that holds something to raise, every city as of
the same day; a city with nothing new is not queued."""

import datetime

import time_machine
from django.utils import timezone

from notifications import tasks
from notifications.models import Alert

AS_OF = datetime.date(2025, 6, 30)


def test_the_scan_queues_one_task_per_city_with_something_to_raise(
    make_project, zone_a, zone_b, foreign_zone, supervisor, foreign_supervisor, monkeypatch
):
    # given stalled projects in two zones of one city and in a zone of another city
    long_ago = AS_OF - datetime.timedelta(days=300)  # at the supervisors' levels
    for zone in (zone_a, zone_b, foreign_zone):
        make_project(zone=zone, signed_on=long_ago)
    queued = []
    monkeypatch.setattr(tasks.scan_city_task, "delay", lambda *args: queued.append(args))

    # when the beat's scan runs
    count = tasks.scan_task(AS_OF.isoformat())

    # then each city is queued once, as of the same day, and nothing ran yet
    assert count == 2
    assert sorted(queued) == sorted(
        [(zone_a.city_id, "2025-06-30"), (foreign_zone.city_id, "2025-06-30")]
    )
    assert not Alert.objects.exists()


def test_the_queued_city_tasks_raise_every_zone_and_a_scan_with_nothing_new_queues_nothing(
    make_project, zone_a, zone_b, foreign_zone, supervisor, foreign_supervisor, monkeypatch
):
    long_ago = AS_OF - datetime.timedelta(days=300)  # at the supervisors' levels
    projects = [make_project(zone=zone, signed_on=long_ago) for zone in (zone_a, zone_b)]
    make_project(zone=foreign_zone, signed_on=long_ago)

    # the tasks run in the test (eager)
    assert tasks.scan_task(AS_OF.isoformat()) == 2
    raised = set(Alert.objects.values_list("project_id", flat=True))
    assert {project.pk for project in projects} <= raised
    assert len(raised) == 3

    # an hour later the projects written before the first pass are looked at once more (the
    # margin left for writes not yet committed then), and nothing new is raised
    alerts = Alert.objects.count()
    later = timezone.now() + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        assert tasks.scan_task(AS_OF.isoformat()) == 2
    assert Alert.objects.count() == alerts

    # and an hour after that, with nothing written since, no city is queued
    queued = []
    monkeypatch.setattr(tasks.scan_city_task, "delay", lambda *args: queued.append(args))
    with time_machine.travel(later + datetime.timedelta(hours=1), tick=False):
        assert tasks.scan_task(AS_OF.isoformat()) == 0
    assert queued == []
