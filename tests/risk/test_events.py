"""Special events (突发事件): the flow (report → notified → owner → steps → close), the refusals (no unit, close
without a summary, outside the scope, no right — nothing written), the timeline, the worklist and the
monthly report's section."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from approvals.calendar import add_working_days
from core.errors import Conflict, InvalidInput, Unprocessable
from core.rights import SYSTEM, NotAllowed
from customers.services import customer_create
from notifications.models import Notification
from reports.choices import ReportKind
from reports.selectors import report_figures
from reports.services import report_build
from risk.choices import EntryKind, EventState
from risk.models import EventEntry, EventStep, SpecialEvent
from risk.services import (
    event_add_note,
    event_add_step,
    event_assign_owner,
    event_close,
    event_complete_step,
    event_report,
    unit_manager,
)
from tests.customers.factories import ProductFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday
NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _report(personas, units, who="rep_hangzhou", unit="330100", **extra):
    data = {
        "kind": "incident",
        "severity": "high",
        "title": "网点系统故障",
        "description": "营业网点核心系统中断两小时",
        "occurred_on": date(2026, 3, 14),
        **extra,
    }
    return event_report(by=personas[who].user, unit=units[unit], **data)


def _counts():
    return (SpecialEvent.objects.count(), EventStep.objects.count(), EventEntry.objects.count())


def _kinds(event):
    return list(EventEntry.objects.filter(event=event).order_by("at", "pk").values_list("kind", flat=True))


# --- the flow ---------------------------------------------------------------------------------------------------


def test_report_notifies_at_once_then_owner_steps_and_close(personas, units, django_capture_on_commit_callbacks):
    customer = customer_create(
        by=SYSTEM, name="杭州示范客户有限公司", district=units["330100"], salesperson=personas["rep_hangzhou"].staff
    )
    product = ProductFactory()
    body = {
        "unit": units["330100"].pk,
        "kind": "customer",
        "severity": "critical",
        "title": "重点客户挤兑传闻",
        "description": "客户反映网传消息，要求提前赎回",
        "occurred_on": "2026-03-15",
        "customers": [customer.pk],
        "products": [product.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = personas["rep_hangzhou"].api().post(reverse("special-event-list"), body, format="json")
    assert response.status_code == 201, response.content
    event = SpecialEvent.objects.get(pk=response.json()["id"])
    # The district manager owns it; the regional manager, the center and the owner were told (inbox + e-mail), the
    # reporter was not.
    assert event.owner == personas["dm_hangzhou"].staff and event.state == EventState.REPORTED
    assert event.notified_at is not None
    told = set(Notification.objects.filter(url=event.get_absolute_url()).values_list("recipient__username", flat=True))
    assert told == {"rm_east", "director", "center", "dm_hangzhou"}
    assert list(event.customers.all()) == [customer] and list(event.products.all()) == [product]

    # Handled on the page by the district manager: a step due in two working days, another owner, a note.
    dm = personas["dm_hangzhou"].web()
    url = reverse("risk:event_detail", kwargs={"pk": event.pk})
    page = dm.get(url)
    assert page.status_code == 200 and b'id="event-close-form"' in page.content
    assert dm.post(url, {"action": "add_step", "description": "走访客户说明情况", "working_days": "2"}).status_code == 302
    step = event.steps.get()
    assert step.due_on == add_working_days(TODAY, 2) and step.owner == personas["dm_hangzhou"].staff
    event.refresh_from_db()
    assert event.state == EventState.IN_PROGRESS
    assert dm.post(url, {"action": "assign", "owner": personas["pm_zhejiang"].staff.pk}).status_code == 302
    assert dm.post(url, {"action": "note", "text": "已与客户经理沟通"}).status_code == 302

    # Closing needs every step done, then a summary.
    pm = personas["pm_zhejiang"].web()
    response = pm.post(url, {"action": "close", "summary": "已处理"})
    assert response.status_code == 400 and "走访客户说明情况" in response.context["close_form"].errors["summary"][0]
    assert dm.post(url, {"action": "complete_step", "step": step.pk, "note": "客户已接受解释"}).status_code == 302
    response = pm.post(url, {"action": "close", "summary": ""})
    assert response.status_code == 400 and response.context["close_form"].errors["summary"]
    assert pm.post(url, {"action": "close", "summary": "传闻已澄清，客户未赎回"}).status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.CLOSED and event.summary == "传闻已澄清，客户未赎回" and event.closed_at is not None

    assert _kinds(event) == [
        EntryKind.REPORTED,
        EntryKind.OWNER_ASSIGNED,
        EntryKind.STEP_ADDED,
        EntryKind.OWNER_ASSIGNED,
        EntryKind.NOTE,
        EntryKind.STEP_DONE,
        EntryKind.CLOSED,
    ]
    # The API's detail carries the procedure and the timeline.
    detail = personas["rm_east"].api().get(reverse("special-event-detail", kwargs={"pk": event.pk})).json()
    assert detail["state"] == "closed" and len(detail["steps"]) == 1 and len(detail["timeline"]) == 7
    assert detail["customers"] == [customer.pk]
    # A closed event takes nothing more.
    with pytest.raises(Conflict):
        event_add_note(by=personas["director"].user, event=event, text="补充")


def test_notification_is_sent_once(personas, units, django_capture_on_commit_callbacks):
    from risk.tasks import notify_event_reported

    with django_capture_on_commit_callbacks(execute=True):
        event = _report(personas, units)
    sent = Notification.objects.count()
    assert sent == 4
    assert notify_event_reported.delay(event.pk).get() == 0
    assert Notification.objects.count() == sent


def test_the_owner_defaults_to_the_next_manager_up_while_the_post_is_vacant(personas, units):
    # 宁波 (330200) has no district manager among the personas: the provincial manager owns its events.
    assert unit_manager(units["330200"]) == personas["pm_zhejiang"].staff
    event = _report(personas, units, who="pm_zhejiang", unit="330200")
    assert event.owner == personas["pm_zhejiang"].staff


def test_page_report_form(personas, units):
    client = personas["dm_hangzhou"].web()
    assert client.get(reverse("risk:event_create")).status_code == 200
    response = client.post(
        reverse("risk:event_create"),
        {
            "unit": units["330100"].pk,
            "kind": "market_emergency",
            "severity": "medium",
            "title": "竞品降价",
            "description": "竞品降价三成",
            "occurred_on": "2026-03-16",
        },
    )
    assert response.status_code == 302
    event = SpecialEvent.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.reported_by == personas["dm_hangzhou"].staff


def test_list_filters(personas, units):
    high = _report(personas, units)
    low = _report(personas, units, who="dm_guangzhou", unit="440100", severity="low", kind="regulatory")
    client = personas["director"].web()
    rows = lambda query: set(client.get(reverse("risk:event_list"), query).context["object_list"])  # noqa: E731
    assert rows({}) == {high, low}
    assert rows({"severity": "low"}) == {low}
    assert rows({"kind": "incident"}) == {high}
    assert rows({"unit": units["HD"].pk}) == {high}
    assert rows({"state": "closed"}) == set()
    assert rows({"open": "true", "owner": personas["dm_guangzhou"].staff.pk}) == {low}
    assert rows({"occurred_after": "2026-03-15"}) == set()
    response = client.get(reverse("risk:event_list"), {"severity": "nonsense"})
    assert response.status_code == 200 and list(response.context["object_list"]) == []
    api = personas["rm_south"].api().get(reverse("special-event-list")).json()
    assert [row["id"] for row in api["results"]] == [low.pk]


# --- refusals: nothing written --------------------------------------------------------------------------------


def test_an_event_without_a_unit_is_refused_naming_the_field(personas, units):
    before = _counts()
    body = {"kind": "incident", "severity": "high", "title": "无单位", "description": "x", "occurred_on": "2026-03-01"}
    response = personas["dm_hangzhou"].api().post(reverse("special-event-list"), body, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = personas["dm_hangzhou"].web().post(reverse("risk:event_create"), body)
    assert response.status_code == 400 and response.context["form"].errors["unit"]
    with pytest.raises(InvalidInput) as refused:
        event_report(by=personas["dm_hangzhou"].user, unit=None, **{**body, "occurred_on": date(2026, 3, 1)})
    assert refused.value.field == "unit"
    assert _counts() == before


def test_bad_input_is_refused_naming_the_field(personas, units):
    before = _counts()
    other = customer_create(by=SYSTEM, name="广州客户有限公司", district=units["440100"])
    api = personas["director"].api()
    base = {"unit": units["330100"].pk, "kind": "incident", "severity": "high", "title": "t", "description": "d"}
    cases = [
        ({**base, "occurred_on": "2026-03-17"}, "occurred_on"),  # tomorrow
        ({**base, "occurred_on": "2026-03-01", "customers": [other.pk]}, "customers"),  # not of 杭州
        ({**base, "occurred_on": "2026-03-01", "severity": "huge"}, "severity"),
        ({**base, "occurred_on": "2026-03-01", "title": ""}, "title"),
        ({**base, "occurred_on": "2026-03-01", "stray": 1}, "stray"),
    ]
    for body, field in cases:
        response = api.post(reverse("special-event-list"), body, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    # A customer outside the reporter's scope is "no such customer" (the rep's own are his only).
    response = (
        personas["rep_hangzhou"]
        .api()
        .post(reverse("special-event-list"), {**base, "occurred_on": "2026-03-01", "customers": [other.pk]}, format="json")
    )
    assert response.status_code == 400 and "customers" in response.json()["errors"]
    assert _counts() == before


def test_close_without_summary_is_422_and_writes_nothing(personas, units):
    event = _report(personas, units)
    before = _counts()
    with pytest.raises(Unprocessable) as refused:
        event_close(by=personas["dm_hangzhou"].user, event=event, summary="  ")
    assert refused.value.status_code == 422 and refused.value.field == "summary"
    event.refresh_from_db()
    assert event.state == EventState.REPORTED and _counts() == before


def test_outside_the_scope_is_404_and_writes_nothing(personas, units):
    event = _report(personas, units)
    before = _counts()
    url = reverse("risk:event_detail", kwargs={"pk": event.pk})
    client = personas["dm_guangzhou"].web()
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "note", "text": "越权"}).status_code == 404
    assert personas["pm_guangdong"].api().get(reverse("special-event-detail", kwargs={"pk": event.pk})).status_code == 404
    # The rep sees the events he reported, not his colleague's.
    assert personas["rep_hangzhou_2"].web().get(url).status_code == 404
    # Reporting for a unit outside one's scope: the unit is no choice (400), and the service refuses it too.
    body = {
        "unit": units["330100"].pk,
        "kind": "incident",
        "severity": "low",
        "title": "t",
        "description": "d",
        "occurred_on": "2026-03-01",
    }
    assert personas["dm_guangzhou"].api().post(reverse("special-event-list"), body, format="json").status_code == 400
    with pytest.raises(NotAllowed):
        _report(personas, units, who="dm_guangzhou", unit="330100")
    assert _counts() == before


def test_no_right_is_403_and_writes_nothing(personas, units):
    event = _report(personas, units)  # reported by rep_hangzhou, owned by dm_hangzhou
    event_add_step(by=personas["dm_hangzhou"].user, event=event, description="核实", working_days=1)
    before = _counts()
    step = event.steps.get()
    url = reverse("risk:event_detail", kwargs={"pk": event.pk})
    rep = personas["rep_hangzhou"].web()
    page = rep.get(url)
    assert page.status_code == 200 and b"event-close-form" not in page.content and b"complete_step" not in page.content
    for body in (
        {"action": "close", "summary": "越权关闭"},
        {"action": "note", "text": "越权"},
        {"action": "add_step", "description": "越权"},
        {"action": "assign", "owner": personas["pm_zhejiang"].staff.pk},
        {"action": "complete_step", "step": step.pk},
        {"action": "unknown"},
    ):
        assert rep.post(url, body).status_code == 403, body
    for call in (
        lambda: event_close(by=personas["rep_hangzhou"].user, event=event, summary="x"),
        lambda: event_assign_owner(by=personas["rep_hangzhou"].user, event=event, owner=personas["rep_hangzhou"].staff),
        lambda: event_complete_step(by=personas["rep_hangzhou"].user, step=step),
    ):
        with pytest.raises(NotAllowed):
            call()
    # Branch keys read but report nothing.
    body = {
        "unit": units["330100"].pk,
        "kind": "incident",
        "severity": "low",
        "title": "t",
        "description": "d",
        "occurred_on": "2026-03-01",
    }
    assert personas["key_hangzhou"].api().post(reverse("special-event-list"), body, format="json").status_code == 403
    assert _counts() == before
    event.refresh_from_db()
    assert event.state == EventState.IN_PROGRESS


def test_a_step_is_completed_by_its_owner_and_deadlines_are_checked(personas, units):
    event = _report(personas, units)
    dm = personas["dm_hangzhou"].user
    step = event_add_step(
        by=dm, event=event, description="补充材料", owner=personas["rep_hangzhou_2"].staff, due_on=date(2026, 3, 20)
    )
    assert step.due_on == date(2026, 3, 20)
    with pytest.raises(InvalidInput) as refused:
        event_add_step(by=dm, event=event, description="过去", due_on=date(2026, 3, 1))
    assert refused.value.field == "due_on"
    with pytest.raises(InvalidInput) as refused:
        event_add_step(by=dm, event=event, description="太久", working_days=999)
    assert refused.value.field == "working_days"
    with pytest.raises(InvalidInput) as refused:
        event_add_step(by=dm, event=event, description="外人", owner=personas["dm_guangzhou"].staff)
    assert refused.value.field == "owner"
    # The step's owner (a rep who cannot handle the event) marks his own step done.
    event_complete_step(by=personas["rep_hangzhou_2"].user, step=step, note="已提交")
    with pytest.raises(Conflict):
        event_complete_step(by=dm, step=step)
    assert _kinds(event)[-1] == EntryKind.STEP_DONE


# --- worklist and navigation ------------------------------------------------------------------------------------


def test_worklist_counts_open_events_owned(personas, units):
    event = _report(personas, units)
    response = personas["dm_hangzhou"].web().get("/")
    assert response.context["worklist"]["events_open"] == 1
    assert reverse("risk:event_list") in [url for _label, url in response.context["nav_items"]]
    assert 'id="worklist-events"' in response.content.decode()
    event_close(by=SYSTEM, event=event, summary="已结束")
    assert personas["dm_hangzhou"].web().get("/").context["worklist"]["events_open"] == 0


# --- the business report ------------------------------------------------------------------------------------------


def test_the_monthly_report_lists_the_periods_events(personas, units):
    feb = date(2026, 2, 10)
    critical = _report(personas, units, severity="critical", title="严重事件", occurred_on=feb)
    _report(personas, units, severity="low", kind="regulatory", title="监管检查", occurred_on=date(2026, 2, 3))
    _report(personas, units, who="dm_guangzhou", unit="440100", title="华南事件", occurred_on=feb)  # another region
    _report(personas, units, occurred_on=date(2026, 1, 31), title="上月事件")  # another month
    event_close(by=SYSTEM, event=critical, summary="已处置")

    section = report_figures(units["HD"], "2026-02", ReportKind.MONTHLY)["events"]
    assert section["count"] == 2 and section["open"] == 1
    assert section["by_kind"]["incident"] == 1 and section["by_kind"]["regulatory"] == 1
    assert section["by_severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 1}
    # The most severe first.
    assert [row["title"] for row in section["rows"]] == ["严重事件", "监管检查"]
    assert section["rows"][0] == {
        "id": critical.pk,
        "date": "2026-02-10",
        "unit": "杭州市",
        "unit_code": "330100",
        "title": "严重事件",
        "kind": "incident",
        "severity": "critical",
        "state": "closed",
    }
    assert report_figures(units["HQ"], "2026-02", ReportKind.MONTHLY)["events"]["count"] == 3

    report = report_build(unit=units["HD"], period="2026-02", kind=ReportKind.MONTHLY)
    page = personas["rm_east"].web().get(reverse("reports:report_detail", kwargs={"pk": report.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-events"' in html and "严重事件" in html and "监管检查" in html and "华南事件" not in html
