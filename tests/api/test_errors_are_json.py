"""Every answer under /api/ is JSON ``{"code", "detail"}``, whatever the URL, method or failure:
an unknown path, an id that is not a number, a method the endpoint lacks, a crash, a bad Host."""

import pytest

from projects.api.views import ZoneViewSet

BASE = "/api/v1"


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/nope/",
        f"{BASE}/projects/abc/",
        f"{BASE}/projects/abc/history/",
        f"{BASE}/projects/1/nope/",
        f"{BASE}/activities/1.5/",
        f"{BASE}/zones/a%20b/",
        f"{BASE}/alerts/x/ack/",
        "/api/v2/projects/",
        "/api/",
        "/api/nope",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_unknown_api_path_is_a_json_404(api, officer, path, method):
    response = getattr(api(officer), method)(path)

    _assert_error(response, 404, "not_found")


def test_an_unknown_api_path_is_a_json_404_without_a_login_too(client, db):
    _assert_error(client.get(f"{BASE}/nope/"), 404, "not_found")
    _assert_error(client.post(f"{BASE}/nope/", {"a": 1}), 404, "not_found")


def test_a_read_of_a_path_without_its_slash_still_redirects(api, officer):
    response = api(officer).get(f"{BASE}/projects", {"stage": "signed"})

    assert response.status_code == 301
    assert response["Location"] == f"{BASE}/projects/?stage=signed"


def test_a_write_to_a_path_without_its_slash_is_a_json_404(api, officer):
    _assert_error(api(officer).post(f"{BASE}/projects", {}), 404, "not_found")


def test_the_404_detail_follows_the_language_asked_for(api, officer):
    assert api(officer).get(f"{BASE}/nope/").json()["detail"] == "未找到。"
    assert api(officer, "en").get(f"{BASE}/nope/").json()["detail"] == "Not found."


def test_a_method_the_endpoint_lacks_is_a_json_405(api, officer):
    _assert_error(api(officer).delete(f"{BASE}/projects/"), 405, "method_not_allowed")
    _assert_error(api(officer).put(f"{BASE}/projects/"), 405, "method_not_allowed")


def test_a_crash_under_the_api_is_a_json_500(api, officer, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ZoneViewSet, "list", crash)
    client = api(officer)
    client.raise_request_exception = False

    response = client.get(f"{BASE}/zones/")

    _assert_error(response, 500, "server_error")
    assert "a bug" not in response.content.decode()


def test_a_bad_host_under_the_api_is_a_json_400(api, officer):
    response = api(officer).get(f"{BASE}/zones/", HTTP_HOST="evil.example")

    _assert_error(response, 400, "invalid")


def test_pages_outside_the_api_keep_html_errors(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
