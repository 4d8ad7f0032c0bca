"""The downloads page: each place's weekly workbook and 三未 ledger, the city's monthly bulletin,
for a chosen week, month and date; every link is the API's own download, opened by the session."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Stage

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[str]:
    return [
        link.replace("&amp;", "&")
        for link in re.findall(r'<a href="(/api/v1/reports/[^"]+)" download', html)
    ]


def test_a_supervisor_downloads_each_workbook_of_the_city_and_its_zones(
    client, supervisor, make_project, zone_b
):
    # given a project of the supervisor's city
    make_project(Stage.STARTED, name="铸件项目")
    client.force_login(supervisor)

    # when the supervisor opens the downloads for a week, a month and a date
    html = client.get(
        reverse("reports:downloads"),
        {"week": "2025-W26", "month": "2025-05", "as_of": "2025-06-20"},
    ).content.decode()

    # then the city and both zones are offered, and every link opens as a workbook
    links = _links(html)
    assert "/api/v1/reports/weekly.xlsx?city=%E4%B8%B4%E6%B1%BE%E5%B8%82&week=2025-W26" in links
    assert "/api/v1/reports/monthly.xlsx?city=%E4%B8%B4%E6%B1%BE%E5%B8%82&month=2025-05" in links
    assert "/api/v1/reports/stalls.xlsx?zone=linfen-etdz&as_of=2025-06-20" in links
    assert len(links) == 3 + 2 * 2
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_page_opens_on_this_week_this_month_and_today(client, officer):
    client.force_login(officer)

    html = client.get(reverse("reports:downloads")).content.decode()

    assert "week=2025-W27" in html  # 2025-06-30 is the Monday of ISO week 27
    assert "as_of=2025-06-30" in html


def test_a_zone_officer_is_offered_only_their_zone_and_no_city_bulletin(client, officer, zone_b):
    client.force_login(officer)

    links = _links(client.get(reverse("reports:downloads")).content.decode())

    assert {re.search(r"\?(zone|city)=([^&]+)", link).group(2) for link in links} == {"linfen-etdz"}
    assert not any("monthly" in link for link in links)


def test_a_week_that_is_not_a_week_is_refused_and_offers_nothing(client, supervisor):
    client.force_login(supervisor)

    response = client.get(
        reverse("reports:downloads"), {"week": "2025-26", "month": "2025-05", "as_of": "2025-06-20"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2025-W26" in html  # the sentence names the form
    assert not _links(html)
