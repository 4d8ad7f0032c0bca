"""The transition's queries, pinned: a forward move is one compare-and-set UPDATE (scope, stage,
version and date in its WHERE, the row with its zone and leader in its RETURNING) and the log row;
over the API the token, the user and the membership are one more; the answer is the moved row."""

import datetime

from projects.models import Enrollment, Stage
from tests.factories import ActivityFactory
from workflow.models import TransitionLog
from workflow.services import project_transition


def test_a_forward_transition_is_one_update_and_its_log_row(
    make_project, officer, django_assert_num_queries
):
    # given a signed project of the officer's zone, and the officer's membership already read
    project = make_project(Stage.SIGNED)
    officer.membership  # noqa: B018 -- cached on the user, as a request's user is
    # when the officer starts it: the update that checks and moves the row, the log row (and the
    # savepoint around them)
    with django_assert_num_queries(4):
        project_transition(
            project=project.pk, name="start", by=officer, effective_on=datetime.date(2025, 3, 1)
        )
    # then the project is started and the log holds the move
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert TransitionLog.objects.filter(project=project, transition="start").count() == 1


def test_a_transition_over_the_api_costs_seven_queries_with_its_answer(
    api,
    make_project,
    supervisor,
    officer,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    # given a signed project with a leader and an enrollment, and the officer's token client
    project = make_project(Stage.SIGNED, leader=supervisor)
    activity = ActivityFactory(city=project.zone.city)
    Enrollment.objects.create(project=project, activity=activity, kind=Enrollment.Kind.SIGNED)
    client = api(officer)
    # when the officer starts it over the API: the token with its user and membership; the
    # update returning the row with the zone and leader the answer shows, and the log row (in
    # a savepoint here, the request's transaction in production); the enrollments for the
    # answer; and, after the commit, one look for pending alerts the move may clear
    with django_assert_num_queries(7), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/projects/{project.pk}/transitions/start/",
            {"effective_on": "2025-03-01"},
            format="json",
        )
    # then the answer is the moved project, its zone, leader and enrollments included
    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["zone"], body["leader"], body["version"]) == (
        Stage.STARTED,
        project.zone.code,
        supervisor.username,
        2,
    )
    assert [e["activity"] for e in body["enrollments"]] == [activity.pk]
