"""Tokens for zone systems: obtained with a password, rate limited, and carrying the user's scope."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_a_password_gets_the_users_token(client, officer):
    response = client.post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": "pw-for-tests"}
    )

    assert response.status_code == 200
    assert response.json()["token"] == officer.auth_token.key


def test_a_wrong_password_is_400_and_reveals_nothing(client, officer):
    response = client.post("/api/v1/auth/token/", {"username": "officer_a", "password": "wrong"})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_guessing_passwords_is_throttled(client, officer, settings):
    for _ in range(10):
        client.post("/api/v1/auth/token/", {"username": "officer_a", "password": "wrong"})

    response = client.post(
        "/api/v1/auth/token/", {"username": "officer_a", "password": "pw-for-tests"}
    )

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_a_bad_token_is_401(client, db):
    response = client.get("/api/v1/projects/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_session_of_a_logged_in_page_user_works_too(client, officer, make_project):
    make_project()
    client.force_login(officer)

    assert client.get("/api/v1/projects/").json()["count"] == 1


def test_the_admin_login_locks_a_username_after_ten_failures(client, supervisor):
    supervisor.is_staff = True
    supervisor.save()
    for _ in range(10):
        client.post("/admin/login/", {"username": "supervisor", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "supervisor", "password": "pw-for-tests"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_login_works_with_the_right_password(client, supervisor):
    supervisor.is_staff = True
    supervisor.save()

    response = client.post("/admin/login/", {"username": "supervisor", "password": "pw-for-tests"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)
