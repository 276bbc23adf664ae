"""The API contract is true (issue #11): each host serves the schema of its own URLconf,
paged lists are documented as the page envelope, and every operation documents its error
answers in the API's one error shape. (schemathesis checks the answers themselves:
tests/core/test_schemathesis.py.)"""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from core.api import Pagination

ERROR_REF = "#/components/schemas/ApiError"


def schema_of(host: str) -> dict[str, Any]:
    response = APIClient(HTTP_HOST=host).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def test_each_host_documents_its_own_routes_only(school1: Any) -> None:
    public = set(schema_of("localhost")["paths"])
    school = set(schema_of("school1.localhost")["paths"])
    assert "/api/v1/schools/" in public and "/api/v1/catalog/regulations/" in public
    assert "/api/v1/structure/classes/" in school and "/api/v1/regulation/" in school
    assert not {p for p in public if p.startswith(("/api/v1/structure/", "/api/v1/register/"))}
    assert not {p for p in school if p.startswith(("/api/v1/schools/", "/api/v1/catalog/"))}
    assert public & school == {"/api/v1/me/"}  # the only API route both hosts have
    for host in ("localhost", "school1.localhost"):
        docs = APIClient(HTTP_HOST=host).get("/api/docs/")
        assert docs.status_code == 200 and b'src="/api/docs/?script="' in docs.content
        start = APIClient(HTTP_HOST=host).get("/api/docs/", {"script": ""})
        assert b"/api/schema/" in start.content  # this host's own schema


def test_paged_lists_are_documented_as_the_page_envelope(school1: Any) -> None:
    schema = schema_of("school1.localhost")
    components = schema["components"]["schemas"]
    for path in (
        "/api/v1/roster/pupils/",
        "/api/v1/audit/log/",
        "/api/v1/register/assignments/{assignment_id}/lessons/",
    ):
        ok = schema["paths"][path]["get"]["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"]
        envelope = components[ref.rsplit("/", 1)[1]]
        assert envelope["required"] == ["count", "next", "previous", "results"], path
        assert envelope["properties"]["results"]["type"] == "array"
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"page", "page_size"} <= names
    # ...and the envelope is what the paginator answers.
    assert set(Pagination().get_paginated_response_schema({})["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }


def test_every_operation_documents_its_errors_in_the_error_shape(school1: Any) -> None:
    for host in ("localhost", "school1.localhost"):
        schema = schema_of(host)
        error = schema["components"]["schemas"]["ApiError"]
        assert error["required"] == ["detail", "errors"]
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                expected = {"401", "403"}
                if method != "get":
                    expected |= {"400", "404"}
                if method == "post" and "201" in responses:
                    expected |= {"409", "422"}
                assert expected <= set(responses), (host, method, path, sorted(responses))
                for code in expected:
                    body = responses[code]["content"]["application/json"]["schema"]
                    assert body == {"$ref": ERROR_REF}, (host, method, path, code)
