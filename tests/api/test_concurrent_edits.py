"""Two people editing one project at once keep both changes, or are told of the conflict."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django_fsm import ConcurrentTransition

from kfq.api_errors import api_exception_handler
from projects.models import Project, Stage
from workflow.services import project_transition


def test_a_write_that_raced_a_transition_is_a_409_version_conflict():
    response = api_exception_handler(ConcurrentTransition("stage changed"), {})

    assert response.status_code == 409
    assert response.data["code"] == "version_conflict"


def test_a_save_from_before_a_transition_is_refused_not_applied(make_project, officer):
    # given a copy read before another officer started the project
    project = make_project(Stage.SIGNED)
    stale = Project.objects.get(pk=project.pk)
    project_transition(
        project=project, name="start", by=officer, effective_on=datetime.date(2025, 6, 1)
    )

    # when the stale copy is written back, field by field as a PATCH does
    stale.funds_in_place = 1
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save(update_fields=["funds_in_place", "updated_at"])

    # then the transition stands
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_patches_of_different_fields_at_once_keep_both(api, officer, zone_leader, make_project):
    project = make_project(Stage.STARTED)
    edits = [
        (api(officer), {"funds_in_place": "23456.00"}),
        (api(zone_leader), {"in_statistics_on": "2025-06-15"}),
    ]
    for _ in range(5):
        barrier = threading.Barrier(len(edits))
        statuses = []

        def patch(client, body, barrier=barrier, statuses=statuses):
            try:
                barrier.wait(timeout=10)
                statuses.append(
                    client.patch(f"/api/v1/projects/{project.pk}/", body, format="json").status_code
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=patch, args=edit) for edit in edits]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert statuses == [200, 200]
        project.refresh_from_db()
        assert str(project.funds_in_place) == "23456.00"
        assert project.in_statistics_on == datetime.date(2025, 6, 15)
        Project.objects.filter(pk=project.pk).update(funds_in_place=0, in_statistics_on=None)
