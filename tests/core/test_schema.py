"""The OpenAPI schema is true: it generates without warnings, validates, and sample answers of the API
conform to it (in-process, with schemathesis's own response validation — the check CI's
scripts/schemathesis runs against a live server with generated requests)."""

import functools
import json

import pytest
import requests
import schemathesis
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from approvals.choices import ApprovalKind
from core.pagination import DefaultCursorPagination
from tests.approvals.helpers import submit
from tests.customers.factories import ProductPriceFactory, StaffFactory

ERRORS_ALL = {"400", "401", "403", "404", "429"}
ERRORS_WRITE = {"409", "413", "415", "422"}


@pytest.fixture(scope="module")
def openapi():
    """The schema as /api/schema/ serves it, as plain JSON."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@functools.cache
def _loaded(text):
    return schemathesis.openapi.from_dict(json.loads(text))


def _schemathesis_schema(document):
    return _loaded(json.dumps(document, sort_keys=True))


def _resolve(document, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def test_the_schema_generates_without_warnings_and_is_valid_openapi(tmp_path):
    # What CI's schema step would run: any warning or error of drf-spectacular, or an invalid OpenAPI
    # document, is a CommandError.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.0.3")


@pytest.mark.parametrize("path", ["/api/v1/approvals/mine/", "/api/v1/approvals/waiting/"])
def test_approval_queues_of_a_person_are_documented_as_paginated_lists(openapi, path):
    document = openapi
    body = _resolve(document, document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(body["properties"]) >= {"next", "previous", "results"}
    results = body["properties"]["results"]
    assert results["type"] == "array"
    assert results["items"] == {"$ref": "#/components/schemas/ApprovalRequest"}
    parameters = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
    assert {"cursor", "page_size", "kind"} <= parameters  # the filters the action applies


def test_every_operation_documents_its_error_answers_as_json(openapi):
    document = openapi
    missing = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            expected = ERRORS_ALL | (ERRORS_WRITE if method in ("post", "put", "patch") else set())
            for code in sorted(expected):
                # The error body, or what the view documents instead (a bulk endpoint's per-row results).
                if list(operation["responses"].get(code, {}).get("content", {})) != ["application/json"]:
                    missing.append(f"{method.upper()} {path} {code}")
    assert missing == []


@pytest.mark.parametrize(
    ("component", "field"),
    [("Budget", "remaining"), ("Budget", "used_percent"), ("Product", "current_price")],
)
def test_amounts_computed_by_methods_are_documented_as_decimal_strings(openapi, component, field):
    document = openapi
    schema = document["components"]["schemas"][component]["properties"][field]
    assert schema["type"] == "string" and schema["format"] == "decimal"


def _checked(document, client_response, method, path_template):
    """Validate one answer of the Django test client against the schema with schemathesis."""
    request = requests.Request(method, "http://testserver" + client_response.request["PATH_INFO"]).prepare()
    response = schemathesis.Response(
        status_code=client_response.status_code,
        headers={name: [value] for name, value in client_response.headers.items()},
        content=client_response.content,
        request=request,
        elapsed=0.0,
        verify=False,
        message=client_response.reason_phrase,
        encoding="utf-8",
    )
    operation = _schemathesis_schema(document)[path_template][method]
    operation.validate_response(response)  # raises with every mismatch named
    return client_response


def test_sample_answers_conform_to_the_schema(openapi, personas, units):
    document = openapi
    request = submit(personas, units, by="dm_hangzhou", kind=ApprovalKind.PLAN_WORK, unit="330100", title="杭州工作计划")
    ProductPriceFactory()
    StaffFactory()  # no login: `username` is null

    submitter, approver, director = (personas[name].api() for name in ("dm_hangzhou", "pm_zhejiang", "director"))
    mine = _checked(document, submitter.get("/api/v1/approvals/mine/"), "GET", "/api/v1/approvals/mine/")
    assert [row["id"] for row in mine.json()["results"]] == [request.pk]
    waiting = _checked(document, approver.get("/api/v1/approvals/waiting/"), "GET", "/api/v1/approvals/waiting/")
    assert [row["id"] for row in waiting.json()["results"]] == [request.pk]
    detail = _checked(document, approver.get(f"/api/v1/approvals/{request.pk}/"), "GET", "/api/v1/approvals/{id}/")
    assert detail.json()["events"][0]["on_behalf_of_name"] is None
    products = _checked(document, director.get("/api/v1/products/"), "GET", "/api/v1/products/")
    assert products.json()["results"][0]["current_price"] == "100.00"
    staff = _checked(document, director.get("/api/v1/staff/"), "GET", "/api/v1/staff/")
    assert None in {row["username"] for row in staff.json()["results"]}


def test_an_unmatched_api_url_is_a_json_404(openapi, personas, settings):
    document = openapi
    settings.DEBUG = False  # Django's handler404 answers only then (production)
    path = reverse("customer-balance", kwargs={"pk": 1}).replace("/1/", "/1.5/")  # no route takes "1.5"
    response = personas["director"].api().get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    _checked(document, response, "GET", "/api/v1/customers/{id}/balance/")


@pytest.mark.parametrize(("value", "status"), [("abc", 400), ("0", 400), ("-3", 400), ("1e3", 400), ("2", 200), ("", 200)])
def test_page_size_is_refused_where_the_schema_refuses_it(openapi, personas, value, status):
    document = openapi
    parameter = next(p for p in document["paths"]["/api/v1/staff/"]["get"]["parameters"] if p["name"] == "page_size")
    assert parameter["schema"] == {"type": "integer", "minimum": 1}
    response = personas["director"].api().get("/api/v1/staff/", {"page_size": value})
    assert response.status_code == status, response.content
    if status == 400:
        assert list(response.json()["errors"]) == ["page_size"]


def test_page_size_above_the_maximum_is_capped(personas, monkeypatch):
    monkeypatch.setattr(DefaultCursorPagination, "max_page_size", 3)
    response = personas["director"].api().get("/api/v1/org-units/", {"page_size": 5000})
    assert response.status_code == 200 and len(response.json()["results"]) == 3


def test_a_download_is_documented_as_its_file(openapi):
    document = openapi
    content = document["paths"]["/api/v1/reports/ageing/"]["get"]["responses"]["200"]["content"]
    assert content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/AgeingReport"}


def test_a_choice_field_that_may_be_blank_documents_the_blank_value():
    """schemathesis found the warnings' `closed_reason` answered "" (not closed yet) outside its documented enum."""
    from core.serializers import enum_choice_field
    from risk.choices import WarningClosedReason

    blank = enum_choice_field(WarningClosedReason, read_only=True, allow_blank=True)
    strict = enum_choice_field(WarningClosedReason, read_only=True)
    schema_of = lambda field: type(field)._spectacular_annotation["field"]["allOf"][0]["enum"]  # noqa: E731
    assert schema_of(blank) == [*WarningClosedReason.values, ""]
    assert schema_of(strict) == list(WarningClosedReason.values)
