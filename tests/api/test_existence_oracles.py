"""No filter tells an outsider which foreign rows exist.

A filter that checked an id against every row answered a foreign project's id with 200 and an
unknown one with 400 (seen on ``/alerts/?project=``), telling the caller which ids exist beyond
their scope. Every id, code and name parameter of every read endpoint must answer a foreign row
exactly as it answers one that does not exist. The endpoints and parameters come from the served
schema, so a new filter is covered, and must be sorted below, the day it is added.
"""

import pytest

from notifications.models import Alert
from projects.models import Activity, City, Project, Zone
from tests.api.endpoints import api_schema, fill_path, query_parameters, read_operations
from tests.factories import ActivityFactory, ProjectFactory

# Parameters that name a row of a scoped model, and the model whose rows they name.
REFERENCES = {
    "zone": (Zone, "code"),
    "city": (City, "name"),
    "activity": (Activity, "pk"),
    "project": (Project, "pk"),
}
# Parameters that name no row: a choice, a date, a number, a flag, a page, a text search.
NOT_REFERENCES = {
    "acknowledged",
    "as_of",
    "category",
    "coordination_level",
    "industry_chain",
    "investment_max",
    "investment_min",
    "kind",
    "level",
    "ordering",
    "overdue",
    "page",
    "page_size",
    "project_name",  # a text search within the caller's own inbox
    "q",
    "rule",
    "signed_from",
    "signed_to",
    "stage",
    "stalled",
    "started_from",
    "started_to",
    "status",
    "tier",
    "unread",
    "zone_category",
}
# The report endpoints' parameters (three rates, weekly workbook) refuse unknown and foreign rows
# alike with a 400 naming the parameter; their own tests show it (tests/reports, tests/api).
REPORTS = "/api/v1/reports/"
UNKNOWN = {"code": "no-such-zone", "name": "无此市"}
UNKNOWN_ID = 2**62


@pytest.fixture
def world(city, other_city, zone_a, zone_b, foreign_zone, make_project, officer):
    """Rows in and out of each caller's scope: the other zone and the other city hold a round,
    a project and an alert each."""
    mine = make_project()
    for zone in (zone_b, foreign_zone):
        project = ProjectFactory(zone=zone)
        ActivityFactory(city=zone.city)
        Alert.objects.create(
            recipient=officer,
            project=project,
            rule="signed_not_started",
            level="reminder",
            due_period="2025-W26",
            message="-",
        )
    return {"id": str(mine.pk), "code": zone_a.code}


def _foreign_and_unknown(model, field: str, user) -> tuple[str, str]:
    foreign = model.objects.exclude(pk__in=model.objects.restrict(user)).order_by("pk").first()
    assert foreign is not None, f"the world holds no {model.__name__} outside the caller's scope"
    if field == "pk":
        return str(foreign.pk), str(UNKNOWN_ID)
    return getattr(foreign, field), UNKNOWN[field]


def _answer(client, path: str, name: str, value: str) -> tuple[int, str]:
    response = client.get(path, {name: value})
    return response.status_code, response.content.decode().replace(value, "<value>")


def _cases(schema):
    for path, parameters in read_operations(schema):
        for parameter in query_parameters(parameters):
            yield path, parameters, parameter["name"]


@pytest.mark.parametrize("caller", ["officer", "supervisor", "viewer"])
def test_a_foreign_row_and_an_unknown_one_answer_alike_on_every_filter(request, api, world, caller):
    # given: a caller, and every read endpoint's parameters that name a row
    user = request.getfixturevalue(caller)
    client = api(user)
    schema = api_schema()
    unsorted = {
        (path, name)
        for path, _, name in _cases(schema)
        if name not in REFERENCES and name not in NOT_REFERENCES and not path.startswith(REPORTS)
    }
    assert not unsorted, f"sort these parameters into REFERENCES or NOT_REFERENCES: {unsorted}"
    checked = []
    for path, parameters, name in _cases(schema):
        if name not in REFERENCES or path.startswith(REPORTS):
            continue
        url = fill_path(path, parameters, world)
        foreign, unknown = _foreign_and_unknown(*REFERENCES[name], user)

        # when: the same filter names a foreign row, then one that does not exist
        # then: the answers cannot be told apart
        assert _answer(client, url, name, foreign) == _answer(client, url, name, unknown), (
            f"{url}?{name}= tells a foreign row from an unknown one"
        )
        checked.append((path, name))

    assert {name for _, name in checked} == set(REFERENCES)


def test_the_alerts_filter_answers_a_foreign_project_as_an_unknown_one(api, world, officer):
    foreign = Project.objects.exclude(pk__in=Project.objects.restrict(officer)).first()

    answers = [
        api(officer).get("/api/v1/alerts/", {"project": pk}) for pk in (foreign.pk, UNKNOWN_ID)
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert (
        answers[0].json()
        == answers[1].json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
