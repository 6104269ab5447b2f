"""Complaints (投诉): the owner from the org tree, the SLA in working days on China's calendar, the flow open → in
progress → resolved → closed (and reopened) through the API and the pages, the bad input of the issue refused with
the field and nothing written, escalation exactly once per working day across a weekend, a make-up working day and
the National Day holiday (pinned clock) that stops when the complaint is closed, the bulk upsert, and the scope."""

from datetime import date

import pytest
from django.urls import reverse

from core.rights import SYSTEM
from notifications.models import Notification
from relations import services
from relations.choices_complaints import ComplaintState
from relations.models import Complaint, ComplaintEscalation, ComplaintStep
from relations.selectors.complaints import center_view, sla_state
from tests.relations.complaint_helpers import World, at

pytestmark = pytest.mark.django_db
THU = date(2025, 9, 25)  # the Thursday before the make-up working day (Sun 28 Sep) and National Day (1–8 Oct)


@pytest.fixture
def w(personas, units):
    with at(THU):
        return World(personas, units)


def _log(w, *, severity="medium", by=SYSTEM, day=THU, **extra):
    values = {"kind": "product", "product": w.product, "customer": w.customer, "description": "赎回到账延迟三天", **extra}
    with at(day):
        return services.complaint_create(by=by, severity=severity, **values)


def _counts():
    return (Complaint.objects.count(), ComplaintStep.objects.count(), ComplaintEscalation.objects.count())


# --- owner and SLA --------------------------------------------------------------------------------------------------
def test_the_owner_is_the_customers_salesperson_else_the_district_manager(w):
    assert _log(w).owner == w.p["rep_hangzhou"].staff
    assert _log(w, severity="critical").owner == w.p["dm_hangzhou"].staff  # a critical complaint: the manager
    assert _log(w, customer=w.bare_customer).owner == w.p["dm_hangzhou"].staff  # nobody serves the customer
    complaint = _log(w)
    assert (complaint.unit, complaint.salesperson, complaint.state) == (w.units["330100"], w.p["rep_hangzhou"].staff, "open")


def test_the_sla_counts_working_days_on_chinas_calendar(w):
    # Medium: 5 working days after Mon 29 Sep → 30 Sep, 9 Oct, 10 Oct, Sat 11 Oct (make-up day), Mon 13 Oct.
    assert _log(w, day=date(2025, 9, 29)).due_on == date(2025, 10, 13)
    # Critical: 1 working day after Fri 26 Sep is the make-up Sunday 28 Sep.
    assert _log(w, severity="critical", day=date(2025, 9, 26)).due_on == date(2025, 9, 28)
    # Low: 10 working days after Thu 25 Sep: 26, 28, 29, 30 Sep, 9, 10, 11, 13, 14, 15 Oct.
    assert _log(w, severity="low").due_on == date(2025, 10, 15)


