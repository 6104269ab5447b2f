"""Pages and API of promotion events: the archive, the effectiveness page, an event's page and its actions;
bad input refused on its field with nothing written; 404 outside the scope."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from channels import services
from channels.models import EventLead, PromotionEvent
from tests.customers.factories import CustomerFactory, InvoiceFactory


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


@pytest.fixture
def event(units, personas):
    return services.promotion_event_create(
        by=personas["rep_hangzhou"].user,
        kind="salon",
        title="理财沙龙",
        unit=units["330100"],
        starts_on="2026-11-01",
        ends_on="2026-11-01",
    )


def test_archive_effectiveness_and_detail(personas, event):
    client = personas["dm_hangzhou"].web()
    for name in ("promotion_event_list", "promotion_effectiveness", "promotion_event_create"):
        assert client.get(reverse(f"channels:{name}")).status_code == 200, name
    page = client.get(reverse("channels:promotion_event_list"), {"kind": "salon", "period": "2026-11"}).content.decode()
    assert "理财沙龙" in page
    assert "理财沙龙" not in client.get(reverse("channels:promotion_event_list"), {"period": "2026-10"}).content.decode()
    assert client.get(event.get_absolute_url()).status_code == 200
    assert personas["dm_guangzhou"].web().get(event.get_absolute_url()).status_code == 404
    assert personas["rep_hangzhou_2"].web().get(event.get_absolute_url()).status_code == 404  # not his own event


def test_event_page_actions(personas, event, units):
    client = personas["rep_hangzhou"].web()
    response = client.post(event.get_absolute_url(), {"action": "lead", "name": "", "contact": "x"})
    assert response.status_code == 400 and not EventLead.objects.exists()
    assert client.post(event.get_absolute_url(), {"action": "lead", "name": "赵六", "contact": "139"}).status_code == 302
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    lead = EventLead.objects.get()
    assert client.post(reverse("channels:promotion_lead_convert", args=[lead.pk]), {"customer": customer.pk}).status_code == 302
    late = InvoiceFactory(customer=customer, issue_date=date(2026, 11, 2))
    response = client.post(event.get_absolute_url(), {"action": "sale", "invoice": late.pk})
    assert response.status_code == 302
    assert event.sales.count() == 1


def test_create_page_and_api(personas, units):
    client = personas["dm_hangzhou"].web()
    data = {"kind": "conference", "title": "年会", "unit": units["330100"].pk, "starts_on": "2026-11-05", "ends_on": "2026-11-04"}
    response = client.post(reverse("channels:promotion_event_create"), data)
    assert response.status_code == 400 and response.context["form"].errors["ends_on"]
    assert not PromotionEvent.objects.exists()
    assert client.post(reverse("channels:promotion_event_create"), {**data, "ends_on": "2026-11-06"}).status_code == 302
    api = personas["dm_hangzhou"].api()
    url = reverse("channels-promotion-event-list")
    body = {"kind": "exhibition", "title": "展会", "unit": units["330100"].pk, "starts_on": "2026-11-05", "ends_on": "2026-11-06"}
    response = api.post(url, {**body, "kind": "party"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    response = api.post(url, body, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = api.post(reverse("channels-promotion-event-leads", args=[pk]), {"name": "钱七", "contact": "138"}, format="json")
    assert response.status_code == 200 and response.json()["lead_count"] == 1
    rows = api.get(url, {"kind": "exhibition"}).json()["results"]
    assert [row["title"] for row in rows] == ["展会"]
    assert personas["dm_guangzhou"].api().get(reverse("channels-promotion-event-detail", args=[pk])).status_code == 404


def test_edit_page_and_effectiveness_figures(personas, event):
    client = personas["rep_hangzhou"].web()
    assert client.get(reverse("channels:promotion_event_edit", args=[event.pk])).status_code == 200
    services.promotion_lead_capture(by=personas["rep_hangzhou"].user, event=event, name="孙八", contact="137")
    response = personas["dm_hangzhou"].web().get(reverse("channels:promotion_effectiveness"))
    [row] = response.context["rows"]
    assert (row["events"], row["total_leads"], row["cost_per_lead"]) == (1, 1, 0)
