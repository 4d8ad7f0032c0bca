"""Who may call what on /api/v1/, and that nothing of another zone or city ever shows through.

The world: zones A and B of 临汾市 and a foreign zone of 晋城市, one signed project in each (started
and corrected back, so its history is not empty while it can still be started), enrolled in its
city's round, with an alert about it in the inbox of its zone's officer. Every name carries its zone's marker (ZONEA, ZONEB, FOREIGN), so a leak shows up as
text in the serialized response, and every list is checked to hold exactly the caller's ids.

The rules (CONTRACT.md): no token is 401 ``not_authenticated``; out of the caller's zone or city is
404 ``not_found``, answered exactly as for an id that does not exist; viewers read only (403
``forbidden``); zones and rounds are created by supervisors, in their own city only (another
city's name is a 400, as for a city that does not exist).
"""

import datetime
import io
import json
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from notifications.models import Alert
from projects.access import Role
from projects.models import Enrollment
from tests.factories import ActivityFactory, ProjectFactory, member
from workflow.services import project_transition

V1 = "/api/v1"
ROLES = ["officer", "officer_b", "zone_leader", "supervisor", "foreign_supervisor", "viewer"]
AREAS = ["a", "b", "foreign"]

# The areas each role may see; "linfen" and "foreign" also stand for the two cities' own rows.
SEES = {
    "officer": {"a", "linfen"},
    "zone_leader": {"a", "linfen"},
    "officer_b": {"b", "linfen"},
    "supervisor": {"a", "b", "linfen"},
    "viewer": {"a", "b", "linfen"},
    "foreign_supervisor": {"foreign"},
    "anonymous": set(),
}
MARKERS = {
    "a": ["ZONEA", "linfen-etdz", "临汾经济技术开发区", "officer_a"],
    "b": ["ZONEB", "houma-edz", "侯马经济开发区", "officer_b"],
    "linfen": ["临汾市", "LINFEN-ROUND"],
    "foreign": [
        "FOREIGN",
        "jincheng-etdz",
        "晋城经济技术开发区",
        "晋城市",
        "officer_jc",
        "supervisor_jc",
    ],
}
CITY_OF = {"a": "linfen", "b": "linfen", "foreign": "foreign"}
CITY_NAME = {"linfen": "临汾市", "foreign": "晋城市"}
WRITERS = {"officer", "officer_b", "zone_leader", "supervisor", "foreign_supervisor"}
SUPERVISORS = {"supervisor", "foreign_supervisor"}
NO_SUCH_ID = 987654
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(zone_a, zone_b, foreign_zone, officer, officer_b, supervisor, foreign_supervisor):
    officer_jc = member("officer_jc", Role.OFFICER, zone=foreign_zone)
    rounds = {
        "linfen": ActivityFactory(
            name="LINFEN-ROUND 2024年第一次", city=zone_a.city, held_on=datetime.date(2024, 3, 15)
        ),
        "foreign": ActivityFactory(
            name="FOREIGN-ROUND 2024年第一次",
            city=foreign_zone.city,
            held_on=datetime.date(2024, 3, 15),
        ),
    }
    zones = {"a": zone_a, "b": zone_b, "foreign": foreign_zone}
    # Each zone's officer (leader of its project, recipient of its alert) and who moves its stage.
    people = {
        "a": (officer, supervisor),
        "b": (officer_b, supervisor),
        "foreign": (officer_jc, foreign_supervisor),
    }
    investment = {"a": Decimal("1000.00"), "b": Decimal("200.00"), "foreign": Decimal("30.00")}
    projects = {}
    for area, (leader, boss) in people.items():
        marker = MARKERS[area][0]
        project = ProjectFactory(
            name=f"{marker}年产10万吨新材料项目",
            investor=f"山西{marker}新材料有限公司",
            zone=zones[area],
            leader=leader,
            total_investment=investment[area],
            funds_in_place=Decimal("10.00"),
        )
        for name in ("start", "correct"):
            project_transition(
                project=project,
                name=name,
                by=boss,
                effective_on=datetime.date(2024, 5, 10),
                note=f"{marker}开工登记有误，退回签约",
            )
        project.refresh_from_db()
        Enrollment.objects.create(project=project, activity=rounds[CITY_OF[area]], kind="signed")
        projects[area] = project
    alerts = {
        area: Alert.objects.create(
            recipient=people[area][0],
            project=projects[area],
            rule=Alert.Rule.SIGNED_NOT_STARTED,
            level=Alert.Level.WARNING,
            due_period="2025-W27",
            message=f"{MARKERS[area][0]}项目签而未落，已超期",
            days_over=30,
        )
        for area in AREAS
    }
    return SimpleNamespace(
        zones=zones, projects=projects, rounds=rounds, investment=investment, alerts=alerts
    )


