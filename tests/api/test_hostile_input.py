"""Input sent to crash the server is refused as bad input (400) or not found (404), never a 500:
deeply nested JSON, ids beyond 64 bits, dates at the ends of the calendar."""

import pytest
from django.core.cache import cache

BASE = "/api/v1"
HUGE = "9" * 25  # beyond 64 bits: SQLite cannot even bind it
TOO_BIG = str(2**63)  # one past the largest 64-bit key


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def _deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("body", [_deep_list(100_000), _nested(50_000), _nested(33)])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400_without_a_login(client, db, body):
    response = client.post(f"{BASE}/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "32" in response.json()["detail"]


def test_json_nested_a_few_levels_still_reaches_the_token_endpoint(client, officer):
    body = '{"username": "officer_a", "password": "pw-for-tests", "extra": [[[{"a": [1]}]]]}'

    response = client.post(f"{BASE}/auth/token/", body, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/projects/{id}/transitions/start/"),
        ("patch", "/projects/{id}/"),
        ("post", "/projects/"),
        ("post", "/projects/{id}/enrollments/"),
    ],
)
def test_deeply_nested_json_to_any_write_is_a_400(api, make_project, officer, method, path):
    project = make_project()

    response = getattr(api(officer), method)(
        BASE + path.format(id=project.pk), _deep_list(100_000), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    project.refresh_from_db()
    assert project.version == 1


@pytest.mark.parametrize("value", [HUGE, TOO_BIG, "-" + HUGE, "0", "1.5", "1e30"])
@pytest.mark.parametrize(("path", "name"), [("/projects/", "activity"), ("/alerts/", "project")])
def test_an_id_filter_beyond_64_bits_or_not_an_id_is_a_400(api, officer, path, name, value):
    response = api(officer).get(BASE + path, {name: value})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert name in response.json()["errors"]


def test_the_largest_64_bit_id_is_an_ordinary_unknown_id(api, officer):
    response = api(officer).get(f"{BASE}/projects/", {"activity": str(2**63 - 1)})

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/projects/{id}/"),
        ("patch", "/projects/{id}/"),
        ("get", "/projects/{id}/history/"),
        ("get", "/projects/{id}/transitions/"),
        ("post", "/projects/{id}/transitions/start/"),
        ("post", "/projects/{id}/enrollments/"),
        ("get", "/activities/{id}/"),
        ("post", "/alerts/{id}/ack/"),
    ],
)
@pytest.mark.parametrize("pk", [HUGE, TOO_BIG])
def test_a_path_id_beyond_64_bits_is_a_404(api, supervisor, method, path, pk):
    response = getattr(api(supervisor), method)(
        BASE + path.format(id=pk), {"effective_on": "2025-06-01"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "as_of", ["0001-01-01", "0001-06-28", "1999-12-31", "2100-01-01", "9999-12-31"]
)
def test_an_as_of_date_at_the_ends_of_the_calendar_is_a_400_naming_it(api, officer, as_of):
    response = api(officer, "en").get(f"{BASE}/stalls/", {"as_of": as_of})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["as_of"] == ["Give a date between 2000-01-01 and 2099-12-31."]


@pytest.mark.parametrize("as_of", ["2000-01-01", "2099-12-31"])
def test_as_of_dates_of_this_century_are_answered(api, officer, as_of):
    assert api(officer).get(f"{BASE}/stalls/", {"as_of": as_of}).status_code == 200
