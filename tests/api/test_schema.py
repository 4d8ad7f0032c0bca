"""The OpenAPI schema at /api/schema/ and the Swagger UI at /api/docs/ (CONTRACT.md).

The schema must be a valid OpenAPI document naming every path of the contract, and
its examples must fit the schemas they illustrate; the docs page must load nothing from the
internet (Swagger UI comes from drf-spectacular-sidecar's static files).
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

# CONTRACT.md's REST table, path by path, in the schema's spelling.
CONTRACT = [
    ({"get", "post"}, "/api/v1/zones/"),
    ({"get"}, "/api/v1/zones/{code}/"),
    ({"get", "post"}, "/api/v1/activities/"),
    ({"get", "post"}, "/api/v1/projects/"),
    ({"get", "patch"}, "/api/v1/projects/{id}/"),
    ({"get", "post"}, "/api/v1/projects/{id}/enrollments/"),
    ({"get", "post"}, "/api/v1/projects/{id}/milestones/"),
    ({"patch"}, "/api/v1/milestones/{id}/"),
    ({"get", "post"}, "/api/v1/projects/{id}/problems/"),
    ({"patch"}, "/api/v1/problems/{id}/"),
    ({"post"}, "/api/v1/problems/{id}/resolve/"),
    ({"get"}, "/api/v1/problems/"),
    ({"get", "post"}, "/api/v1/projects/{id}/progress/"),
    ({"get"}, "/api/v1/projects/{id}/transitions/"),
    ({"post"}, "/api/v1/projects/{id}/transitions/{name}/"),
    ({"get"}, "/api/v1/projects/{id}/history/"),
    ({"get"}, "/api/v1/stalls/"),
    ({"get"}, "/api/v1/reports/three-rates/"),
    ({"get"}, "/api/v1/reports/weekly.xlsx"),
    ({"get"}, "/api/v1/alerts/"),
    ({"post"}, "/api/v1/alerts/{id}/ack/"),
    ({"get"}, "/api/v1/imports/ledger-template.xlsx"),
    ({"post"}, "/api/v1/imports/ledger/"),
    ({"get"}, "/api/v1/imports/{id}/"),
]
TRANSITION = "/api/v1/projects/{id}/transitions/{name}/"


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_a_valid_openapi_3_document(schema):
    validate(schema)

    assert schema["openapi"].startswith("3.")


def served(path: str) -> bool:
    sample = path.format(id=1, code="linfen-etdz", name="start")
    try:
        resolve(sample)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize(("methods", "path"), CONTRACT, ids=[path for _, path in CONTRACT])
def test_every_path_of_the_contract_is_served_and_in_the_schema(schema, methods, path):
    assert served(path)
    assert path in schema["paths"]
    assert methods <= set(schema["paths"][path])


def test_the_schema_documents_token_authentication(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]

    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")


def test_the_transition_endpoint_shows_request_and_refusal_examples(schema):
    operation = schema["paths"][TRANSITION]["post"]

    requests = operation["requestBody"]["content"]["application/json"]["examples"]
    refusals = operation["responses"]["409"]["content"]["application/json"]["examples"]

    assert {example["summary"] for example in requests.values()} >= {"start", "terminate"}
    assert all(example["value"]["effective_on"] for example in requests.values())
    assert [example["value"]["code"] for example in refusals.values()] == ["transition_not_allowed"]


def examples(schema, direction: str):
    """(where, example value, the schema it illustrates) for every example in the document."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            bodies = []
            if direction == "request":
                bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
            else:
                for status, response in operation.get("responses", {}).items():
                    bodies.append((status, response.get("content", {})))
            for where, content in bodies:
                for media_type, body in content.items():
                    for name, example in body.get("examples", {}).items():
                        yield (
                            f"{method.upper()} {path} {where} {media_type} {name}",
                            example["value"],
                            body["schema"],
                        )


def misfits(schema, direction: str) -> list[str]:
    found = []
    for where, value, illustrated in examples(schema, direction):
        validator = OAS30Validator({**illustrated, "components": schema["components"]})
        errors = [error.message for error in validator.iter_errors(value)]
        if errors:
            found.append(f"{where}: {errors[0]}")
    return found


def test_every_request_example_fits_its_request_schema(schema):
    assert list(examples(schema, "request"))
    assert misfits(schema, "request") == []


def test_every_response_example_fits_its_response_schema(schema):
    assert misfits(schema, "response") == []


class _Assets(HTMLParser):
    """The URLs a page loads as scripts and stylesheets (and its icon)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.urls.append(attributes["href"])


def test_swagger_ui_loads_its_scripts_and_stylesheets_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = _Assets()
    page.feed(response.content.decode())
    assert any(url.endswith(".js") for url in page.urls)
    assert any(url.endswith(".css") for url in page.urls)
    for url in page.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"/api/docs/ loads {url} from elsewhere"
        assert parts.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
        assert finders.find(parts.path.removeprefix("/" + settings.STATIC_URL.lstrip("/")))
    assert "http://" not in response.content.decode()
    assert "https://" not in response.content.decode()


def test_swagger_ui_points_at_the_served_schema(client):
    response = client.get("/api/docs/")

    assert 'url: "/api/schema/"' in response.content.decode()
