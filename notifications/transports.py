"""Channels: one transport class per kind, after Healthchecks' ``hc/api/transports.py``.

A transport sends one message and either returns or raises ``TransportError``; the error says
whether trying again could help (``permanent=False``: a timeout, a 5xx, a robot's "too fast")
or not (a bad URL, a wrong secret), and the outbox retries or fails the delivery accordingly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import requests
from django.core.mail import EmailMessage

# DingTalk's and WeCom's answers that mean "later", not "never": sending too fast, busy.
TRANSIENT_ERRCODES = {
    "dingtalk": {130101, 130102, -1},
    "wecom": {45009, 45033, -1},
}


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    title: str
    text: str  # markdown for robots, plain text for email


class EmailTransport:
    def __init__(self, address: str) -> None:
        self.address = address

    def send(self, message: Message) -> None:
        if not self.address:
            raise TransportError("the recipient has no e-mail address", permanent=True)
        try:
            EmailMessage(subject=message.title, body=message.text, to=[self.address]).send(
                fail_silently=False
            )
        except OSError as error:
            raise TransportError(f"mail server: {error}") from error


class HttpTransport:
    kind = ""
    timeout = 10

    def __init__(self, url: str, secret: str = "") -> None:
        self.url = url
        self.secret = secret

    def target_url(self) -> str:
        return self.url

    def payload(self, message: Message) -> dict[str, Any]:
        raise NotImplementedError

    def send(self, message: Message) -> None:
        try:
            response = requests.post(
                self.target_url(), json=self.payload(message), timeout=self.timeout
            )
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as error:
            raise TransportError(f"bad URL: {error}", permanent=True) from error
        except requests.RequestException as error:
            raise TransportError(f"no answer: {error.__class__.__name__}") from error
        self.check(response)

    def check(self, response: requests.Response) -> None:
        if response.status_code >= 500 or response.status_code == 429:
            raise TransportError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise TransportError(f"HTTP {response.status_code}", permanent=True)
        try:
            body = response.json()
        except ValueError as error:
            raise TransportError("the answer is not JSON") from error
        errcode = body.get("errcode", 0) if isinstance(body, dict) else 0
        if errcode != 0:
            raise TransportError(
                f"errcode {errcode}: {body.get('errmsg', '')}",
                permanent=errcode not in TRANSIENT_ERRCODES[self.kind],
            )


class WeComTransport(HttpTransport):
    """WeCom (企业微信) group robot: markdown, at most 4096 bytes."""

    kind = "wecom"

    def payload(self, message: Message) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"content": f"**{message.title}**\n{message.text}"},
        }


class DingTalkTransport(HttpTransport):
    """DingTalk (钉钉) group robot: markdown, signed with the robot's secret when it has one."""

    kind = "dingtalk"

    def target_url(self) -> str:
        if not self.secret:
            return self.url
        timestamp = str(round(time.time() * 1000))
        separator = "&" if "?" in self.url else "?"
        query = urllib.parse.urlencode(
            {"timestamp": timestamp, "sign": dingtalk_sign(timestamp, self.secret)}
        )
        return f"{self.url}{separator}{query}"

    def payload(self, message: Message) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": f"#### {message.title}\n{message.text}"},
        }


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """HMAC-SHA256 of ``timestamp + "\\n" + secret`` keyed by the secret, base64 (the caller
    URL-encodes it as a query parameter)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
