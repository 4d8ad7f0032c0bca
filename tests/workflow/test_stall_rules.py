"""The 三未 rule: thresholds read from the rule rows in SQL, on the day before, on and after each
threshold, around midnight in Asia/Shanghai, and an edit in the admin applying everywhere."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from notifications.models import Alert
from projects.models import Project, Stage, StallThreshold, Zone
from projects.selectors import stalls

AS_OF = datetime.date(2025, 6, 30)


def _days_ago(days: int) -> datetime.date:
    return AS_OF - datetime.timedelta(days=days)


def _ledger(api, user, **params) -> dict[int, dict]:
    body = api(user).get("/api/v1/stalls/", {"as_of": AS_OF.isoformat(), **params}).json()
    return {row["project"]: row for row in body["results"]}


@pytest.mark.parametrize(
    ("stage", "threshold", "date_field"),
    [
        (Stage.SIGNED, 180, "signed_on"),
        (Stage.STARTED, 365, "started_on"),
        (Stage.PRODUCING, 365, "producing_on"),
    ],
)
def test_a_project_stalls_the_day_after_its_stage_threshold(
    make_project, api, supervisor, stage, threshold, date_field
):
    # given three projects that entered the stage threshold-1, threshold and threshold+1 days ago
    projects = {}
    for offset in (-1, 0, 1):
        entered = _days_ago(threshold + offset)
        dates = {"signed_on": entered}
        if stage in (Stage.STARTED, Stage.PRODUCING):
            dates = {"signed_on": entered - datetime.timedelta(days=2), "started_on": entered}
        if stage == Stage.PRODUCING:
            dates["started_on"] = entered - datetime.timedelta(days=1)
            dates["producing_on"] = entered
        project = make_project(signed_on=dates["signed_on"])
        Project.objects.filter(pk=project.pk).update(stage=stage, **dates)
        projects[offset] = project.pk

    # when the ledger is read as of today
    ledger = _ledger(api, supervisor)

    # then only the one a day past the threshold is stalled, by one day, since its stage entry
    assert projects[-1] not in ledger
    assert projects[0] not in ledger
    assert ledger[projects[1]]["days_over"] == 1
    assert ledger[projects[1]]["since"] == _days_ago(threshold + 1).isoformat()
    entered = Project.objects.values_list(date_field, flat=True).get(pk=projects[1])
    assert entered == _days_ago(threshold + 1)


def test_the_most_specific_threshold_wins(make_project, zone_a):
    # given the default 180 days, 120 for industrial zones and 90 for industrial provincial ones
    StallThreshold.objects.create(
        stage=Stage.SIGNED, zone_category=Zone.Category.INDUSTRIAL, tier="", days=120
    )
    StallThreshold.objects.create(
        stage=Stage.SIGNED,
        zone_category=Zone.Category.INDUSTRIAL,
        tier=Project.Tier.PROVINCIAL,
        days=90,
    )
    StallThreshold.objects.create(stage=Stage.SIGNED, zone_category="", tier="county", days=60)
    provincial = make_project(signed_on=_days_ago(100), tier=Project.Tier.PROVINCIAL)
    county = make_project(signed_on=_days_ago(100), tier=Project.Tier.COUNTY)
    national = make_project(signed_on=_days_ago(100), tier=Project.Tier.NATIONAL)

    rows = {row.pk: row.days_over for row in stalls(Project.objects.all(), as_of=AS_OF)}

    # zone category and tier: 90; zone category alone beats tier alone: 120 for the county
    # project; nothing for the national one, under the industrial zones' 120
    assert rows == {provincial.pk: 10}
    assert county.pk not in rows and national.pk not in rows


def test_the_planned_date_of_the_next_stage_stalls_too_with_the_larger_overrun(make_project):
    late_plan = make_project(signed_on=_days_ago(200), planned_start_on=_days_ago(50))
    only_plan = make_project(signed_on=_days_ago(10), planned_start_on=_days_ago(3))

    rows = {row.pk: row for row in stalls(Project.objects.all(), as_of=AS_OF)}

    assert rows[late_plan.pk].days_over == 50
    assert rows[only_plan.pk].days_over == 3
    assert [row.pk for row in stalls(Project.objects.all(), as_of=AS_OF)] == [
        late_plan.pk,
        only_plan.pk,
    ]


@pytest.mark.parametrize(
    ("utc", "stalled"),
    [
        (datetime.datetime(2025, 6, 30, 15, 59, 59, tzinfo=datetime.UTC), False),
        (datetime.datetime(2025, 6, 30, 16, 0, 0, tzinfo=datetime.UTC), True),
    ],
)
def test_the_day_turns_at_midnight_in_shanghai(make_project, officer, utc, stalled, capsys):
    # given a project signed 180 days before 30 June: on its threshold that day, over it on 1 July
    project = make_project(signed_on=_days_ago(180), officer=officer)

    # when the scan runs one second before or at midnight in Shanghai (UTC+8)
    with time_machine.travel(utc, tick=False):
        call_command("scan")

    # then it is stalled only from midnight on, by one day
    alerts = Alert.objects.filter(project=project, rule="signed_not_started")
    assert alerts.exists() == stalled
    if stalled:
        assert alerts.get().days_over == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"created {int(stalled)} alerts"


def test_a_threshold_edited_in_the_admin_changes_the_next_scan_and_the_stalls_endpoint(
    make_project, api, supervisor, officer, client
):
    # given a project 100 days after signing: under the default 180 days
    project = make_project(signed_on=_days_ago(100), officer=officer)
    call_command("scan", as_of=AS_OF)
    assert project.pk not in _ledger(api, supervisor)
    assert not Alert.objects.filter(project=project).exists()

    # when an administrator lowers the signed stage's threshold to 90 days in the admin
    admin = get_user_model().objects.create_superuser("root", "root@example.cn", "pw-for-tests")
    client.force_login(admin)
    row = StallThreshold.objects.get(stage=Stage.SIGNED, zone_category="", tier="")
    response = client.post(
        f"/admin/projects/stallthreshold/{row.pk}/change/",
        {"stage": "signed", "zone_category": "", "tier": "", "days": "90"},
    )
    assert response.status_code == 302

    # then the endpoint, the project filter and the next scan all see it stalled by 10 days
    assert _ledger(api, supervisor)[project.pk]["days_over"] == 10
    filtered = api(supervisor).get("/api/v1/projects/", {"stalled": "true"}).json()
    assert [row["id"] for row in filtered["results"]] == [project.pk]
    call_command("scan", as_of=AS_OF)
    assert Alert.objects.get(project=project).days_over == 10


def test_the_default_threshold_rows_cannot_be_deleted_in_the_admin(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.cn", "pw-for-tests")
    client.force_login(admin)
    row = StallThreshold.objects.get(stage=Stage.SIGNED, zone_category="", tier="")

    response = client.get(f"/admin/projects/stallthreshold/{row.pk}/delete/")

    assert response.status_code == 403
