"""Odd input the outside testers sent: each is a 4xx in the API's error shape, nothing written, never a 500.

Items 5, 6, 8 and 10 of issue 12: deeply nested JSON, NUL and lone surrogates (also in field names
and with an Idempotency-Key), tampered pagination cursors, and bodies above the upload limit.
"""

import base64
import io
import json
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.exceptions import ParseError

from core.idempotency import storable
from core.models import IdempotencyRecord
from core.pagination import DefaultCursorPagination
from core.parsers import JSONParser, find_bad_text, nested_deeper_than
from customers.models import Customer, Invoice

# ------------------------------------------------------------------------------------ 5: nesting


@pytest.mark.parametrize("url", ["/api/v1/customers/", "/api/v1/invoices/bulk/"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(personas, url):
    body = "[" * 50_000 + "]" * 50_000
    response = personas["key_hangzhou"].api().post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep-1")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "嵌套" in response.json()["detail"]  # in the caller's language
    assert not Customer.objects.exists() and not Invoice.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_the_depth_limit_counts_nesting_not_brackets_in_strings(settings):
    settings.API_JSON_MAX_DEPTH = 3

    def parse(text):
        return JSONParser().parse(io.BytesIO(text.encode()), "application/json", {})

    assert parse('{"a": [[1]]}') == {"a": [[1]]}
    with pytest.raises(ParseError):
        parse('{"a": [[[1]]]}')
    # Brackets inside strings (with escaped quotes) are text, not nesting.
    assert parse('{"a": "[[[[\\"[[[[", "b": ["{{{{"]}')["b"] == ["{{{{"]
    # A million levels: the decoder stops at the recursion limit, the walk has no recursion at all.
    with pytest.raises(ParseError):
        parse("[" * 1_000_000 + "]" * 1_000_000)
    assert not nested_deeper_than([[["x"]]], 3) and nested_deeper_than([[[["x"]]]], 3)
    assert find_bad_text({"a": [{"b": "x\x00"}]}) == ("a[0].b", "a", "\x00")


def test_nesting_up_to_the_limit_still_parses(personas, settings):
    settings.API_JSON_MAX_DEPTH = 5
    client = personas["key_hangzhou"].api()
    ok = client.post("/api/v1/customers/", '{"name": [[[["x"]]]]}', content_type="application/json")
    assert ok.status_code == 400 and ok.json()["code"] == "invalid"  # parsed; the serializer refuses a list
    deep = client.post("/api/v1/customers/", '{"name": [[[[["x"]]]]]}', content_type="application/json")
    assert deep.status_code == 400 and deep.json()["code"] == "parse_error"


# ------------------------------------------------------------------------ 6: NUL, lone surrogates


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"na\\u0000me": "x"}', "na\\u0000me"),
        ('{"name": "a\\u0000b", "district_code": "330100"}', "name"),
        ('{"name": "\\ud800", "district_code": "330100"}', "name"),
        ('{"name": "ok", "district_code": "330100", "\\udfff": 1}', "\\udfff"),
    ],
)
def test_nul_and_lone_surrogates_are_a_400_naming_the_field(personas, body, field):
    response = (
        personas["key_hangzhou"]
        .api("en")
        .post("/api/v1/customers/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="odd-text")
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "invalid" and list(payload["errors"]) == [field]
    assert not Customer.objects.exists()
    assert not IdempotencyRecord.objects.exists()  # refused while parsing, before the key is claimed


def test_a_surrogate_smuggled_in_by_an_exotic_charset_is_refused_too(personas):
    body = b'{"name": "\\ud800", "district_code": "330100"}'  # decoded by the charset, not by JSON
    response = (
        personas["key_hangzhou"]
        .api()
        .post(
            "/api/v1/customers/", body, content_type="application/json; charset=raw_unicode_escape", HTTP_IDEMPOTENCY_KEY="cs-1"
        )
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["name"]
    assert not Customer.objects.exists() and not IdempotencyRecord.objects.exists()


def test_nul_deep_in_a_bulk_body_names_the_row_and_field(personas):
    body = json.dumps({"records": [{"external_id": "B-1", "name": "甲"}, {"external_id": "B-\u0000", "name": "乙"}]})
    response = personas["key_hangzhou"].api().post("/api/v1/customers/bulk/", body, content_type="application/json")
    assert response.status_code == 400
    # Keyed by the top-level field like every error answer; the message names the row and field.
    assert response.json()["errors"] == {"records": ["records[1].external_id: 不允许包含空字符（NUL）。"]}
    assert not Customer.objects.exists()


def test_a_form_post_with_nul_in_a_field_name_is_stored_and_replayed(personas):
    """The JSON parser refuses NUL, a form post does not: the stored 400 must survive PostgreSQL's jsonb."""
    client = personas["key_hangzhou"].api()
    body = "na%00me=x&district_code=330100"
    first = client.post("/api/v1/customers/", body, content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="f-1")
    assert first.status_code == 400
    again = client.post("/api/v1/customers/", body, content_type="application/x-www-form-urlencoded", HTTP_IDEMPOTENCY_KEY="f-1")
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get(key="f-1").completed
    assert not Customer.objects.exists()


def test_the_idempotency_store_escapes_what_the_database_refuses():
    stored = storable({"a\x00b": ["x\ud800y", {"k": "\x00"}], "ok": "杭州"})
    assert stored == {"a\\u0000b": ["x\\ud800y", {"k": "\\u0000"}], "ok": "杭州"}


NUL_PARAMS = ["q", "search", "name", "external_id", "credit_code", "customer_external_id", "status", "district", "unit", "as_of"]


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/invoices/", "/api/v1/payments/", "/api/v1/collection-plans/"])
def test_nul_in_query_parameters_is_never_a_500(personas, path):
    client = personas["center"].api()
    for param in NUL_PARAMS:
        response = client.get(path, {param: "a\x00b"})
        assert response.status_code in (200, 400), (param, response.status_code)


@pytest.mark.parametrize("path", ["/customers/", "/customers/invoices/", "/customers/payments/"])
def test_nul_in_list_page_filters_is_never_a_500(personas, path):
    client = personas["center"].web()
    for param in NUL_PARAMS:
        response = client.get(path, {param: "a\x00b"})
        assert response.status_code in (200, 400), (param, response.status_code)


def _page_paths():
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif "<" not in route and not (prefix + route).startswith(("api/", "admin/", "i18n/", "logout/")):
                found.append("/" + (prefix + route).replace("^", "").replace("$", ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_nul_in_the_filters_of_every_page_is_never_a_500(personas):
    from django.urls import resolve

    client = personas["center"].web()
    paths = _page_paths()
    assert "/customers/" in paths and len(paths) > 30
    for path in paths:
        view = getattr(resolve(path).func, "view_class", None)
        filterset = getattr(view, "filterset_class", None)
        names = [*(filterset.base_filters if filterset else ()), "q", "unit", "staff", "period", "as_of", "kind", "state"]
        response = client.get(path, dict.fromkeys(names, "a\x00b"))
        assert response.status_code < 500, (path, response.status_code)


def test_nul_in_a_page_form_is_a_form_error(personas):
    client = personas["dm_hangzhou"].web()
    response = client.post(reverse("customers:customer_create"), {"name": "甲\x00乙", "kind": "enterprise"})
    assert response.status_code == 400  # the pages answer a form with errors 400
    assert "name" in response.context["form"].errors
    assert not Customer.objects.exists()
    # The login form too (the username goes into a database lookup).
    response = personas["rep_hangzhou"].web().post(reverse("login"), {"username": "rep\x00", "password": "x"})
    assert response.status_code == 200 and response.context["form"].errors  # Django's login view answers 200


# ------------------------------------------------------------------------------- 8: cursors


def _b64(text):
    return base64.b64encode(text.encode("latin-1")).decode("ascii")


TAMPERED_CURSORS = [
    _b64("p=abc"),  # the tester's cD1hYmM=: not an id
    "!!!not-base64",
    _b64("p=" + "9" * 30),  # beyond bigint
    _b64("p=1e400"),
    _b64("p=%00"),
    _b64("p=2026-13-45 99:00:00"),
    _b64("p=9999-12-31 23:59:59-23:59"),  # a datetime that overflows when turned to UTC
    _b64("r=7&p=1"),
    _b64("o=-1"),
    _b64("\xff\xfe"),
]


def _paginated_list_paths():
    """Every API URL without path parameters whose view paginates with the core cursor class."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
                continue
            assert isinstance(pattern, URLPattern)
            path = (prefix + route).replace("^", "").replace("$", "")
            if not path.startswith("api/v1/") or "<" in path or "(" in path or "." in path:
                continue
            cls = getattr(pattern.callback, "cls", None)
            actions = getattr(pattern.callback, "actions", None)
            if actions is None and cls is not None and hasattr(cls, "list"):  # a generic ListAPIView
                actions = {"get": "list"}
            action = (actions or {}).get("get")
            if cls is None or action is None:
                continue
            extra = getattr(getattr(cls, action, None), "kwargs", {})  # what @action(...) overrides
            pagination = extra.get("pagination_class", cls.pagination_class)
            if pagination is not None and issubclass(pagination, DefaultCursorPagination):
                found.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


LIST_PATHS = _paginated_list_paths()


def test_the_walk_finds_the_lists():
    assert {"/api/v1/customers/", "/api/v1/payments/", "/api/v1/approvals/"} <= set(LIST_PATHS)
    assert len(LIST_PATHS) > 20
    assert "/api/v1/customers/bulk/" not in LIST_PATHS  # a POST action without pagination


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_tampered_cursor_is_a_400_on_every_list(personas, path):
    client = personas["center"].api()
    plain = client.get(path)
    if plain.status_code != 200:  # a list the center may not read: then no cursor is reached either
        pytest.skip(f"{path} answers the center {plain.status_code}")
    for cursor in TAMPERED_CURSORS:
        response = client.get(path, {"cursor": cursor})
        assert response.status_code == 400, (cursor, response.status_code)
        assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_nul_in_every_filter_of_every_list_is_never_a_500(personas, path):
    """PostgreSQL refuses NUL in a text parameter: every filter must stop it first (checked on PostgreSQL in CI)."""
    from django.urls import resolve

    match = resolve(path)
    filterset = getattr(match.func.cls, "filterset_class", None)
    names = [*(filterset.base_filters if filterset else ()), "q", "search", "unit", "period", "as_of"]
    client = personas["center"].api()
    for name in names:
        response = client.get(path, {name: "a\x00b"})
        assert response.status_code in (200, 400, 403), (name, response.status_code)


def test_a_real_cursor_still_pages_forward_and_back(personas):
    from tests.customers.factories import CustomerFactory

    for n in range(5):
        CustomerFactory(district=personas["dm_hangzhou"].staff.unit, external_id=f"PG-{n}")
    client = personas["key_hangzhou"].api()
    first = client.get("/api/v1/customers/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [c["id"] for c in back["results"]] == [c["id"] for c in first["results"]]
    assert not {c["id"] for c in first["results"]} & {c["id"] for c in second["results"]}


def test_a_tampered_datetime_cursor_on_the_oldest_first_queue(personas):
    client = personas["center"].api()
    for position in ["abc", "2026-02-30 10:00:00+00:00", "0000-01-01", "%00"]:
        response = client.get(reverse("approval-queue"), {"cursor": _b64(f"p={position}")})
        assert response.status_code == 400, position


@pytest.mark.parametrize(
    ("ordering", "position", "valid"),
    [
        ("-amount", "12.50", True),
        ("-amount", "abc", False),
        ("-amount", "NaN", False),
        ("-amount", "1e999999", False),  # more digits than the column holds
        ("issue_date", "2026-01-31", True),
        ("issue_date", "2026-02-30", False),
        ("issue_date", "abc", False),
        ("number", "杭州-1", True),
        ("number", "a\x00b", False),
        ("number", "x" * 41, False),  # longer than the column
        ("pk", "abc", False),
        ("-created_at", "2026-01-01 08:00:00+08:00", True),
        ("-created_at", "9999-12-31 23:59:59-23:59", False),
    ],
)
def test_positions_are_checked_against_the_ordering_fields_type(db, ordering, position, valid):
    """Today every list orders by id or a datetime; the check covers dates, decimals and text as well."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    pagination = type("Paging", (DefaultCursorPagination,), {"ordering": ordering})()
    request = Request(APIRequestFactory().get("/", {"cursor": _b64("p=" + quote(position))}))  # as DRF encodes it
    if valid:
        assert pagination.paginate_queryset(Invoice.objects.all(), request) == []
    else:
        with pytest.raises(ValidationError):
            pagination.paginate_queryset(Invoice.objects.all(), request)


# ------------------------------------------------------------------------------- 10: size


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024 * 1024)
@pytest.mark.parametrize("persona", ["key_hangzhou", "dm_hangzhou"])
def test_a_body_above_the_limit_is_a_json_413_in_the_callers_language(personas, persona):
    body = json.dumps({"records": [{"external_id": f"X{n}", "name": "甲" * 200} for n in range(2000)]})
    response = personas[persona].api().post("/api/v1/customers/bulk/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"
    assert "过大" in response.json()["detail"]
    assert not Customer.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_page_post_above_the_limit_is_the_sites_error_page(personas):
    response = personas["dm_hangzhou"].web().post(reverse("customers:customer_create"), {"name": "甲" * 2000})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "app-navbar" in response.content.decode()  # the site's layout, not Django's bare page
    assert not Customer.objects.exists()


def test_a_1000_invoice_bulk_body_with_lines_fits_under_the_limit(settings):
    """The bulk endpoints' real maximum, every field at its longest and 20 lines per invoice, pretty-printed."""
    record = {
        "external_id": "X" * 64,
        "number": "N" * 40,
        "customer_external_id": "C" * 64,
        "salesperson_employee_no": "E" * 20,
        "issue_date": "2026-11-27",
        "due_date": "2026-12-27",
        "amount": "9999999999999999.99",
        "lines": [{"product_code": "P" * 30, "quantity": "999999999999.99", "unit_price": "9999999999999999.99"}] * 20,
    }
    size = len(json.dumps({"records": [record] * 1000}, indent=2).encode())
    assert size < settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 0.5


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_too_many_form_fields_is_a_json_400(personas):
    body = "&".join(f"f{n}=x" for n in range(20))
    response = personas["key_hangzhou"].api().post("/api/v1/customers/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_fields"
    assert not Customer.objects.exists()
