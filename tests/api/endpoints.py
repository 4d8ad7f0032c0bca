"""The API's read endpoints and their query parameters, taken from the served OpenAPI schema, so
a test over "every list endpoint" also covers the endpoints added after it was written."""

import functools
import json

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

PATH_PARAMETER = "path"


@functools.cache
def api_schema() -> dict:
    """The schema /api/schema/ serves, generated once per run (it takes seconds, and needs no
    database: it depends on the code, not on the data)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def read_operations(schema: dict) -> list[tuple[str, list[dict]]]:
    """Every GET path with its parameters (path ones included), in the schema's order."""
    return [
        (path, item["get"].get("parameters", []))
        for path, item in schema["paths"].items()
        if "get" in item
    ]


def query_parameters(parameters: list[dict]) -> list[dict]:
    return [p for p in parameters if p["in"] == "query"]


def fill_path(path: str, parameters: list[dict], values: dict[str, str]) -> str:
    """The path with each of its parameters given, by name, from ``values``."""
    names = {p["name"] for p in parameters if p["in"] == PATH_PARAMETER}
    return path.format(**{name: values[name] for name in names})