def as_text(response) -> str:
    """The body as a zone system reads it: JSON decoded (so no \\u escapes hide a name), or every
    cell of a workbook."""
    if response["Content-Type"] == XLSX:
        if not hasattr(response, "workbook"):
            response.workbook = b"".join(response.streaming_content)
        book = openpyxl.load_workbook(io.BytesIO(response.workbook))
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return json.dumps(response.json(), ensure_ascii=False)


def assert_nothing_out_of_scope(response, role: str) -> None:
    text = as_text(response)
    for area, markers in MARKERS.items():
        if area in SEES[role]:
            continue
        leaked = [marker for marker in markers if marker in text]
        assert not leaked, f"{role} was shown {leaked} of {area}: {text}"


def call(client, method: str, path: str, body: dict | None = None):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body or {}, format="json")


def url_for(world, path: str, area: str | None) -> str:
    if area is None:
        return V1 + path.format(
            zone="no-such-zone", project=NO_SUCH_ID, round=NO_SUCH_ID, alert=NO_SUCH_ID
        )
    return V1 + path.format(
        zone=world.zones[area].code,
        project=world.projects[area].pk,
        round=world.rounds[CITY_OF[area]].pk,
        alert=world.alerts[area].pk,
    )


def ids_of(response, key: str = "id") -> list:
    return [row[key] for row in response.json()["results"]]


# --- no token, no entry ----------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/zones/"),
    ("get", "/zones/{zone}/"),
    ("post", "/zones/"),
    ("get", "/activities/"),
    ("post", "/activities/"),
    ("get", "/activities/{round}/"),
    ("get", "/projects/"),
    ("post", "/projects/"),
    ("get", "/projects/{project}/"),
    ("patch", "/projects/{project}/"),
    ("post", "/projects/{project}/enrollments/"),
    ("get", "/projects/{project}/transitions/"),
    ("post", "/projects/{project}/transitions/start/"),
    ("get", "/projects/{project}/history/"),
    ("get", "/stalls/"),
    ("get", "/reports/three-rates/"),
    ("get", "/reports/weekly.xlsx?zone={zone}&week=2025-W26"),
    ("get", "/alerts/"),
    ("post", "/alerts/{alert}/ack/"),
]


