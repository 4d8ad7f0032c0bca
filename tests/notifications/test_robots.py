"""WeCom and DingTalk robots against a real local HTTP server: the exact payloads, DingTalk's
signature, errcode answers, the rate per robot and the digest instead of a burst."""

import datetime
import urllib.parse

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Alert, Channel, Delivery
from notifications.services import deliveries_send_due
from notifications.transports import dingtalk_sign
from tests.factories import ProjectFactory


@pytest.fixture
def outbox(zone_a, officer):
    """``queue(channel, n)``: n alerts of zone A, each with a due delivery to the robot."""

    def queue(channel: Channel, count: int = 1) -> list[Delivery]:
        rows = []
        for number in range(count):
            project = ProjectFactory(zone=zone_a, name=f"铸件项目{number}")
            alert = Alert.objects.create(
                recipient=officer,
                project=project,
                rule="signed_not_started",
                level="reminder",
                due_period="2024-03-01",
                days_over=5 + number,
                message=f"“铸件项目{number}”签约后未开工：超期{5 + number}天。",
            )
            rows.append(
                Delivery.objects.create(
                    alert=alert, kind=channel.kind, channel=channel, key=f"{channel.pk}:{alert.pk}"
                )
            )
        return rows

    return queue


def _robot(kind: str, url: str, zone, **fields) -> Channel:
    return Channel.objects.create(name=f"{kind} 群", kind=kind, zone=zone, url=url, **fields)


def test_wecom_gets_one_markdown_message(robot_server, outbox, zone_a):
    robot = _robot("wecom", f"{robot_server.url}/cgi-bin/webhook/send?key=abc", zone_a)
    (delivery,) = outbox(robot)

    assert deliveries_send_due() == 1

    assert robot_server.requests == [
        {
            "path": "/cgi-bin/webhook/send?key=abc",
            "json": {
                "msgtype": "markdown",
                "markdown": {
                    "content": "**提醒：铸件项目0**\n- **提醒** “铸件项目0”签约后未开工：超期5天。"
                },
            },
        }
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_dingtalk_is_signed_and_gets_its_own_markdown(robot_server, outbox, zone_a):
    robot = _robot(
        "dingtalk", f"{robot_server.url}/robot/send?access_token=t0k", zone_a, secret="SEC123"
    )
    outbox(robot)

    deliveries_send_due()

    (request,) = robot_server.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    timestamp = query["timestamp"][0]
    assert timestamp == str(round(timezone.now().timestamp() * 1000))
    assert query["access_token"] == ["t0k"]
    assert query["sign"] == [dingtalk_sign(timestamp, "SEC123")]
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "提醒：铸件项目0",
            "text": "#### 提醒：铸件项目0\n- **提醒** “铸件项目0”签约后未开工：超期5天。",
        },
    }


def test_the_dingtalk_signature_matches_a_fixed_vector():
    # HMAC-SHA256 of "timestamp\nsecret" keyed by the secret, base64; URL-encoded in the query
    secret = "SEC7d5d5c3c5e4b0b5b1c1f0e8f2e4a5c3b2a1d0e9f8c7b6a5"

    assert dingtalk_sign("1577262236757", secret) == "Rl7pnaIxmZW/6S5CbBAXX/+swT08O2F36NQrApKLCLo="


def test_errcode_130101_is_retried_later_not_failed(robot_server, outbox, zone_a):
    # given DingTalk answering HTTP 200 with errcode 130101 ("send too fast") once
    robot = _robot("dingtalk", f"{robot_server.url}/robot/send?access_token=t", zone_a)
    (delivery,) = outbox(robot)
    robot_server.answer(200, {"errcode": 130101, "errmsg": "send too fast"})

    # when the outbox sends
    assert deliveries_send_due() == 0

    # then the row waits a minute (back-off) and goes out on the next try
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "130101" in delivery.last_error
    assert delivery.next_attempt_at == timezone.now() + datetime.timedelta(minutes=1)
    assert deliveries_send_due() == 0  # not due yet
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61), tick=False):
        assert deliveries_send_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(robot_server.requests) == 2


def test_a_bad_secret_fails_the_row_and_marks_the_robot(robot_server, outbox, zone_a):
    robot = _robot("dingtalk", f"{robot_server.url}/robot/send?access_token=t", zone_a)
    first, second = outbox(robot, 2)
    robot_server.answer(200, {"errcode": 310000, "errmsg": "sign not match"})
    first.next_attempt_at = second.next_attempt_at = timezone.now()

    deliveries_send_due()

    robot.refresh_from_db()
    assert robot.enabled is False
    assert "310000" in robot.last_error
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    assert len(robot_server.requests) == 1


def test_a_server_error_is_retried_with_growing_back_off(robot_server, outbox, zone_a):
    robot = _robot("wecom", f"{robot_server.url}/send", zone_a)
    (delivery,) = outbox(robot)
    waits = []
    for _ in range(3):
        robot_server.answer(502, {})
        deliveries_send_due()
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - timezone.now())
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["next_attempt_at"])

    assert waits == [datetime.timedelta(minutes=m) for m in (1, 2, 4)]


def test_several_alerts_for_one_robot_go_as_one_digest(robot_server, outbox, zone_a):
    robot = _robot("wecom", f"{robot_server.url}/send", zone_a)
    outbox(robot, 3)

    assert deliveries_send_due() == 3

    (request,) = robot_server.requests
    content = request["json"]["markdown"]["content"]
    assert content.startswith("**项目预警（3条）**\n")
    assert all(f"铸件项目{n}" in content for n in range(3))


def test_a_robot_gets_at_most_20_messages_a_minute(robot_server, outbox, zone_a, settings):
    # given 25 alerts for one robot, one alert per message
    settings.ROBOT_DIGEST_MAX_ITEMS = 1
    robot = _robot("wecom", f"{robot_server.url}/send", zone_a)
    outbox(robot, 25)

    # when the outbox sends now, and again (nothing is due until the minute is over)
    assert deliveries_send_due() == 20
    assert deliveries_send_due() == 0

    # then the rest goes out when the robot's minute is over
    assert len(robot_server.requests) == 20
    waiting = Delivery.objects.filter(status="pending")
    assert set(waiting.values_list("next_attempt_at", flat=True)) == {
        timezone.now() + datetime.timedelta(minutes=1)
    }
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=False):
        assert deliveries_send_due() == 5
    assert len(robot_server.requests) == 25
