"""Signing in and out of the pages; django-axes guards this login as it guards the admin's."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_officer_signs_in_and_lands_on_the_project_list(client, officer):
    response = client.post(reverse("login"), {"username": "officer_a", "password": "pw-for-tests"})

    assert response.status_code == 302
    assert response.url == reverse("projects:list")


def test_a_wrong_password_is_refused_in_chinese(client, officer):
    response = client.post(reverse("login"), {"username": "officer_a", "password": "nope"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_password_guessing_is_locked_out(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "officer_a", "password": "nope"})

    response = client.post(reverse("login"), {"username": "officer_a", "password": "pw-for-tests"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, officer):
    client.force_login(officer)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("projects:list")).status_code == 302


def test_the_admin_keeps_its_own_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_language_switch_turns_the_pages_english(client, officer):
    client.force_login(officer)

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("projects:list")}
    )
    page = client.get(response.url).content.decode()

    assert '<html lang="en">' in page
    assert "Sign out" in page and "退出" not in page