@pytest.mark.parametrize("token", [None, "not-a-real-token"], ids=["no-token", "bad-token"])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_a_caller_without_a_valid_token_gets_401_from_every_endpoint(
    api, world, method, path, token
):
    client = api(None)
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = call(client, method, url_for(world, path, "a"), {"name": "x"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")
    assert_nothing_out_of_scope(response, "anonymous")


# --- lists hold exactly the caller's rows ----------------------------------------------------


def expected_rows(world, role: str, endpoint: str) -> list:
    areas = [area for area in AREAS if area in SEES[role]]
    if endpoint == "zones":
        return sorted(world.zones[area].code for area in areas)
    if endpoint == "activities":
        return [world.rounds[city].pk for city in ("linfen", "foreign") if city in SEES[role]]
    return sorted(world.projects[area].pk for area in areas)


LISTS = {"zones": "code", "activities": "id", "projects": "id", "stalls": "project"}


@pytest.mark.parametrize("endpoint", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_a_list_holds_exactly_the_rows_of_the_callers_zone_or_city(
    request, api, world, role, endpoint
):
    response = api(request.getfixturevalue(role)).get(f"{V1}/{endpoint}/")

    assert response.status_code == 200
    expected = expected_rows(world, role, endpoint)
    assert sorted(ids_of(response, LISTS[endpoint])) == expected
    assert response.json()["count"] == len(expected)
    assert_nothing_out_of_scope(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_the_three_rates_count_only_the_callers_projects(request, api, world, role):
    response = api(request.getfixturevalue(role)).get(f"{V1}/reports/three-rates/")

    assert response.status_code == 200
    areas = [area for area in AREAS if area in SEES[role]]
    signed = response.json()["signed"]
    assert signed["count"] == len(areas)
    assert Decimal(signed["total_investment"]) == sum(world.investment[area] for area in areas)
    assert_nothing_out_of_scope(response, role)


# --- filters naming what the caller may not see answer an empty list, not an error -----------

FOREIGN_FILTERS = [
    ("supervisor", "/projects/?zone=jincheng-etdz"),
    ("supervisor", "/projects/?city=晋城市"),
    ("supervisor", "/projects/?activity={foreign_round}"),
    ("supervisor", "/stalls/?zone=jincheng-etdz"),
    ("supervisor", "/stalls/?city=晋城市"),
    ("officer", "/projects/?zone=houma-edz"),
    ("officer", "/stalls/?zone=houma-edz"),
    ("foreign_supervisor", "/projects/?city=临汾市"),
    ("foreign_supervisor", "/stalls/?zone=linfen-etdz"),
]


@pytest.mark.parametrize(("role", "path"), FOREIGN_FILTERS)
def test_filtering_a_list_by_a_zone_city_or_round_out_of_scope_answers_an_empty_list(
    request, api, world, role, path
):
    url = V1 + path.format(foreign_round=world.rounds["foreign"].pk)

    response = api(request.getfixturevalue(role)).get(url)

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


THREE_RATE_FILTERS = [
    ("supervisor", "?zone=jincheng-etdz"),
    ("supervisor", "?city=晋城市"),
    ("supervisor", "?activity={foreign_round}"),
    ("officer", "?zone=houma-edz"),
    ("foreign_supervisor", "?city=临汾市"),
]


UNKNOWN_PLACES = {"zone": "?zone=nowhere", "city": "?city=不存在市", "activity": "?activity=999999"}


@pytest.mark.parametrize(("role", "query"), THREE_RATE_FILTERS)
def test_three_rates_narrowed_to_a_zone_city_or_round_out_of_scope_answer_as_if_unknown(
    request, api, world, role, query
):
    client = api(request.getfixturevalue(role))
    url = f"{V1}/reports/three-rates/" + query.format(foreign_round=world.rounds["foreign"].pk)
    parameter = query[1:].split("=")[0]

    response = client.get(url)
    unknown = client.get(f"{V1}/reports/three-rates/" + UNKNOWN_PLACES[parameter])

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert parameter in response.json()["errors"]
    assert as_text(response) == as_text(unknown)


# --- one object: 200 in scope, 404 out of it, the same 404 as for nothing at all -------------

# A round belongs to a city: zone B's officer reads the round zone A's project is enrolled in.
READS = {
    "zone": "/zones/{zone}/",
    "round": "/activities/{round}/",
    "project": "/projects/{project}/",
    "transitions": "/projects/{project}/transitions/",
    "history": "/projects/{project}/history/",
    "workbook": "/reports/weekly.xlsx?zone={zone}&week=2025-W26",
}


def assert_answered_as_if_absent(client, method, path, body, response, world) -> None:
    absent = call(client, method, url_for(world, path, None), body)
    assert response.status_code == absent.status_code
    assert as_text(response) == as_text(absent)


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("endpoint", READS)
@pytest.mark.parametrize("role", ROLES)
def test_reading_an_object_answers_200_in_scope_and_404_out_of_it(
    request, api, world, role, endpoint, area
):
    client = api(request.getfixturevalue(role))
    path = READS[endpoint]

    response = client.get(url_for(world, path, area))

    if (CITY_OF[area] if endpoint == "round" else area) in SEES[role]:
        assert response.status_code == 200
        assert_nothing_out_of_scope(response, role)
        if endpoint in ("project", "history", "workbook"):
            assert MARKERS[area][0] in as_text(response)
    elif endpoint == "workbook":
        # a report names the parameter it cannot use: a 400, the same for unknown and foreign
        assert response.status_code == 400
        assert "zone" in response.json()["errors"]
        assert_answered_as_if_absent(client, "get", path, None, response, world)
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert_answered_as_if_absent(client, "get", path, None, response, world)


def test_the_history_of_a_project_in_scope_is_its_log(api, world, supervisor):
    response = api(supervisor).get(f"{V1}/projects/{world.projects['a'].pk}/history/")

    assert [row["transition"] for row in response.json()["results"]] == ["start", "correct"]


CITY_WORKBOOKS = [
    ("supervisor", "临汾市", 200),
    ("viewer", "临汾市", 200),
    ("foreign_supervisor", "晋城市", 200),
    ("officer", "临汾市", 400),
    ("zone_leader", "临汾市", 400),
    ("supervisor", "晋城市", 400),
    ("foreign_supervisor", "临汾市", 400),
]


@pytest.mark.parametrize(("role", "city_name", "status"), CITY_WORKBOOKS)
def test_a_citys_weekly_workbook_is_for_those_who_see_the_whole_city(
    request, api, world, role, city_name, status
):
    client = api(request.getfixturevalue(role))

    response = client.get(f"{V1}/reports/weekly.xlsx", {"city": city_name, "week": "2025-W26"})

    assert response.status_code == status
    if status == 200:
        assert_nothing_out_of_scope(response, role)
    else:
        absent = client.get(f"{V1}/reports/weekly.xlsx", {"city": "不存在市", "week": "2025-W26"})
        assert (absent.status_code, as_text(absent)) == (400, as_text(response))
        assert "city" in response.json()["errors"]


# --- the alert inbox is the caller's own ------------------------------------------------------

RECEIVES = {"officer": "a", "officer_b": "b"}


@pytest.mark.parametrize("role", ROLES)
def test_the_alert_inbox_holds_only_the_callers_own_alerts(request, api, world, role):
    response = api(request.getfixturevalue(role)).get(f"{V1}/alerts/")

    assert response.status_code == 200
    own = [world.alerts[RECEIVES[role]].pk] if role in RECEIVES else []
    assert ids_of(response) == own
    assert response.json()["count"] == len(own)
    assert_nothing_out_of_scope(response, role)


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("role", ROLES)
def test_only_its_recipient_acknowledges_an_alert_others_get_404(request, api, world, role, area):
    client = api(request.getfixturevalue(role))
    path = "/alerts/{alert}/ack/"

    response = call(client, "post", url_for(world, path, area))

    if RECEIVES.get(role) == area:
        assert response.status_code == 200
        assert response.json()["acknowledged_at"]
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert_answered_as_if_absent(client, "post", path, None, response, world)
        world.alerts[area].refresh_from_db()
        assert world.alerts[area].acknowledged_at is None


# --- writes to a project: viewers 403, out of scope 404 --------------------------------------

PROJECT_WRITES = {
    "patch": ("patch", "/projects/{project}/", 200),
    "enrol": ("post", "/projects/{project}/enrollments/", 201),
    "start": ("post", "/projects/{project}/transitions/start/", 200),
}


def write_body(world, action: str, area: str) -> dict:
    if action == "patch":
        return {"investor": "新投资方有限公司"}
    if action == "enrol":
        # The world's projects are at 签约 and already in the signed batch: free that batch.
        Enrollment.objects.filter(kind="signed").delete()
        return {"activity": world.rounds[CITY_OF[area]].pk, "kind": "signed"}
    return {"effective_on": "2025-06-01", "note": "主体开工"}


def expected_write(role: str, action: str, area: str) -> tuple[int, str | None]:
    """Edits and enrolments refuse a viewer before looking the project up; a transition checks
    scope first, then the role. Either way the answer never depends on a foreign row existing."""
    if role not in WRITERS and action in ("patch", "enrol"):
        return 403, "forbidden"
    if area not in SEES[role]:
        return 404, "not_found"
    if role not in WRITERS:
        return 403, "forbidden"
    return PROJECT_WRITES[action][2], None


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("action", PROJECT_WRITES)
@pytest.mark.parametrize("role", ROLES)
def test_writing_to_a_project_needs_a_writing_role_and_the_project_in_scope(
    request, api, world, role, action, area
):
    client = api(request.getfixturevalue(role))
    method, path, _ = PROJECT_WRITES[action]
    body = write_body(world, action, area)
    status, code = expected_write(role, action, area)

    response = call(client, method, url_for(world, path, area), body)

    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
    if area in SEES[role]:
        assert_nothing_out_of_scope(response, role)
    else:
        assert_answered_as_if_absent(client, method, path, body, response, world)


def test_a_project_cannot_be_enrolled_in_another_citys_round(api, world, supervisor):
    url = f"{V1}/projects/{world.projects['a'].pk}/enrollments/"
    client = api(supervisor)

    foreign = call(client, "post", url, {"activity": world.rounds["foreign"].pk, "kind": "started"})
    absent = call(client, "post", url, {"activity": NO_SUCH_ID, "kind": "started"})

    assert foreign.status_code == absent.status_code == 400
    assert as_text(foreign).replace(str(world.rounds["foreign"].pk), "ID") == as_text(
        absent
    ).replace(str(NO_SUCH_ID), "ID")


# --- creating: projects in one's zones, zones and rounds by supervisors in their city --------


def new_project(zone_code: str) -> dict:
    return {
        "name": "年产5万吨新型建材项目",
        "investor": "山西新建材有限公司",
        "zone": zone_code,
        "industry_chain": "新材料",
        "tier": "county",
        "category": "industry",
        "total_investment": "8000.00",
        "signed_on": "2025-06-01",
    }


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("role", ROLES)
def test_a_project_is_created_only_in_a_zone_of_the_callers_scope(request, api, world, role, area):
    client = api(request.getfixturevalue(role))
    code = world.zones[area].code

    response = client.post(f"{V1}/projects/", new_project(code), format="json")

    if role not in WRITERS:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert_nothing_out_of_scope(response, role)
    elif area in SEES[role]:
        assert response.status_code == 201, response.json()
        assert response.json()["zone"] == code
        assert response.json()["stage"] == "signed"
        assert_nothing_out_of_scope(response, role)
    else:
        absent = client.post(f"{V1}/projects/", new_project("no-such-zone"), format="json")
        assert response.status_code == absent.status_code == 400
        assert as_text(response).replace(code, "CODE") == as_text(absent).replace(
            "no-such-zone", "CODE"
        )


REFERENCE_DATA = {
    "zones": lambda city: {
        "code": "new-zone",
        "name": "新设经济开发区",
        "city": city,
        "category": "industrial",
        "level": "provincial",
    },
    "activities": lambda city: {"name": "2025年第一次", "city": city, "held_on": "2025-03-20"},
}


@pytest.mark.parametrize("in_city", ["linfen", "foreign"])
@pytest.mark.parametrize("endpoint", REFERENCE_DATA)
@pytest.mark.parametrize("role", ROLES)
def test_zones_and_rounds_are_created_by_supervisors_in_their_own_city_only(
    request, api, world, role, endpoint, in_city
):
    client = api(request.getfixturevalue(role))
    name = CITY_NAME[in_city]

    response = client.post(f"{V1}/{endpoint}/", REFERENCE_DATA[endpoint](name), format="json")

    if role not in SUPERVISORS:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert_nothing_out_of_scope(response, role)
    elif in_city in SEES[role]:
        assert response.status_code == 201, response.json()
        assert response.json()["city"] == name
    else:
        absent = client.post(
            f"{V1}/{endpoint}/", REFERENCE_DATA[endpoint]("不存在市"), format="json"
        )
        assert response.status_code == absent.status_code == 400
        assert response.json()["code"] == "invalid"
        assert as_text(response).replace(name, "CITY") == as_text(absent).replace(
            "不存在市", "CITY"
        )


def test_naming_a_leader_of_another_city_answers_as_for_a_user_that_does_not_exist(
    api, world, officer
):
    client = api(officer)

    url = f"{V1}/projects/"

    foreign = call(client, "post", url, {**new_project("linfen-etdz"), "leader": "officer_jc"})
    absent = call(client, "post", url, {**new_project("linfen-etdz"), "leader": "nobody_jc"})

    assert foreign.status_code == absent.status_code == 400
    assert as_text(foreign).replace("officer_jc", "NAME") == as_text(absent).replace(
        "nobody_jc", "NAME"
    )
