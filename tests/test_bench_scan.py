"""The scan section's write floor copies exactly the rows a first run wrote, and leaves nothing.

On PostgreSQL only (the generator's SQL is PostgreSQL's), at a tiny scale.
"""

import datetime

import pytest
import time_machine
from django.db import connection

from bench.generate import generate
from bench.sections import write_floor
from notifications.models import Alert, Delivery, Interview, Letter
from notifications.services import scan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
MORNING = datetime.datetime(2026, 1, 15, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def first_run():
    with time_machine.travel(MORNING, tick=False):
        generate(400)
        scan(as_of=MORNING.date())


def test_the_write_floor_copies_every_row_of_the_first_run_and_drops_its_copies(first_run):
    # when
    seconds, tables = write_floor()

    # then
    assert seconds > 0
    assert tables["alert"]["rows"] == Alert.objects.count() > 0
    assert tables["delivery"]["rows"] == Delivery.objects.count()
    assert tables["interview"]["rows"] == Interview.objects.count()
    assert tables["letter"]["rows"] == Letter.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bench_floor_%%'")
        assert cursor.fetchone()[0] == 0
