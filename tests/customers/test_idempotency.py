"""Idempotency-Key on single POSTs: replay, mismatch, concurrency, errors, purge."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from core.idempotency import idempotency_purge, request_hash
from core.models import IdempotencyRecord
from core.rights import SYSTEM
from core.tasks import idempotency_purge_task
from customers.models import Customer, Invoice
from tests.customers.factories import CustomerFactory, InvoiceFactory


def _body(name="钱塘贸易"):
    return {"name": name, "district_code": "330100", "external_id": "IDEM-1"}


def test_same_key_same_body_replays_the_first_answer(personas):
    client = personas["key_hangzhou"].api()
    first = client.post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    # Key order and spacing do not matter: the canonical JSON is compared.
    again = client.post(
        reverse("customer-list"),
        '{"external_id":"IDEM-1",   "district_code":"330100","name":"钱塘贸易"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Customer.objects.filter(external_id="IDEM-1").count() == 1
    record = IdempotencyRecord.objects.get(key="k-1")
    assert record.completed and record.status_code == 201
    assert record.principal == f"api-key:{personas['key_hangzhou'].api_key.pk}"
    assert record.request_hash == request_hash(_body())


def test_same_key_different_body_is_422_naming_the_header(personas):
    client = personas["key_hangzhou"].api()
    client.post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(reverse("customer-list"), _body("别的名字"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    # The same key on another endpoint is a different request too.
    response = client.post(reverse("invoice-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert Customer.objects.filter(external_id="IDEM-1").count() == 1


def test_keys_belong_to_their_caller(personas):
    body = _body()
    assert (
        personas["key_hangzhou"].api().post(reverse("customer-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-3").status_code
        == 201
    )
    # Another caller with the same key is not replayed someone else's answer: it runs (and conflicts).
    response = personas["dm_hangzhou"].api().post(reverse("customer-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 409 and "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.filter(key="k-3").count() == 2


def test_a_4xx_answer_is_stored_and_replayed_too(personas):
    client = personas["key_hangzhou"].api()
    body = {"name": "甲", "district_code": "330100", "credit_limit": "-1"}
    first = client.post(reverse("customer-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert first.status_code == 400
    again = client.post(reverse("customer-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert again.status_code == 400 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_a_claim_still_running_is_409(personas):
    client = personas["key_hangzhou"].api()
    principal = f"api-key:{personas['key_hangzhou'].api_key.pk}"
    IdempotencyRecord.objects.create(
        principal=principal, key="k-5", method="POST", path=reverse("customer-list"), request_hash=request_hash(_body())
    )
    response = client.post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Customer.objects.filter(external_id="IDEM-1").exists()


def test_an_unexpected_error_releases_the_claim(personas, monkeypatch):
    from customers import services

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "customer_create", boom)
    client = personas["key_hangzhou"].api()
    client.raise_request_exception = False
    response = client.post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="k-6")
    assert response.status_code == 500
    assert not IdempotencyRecord.objects.filter(key="k-6").exists()


def test_actions_are_idempotent(personas, units):
    customer = CustomerFactory(district=units["330100"])
    invoice = InvoiceFactory(customer=customer)
    client = personas["key_hangzhou"].api()
    url = reverse("invoice-cancel", kwargs={"pk": invoice.pk})
    first = client.post(url, {"reason": "重复"}, format="json", HTTP_IDEMPOTENCY_KEY="k-7")
    again = client.post(url, {"reason": "重复"}, format="json", HTTP_IDEMPOTENCY_KEY="k-7")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    # Without the key, a second cancellation is refused as it should be.
    assert client.post(url, {"reason": "重复"}, format="json").status_code == 409


@pytest.mark.parametrize("key", ["", "x" * 256, "bad\tkey"])
def test_bad_keys_are_400(personas, key):
    response = personas["key_hangzhou"].api().post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Customer.objects.exists()


def test_purge_keeps_a_day_at_least(personas):
    old = IdempotencyRecord.objects.create(principal="user:1", key="old", method="POST", path="/", request_hash="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=49))
    IdempotencyRecord.objects.create(principal="user:1", key="new", method="POST", path="/", request_hash="x")
    assert idempotency_purge_task.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    with pytest.raises(ValueError):
        idempotency_purge(older_than=timedelta(hours=1))


def test_the_purge_is_scheduled():
    from config.celery import app

    assert any(entry["task"] == "core.idempotency_purge" for entry in app.conf.beat_schedule.values())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_pushes_of_one_key_create_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so the race cannot happen there")
    from rest_framework.test import APIClient

    from core.services import api_key_issue
    from regions.models import OrgUnit
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    _key, raw = api_key_issue(name="并发测试", unit=OrgUnit.objects.get(code="330100"))
    barrier = threading.Barrier(4)
    statuses = []

    def push():
        try:
            client = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw}")
            barrier.wait()
            response = client.post(reverse("customer-list"), _body(), format="json", HTTP_IDEMPOTENCY_KEY="race")
            statuses.append(response.status_code)
        finally:
            connections.close_all()  # this thread's own connection, so the test database can be dropped

    threads = [threading.Thread(target=push) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Customer.objects.filter(external_id="IDEM-1").count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}, statuses
    assert IdempotencyRecord.objects.filter(key="race").count() == 1
    assert not Invoice.objects.exists()
