"""A person's endpoints refuse branch-system keys (403), and every page carries a Content-Security-Policy.

Issue 12, item 17. The browser half (no CSP violation on the dashboard, Swagger UI, a list and a form)
is tests/browser/test_csp.py.
"""

import pytest
from django.urls import reverse

# Every API endpoint that is a person's own business: approvals and delegations, appraisal, the inbox,
# API keys and the team summary. (method, path, body)
PERSON_ONLY = [
    ("get", "/api/v1/notifications/", None),
    ("post", "/api/v1/notifications/mark-read/", {"all": True}),
    ("get", "/api/v1/approvals/", None),
    ("get", "/api/v1/approvals/mine/", None),
    ("get", "/api/v1/approvals/queue/", None),
    ("get", "/api/v1/approvals/waiting/", None),
    ("post", "/api/v1/approvals/bulk/", {"ids": [1], "action": "approve"}),
    ("get", "/api/v1/delegations/", None),
    ("get", "/api/v1/appraisal/schemes/", None),
    ("get", "/api/v1/appraisal/runs/", None),
    ("get", "/api/v1/appraisal/scores/", None),
    ("get", "/api/v1/appraisal/incentive-schemes/", None),
    ("get", "/api/v1/appraisal/reward-proposals/", None),
    ("get", "/api/v1/api-keys/", None),
    ("get", "/api/v1/tasks/team-summary/?period=2026", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PERSON_ONLY, ids=[f"{m} {p}" for m, p, _b in PERSON_ONLY])
def test_a_branch_key_gets_403_on_a_persons_endpoint(personas, method, path, body):
    response = getattr(personas["key_hangzhou"].api(), method)(path, body, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"]  # in the API's error shape, in Chinese
    # A person (the director reaches every one of them) is not refused.
    answer = getattr(personas["director"].api(), method)(path, body, format="json")
    assert answer.status_code != 403, answer.content


def test_a_person_still_reads_and_marks_their_inbox(personas):
    client = personas["rep_hangzhou"].api()
    assert client.get("/api/v1/notifications/").status_code == 200
    assert client.post("/api/v1/notifications/mark-read/", {"all": True}, format="json").json() == {"marked": 0}


def _csp(response):
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


@pytest.mark.parametrize("name", ["home", "customers:customer_list", "customers:customer_create", "dashboard:dashboard"])
def test_pages_carry_a_policy_without_inline_script(personas, name):
    response = personas["dm_hangzhou"].web().get(reverse(name))
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    html = response.content.decode()
    # No inline handlers; a <script> without src must carry the request's nonce.
    for handler in ("onclick=", "onchange=", "onsubmit=", "onfocus=", "onload=", "hx-on"):
        assert handler not in html
    for tag in html.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or "application/json" in head or "nonce=" in head, head


def test_the_schema_and_swagger_ui_are_open_to_anonymous_readers(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "Content-Security-Policy" in docs
    html = docs.content.decode()
    # Swagger UI's start-up script is a file of this site (?script), not inline.
    assert "<script>" not in html and "?script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    # The API itself is not open.
    assert client.get("/api/v1/customers/").status_code in (401, 403)
