"""A shared test base for /api/v1/ endpoints, after NetBox's ``utilities/testing/api.py``.

An endpoint's test class says what it is, declaratively, and inherits its cases:

- ``path`` with ``{id}`` (the object or the owning project), ``method``, ``success`` status;
- the ``target`` fixture: the id of an object in zone A of 临汾市 (the officer's own);
- for writes: ``body`` (a valid one), ``bad_bodies`` (``(body, field)`` each a 400 naming the
  field) and ``model`` (whose row count must not move on a refusal);
- for lists: ``list_queries`` (the pinned number of queries, the same for one row as for
  ``more_rows`` more) and the ``make_rows`` fixture.

Every endpoint then answers: 401 without a token; the caller it is for (``caller``, the zone's officer unless said); on an object
(``ObjectTests``), 404 for the supervisor of another city exactly as for an id that does not exist
(no oracle); and, for writes, 403 for a viewer, the success
status for the zone's officer, and each bad body a 400 ``invalid`` naming its field with nothing
written.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

V1 = "/api/v1"
NO_SUCH_ID = 987654


def call(client, method: str, url: str, body: dict | None = None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body or {}, format="json")


def answer(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False, sort_keys=True)


class EndpointTests:
    """Every endpoint: who may not call it, and what lies outside the caller's scope."""

    method = "get"
    path = ""
    success = 200
    caller = "officer"  # the fixture of the cast who may call it

    @pytest.fixture
    def target(self):
        raise NotImplementedError("an endpoint's tests say which object they call it on")

    def url(self, target) -> str:
        return V1 + self.path.format(id=target)

    def body(self, target) -> dict:
        return {}

    def test_a_caller_without_a_token_gets_401(self, api, target):
        response = call(api(None), self.method, self.url(target), self.body(target))

        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_the_caller_it_is_for_is_answered(self, request, api, target):
        client = api(request.getfixturevalue(self.caller))

        response = call(client, self.method, self.url(target), self.body(target))

        assert response.status_code == self.success, response.json()


class ObjectTests(EndpointTests):
    """An endpoint on one object (or on what one project owns): out of scope is absent."""

    def test_another_citys_object_answers_404_exactly_as_one_that_does_not_exist(
        self, api, foreign_supervisor, target
    ):
        client = api(foreign_supervisor)

        foreign = call(client, self.method, self.url(target), self.body(target))
        absent = call(client, self.method, self.url(NO_SUCH_ID), self.body(target))

        assert foreign.status_code == absent.status_code == 404
        assert answer(foreign).replace(str(target), "ID") == answer(absent).replace(
            str(NO_SUCH_ID), "ID"
        )


class WriteTests(EndpointTests):
    """A write: viewers are refused, bad input is a 400 naming the field and writes nothing."""

    method = "post"
    success = 201
    model = None
    bad_bodies: list[tuple[dict, str]] = []

    def rows(self) -> list:
        return list(self.model.objects.order_by("pk").values())

    def test_a_viewer_may_not_write(self, api, viewer, target):
        before = self.rows()

        response = call(api(viewer), self.method, self.url(target), self.body(target))

        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert self.rows() == before

    def test_a_bad_body_is_400_naming_the_field_and_nothing_is_written(
        self, request, api, target, bad_body
    ):
        change, field = bad_body
        before = self.rows()
        client = api(request.getfixturevalue(self.caller))

        response = call(client, self.method, self.url(target), {**self.body(target), **change})

        assert response.status_code == 400, response.json()
        assert response.json()["code"] == "invalid"
        assert field in response.json()["errors"], response.json()
        assert self.rows() == before


class ListTests(EndpointTests):
    """A list: paginated, and its number of queries pinned, whatever the number of rows."""

    list_queries = 0
    more_rows = 4

    @pytest.fixture
    def make_rows(self):
        raise NotImplementedError("a list's tests say how to add rows to it")

    def test_the_list_is_paginated_and_its_queries_are_pinned(
        self, request, api, target, make_rows
    ):
        client = api(request.getfixturevalue(self.caller))
        client.get(self.url(target))  # the token and the session are looked up once
        with CaptureQueriesContext(connection) as few:
            first = client.get(self.url(target))
        make_rows(self.more_rows)
        with CaptureQueriesContext(connection) as many:
            second = client.get(self.url(target))

        assert first.status_code == second.status_code == 200
        assert set(second.json()) == {"count", "next", "previous", "results"}
        assert second.json()["count"] >= first.json()["count"] + self.more_rows
        assert len(few) == len(many) == self.list_queries, [q["sql"] for q in many]
