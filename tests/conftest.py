"""The cast, as in Healthchecks' hc/test.py: officers of two zones, a zone leader, a city
supervisor, a supervisor of another city and a viewer; and projects at every stage."""

import datetime
import importlib
import os

import pytest
import time_machine
from django.db import connection

from kfq.celery import app as celery_app
from projects.access import Role
from projects.models import Stage
from tests.factories import CityFactory, ProjectFactory, ZoneFactory, member
from workflow.services import project_transition

# "Today" in every test unless a test travels elsewhere: noon in Shanghai.
TODAY = datetime.date(2025, 6, 30)

# The dates a project passes through on its way to each stage, by transition.
PATH = {
    Stage.STARTED: [("start", datetime.date(2024, 5, 10))],
    Stage.PRODUCING: [
        ("start", datetime.date(2024, 5, 10)),
        ("put_into_production", datetime.date(2025, 1, 20)),
    ],
    Stage.AT_TARGET: [
        ("start", datetime.date(2024, 5, 10)),
        ("put_into_production", datetime.date(2025, 1, 20)),
        ("reach_target", datetime.date(2025, 5, 31)),
    ],
}


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") is None:
        return
    if connection.vendor == "postgresql":
        return
    if os.environ.get("KFQ_REQUIRE_SERVERS") == "1":
        pytest.fail("KFQ_REQUIRE_SERVERS=1 but DATABASE_URL is not PostgreSQL")
    pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _tasks_run_in_the_test():
    """Tasks queued after a commit (the sending, the cancel check) run in the test, never on
    the repository's embedded broker. The app reads Django's settings by the CELERY_ prefix,
    so the override takes that name (``conf.task_always_eager = …`` would not be read)."""
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 30, 4, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def city(db):
    return CityFactory(name="临汾市")


@pytest.fixture
def other_city(db):
    return CityFactory(name="晋城市")


@pytest.fixture
def zone_a(city):
    return ZoneFactory(code="linfen-etdz", name="临汾经济技术开发区", city=city)


@pytest.fixture
def zone_b(city):
    return ZoneFactory(code="houma-edz", name="侯马经济开发区", city=city)


@pytest.fixture
def foreign_zone(other_city):
    return ZoneFactory(code="jincheng-etdz", name="晋城经济技术开发区", city=other_city)


@pytest.fixture
def officer(zone_a):
    return member("officer_a", Role.OFFICER, zone=zone_a)


@pytest.fixture
def officer_b(zone_b):
    return member("officer_b", Role.OFFICER, zone=zone_b)


@pytest.fixture
def zone_leader(zone_a):
    return member("leader_a", Role.ZONE_LEADER, zone=zone_a)


@pytest.fixture
def supervisor(city):
    return member("supervisor", Role.SUPERVISOR, city=city)


@pytest.fixture
def foreign_supervisor(other_city):
    return member("supervisor_jc", Role.SUPERVISOR, city=other_city)


@pytest.fixture
def viewer(city):
    return member("viewer", Role.VIEWER, city=city)


@pytest.fixture
def make_project(zone_a, supervisor):
    """A project of zone A brought to ``stage`` through the service, as a supervisor would."""

    def make(stage: str = Stage.SIGNED, **fields):
        fields.setdefault("zone", zone_a)
        project = ProjectFactory(**fields)
        if stage == Stage.TERMINATED:
            project_transition(
                project=project,
                name="terminate",
                by=supervisor,
                effective_on=datetime.date(2024, 4, 1),
                note="投资方资金链断裂，项目终止",
            )
        for name, on in PATH.get(stage, []):
            project_transition(
                project=project, name=name, by=supervisor, effective_on=on, confirmed=True
            )
        project.refresh_from_db()
        return project

    return make


@pytest.fixture
def api():
    """An API client speaking as a given user through their token, as a zone system does."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def as_user(user, language: str = "zh-hans") -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return as_user


@pytest.fixture
def data_migration_rows(transactional_db):
    """The rows the data migrations write (stall thresholds, the escalation ladder, the beat
    schedule), written again for a transactional test, whose database was flushed by the tests
    before it. Serialized rollback would restore them too, but it also restores the role groups,
    which the flush's post_migrate has already recreated: a duplicate-key error at set-up."""
    from django.apps import apps

    for module, function in (
        ("projects.migrations.0004_stall_thresholds", "create_defaults"),
        ("workflow.migrations.0003_escalation_ladder_and_city_rules", "create_ladder"),
        ("notifications.migrations.0003_beat_schedule", "create_schedule"),
        ("reports.migrations.0004_rollup_schedule", "create_schedule"),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
