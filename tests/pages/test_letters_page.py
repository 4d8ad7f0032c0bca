"""The warning letters (警示提醒函): the supervisor's list of the city's letters with their reply
state and the .docx, the zone's letters answered once (整改) through ``letter_reply``, and the
same refusals in the same words as the API."""

import datetime
import io

import docx
import pytest
from django.urls import reverse

from notifications.models import Letter
from notifications.services import scan
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
LETTERS = reverse("notifications:letters")
HTMX = {"HTTP_HX_REQUEST": "true"}
ANSWER = {"replied_on": "2025-06-30", "reply": "已约谈投资方，7月底前开工"}


@pytest.fixture
def letters(make_project, officer, zone_leader, supervisor, zone_b):
    """Three letters: one of zone A issued today (awaiting its answer), one of zone A issued
    twenty days ago (its answer overdue), one of zone B issued today."""
    signed = TODAY - datetime.timedelta(days=400)
    overdue = make_project(name="久拖未开工项目", signed_on=signed, officer=officer)
    scan(as_of=TODAY - datetime.timedelta(days=20))
    pending = make_project(
        name="迟迟未开工项目", signed_on=TODAY - datetime.timedelta(days=215), officer=officer
    )
    houma = make_project(name="侯马未开工项目", signed_on=signed, zone=zone_b)
    scan(as_of=TODAY)
    return {
        "overdue": Letter.objects.get(project=overdue),
        "pending": Letter.objects.get(project=pending),
        "houma": Letter.objects.get(project=houma),
    }


def _rows(response) -> str:
    html = response.content.decode()
    return html[html.index("<table") : html.index("</table>")]


def _reply(letter: Letter) -> str:
    return reverse("notifications:letter-reply", args=[letter.pk])


def _page(letter: Letter) -> str:
    return reverse("notifications:letter", args=[letter.pk])


def test_a_supervisor_sees_the_citys_letters_and_their_reply_state(client, supervisor, letters):
    client.force_login(supervisor)

    rows = _rows(client.get(LETTERS))

    for letter in letters.values():
        assert letter.number in rows and letter.project.name in rows
        assert reverse("letter-document", args=[letter.pk]) in rows
        assert reverse("workflow:project", args=[letter.project_id]) in rows
    assert rows.count(">待答复</span>") == 2 and rows.count(">逾期未答复</span>") == 1
    assert "侯马经济开发区" in rows and "2025-07-15" in rows


def test_the_letters_filter_by_reply_state_and_zone(client, supervisor, letters):
    client.force_login(supervisor)

    overdue = _rows(client.get(LETTERS, {"state": "overdue"}))
    houma = _rows(client.get(LETTERS, {"zone": "houma-edz", "state": "pending"}))
    replied = _rows(client.get(LETTERS, {"state": "replied"}))
    bad = client.get(LETTERS, {"state": "forgotten", "project": "x"})

    assert "久拖未开工项目" in overdue and "迟迟未开工项目" not in overdue
    assert "侯马未开工项目" in houma and "迟迟未开工项目" not in houma
    assert "没有符合筛选条件的警示提醒函。" in replied
    assert bad.status_code == 200 and "没有符合筛选条件的警示提醒函。" in _rows(bad)


def test_a_zone_sees_only_its_own_letters(client, zone_leader, officer_b, letters):
    client.force_login(zone_leader)
    own = _rows(client.get(LETTERS))
    client.force_login(officer_b)
    houma = _rows(client.get(LETTERS))

    assert "迟迟未开工项目" in own and "侯马未开工项目" not in own
    assert "侯马未开工项目" in houma and "迟迟未开工项目" not in houma


def test_the_downloaded_letter_names_its_project(client, supervisor, letters):
    client.force_login(supervisor)
    page = client.get(_page(letters["pending"])).content.decode()
    url = reverse("letter-document", args=[letters["pending"].pk])
    assert url in page

    response = client.get(url)

    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "迟迟未开工项目" in text and letters["pending"].number in text


def test_the_zone_leader_answers_a_letter_in_place(client, zone_leader, letters):
    client.force_login(zone_leader)
    letter = letters["pending"]
    assert 'data-testid="reply-form"' in client.get(_page(letter)).content.decode()

    response = client.post(_reply(letter), ANSWER, **HTMX)

    section = response.content.decode()
    assert response.status_code == 200
    assert section.startswith('<section class="card mb-3" aria-labelledby="h-reply"')
    assert "已约谈投资方，7月底前开工" in section and ">已答复</span> 2025-06-30" in section
    assert 'data-testid="reply-form"' not in section
    letter.refresh_from_db()
    assert (letter.replied_on, letter.reply) == (TODAY, "已约谈投资方，7月底前开工")
    assert ">已答复</span>" in _rows(client.get(LETTERS))