# --- the flow through the API -----------------------------------------------------------------------------------------
def test_a_complaint_handled_to_a_result_and_confirmed_through_the_api(w):
    api = w.p["rep_hangzhou"].api()
    day = date(2025, 9, 29)
    with at(day):
        response = api.post(
            reverse("relations-complaint-list"),
            {
                "kind": "channel",
                "channel": w.channel.pk,
                "customer": w.customer.pk,
                "severity": "high",
                "cause": "service",
                "description": "网点柜员态度恶劣",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["state"], body["due_on"], body["sla_state"], body["owner"]) == (
            "open",
            "2025-10-10",
            "on_time",
            w.p["rep_hangzhou"].staff.pk,
        )
        pk = body["id"]
        url = lambda name: reverse(f"relations-complaint-{name}", kwargs={"pk": pk})  # noqa: E731
        assert api.post(url("step"), {"note": "电话回访客户，了解经过"}, format="json").json()["state"] == "in_progress"
        response = api.post(url("resolve"), {"result": "网点致歉并对柜员进行培训"}, format="json")
        assert (response.status_code, response.json()["state"], response.json()["sla_state"]) == (200, "resolved", "met")
    with at(date(2025, 10, 10)):
        response = api.post(url("close"), {"confirmation": "satisfied", "confirmation_note": "客户表示满意"}, format="json")
    assert response.status_code == 200, response.json()
    complaint = Complaint.objects.get(pk=pk)
    # Handling time: working days after 29 Sep up to 10 Oct: 30 Sep, 9 Oct, 10 Oct.
    assert (complaint.state, complaint.closed_on, complaint.handling_days) == ("closed", date(2025, 10, 10), 3)
    kinds = list(complaint.steps.values_list("kind", "to_state"))
    assert kinds == [("state", "open"), ("state", "in_progress"), ("action", ""), ("state", "resolved"), ("state", "closed")]
    # The closed complaint appears in the center's view, company-wide.
    center = w.p["center"].web()
    page = center.get(reverse("relations:complaint_center"))
    assert page.status_code == 200
    assert pk in [row.pk for row in page.context["object_list"]]
    view = center_view(Complaint.objects.all(), today=date(2025, 10, 10))
    assert view["by_channel"][0]["name"] == "杭州城东银行"
    assert view["by_channel"][0]["closed"] == 1 and view["by_channel"][0]["handling_days_average"] == 3
    assert [row["name"] for row in view["by_region"]] == ["华东大区"]
    # The customer was not satisfied after all: reopened, the result cleared, the SLA clock running again.
    with at(date(2025, 10, 13)):
        response = api.post(url("reopen"), {"reason": "客户再次来电投诉"}, format="json")
        assert (response.json()["state"], response.json()["result"], response.json()["sla_state"]) == ("reopened", "", "breached")


def test_closing_straight_from_in_progress_needs_the_result_in_the_same_call(w):
    complaint = _log(w)
    api = w.p["dm_hangzhou"].api()
    url = reverse("relations-complaint-close", kwargs={"pk": complaint.pk})
    with at(date(2025, 9, 26)):
        refused = api.post(url, {"confirmation": "accepted"}, format="json")
        assert refused.status_code == 422
        assert "result" in refused.json()["errors"]
        complaint.refresh_from_db()
        assert (complaint.state, complaint.result, complaint.closed_on) == ("open", "", None)
        done = api.post(url, {"confirmation": "accepted", "result": "已全额退还手续费"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "closed"
    assert done.json()["resolved_on"] == "2025-09-26"


# --- bad input: refused on its field, nothing written --------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "product", "product": "retired"}, 400, "product"),  # a product the company does not sell
        ({"kind": "product", "product": 999999}, 400, "product"),
        ({"kind": "channel", "channel": "gz_channel"}, 400, "channel"),  # a channel outside the scope
        ({"kind": "product", "product": "product", "channel": "channel"}, 400, "channel"),
        ({"kind": "channel"}, 400, "channel"),
        ({"kind": "product", "product": "product", "description": "  "}, 400, "description"),
        ({"kind": "product", "product": "product", "received_on": "2025-09-26"}, 400, "received_on"),  # tomorrow
        ({"kind": "product", "product": "product", "severity": "urgent"}, 400, "severity"),
        ({"kind": "product", "product": "product", "customer": "gz_customer"}, 400, "customer"),  # out of scope
    ],
)
def test_a_bad_complaint_is_refused_on_its_field_and_nothing_is_written(w, body, status, field):
    values = {"customer": w.customer.pk, "severity": "medium", "description": "产品收益与宣传不符"}
    for key, value in body.items():
        values[key] = getattr(w, value).pk if key in ("product", "channel", "customer") and isinstance(value, str) else value
    before = _counts()
    with at(THU):
        response = w.p["rep_hangzhou"].api().post(reverse("relations-complaint-list"), values, format="json")
    assert response.status_code == status, response.json()
    assert field in response.json()["errors"], response.json()
    assert _counts() == before


def test_a_product_not_sold_is_refused_with_the_reason_in_chinese(w):
    with at(THU):
        response = (
            w.p["rep_hangzhou"]
            .api()
            .post(
                reverse("relations-complaint-list"),
                {"kind": "product", "product": w.retired.pk, "customer": w.customer.pk, "severity": "low", "description": "x"},
                format="json",
            )
        )
    assert response.json()["errors"]["product"] == ["已停售理财不是公司在售的产品。"]


def test_an_sla_breach_report_on_a_closed_complaint_is_refused(w):
    complaint = _log(w, severity="critical")
    with at(date(2025, 9, 26)):
        services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="satisfied", result="当日办结")
    before = _counts()
    url = reverse("relations-complaint-report-breach", kwargs={"pk": complaint.pk})
    with at(date(2025, 9, 29)):
        response = w.p["dm_hangzhou"].api().post(url, {"note": "客户称超时"}, format="json")
    assert response.status_code == 409
    assert "state" in response.json()["errors"]
    assert _counts() == before


