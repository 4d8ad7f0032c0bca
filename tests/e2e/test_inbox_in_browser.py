"""The inbox, the warning letters and the interview list in a real headless Chromium: an alert
acknowledged in place (at a laptop's and a phone's width), a letter answered by the zone, a
letter downloaded by the supervisor; the request log and axe-core checked as on the other pages,
screenshots into var/screenshots/."""

import datetime

import docx
import pytest

from notifications.models import Alert, Letter
from notifications.services import scan
from tests.conftest import TODAY
from tests.e2e.conftest import axe_clean, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def found(data_migration_rows, make_project, officer, zone_leader, supervisor):
    """Two projects long signed and never started, found by the day's scan (with the ladder
    and thresholds the data migrations wrote, which a browser test's flush took away)."""
    projects = [
        make_project(name=name, signed_on=TODAY - datetime.timedelta(days=days), officer=officer)
        for name, days in (("年产10万吨新材料项目", 215), ("智能装备产业园项目", 400))
    ]
    scan(as_of=TODAY)
    return projects


def test_an_officer_acknowledges_an_alert_in_place(site, width, officer, found):
    # given the officer's two unread reminders
    sign_in(site, "officer_a")
    bar = "[data-testid=unread]" if width == "laptop" else "[data-testid=unread-bar]"
    assert site.inner_text(bar).strip().startswith("2")
    site.goto("/inbox/")
    alert = Alert.objects.get(recipient=officer, project=found[0])
    assert "年产10万吨新材料项目" in site.inner_text("[data-testid=inbox]")
    axe_clean(site)
    screenshot(site, "inbox", width)

    # when the officer acknowledges one
    site.click(f"[data-testid=ack-{alert.pk}]")

    # then its row says so in place, and the top bar's count goes down
    site.wait_for_selector(f"[data-testid=acknowledged-{alert.pk}]")
    assert site.url.endswith("/inbox/")
    site.wait_for_function(f"document.querySelector('{bar}').innerText.trim().startsWith('1')")
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert Alert.objects.filter(recipient=officer, acknowledged_at__isnull=True).count() == 1
    axe_clean(site)


@pytest.mark.parametrize("width", ["laptop"])
def test_the_zone_leader_answers_a_letter(site, width, zone_leader, found):
    letter = Letter.objects.get(project=found[0])
    sign_in(site, "leader_a")
    site.goto("/letters/")
    assert "待答复" in site.inner_text(f"[data-testid=letter-{letter.pk}]")
    site.click(f"[data-testid=letter-{letter.pk}] >> text={letter.number}")
    site.wait_for_selector("[data-testid=reply-form]")
    axe_clean(site)

    site.fill("#id_reply", "已约谈投资方，施工许可已办结，7月底前开工。")
    site.click("[data-testid=reply-form] button[type=submit]")

    shown = site.wait_for_selector("[data-testid=reply-text]")
    assert "7月底前开工" in shown.inner_text()
    assert site.query_selector("[data-testid=reply-form]") is None
    letter.refresh_from_db()
    assert letter.replied_on == TODAY and "施工许可已办结" in letter.reply
    screenshot(site, "letter-answered", width)


@pytest.mark.parametrize("width", ["laptop"])
def test_the_supervisor_lists_and_downloads_a_letter(site, width, supervisor, found):
    letter = Letter.objects.get(project=found[0])
    sign_in(site, "supervisor")
    site.goto("/letters/")
    assert letter.number in site.inner_text("[data-testid=letters]")
    axe_clean(site)
    screenshot(site, "letters", width)

    with site.expect_download() as download:
        site.click(f"[data-testid=download-{letter.pk}]")

    document = docx.Document(download.value.path())
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "年产10万吨新材料项目" in text and letter.number in text

    site.goto("/interviews/")
    assert "智能装备产业园项目" in site.inner_text("[data-testid=interviews]")
    axe_clean(site)
    screenshot(site, "interviews", width)
