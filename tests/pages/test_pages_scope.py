"""Every page and every link on it, opened by each role of another zone and of another city:
a project's own pages are 404, and no list, filter or download shows a foreign row."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from notifications.models import Alert, Letter
from notifications.services import scan
from projects.access import Role
from projects.models import Milestone, Problem, Stage
from tests.conftest import TODAY
from tests.factories import member

pytestmark = pytest.mark.django_db
NAME = "临汾保密项目"


@pytest.fixture
def outsiders(zone_b, foreign_zone, other_city, officer_b, foreign_supervisor):
    return [
        officer_b,
        member("leader_b", Role.ZONE_LEADER, zone=zone_b),
        member("viewer_b", Role.VIEWER, zone=zone_b),
        member("officer_jc", Role.OFFICER, zone=foreign_zone),
        foreign_supervisor,
        member("viewer_jc", Role.VIEWER, city=other_city),
    ]


@pytest.fixture
def secret(make_project):
    project = make_project(Stage.STARTED, name=NAME, signed_on=datetime.date(2023, 1, 1))
    Milestone.objects.create(project=project, name="环评批复", planned_on=datetime.date(2024, 1, 1))
    Problem.objects.create(
        project=project,
        category="funding",
        description="资金缺口",
        owner="财政局",
        raised_on=datetime.date(2025, 1, 1),
        deadline=datetime.date(2025, 2, 1),
    )
    return project


@pytest.fixture
def found(make_project, secret, officer, zone_leader, supervisor):
    """The scan's alerts, letter and interview about the secret project's second phase (and
    about the secret project's overdue milestone and problem)."""
    second = make_project(name=f"{NAME}二期", signed_on=datetime.date(2024, 1, 1), officer=officer)
    scan(as_of=TODAY)
    return second


def _links(html: str) -> set[str]:
    found = set(re.findall(r'(?:href|action|hx-post|hx-get)="(/[^"]*)"', html))
    return {link.replace("&amp;", "&") for link in found if not link.startswith("/static/")}


def _cells(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def _checked_import(secret) -> int:
    """A dry run of the project's zone that found every row good (its file kept to confirm)."""
    from reports.models import LedgerImport

    record = LedgerImport.objects.create(
        zone=secret.zone, file_name=f"{NAME}.xlsx", dry_run=True, status="ready", file=b"x"
    )
    LedgerImport.objects.filter(pk=record.pk).update(finished_at=secret.created_at, progress=1)
    return record.pk


def _targets(client, supervisor, secret, letter) -> set[str]:
    """Every page, and every link and form target on them, as the project's own supervisor sees
    them (with filters naming the project's zone)."""
    client.force_login(supervisor)
    pages = {
        reverse("projects:list") + "?zone=linfen-etdz&stalled=true",
        reverse("projects:stalls") + "?zone=linfen-etdz",
        reverse("workflow:project", args=[secret.pk]),
        reverse("reports:dashboard"),
        reverse("reports:downloads"),
        reverse("reports:imports"),
        reverse("reports:import", args=[_checked_import(secret)]),
        reverse("notifications:inbox") + "?unread=true",
        reverse("notifications:letters") + "?zone=linfen-etdz",
        reverse("notifications:interviews"),
        reverse("notifications:letter", args=[letter.pk]),
        # the zone's reply form, which the supervisor is not offered
        reverse("notifications:letter-reply", args=[letter.pk]),
    }
    for name in ("start", "put_into_production", "reach_target", "terminate", "correct"):
        pages.add(reverse("workflow:transition", args=[secret.pk, name]))
    targets = set(pages)
    for page in pages:
        targets |= _links(client.get(page).content.decode())
    client.logout()
    return {t for t in targets if not t.startswith(("/i18n/", "/accounts/logout/"))}


def test_outsiders_see_404_or_no_foreign_row_on_every_page_and_link(
    client, supervisor, secret, found, outsiders
):
    # given every page and link target the project's supervisor sees
    letter = Letter.objects.get(project=found)
    letters = list(Letter.objects.values_list("pk", flat=True))
    alerts = list(Alert.objects.filter(recipient=supervisor).values_list("pk", flat=True))
    targets = _targets(client, supervisor, secret, letter)
    assert reverse("reports:project-list-xlsx") + "?zone=linfen-etdz&stalled=true" in targets
    from reports.models import LedgerImport

    record = LedgerImport.objects.get()
    own = (
        f"/projects/{secret.pk}/",
        f"/projects/{found.pk}/",
        f"/imports/{record.pk}/",
        *(f"/letters/{pk}/" for pk in letters),
        *(f"/inbox/{pk}/ack/" for pk in alerts),
    )
    acks = {reverse("notifications:ack", args=[pk]) for pk in alerts}
    documents = {reverse("letter-document", args=[pk]) for pk in letters}
    assert acks <= targets and documents <= targets
    assert reverse("notifications:ack-shown") in targets
    assert {f"/projects/{found.pk}/", f"/letters/{letter.pk}/"} <= targets
    ledger_writes = {
        reverse("projects:problem-add", args=[secret.pk]),
        reverse("projects:progress-add", args=[secret.pk]),
        reverse("projects:milestone-add", args=[secret.pk]),
        reverse("projects:problem-resolve", args=[secret.pk, secret.problems.get().pk]),
        reverse("projects:milestone-done", args=[secret.pk, secret.milestones.get().pk]),
    }
    assert ledger_writes <= targets
    assert f"/imports/{record.pk}/apply/" in targets
    assert any(t.startswith("/api/v1/reports/weekly.xlsx?zone=linfen-etdz") for t in targets)

    for outsider in outsiders:
        client.force_login(outsider)
        for target in sorted(targets):
            # when an outsider opens it, and posts to it
            response = client.get(target)
            posted = client.post(target, {"start-effective_on": "2025-06-01"})

            # then the project's own pages do not exist for them, and nothing leaks elsewhere
            if target == reverse("notifications:ack-shown"):
                # acknowledging the alerts the supervisor was shown
                assert response.status_code == 405, (outsider, target)
                posted = client.post(target, {"alert": alerts})
                assert posted.status_code == 404, (outsider, target)
                continue
            if target in documents:
                assert response.status_code == 404, (outsider, target)
                continue
            if target.startswith(own):
                assert response.status_code == 404, (outsider, target)
                assert posted.status_code == 404, (outsider, target)
                continue
            if target.startswith(("/api/v1/", reverse("reports:monthly"))):
                # the project's zone or city is the same 400 as an unknown place; their own
                # zone's workbook has no foreign row
                assert response.status_code in (200, 400), (outsider, target)
                if response.status_code == 200 and target.startswith("/api/"):
                    assert NAME not in _cells(response), (outsider, target)
                continue
            assert response.status_code == 200, (outsider, target)
            if target.startswith(reverse("reports:project-list-xlsx")):
                rows = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
                assert rows["项目台账"].max_row == 1, (outsider, target)
            else:
                assert NAME not in response.content.decode(), (outsider, target)
        client.logout()
    secret.refresh_from_db()
    assert secret.stage == Stage.STARTED
    assert secret.problems.get().status == Problem.Status.OPEN
    assert secret.milestones.get().done_on is None
    assert LedgerImport.objects.count() == 1
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()
    assert not Letter.objects.filter(replied_on__isnull=False).exists()