def test_a_breach_report_before_the_due_day_is_refused_and_after_it_escalates_once(w):
    complaint = _log(w)  # medium, due 9 Oct
    url = reverse("relations-complaint-report-breach", kwargs={"pk": complaint.pk})
    api = w.p["rep_hangzhou"].api()
    with at(date(2025, 9, 30)):
        response = api.post(url, {}, format="json")
        assert (response.status_code, list(response.json()["errors"])) == (409, ["due_on"])
    with at(date(2025, 10, 10)):
        response = api.post(url, {"note": "客户第三次来电"}, format="json")
        assert response.status_code == 200
        assert (response.json()["owner"], response.json()["escalation_level"]) == (w.p["dm_hangzhou"].staff.pk, 1)
        # The job the same day escalates it no further (once per working day).
        assert services.complaints_escalate(today=date(2025, 10, 10)) == 0
        assert api.post(url, {}, format="json").status_code == 409


def test_the_other_refusals_of_the_states(w):
    complaint = _log(w)
    with at(date(2025, 9, 26)):
        services.complaint_resolve(by=SYSTEM, complaint=complaint, result="已解释")
        with pytest.raises(Exception) as error:
            services.complaint_resolve(by=SYSTEM, complaint=complaint, result="再解释")
        assert error.value.field == "state"
        services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="accepted")
        for call in (
            lambda: services.complaint_step_add(by=SYSTEM, complaint=complaint, note="x"),
            lambda: services.complaint_start(by=SYSTEM, complaint=complaint),
            lambda: services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="accepted"),
        ):
            with pytest.raises(Exception) as error:
                call()
            assert error.value.status_code == 409


# --- escalation, once per working day -------------------------------------------------------------------------------
def test_a_breached_complaint_escalates_exactly_once_per_working_day_and_stops_when_closed(w):
    complaint = _log(w, day=date(2025, 9, 19))  # medium, received Fri 19 Sep: due Fri 26 Sep; the salesperson's
    assert (complaint.due_on, complaint.owner) == (date(2025, 9, 26), w.p["rep_hangzhou"].staff)
    ladder = {
        date(2025, 9, 26): None,  # the due day itself: not breached yet
        date(2025, 9, 27): None,  # Saturday: a day off
        date(2025, 9, 28): "dm_hangzhou",  # Sunday, a make-up working day (调休)
        date(2025, 9, 29): "pm_zhejiang",
        date(2025, 9, 30): "rm_east",
        **{date(2025, 10, d): None for d in range(1, 9)},  # National Day holiday
        date(2025, 10, 9): "director",
    }
    level = 0
    for day, to in ladder.items():
        with at(day, hour=0):  # 08:00 in Beijing
            first = services.complaints_escalate(today=day)
        with at(day, hour=8):  # 16:00: the job again the same day
            second = services.complaints_escalate(today=day)
        assert (first, second) == ((1, 0) if to else (0, 0)), day
        complaint.refresh_from_db()
        if to:
            level += 1
            assert (complaint.owner, complaint.escalation_level, complaint.escalated_on) == (w.p[to].staff, level, day)
            assert Notification.objects.filter(recipient=w.p[to].user, kind="escalated").count() == 1
    assert list(complaint.escalations.values_list("on", flat=True)) == [
        date(2025, 9, 28),
        date(2025, 9, 29),
        date(2025, 9, 30),
        date(2025, 10, 9),
    ]
    # The director may handle it; closed, it escalates no more (nobody above the director anyway: close earlier).
    with at(date(2025, 10, 9)):
        services.complaint_close(by=w.p["director"].user, complaint=complaint, confirmation="satisfied", result="总部协调解决")
    for day in (date(2025, 10, 10), date(2025, 10, 11), date(2025, 10, 13)):
        assert services.complaints_escalate(today=day) == 0
    assert complaint.escalations.count() == 4


