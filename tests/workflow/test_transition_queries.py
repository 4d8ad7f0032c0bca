"""The transition service's queries, pinned: scope and lock are one query."""

import datetime

from projects.models import Stage
from workflow.models import TransitionLog
from workflow.services import project_transition


def test_a_transition_reads_and_locks_the_project_once_then_writes_it_and_its_log(
    make_project, officer, django_assert_num_queries
):
    # given a signed project of the officer's zone, and the officer's membership already read
    project = make_project(Stage.SIGNED)
    officer.membership  # noqa: B018 -- cached on the user, as a request's user is
    # when the officer starts it: one scoped locking read, the project's update, the log row
    # (and the savepoint around them)
    with django_assert_num_queries(5):
        project_transition(
            project=project.pk, name="start", by=officer, effective_on=datetime.date(2025, 3, 1)
        )
    # then the project is started and the log holds the move
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    assert TransitionLog.objects.filter(project=project, transition="start").count() == 1
