"""The admin's transition actions go through the same service, and history is read-only there."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from projects.models import Stage
from workflow.models import TransitionLog

CHANGELIST = reverse("admin:projects_project_changelist")


@pytest.fixture
def staff_supervisor(client, supervisor):
    supervisor.is_staff = True
    supervisor.is_superuser = True
    supervisor.save()
    client.force_login(supervisor)
    return supervisor


def _post_action(client, name, projects, **form):
    data = {"action": f"transition_{name}", ACTION_CHECKBOX_NAME: [p.pk for p in projects]}
    return client.post(CHANGELIST, {**data, **form}, follow=True)


def test_the_action_first_asks_for_the_date_and_note(client, staff_supervisor, make_project):
    project = make_project(Stage.SIGNED)

    response = _post_action(client, "start", [project])

    assert response.status_code == 200
    # today, in the ISO form an HTML date input accepts whatever the language's date format
    assert 'type="date" name="effective_on" value="2025-06-30"' in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_applying_the_action_moves_each_project_and_logs_it(client, staff_supervisor, make_project):
    projects = [make_project(Stage.SIGNED), make_project(Stage.SIGNED)]

    response = _post_action(
        client, "start", projects, apply="1", effective_on="2025-06-01", note="现场核实"
    )

    assert "已变更 2 个项目" in response.content.decode()
    for project in projects:
        project.refresh_from_db()
        assert project.stage == Stage.STARTED
        log = TransitionLog.objects.get(project=project)
        assert (log.by, log.note) == (staff_supervisor, "现场核实")


def test_a_refused_project_is_named_and_the_others_still_move(
    client, staff_supervisor, make_project
):
    signed, producing = make_project(Stage.SIGNED), make_project(Stage.PRODUCING)

    response = _post_action(
        client, "start", [signed, producing], apply="1", effective_on="2025-06-01"
    )

    page = response.content.decode()
    assert f"{producing.name}: 项目已开工。" in page
    signed.refresh_from_db()
    producing.refresh_from_db()
    assert (signed.stage, producing.stage) == (Stage.STARTED, Stage.PRODUCING)


def test_a_future_date_is_refused_in_the_admin_too(client, staff_supervisor, make_project):
    project = make_project(Stage.SIGNED)

    response = _post_action(client, "start", [project], apply="1", effective_on="2030-01-01")

    assert "日期不能晚于今天" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_the_transition_log_cannot_be_changed_in_the_admin(client, staff_supervisor, make_project):
    log = TransitionLog.objects.get(project=make_project(Stage.STARTED))

    change = client.post(
        reverse("admin:workflow_transitionlog_change", args=[log.pk]), {"note": "x"}
    )
    delete = client.post(
        reverse("admin:workflow_transitionlog_delete", args=[log.pk]), {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    log.refresh_from_db()
    assert log.note == ""


def test_the_admin_speaks_chinese_by_default(client, staff_supervisor):
    response = client.get(CHANGELIST)

    assert "阶段" in response.content.decode()
    assert "开发区“三个一批”项目跟踪系统" in response.content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "projects/zone",
        "projects/activity",
        "projects/project",
        "projects/enrollment",
        "projects/milestone",
        "projects/problem",
        "projects/progressreport",
        "projects/membership",
        "workflow/transitionlog",
        "notifications/alert",
    ],
)
def test_every_model_has_an_admin_list(client, staff_supervisor, make_project, model):
    make_project(Stage.PRODUCING)

    response = client.get(f"/admin/{model}/", {"q": "项目"})

    assert response.status_code == 200


def test_a_staff_officer_sees_only_their_zones_projects_in_the_admin(
    client, officer, make_project, zone_b
):
    from tests.factories import ProjectFactory

    officer.is_staff = True
    officer.save()
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="view_project"))
    ours = make_project(Stage.SIGNED, name="本区项目")
    ProjectFactory(zone=zone_b, name="侯马项目")
    client.force_login(officer)

    page = client.get(CHANGELIST).content.decode()

    assert ours.name in page
    assert "侯马项目" not in page


def test_a_staff_supervisor_without_superuser_rights_works_in_the_admin(
    client, supervisor, make_project
):
    # given the demo's supervisor: staff, not superuser, permissions from the role's group
    supervisor.is_staff = True
    supervisor.save()
    project = make_project(Stage.SIGNED)
    client.force_login(supervisor)

    # when they open the project list and start a project
    listing = client.get(CHANGELIST)
    _post_action(client, "start", [project], apply="1", effective_on="2025-06-01")

    # then
    assert project.name in listing.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


def test_a_staff_viewer_sees_projects_but_has_no_transition_actions(client, viewer, make_project):
    viewer.is_staff = True
    viewer.save()
    project = make_project(Stage.SIGNED)
    client.force_login(viewer)

    listing = client.get(CHANGELIST).content.decode()

    assert project.name in listing
    assert "transition_start" not in listing