def test_escalation_stops_when_the_complaint_is_closed_midway(w):
    complaint = _log(w, day=date(2025, 9, 19))
    assert services.complaints_escalate(today=date(2025, 9, 28)) == 1
    with at(date(2025, 9, 28)):
        services.complaint_close(by=w.p["dm_hangzhou"].user, complaint=complaint, confirmation="accepted", result="已赔付")
    for day in (date(2025, 9, 29), date(2025, 9, 30), date(2025, 10, 9)):
        assert services.complaints_escalate(today=day) == 0
    complaint.refresh_from_db()
    assert (complaint.escalation_level, complaint.owner) == (1, w.p["dm_hangzhou"].staff)


def test_the_beat_task_is_scheduled_and_calls_the_job(w):
    from config.celery import app
    from relations.tasks import escalate_complaints

    assert app.conf.beat_schedule["relations.complaints_escalate"]["task"] == "relations.complaints_escalate"
    _log(w, severity="critical")
    assert escalate_complaints("2025-09-29") == 1
    assert escalate_complaints("2025-09-29") == 0


def test_a_person_may_not_run_the_escalation(w):
    from core.rights import NotAllowed

    with pytest.raises(NotAllowed):
        services.complaints_escalate(today=date(2025, 9, 29), by=w.p["director"].user)


