"""Stale versions lose nothing; history is append-only; only transitions change the stage."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from projects.errors import VersionConflict
from projects.models import Project, Stage
from workflow.models import HistoryIsImmutable, TransitionLog
from workflow.services import project_transition

ON = datetime.date(2025, 6, 1)


def test_a_stale_version_is_a_conflict_and_changes_nothing(make_project, officer):
    # given an officer who opened the project at version 1, and a colleague who started it since
    project = make_project(Stage.SIGNED)
    opened_version = project.version
    project_transition(project=project, name="start", by=officer, effective_on=ON)

    # when the first officer submits from the stale page
    with pytest.raises(VersionConflict) as refused:
        project_transition(
            project=project,
            name="put_into_production",
            by=officer,
            effective_on=ON,
            version=opened_version,
        )

    # then
    assert refused.value.status == 409
    assert refused.value.code == "version_conflict"
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert project.version == opened_version + 1
    assert TransitionLog.objects.filter(project=project).count() == 1


def test_the_current_version_is_accepted_and_bumped(make_project, officer):
    project = make_project(Stage.SIGNED)

    moved = project_transition(
        project=project, name="start", by=officer, effective_on=ON, version=project.version
    )

    assert moved.version == project.version + 1


def test_an_in_memory_copy_that_lost_a_race_cannot_be_saved(make_project, officer):
    # given two copies of the same row, one of which is moved
    project = make_project(Stage.SIGNED)
    stale = Project.objects.get(pk=project.pk)
    project_transition(project=project, name="start", by=officer, effective_on=ON)

    # when the stale copy is saved, the compare-and-set on the stage refuses it
    from django_fsm import ConcurrentTransition

    stale.name = "改名"
    with pytest.raises(ConcurrentTransition):
        stale.save()


def test_the_stage_cannot_be_assigned(make_project):
    project = make_project(Stage.SIGNED)

    with pytest.raises(AttributeError):
        project.stage = Stage.AT_TARGET

    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_the_database_refuses_a_stage_that_disagrees_with_its_dates(make_project):
    project = make_project(Stage.SIGNED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(started_on=ON)


class TestHistoryIsAppendOnly:
    @pytest.fixture
    def log(self, make_project):
        project = make_project(Stage.STARTED)
        return TransitionLog.objects.get(project=project)

    def test_a_row_cannot_be_edited(self, log):
        log.note = "篡改"
        with pytest.raises(HistoryIsImmutable):
            log.save()
        log.refresh_from_db()
        assert log.note == ""

    def test_a_row_cannot_be_deleted(self, log):
        with pytest.raises(HistoryIsImmutable):
            log.delete()
        assert TransitionLog.objects.filter(pk=log.pk).exists()

    def test_rows_cannot_be_updated_or_deleted_in_bulk(self, log):
        with pytest.raises(HistoryIsImmutable):
            TransitionLog.objects.filter(pk=log.pk).update(note="篡改")
        with pytest.raises(HistoryIsImmutable):
            TransitionLog.objects.all().delete()
        assert TransitionLog.objects.get(pk=log.pk).note == ""

    def test_a_project_with_history_cannot_be_deleted(self, log):
        from django.db.models import ProtectedError

        with pytest.raises(ProtectedError):
            log.project.delete()