def test_without_htmx_an_answer_returns_to_the_letter(client, officer, letters):
    client.force_login(officer)  # the zone's officers answer too, as the API lets them

    response = client.post(_reply(letters["pending"]), ANSWER)

    assert response.status_code == 302 and response["Location"] == _page(letters["pending"])
    assert Letter.objects.get(pk=letters["pending"].pk).reply == ANSWER["reply"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"replied_on": "2025-07-01", "reply": "好"}, "日期不能晚于今天。"),
        ({"replied_on": "2025-06-29", "reply": "好"}, "回复日期不能早于发函日期。"),
        ({"replied_on": "someday", "reply": "好"}, "输入一个有效的日期。"),
        ({"replied_on": "2025-06-30", "reply": "  "}, "该字段是必填项。"),
    ],
)
def test_a_bad_answer_is_refused_in_words_and_nothing_is_written(
    client, zone_leader, letters, body, words
):
    client.force_login(zone_leader)

    in_place = client.post(_reply(letters["pending"]), body, **HTMX)
    whole = client.post(_reply(letters["pending"]), body)

    assert in_place.status_code == 200  # htmx swaps only a 2xx
    assert words in in_place.content.decode()
    assert whole.status_code == 400 and words in whole.content.decode()
    assert Letter.objects.get(pk=letters["pending"].pk).replied_on is None


def test_a_second_answer_from_a_page_left_open_is_refused_in_words(
    client, officer, zone_leader, letters
):
    # given the officer and the zone leader both opened the letter's form
    letter = letters["pending"]
    client.force_login(officer)
    assert 'data-testid="reply-form"' in client.get(_page(letter)).content.decode()
    client.force_login(zone_leader)
    client.post(_reply(letter), ANSWER, **HTMX)

    # when the officer sends another answer from the page left open
    client.force_login(officer)
    in_place = client.post(
        _reply(letter), {"replied_on": "2025-06-30", "reply": "另一答复"}, **HTMX
    )
    whole = client.post(_reply(letter), {"replied_on": "2025-06-30", "reply": "另一答复"})

    # then it is refused in the service's words, and the first answer is shown and kept
    section = in_place.content.decode()
    assert "该函已于 2025-06-30 答复，答复不能更改。" in section
    assert ANSWER["reply"] in section and 'data-testid="reply-form"' not in section
    assert whole.status_code == 409
    assert Letter.objects.get(pk=letter.pk).reply == ANSWER["reply"]


@pytest.mark.parametrize("who", ["supervisor", "viewer"])
def test_supervisors_and_viewers_read_letters_without_a_form(request, client, who, letters):
    client.force_login(request.getfixturevalue(who))
    letter = letters["pending"]

    page = client.get(_page(letter)).content.decode()
    refused = client.post(_reply(letter), ANSWER)

    assert "开发区尚未答复。" in page and 'data-testid="reply-form"' not in page
    assert refused.status_code == 403
    assert "警示提醒函由开发区的项目专员或管委会回复。" in refused.content.decode()
    assert Letter.objects.get(pk=letter.pk).replied_on is None


def test_a_replied_letter_shows_its_answer_read_only(client, zone_leader, supervisor, letters):
    client.force_login(zone_leader)
    client.post(_reply(letters["pending"]), ANSWER)

    for user in (zone_leader, supervisor):
        client.force_login(user)
        page = client.get(_page(letters["pending"])).content.decode()
        assert ANSWER["reply"] in page and 'data-testid="reply-form"' not in page


def test_a_get_on_the_reply_target_is_405(client, zone_leader, letters):
    client.force_login(zone_leader)

    assert client.get(_reply(letters["pending"])).status_code == 405


def test_the_letters_query_count_does_not_grow_with_rows(
    client, supervisor, make_project, django_assert_max_num_queries
):
    for number in range(30):
        make_project(name=f"未开工{number}", signed_on=TODAY - datetime.timedelta(days=300))
    scan(as_of=TODAY)
    assert Letter.objects.count() == 30
    client.force_login(supervisor)

    # session, user, membership and its city, the top bar's unread count, the zone filter's
    # zones, the count and the page of rows
    with django_assert_max_num_queries(8):
        response = client.get(LETTERS, {"state": "pending"})

    assert response.status_code == 200
    assert _rows(response).count(">待答复</span>") == 25