# --- pages ---------------------------------------------------------------------------------------------------------
def test_the_salesperson_logs_a_complaint_on_the_page_and_the_district_manager_sees_it_in_the_queue(w):
    web = w.p["rep_hangzhou"].web()
    with at(THU):
        form = web.get(reverse("relations:complaint_create"))
        assert form.status_code == 200
        response = web.post(
            reverse("relations:complaint_create"),
            {
                "customer": w.customer.pk,
                "kind": "product",
                "product": w.product.pk,
                "severity": "high",
                "cause": "fees",
                "description": "赎回手续费与合同不符",
                "received_on": "2025-09-25",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.get(description="赎回手续费与合同不符")
    dm = w.p["dm_hangzhou"].web()
    with at(THU):
        queue = dm.get(reverse("relations:complaint_queue"))
        assert complaint in list(queue.context["object_list"])
        assert queue.context["object_list"][0].sla == "on_time"
        home = dm.get("/")
    assert 'id="worklist-complaints"' in home.content.decode()
    # Outside the district: not in 广州's queue, and its page is a 404 there.
    assert complaint not in list(w.p["dm_guangzhou"].web().get(reverse("relations:complaint_queue")).context["object_list"])
    assert w.p["dm_guangzhou"].web().get(complaint.get_absolute_url()).status_code == 404


def test_the_page_refuses_closing_without_a_result_on_the_result_field(w):
    complaint = _log(w)
    web = w.p["dm_hangzhou"].web()
    with at(date(2025, 9, 26)):
        response = web.post(complaint.get_absolute_url(), {"action": "close", "confirmation": "satisfied"})
    assert response.status_code == 400
    assert response.context["forms"]["close"].errors["result"]
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.OPEN
    with at(date(2025, 9, 26)):
        web.post(complaint.get_absolute_url(), {"action": "step", "note": "约见客户", "on": "2025-09-26"})
        web.post(complaint.get_absolute_url(), {"action": "resolve", "result": "退还费用", "resolved_on": "2025-09-26"})
        response = web.post(complaint.get_absolute_url(), {"action": "close", "confirmation": "satisfied"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.result) == ("closed", "退还费用")
    page = web.get(complaint.get_absolute_url())
    assert "约见客户" in page.content.decode()


# --- bulk ----------------------------------------------------------------------------------------------------------
def _record(n, w, **extra):
    return {
        "external_id": f"330100-CMP-{n}",
        "kind": "product",
        "severity": "medium",
        "customer_external_id": "HZ-C1",
        "product_code": w.product.code,
        "description": f"批量投诉{n}",
        "received_on": "2025-09-25",
        **extra,
    }


def test_bulk_upsert_is_idempotent_and_all_or_nothing(w):
    api = w.p["key_hangzhou"].api()
    url = reverse("relations-complaint-bulk")
    records = [_record(1, w), _record(2, w, kind="channel", product_code=None, channel_external_id=w.channel.external_id)]
    records[1].pop("product_code")
    with at(THU):
        first = api.post(url, {"records": records}, format="json")
        assert first.status_code == 200, first.json()
        assert first.json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
        again = api.post(url, {"records": records}, format="json")
        assert again.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "error": 0}
        changed = api.post(url, {"records": [_record(1, w, severity="critical")]}, format="json")
        assert changed.json()["counts"]["updated"] == 1
    assert Complaint.objects.get(external_id="330100-CMP-1").due_on == date(2025, 9, 26)
    before = _counts()
    with at(THU):
        bad = api.post(
            url, {"records": [_record(3, w), _record(4, w, product_code=w.retired.code), _record(5, w)]}, format="json"
        )
    assert bad.status_code == 400
    results = bad.json()["results"]
    assert [r["result"] for r in results] == ["created", "error", "created"]
    assert "product" in results[1]["errors"]
    assert _counts() == before
    with at(THU):
        too_many = api.post(url, {"records": [_record(n, w) for n in range(1001)]}, format="json")
    assert too_many.status_code == 400 and _counts() == before


def test_bulk_refuses_a_channel_outside_the_callers_scope(w):
    record = _record(9, w, kind="channel", channel_external_id=w.gz_channel.external_id)
    record.pop("product_code")
    with at(THU):
        response = w.p["key_hangzhou"].api().post(reverse("relations-complaint-bulk"), {"records": [record]}, format="json")
    assert response.status_code == 400
    assert "channel_external_id" in response.json()["results"][0]["errors"]
    assert not Complaint.objects.exists()


# --- scope ---------------------------------------------------------------------------------------------------------
def test_the_scope_of_complaints(w):
    complaint = _log(w)
    url = reverse("relations-complaint-detail", kwargs={"pk": complaint.pk})
    for name, code in (
        ("rep_hangzhou", 200),
        ("dm_hangzhou", 200),
        ("rm_east", 200),
        ("center", 200),
        ("rep_hangzhou_2", 404),
        ("dm_guangzhou", 404),
        ("key_guangdong", 404),
        ("key_hangzhou", 200),
    ):
        assert w.p[name].api().get(url).status_code == code, name
    # A reader in scope without the right to handle: another district's manager cannot even see it; rep_2 neither.
    step = reverse("relations-complaint-step", kwargs={"pk": complaint.pk})
    with at(THU):
        assert w.p["rep_hangzhou_2"].api().post(step, {"note": "x"}, format="json").status_code == 404
    assert sla_state(complaint, today=date(2025, 10, 14)) == "breached"
