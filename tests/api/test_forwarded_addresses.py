"""The login throttle and axes' lockout count the client's real address.

A client rotating ``X-Forwarded-For`` escaped the 10-a-minute limit on the token endpoint. The
header is trusted only behind ``TRUSTED_PROXY_COUNT`` proxies (0, the default, trusts none); the
throttle and axes read the address through one rule (``kfq.proxies``).
"""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache

from kfq.proxies import client_address

TOKEN = "/api/v1/auth/token/"
WRONG = {"username": "officer_a", "password": "wrong"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def _guess(client, forwarded_for: str):
    return client.post(TOKEN, WRONG, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_with_no_trusted_proxy_rotating_x_forwarded_for_is_still_throttled(client, officer):
    # given: ten guesses, each claiming another address
    for i in range(10):
        assert _guess(client, f"203.0.113.{i}").status_code == 400

    # when: the eleventh claims yet another
    response = _guess(client, "203.0.113.99")

    # then: the socket's address is the one counted
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_the_client_address_comes_from_the_header(
    client, officer, behind_one_proxy
):
    for i in range(10):
        assert _guess(client, f"198.51.100.7, 203.0.113.{i}").status_code == 400

    # the proxy appended the address it saw last: a new client is not throttled by the others
    assert _guess(client, "198.51.100.7, 203.0.113.99").status_code == 400
    assert AccessAttempt.objects.filter(ip_address="203.0.113.99").exists()
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.7").exists()


def test_behind_one_proxy_one_client_is_throttled_whatever_it_writes_in_front(
    client, officer, behind_one_proxy
):
    for i in range(10):
        _guess(client, f"10.0.0.{i}, 203.0.113.5")

    response = _guess(client, "10.9.9.9, 203.0.113.5")

    assert response.status_code == 429


def test_the_throttle_and_axes_read_the_same_address(rf, settings, behind_one_proxy):
    request = rf.post(TOKEN, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")

    assert client_address(request) == "203.0.113.5"
    assert settings.AXES_CLIENT_IP_CALLABLE == "kfq.proxies.client_address"


def test_without_a_proxy_the_address_is_the_sockets(rf):
    request = rf.post(TOKEN, HTTP_X_FORWARDED_FOR="203.0.113.5", REMOTE_ADDR="192.0.2.1")

    assert client_address(request) == "192.0.2.1"
