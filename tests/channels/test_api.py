"""The channel archive's API: open, change, move (refused moves are a 400 on `state` with nothing written),
bad credit codes a 400 on `credit_code`, scope 404s, and the bulk upsert by external id — idempotent and all or
nothing, by the customers' rules."""

from datetime import date

import pytest
from django.urls import reverse

from channels import services
from channels.models import Channel, ChannelActivity, ChannelTransition

CODE = "91440300708461136T"


@pytest.fixture
def channel(personas, units):
    return services.channel_create(
        by=personas["dm_hangzhou"].user,
        name="杭州证券营业部",
        unit=units["330100"],
        kind="securities",
        salesperson=personas["rep_hangzhou"].staff,
        external_id="330100-CH-1",
        on=date(2025, 1, 10),
    )


def test_create_and_read(personas, units):
    api = personas["dm_hangzhou"].api()
    response = api.post(
        reverse("channel-list"),
        {"name": "财富平台", "unit": units["330100"].pk, "kind": "platform", "credit_code": CODE, "contacts": [{"name": "赵"}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["state"] == "prospect"
        and body["credit_code"] == CODE
        and [t["to_state"] for t in body["transitions"]] == ["prospect"]
    )
    assert api.get(reverse("channel-detail", kwargs={"pk": body["id"]})).status_code == 200


@pytest.mark.parametrize("code", ["123", "91440300708461136X"])
def test_bad_credit_code_is_a_400_on_the_field(personas, units, code):
    response = (
        personas["dm_hangzhou"]
        .api()
        .post(
            reverse("channel-list"), {"name": "x", "unit": units["330100"].pk, "kind": "bank", "credit_code": code}, format="json"
        )
    )
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]
    assert not Channel.objects.exists()


def test_duplicate_credit_code_is_a_400_on_the_field(personas, units, channel):
    services.channel_update(by=personas["dm_hangzhou"].user, channel=channel, credit_code=CODE)
    response = (
        personas["center"]
        .api()
        .post(
            reverse("channel-list"), {"name": "y", "unit": units["440100"].pk, "kind": "bank", "credit_code": CODE}, format="json"
        )
    )
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]
    assert Channel.objects.count() == 1


def test_transition_allowed_and_refused(personas, channel):
    api = personas["rep_hangzhou"].api()
    url = reverse("channel-transition", kwargs={"pk": channel.pk})
    response = api.post(url, {"state": "active", "reason": "跳级"}, format="json")
    assert response.status_code == 400 and "state" in response.json()["errors"]
    assert ChannelTransition.objects.filter(channel=channel).count() == 1
    response = api.post(url, {"state": "negotiating", "on": "2025-02-01", "reason": "洽谈"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "negotiating"
    assert response.json()["transitions"][-1]["reason"] == "洽谈"


def test_patch_cannot_move_the_state(personas, channel):
    response = (
        personas["dm_hangzhou"]
        .api()
        .patch(reverse("channel-detail", kwargs={"pk": channel.pk}), {"state": "active"}, format="json")
    )
    assert response.status_code == 400 and "state" in response.json()["errors"]


def test_outside_the_scope_is_a_404(personas, channel):
    api = personas["dm_guangzhou"].api()
    assert api.get(reverse("channel-detail", kwargs={"pk": channel.pk})).status_code == 404
    response = api.post(reverse("channel-transition", kwargs={"pk": channel.pk}), {"state": "negotiating"}, format="json")
    assert response.status_code == 404
    response = api.post(reverse("channel-activity-list"), {"channel": channel.pk, "kind": "visit", "summary": "x"}, format="json")
    assert response.status_code == 400 and "channel" in response.json()["errors"]
    # Another salesperson of the same district does not see it either.
    assert personas["rep_hangzhou_2"].api().get(reverse("channel-detail", kwargs={"pk": channel.pk})).status_code == 404
    assert not ChannelActivity.objects.exists()


def test_activity_through_the_api(personas, channel):
    response = (
        personas["rep_hangzhou"]
        .api()
        .post(
            reverse("channel-activity-list"),
            {
                "channel": channel.pk,
                "kind": "support",
                "on": "2025-03-01",
                "summary": "营销支持",
                "next_step": "回访",
                "next_on": "2025-03-08",
            },
            format="json",
        )
    )
    assert response.status_code == 201, response.json()
    listed = personas["dm_hangzhou"].api().get(reverse("channel-activity-list"), {"channel": channel.pk}).json()
    assert [row["summary"] for row in listed["results"]] == ["营销支持"]


def _bulk(persona, records):
    return persona.api().post(reverse("channel-bulk"), {"records": records}, format="json")


def test_bulk_upsert_is_idempotent(personas):
    records = [
        {
            "external_id": "330100-CH-B1",
            "name": "批量渠道一",
            "unit_code": "330100",
            "kind": "bank",
            "contacts": [{"name": "甲"}],
        },
        {"external_id": "330100-CH-B2", "name": "批量渠道二", "unit_code": "330100", "kind": "agent", "state": "negotiating"},
    ]
    key = personas["key_hangzhou"]
    first = _bulk(key, records)
    assert first.status_code == 200, first.json()
    assert first.json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    again = _bulk(key, records)
    assert again.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "error": 0}
    assert Channel.objects.count() == 2 and ChannelTransition.objects.count() == 2
    records[1]["state"] = "contracted"
    moved = _bulk(key, records)
    assert moved.json()["counts"] == {"created": 0, "updated": 1, "unchanged": 1, "error": 0}
    assert Channel.objects.get(external_id="330100-CH-B2").state == "contracted"
    assert ChannelTransition.objects.count() == 3


def test_bulk_is_all_or_nothing(personas):
    records = [
        {"external_id": "330100-CH-C1", "name": "好的", "unit_code": "330100", "kind": "bank"},
        {"external_id": "330100-CH-C2", "name": "坏码", "unit_code": "330100", "kind": "bank", "credit_code": "123"},
        {"external_id": "330100-CH-C3", "name": "别处", "unit_code": "440100", "kind": "bank"},
    ]
    response = _bulk(personas["key_hangzhou"], records)
    assert response.status_code == 400
    body = response.json()
    assert body["written"] is False
    results = body["results"]
    assert results[0]["errors"] == {} and "credit_code" in results[1]["errors"] and "unit_code" in results[2]["errors"]
    assert not Channel.objects.exists() and not ChannelTransition.objects.exists()


def test_bulk_refuses_a_move_its_life_does_not_allow(personas, channel):
    response = _bulk(
        personas["key_hangzhou"],
        [
            {
                "external_id": channel.external_id,
                "name": channel.name,
                "unit_code": "330100",
                "kind": "securities",
                "state": "dormant",
            }
        ],
    )
    assert response.status_code == 400 and "state" in response.json()["results"][0]["errors"]
    channel.refresh_from_db()
    assert channel.state == "prospect" and channel.transitions.count() == 1
