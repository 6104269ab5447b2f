"""The load test's preparation (manage.py loadtest_prepare) and its locustfile: the logins log in, the keys
authenticate, the queue holds requests the reviewers can decide, a second run tops up without duplicating, and
two reviewers deciding one request give one decision and a 409 — what loadtest/locustfile.py counts as a race."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from approvals.choices import RequestState
from approvals.models import ApprovalRequest
from core.models import ApiKey
from home.management.commands.loadtest_prepare import TITLE_PREFIX

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def prepare(tmp_path, **options):
    out = tmp_path / "accounts.json"
    call_command("loadtest_prepare", out=str(out), **{"managers": 9, "reviewers": 2, "branches": 2, "requests": 6, **options})
    return json.loads(out.read_text(encoding="utf-8"))


def logged_in(username, password):
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, username
    return client


def test_prepare_makes_logins_keys_and_a_queue(tmp_path):
    data = prepare(tmp_path)

    roles = [row["role"] for row in data["managers"]]
    assert roles == ["regional_manager"] * 7 + ["provincial_manager"] * 2  # regions first, then provinces
    assert data["managers"][0]["drill"], "a region's provinces, for ?unit="
    logged_in(data["managers"][0]["username"], data["password"])

    reviewer = logged_in(data["reviewers"][0]["username"], data["password"])
    queue = reviewer.get("/approvals/queue/")
    assert queue.status_code == 200
    assert data["pending_requests"] == 6
    assert ApprovalRequest.objects.filter(title__startswith=TITLE_PREFIX, state=RequestState.SUBMITTED).count() == 6

    for branch in data["branches"]:
        api = APIClient(HTTP_AUTHORIZATION=f"Api-Key {branch['key']}")
        assert api.get("/api/v1/customers/", {"status": "active"}).status_code == 200


def test_a_second_run_tops_up_and_issues_new_keys(tmp_path):
    first = prepare(tmp_path)
    request = ApprovalRequest.objects.filter(title__startswith=TITLE_PREFIX, state=RequestState.SUBMITTED).first()
    reviewer = logged_in(first["reviewers"][0]["username"], first["password"])
    assert reviewer.post(f"/approvals/{request.pk}/", {"move": "approve", "comment": ""}).status_code == 302

    second = prepare(tmp_path)

    assert [row["username"] for row in second["managers"]] == [row["username"] for row in first["managers"]]
    assert ApprovalRequest.objects.filter(title__startswith=TITLE_PREFIX, state=RequestState.SUBMITTED).count() == 6
    assert ApiKey.objects.active().filter(name__startswith="loadtest ").count() == 2  # the first run's revoked
    old = APIClient(HTTP_AUTHORIZATION=f"Api-Key {first['branches'][0]['key']}")
    assert old.get("/api/v1/customers/").status_code == 401


def test_two_reviewers_on_one_request_give_one_decision_and_a_409(tmp_path):
    data = prepare(tmp_path, requests=1)
    request = ApprovalRequest.objects.get(title__startswith=TITLE_PREFIX, state=RequestState.SUBMITTED)
    first, second = (logged_in(row["username"], data["password"]) for row in data["reviewers"])

    assert first.post(f"/approvals/{request.pk}/", {"move": "approve", "comment": "同意。"}).status_code == 302
    assert second.post(f"/approvals/{request.pk}/", {"move": "reject", "comment": "驳回。"}).status_code == 409
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED


def test_the_locustfile_loads_with_its_three_kinds_of_user():
    # In a process of its own: importing Locust monkey-patches the standard library (gevent) for good.
    listed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "loadtest/locustfile.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert set(listed.stdout.split()) >= {"BranchSystem", "Manager", "Reviewer"}
