"""Brute force: failed logins lock the account and the address; failed API credentials get 429."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

LOGIN = "/login/"


def login(username, password, address="10.1.1.1"):
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return client, response


def logged_in(client):
    return "_auth_user_id" in client.session


def attempts():
    # Imported here so that, without django-axes installed, each test fails on its own assertion.
    from axes.models import AccessAttempt

    return AccessAttempt.objects


def test_five_wrong_passwords_lock_the_account_and_then_even_the_right_one_is_refused_with_the_reason(personas):
    for _ in range(4):
        client, response = login("rep_hangzhou", "wrong-password")
        assert response.status_code == 200 and not logged_in(client)
    client, response = login("rep_hangzhou", "wrong-password")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # From another address, with the right password: still locked (the lock is the account's).
    client, response = login("rep_hangzhou", PASSWORD, address="10.2.2.2")
    assert response.status_code == 429 and not logged_in(client)
    body = response.content.decode()
    assert "15" in body and "发展中心" in body and "Traceback" not in body
    # Other accounts are not affected.
    client, response = login("rep_hangzhou_2", PASSWORD, address="10.2.2.2")
    assert response.status_code == 302 and logged_in(client)


def test_the_lock_ends_by_itself_after_the_lockout_time(personas):
    for _ in range(5):
        login("pm_zhejiang", "wrong-password")
    assert login("pm_zhejiang", PASSWORD)[1].status_code == 429
    attempts().update(attempt_time=timezone.now() - timedelta(minutes=16))
    client, response = login("pm_zhejiang", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_few_typos_then_the_right_password_are_forgotten(personas):
    for _ in range(4):
        login("dm_hangzhou", "typo")
    assert login("dm_hangzhou", PASSWORD)[1].status_code == 302
    assert not attempts().filter(username="dm_hangzhou").exists()
    assert login("dm_hangzhou", "typo")[1].status_code == 200  # counting starts again


def test_an_address_is_locked_after_more_failures_over_many_accounts(personas, settings):
    settings.LOGIN_FAILURE_LIMIT_ADDRESS = 8
    names = ["director", "center", "rm_east", "rm_south"]
    for n in range(8):
        login(names[n % 4], "guess", address="10.3.3.3")
    client, response = login("rm_east", PASSWORD, address="10.3.3.3")
    assert response.status_code == 429 and not logged_in(client)
    client, response = login("rm_east", PASSWORD, address="10.4.4.4")
    assert response.status_code == 302 and logged_in(client)


def test_the_center_sees_the_locks_and_lifts_one(personas):
    for _ in range(5):
        login("rep_hangzhou", "wrong-password", address="10.5.5.5")
    url = reverse("core:lockouts")
    assert personas["rm_east"].web().get(url).status_code == 403
    assert personas["rm_east"].web().post(url, {"lift": attempts().get().pk}).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    center = personas["center"].web()
    response = center.get(url)
    assert response.status_code == 200
    [row] = response.context["object_list"]
    assert (row.username, row.ip_address, row.failures_since_start) == ("rep_hangzhou", "10.5.5.5", 5)
    assert row.account_locked and not row.address_locked
    html = response.content.decode()
    assert "rep_hangzhou" in html and "10.5.5.5" in html
    assert center.post(url, {"lift": row.pk}).status_code == 302
    assert list(center.get(url).context["object_list"]) == []
    client, response = login("rep_hangzhou", PASSWORD, address="10.5.5.5")
    assert response.status_code == 302 and logged_in(client)
    # A lift of a lock that has ended meanwhile is not an error.
    assert center.post(url, {"lift": row.pk}).status_code == 302


def test_the_lockout_page_is_in_the_centers_menu_only(personas):
    url = reverse("core:lockouts")
    assert url in personas["center"].web().get("/").content.decode()
    assert url not in personas["rm_east"].web().get("/").content.decode()


# ------------------------------------------------------------------------------------------ API credentials


@pytest.fixture
def low_api_limit(settings):
    settings.API_AUTH_FAILURE_LIMIT = 5
    settings.API_AUTH_FAILURE_WINDOW_SECONDS = 600
    # The counters live in the default cache, which outlives a test (Redis on PostgreSQL runs): start clean.
    addresses = ("10.6.6.6", "10.7.7.7", "10.8.8.8")
    cache.delete_many([key for address in addresses for key in (f"authfail:{address}", f"authfail:{address}:until")])
    return 5


def test_wrong_api_keys_are_answered_429_with_retry_after_after_the_limit(personas, low_api_limit):
    url = reverse("orgunit-list")
    address = "10.6.6.6"
    client = APIClient(REMOTE_ADDR=address)
    for _ in range(low_api_limit):
        assert client.get(url, HTTP_AUTHORIZATION="Api-Key rsk_nope_nope").status_code == 401
    response = client.get(url, HTTP_AUTHORIZATION="Api-Key rsk_nope_nope")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert response.json()["code"] == "throttled" and response.json()["detail"]
    # Blocked before any key is checked: even a good key from that address waits.
    good = f"Api-Key {personas['key_hangzhou'].raw_key}"
    assert client.get(url, HTTP_AUTHORIZATION=good).status_code == 429
    assert APIClient(REMOTE_ADDR="10.7.7.7").get(url, HTTP_AUTHORIZATION=good).status_code == 200


def test_anonymous_api_calls_are_answered_429_after_the_limit(personas, low_api_limit):
    url = reverse("orgunit-list")
    client = APIClient(REMOTE_ADDR="10.8.8.8")
    assert [client.get(url).status_code for _ in range(low_api_limit)] == [401] * low_api_limit
    response = client.get(url)
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["code"] == "throttled"
    # A person with a session from the same address is not held back.
    assert personas["rm_east"].api().get(url, REMOTE_ADDR="10.8.8.8").status_code == 200
