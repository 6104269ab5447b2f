"""Suggestions (建议), issue 18: anyone who works here makes one; the managers above the author's unit or the
Development Center answer it (the author is told); open → answered → closed; answering a closed one is a 409;
the center reads every one, a manager their part of the tree, a salesperson their own ("my suggestions" for
anyone); outside the scope a 404; bad input refused on its field with nothing written."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from core.errors import Conflict, InvalidInput
from core.rights import NotAllowed
from notifications.models import Notification
from relations import services
from relations.models import Suggestion, SuggestionState
from tests.channels.factories import ChannelFactory
from tests.customers.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 5, 20, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def suggestion(personas):
    return services.suggestion_create(
        by=personas["rep_hangzhou"].user, topic="product", title="理财产品起购金额过高", text="建议把起购金额降到 1 万元。"
    )


def test_flow_open_answered_closed(suggestion, personas, units):
    assert suggestion.unit == units["330100"] and suggestion.state == SuggestionState.OPEN
    answered = services.suggestion_answer(
        by=personas["pm_zhejiang"].user, suggestion=suggestion, response="已反馈总部，下季度评估。"
    )
    assert answered.state == SuggestionState.ANSWERED and answered.answered_by == personas["pm_zhejiang"].user
    note = Notification.objects.get(recipient=personas["rep_hangzhou"].user)
    assert "理财产品起购金额过高" in note.title and note.url == suggestion.get_absolute_url()
    closed = services.suggestion_close(by=personas["rep_hangzhou"].user, suggestion=suggestion)
    assert closed.state == SuggestionState.CLOSED and closed.closed_at is not None
    with pytest.raises(Conflict) as error:
        services.suggestion_answer(by=personas["center"].user, suggestion=suggestion, response="补充答复")
    assert error.value.field == "response"
    suggestion.refresh_from_db()
    assert suggestion.response == "已反馈总部，下季度评估。"


def test_who_answers(suggestion, personas):
    for persona in ("rep_hangzhou", "rep_hangzhou_2", "dm_guangzhou", "rm_south"):
        with pytest.raises(NotAllowed):
            services.suggestion_answer(by=personas[persona].user, suggestion=suggestion, response="答复")
    own = services.suggestion_create(by=personas["dm_hangzhou"].user, topic="process", title="报销流程慢", text="审批环节太多")
    with pytest.raises(NotAllowed):  # not the author themselves
        services.suggestion_answer(by=personas["dm_hangzhou"].user, suggestion=own, response="自答")
    services.suggestion_answer(by=personas["center"].user, suggestion=own, response="流程将简化")
    assert Suggestion.objects.filter(state="open").count() == 1


def test_closing_needs_an_answer(suggestion, personas):
    with pytest.raises(Conflict):
        services.suggestion_close(by=personas["rep_hangzhou"].user, suggestion=suggestion)
    services.suggestion_answer(by=personas["dm_hangzhou"].user, suggestion=suggestion, response="收到")
    with pytest.raises(NotAllowed):
        services.suggestion_close(by=personas["dm_guangzhou"].user, suggestion=suggestion)


def test_bad_input_writes_nothing(personas, units):
    rep = personas["rep_hangzhou"].user
    other_channel = ChannelFactory(unit=units["440100"])
    other_customer = CustomerFactory(district=units["440100"])
    old = ProductFactory(is_active=False)
    cases = [
        ({"topic": "weather"}, "topic"),
        ({"title": " "}, "title"),
        ({"text": ""}, "text"),
        ({"channel": other_channel}, "channel"),
        ({"customer": other_customer}, "customer"),
        ({"product": old}, "product"),
    ]
    for change, field in cases:
        values = {"topic": "channel", "title": "渠道返佣不透明", "text": "建议公开返佣规则", **change}
        with pytest.raises(InvalidInput) as error:
            services.suggestion_create(by=rep, **values)
        assert error.value.field == field
    assert Suggestion.objects.count() == 0


def test_reading_scope_and_my_suggestions(suggestion, personas):
    mine = services.suggestion_create(by=personas["dm_hangzhou"].user, topic="system", title="系统太慢", text="报表加载慢")
    assert set(Suggestion.objects.for_user(personas["center"].user)) == {suggestion, mine}
    assert set(Suggestion.objects.for_user(personas["pm_zhejiang"].user)) == {suggestion, mine}
    assert set(Suggestion.objects.for_user(personas["rep_hangzhou"].user)) == {suggestion}
    assert not Suggestion.objects.for_user(personas["rep_hangzhou_2"].user).exists()
    assert not Suggestion.objects.for_user(personas["dm_guangzhou"].user).exists()
    page = personas["dm_hangzhou"].web().get(reverse("relations:suggestion_list"), {"mine": "true"})
    assert list(page.context["object_list"]) == [mine]
    api = personas["center"].api().get("/api/v1/relations/suggestions/", {"mine": "true"})
    assert api.status_code == 200 and api.json()["results"] == []
    everyone = personas["center"].api().get("/api/v1/relations/suggestions/").json()["results"]
    assert {row["id"] for row in everyone} == {suggestion.pk, mine.pk}


def test_pages_make_answer_close_and_out_of_scope(personas):
    rep = personas["rep_hangzhou"].web()
    made = rep.post(
        reverse("relations:suggestion_create"), {"topic": "service", "title": "客户回访不及时", "text": "建议每月回访"}
    )
    assert made.status_code == 302
    suggestion = Suggestion.objects.get()
    url = suggestion.get_absolute_url()
    assert personas["dm_guangzhou"].web().get(url).status_code == 404
    assert personas["rep_hangzhou_2"].web().get(url).status_code == 404
    dm = personas["dm_hangzhou"].web()
    assert dm.post(url, {"action": "answer", "response": ""}).status_code == 400
    assert dm.post(url, {"action": "answer", "response": "下月起执行"}).status_code == 302
    again = dm.post(url, {"action": "answer", "response": "再答"})
    assert again.status_code == 409
    assert rep.post(url, {"action": "close"}).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == "closed" and suggestion.response == "下月起执行"


def test_api_flow_and_refusals(personas):
    rep = personas["rep_hangzhou"].api()
    made = rep.post(
        "/api/v1/relations/suggestions/", {"topic": "market", "title": "竞品降价", "text": "某银行理财费率下调"}, format="json"
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    key = personas["key_hangzhou"].api()
    assert (
        key.post("/api/v1/relations/suggestions/", {"topic": "other", "title": "x", "text": "y"}, format="json").status_code
        == 403
    )
    assert (
        personas["dm_guangzhou"]
        .api()
        .post(f"/api/v1/relations/suggestions/{pk}/answer/", {"response": "x"}, format="json")
        .status_code
        == 404
    )
    assert rep.post(f"/api/v1/relations/suggestions/{pk}/answer/", {"response": "自答"}, format="json").status_code == 403
    center = personas["center"].api()
    assert center.post(f"/api/v1/relations/suggestions/{pk}/answer/", {"response": "已研究"}, format="json").status_code == 200
    assert rep.post(f"/api/v1/relations/suggestions/{pk}/close/", {}, format="json").status_code == 200
    closed = center.post(f"/api/v1/relations/suggestions/{pk}/answer/", {"response": "再答"}, format="json")
    assert closed.status_code == 409 and "response" in closed.json()["errors"]
