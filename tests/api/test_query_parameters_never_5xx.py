"""Whatever a caller puts in the query string of a read endpoint, the answer is never a 5xx.

Property-based (Hypothesis) over every GET endpoint of the served schema, lists and reports:
numbers huge and negative, odd text (NUL bytes, full-width digits, emoji), dates from year 1 to
9999, and parameters repeated. The same test runs on SQLite (``make test``) and on PostgreSQL
(CI, with ``DATABASE_URL``). Examples are few and derandomized, so the suite stays fast and a
failure reproduces. No shrinking: a query is at most six pairs, readable as drawn, and shrinking
one failure took a minute.
"""

import datetime
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from notifications.models import Alert
from projects.models import Stage
from tests.api.endpoints import api_schema, fill_path, query_parameters, read_operations
from tests.factories import ActivityFactory

EXAMPLES = 20

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]),
).map(str)
ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", "１２３", "🙂", "%", "'; --", "1e400", "nan", "-0", "true"]
    ),
)
DATES = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
DATE_TEXT = st.one_of(
    DATES.map(datetime.date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-02-30", "2025-W01", "9999-W52", "0000"]),
)
WEEKS = st.one_of(
    st.builds(lambda y, w: f"{y:04d}-W{w:02d}", st.integers(0, 9999), st.integers(0, 60)),
    st.sampled_from(["9999-W52", "0001-W01", "2025-W53", "2026-W01"]),
)


# Tried on every parameter, one by one, before the drawn examples: the values that crashed it.
EDGES = [str(2**64), str(-(2**63) - 1), "0001-01-01", "9999-12-31", "9999-W52", "\x00", "１"]


def _values(parameter: dict) -> st.SearchStrategy[str]:
    """What a careless or hostile caller might send for this parameter."""
    schema = parameter.get("schema", {})
    items = schema.get("items", schema)
    kinds = [ODD_TEXT, NUMBERS, DATE_TEXT]
    if items.get("enum"):
        kinds.append(st.sampled_from([str(v) for v in items["enum"]]))
    if items.get("type") == "boolean":
        kinds.append(st.sampled_from(["true", "false", "True", "1", "0", "yes", "maybe"]))
    if items.get("format") == "date" or parameter["name"] in ("as_of", "from", "to"):
        kinds.append(DATES.map(datetime.date.isoformat))
    if parameter["name"] == "week":
        kinds.append(WEEKS)
    return st.one_of(*kinds)


def _queries(parameters: list[dict]) -> st.SearchStrategy[str]:
    """A query string: some of the parameters, each once or a few times."""
    if not parameters:
        return st.just("")
    pairs = st.one_of(
        *[st.tuples(st.just(p["name"]), _values(p)) for p in parameters],
        st.tuples(ODD_TEXT, ODD_TEXT),
    )
    return st.lists(pairs, max_size=6).map(urlencode)


OPERATIONS = [
    pytest.param(path, parameters, id=path) for path, parameters in read_operations(api_schema())
]


@pytest.fixture
def world(city, zone_a, foreign_zone, make_project, supervisor):
    """Projects at every stage, rounds and alerts, for the caller and beyond their scope."""
    projects = [make_project(stage) for stage in Stage.values]
    for zone in (zone_a, foreign_zone):
        ActivityFactory(city=zone.city)
    Alert.objects.create(
        recipient=supervisor,
        project=projects[0],
        rule="signed_not_started",
        level="warning",
        due_period="2025-W26",
        message="-",
    )
    return {"id": str(projects[1].pk), "code": zone_a.code}


@pytest.mark.parametrize(("path", "parameters"), OPERATIONS)
def test_no_query_string_makes_a_read_endpoint_fail_with_a_5xx(
    api, world, supervisor, path, parameters
):
    client = api(supervisor)
    url = fill_path(path, parameters, world)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=_queries(query_parameters(parameters)))
    def never_5xx(query: str) -> None:
        response = client.get(f"{url}?{query}")

        assert response.status_code < 500, (query, response.content[:300])
        if response.status_code >= 400:
            body = response.json()
            assert body["code"] and body["detail"], (query, body)

    for parameter in query_parameters(parameters):
        for edge in EDGES:
            never_5xx = example(query=urlencode({parameter["name"]: edge}))(never_5xx)
    never_5xx()
