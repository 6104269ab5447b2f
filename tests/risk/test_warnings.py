"""Early warnings (预警): every rule kind hit and not hit on a small data set, a re-run opens no duplicate, a
cleared condition closes its warning, a missed deadline escalates exactly once per working day, the
handling (acknowledge → action → close with a resolution), the refusals (nothing written) and the scope."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from approvals.calendar import add_working_days
from approvals.services import request_approve
from core.errors import Conflict, InvalidInput, Unprocessable
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from notifications.models import Notification
from performance.models import DistrictMonthFact
from plans.models import Target
from risk import services
from risk.choices import WarningClosedReason, WarningState
from risk.models import CustomerGradeChange, Warning, WarningRule, WarningRuleChange
from tests.customers.factories import CustomerFactory
from tests.risk.test_ratings import approved

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday
NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _rule(kind, threshold, window=None, severity="high", days=3):
    return services.warning_rule_create(
        by=SYSTEM, name=f"规则 {kind}", kind=kind, threshold=threshold, window=window, severity=severity, deadline_days=days
    )


def _invoice(customer, issued, due, amount):
    return ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=issued, due_date=due, amount=D(amount))


@pytest.fixture
def book(personas, units):
    """c1: 1000 overdue since 5 Feb, limit 500, last sale 5 Jan; c2: 1000 not yet due, sold 10 Mar; c3: paid
    on time last summer, 31 days late this February, nothing open."""
    rep = personas["rep_hangzhou"].staff
    c1 = CustomerFactory(district=units["330100"], salesperson=rep, credit_limit=D("500.00"))
    c2 = CustomerFactory(district=units["330100"], salesperson=rep)
    c3 = CustomerFactory(district=units["330100"], salesperson=rep)
    _invoice(c1, date(2026, 1, 5), date(2026, 2, 5), "1000.00")
    _invoice(c2, date(2026, 3, 10), date(2026, 4, 10), "1000.00")
    _invoice(c3, date(2025, 6, 1), date(2025, 7, 1), "100.00")
    ledger.payment_record(by=SYSTEM, customer=c3, received_on=date(2025, 7, 1), amount=D("100.00"))
    _invoice(c3, date(2025, 12, 1), date(2026, 1, 1), "100.00")
    ledger.payment_record(by=SYSTEM, customer=c3, received_on=date(2026, 2, 1), amount=D("100.00"))
    return {"c1": c1, "c2": c2, "c3": c3}


def _hit(rule):
    services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    return Warning.objects.filter(rule=rule)


def _customers(rule, book):
    names = {c.pk: key for key, c in book.items()}
    return sorted(names[w.customer_id] for w in _hit(rule))


@pytest.mark.parametrize(
    "kind, threshold, window, expected",
    [
        ("overdue_share", "0.5", None, ["c1"]),
        ("overdue_share", "1", None, []),
        ("overdue_share_rise", "0.5", 45, ["c1"]),  # nothing overdue on 30 Jan, all of it now
        ("overdue_share_rise", "0.5", 30, []),  # already all overdue on 14 Feb
        ("limit_utilisation", "1.5", None, ["c1"]),
        ("limit_utilisation", "2", None, []),
        ("no_sales", "30", None, ["c1", "c3"]),
        ("no_sales", "200", None, []),
        ("delay_lengthening", "10", None, ["c3"]),  # 31 days late now, on time before
        ("delay_lengthening", "31", None, []),
        ("concentration", "0.4", None, ["c1", "c2"]),  # 1000 of 2000 each
        ("concentration", "0.5", None, []),
    ],
)
def test_customer_rules_hit_and_miss(book, kind, threshold, window, expected):
    rule = _rule(kind, threshold, window)
    assert _customers(rule, book) == expected


def test_grade_fall_two_steps_or_to_c(personas, book):
    scheme = approved(personas)
    c1, c2, c3 = book["c1"], book["c2"], book["c3"]
    for customer, old, new, on in [
        (c1, "A", "C", date(2026, 3, 10)),  # to C
        (c2, "AAA", "AA", date(2026, 3, 10)),  # one step
        (c3, "AAA", "A", date(2025, 12, 1)),  # two steps, but before the window
    ]:
        CustomerGradeChange.objects.create(customer=customer, on=on, old_grade=old, new_grade=new, score=D("50"), scheme=scheme)
    rule = _rule("grade_fall", "2", window=30)
    assert _customers(rule, book) == ["c1"]
    assert Warning.objects.get(rule=rule).value == D("2")


def _month_facts(district, rows):
    for month, invoiced, open_at_end in rows:
        DistrictMonthFact.objects.create(district=district, month=month, invoiced=D(invoiced), open_at_end=D(open_at_end))


def test_dso_rise_of_a_district(personas, units):
    months = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    _month_facts(units["330100"], [(m, "1000", o) for m, o in zip(months, ["1000", "1000", "1000", "3000"], strict=True)])
    _month_facts(units["440100"], [(m, "1000", "1000") for m in months])
    rule = _rule("dso_rise", "30", window=1)
    warnings = list(_hit(rule))
    # February: 3000 / 3000 × 90 days = 90; January: 1000 / 3000 × 92 = 30.67 → +59.33 days.
    assert [(w.unit.code, w.customer_id, w.value) for w in warnings] == [("330100", None, D("59.3300"))]
    assert warnings[0].owner.role == "district_manager"
    assert warnings[0].supervisor.role == "provincial_manager"
    assert _rule("dso_rise", "60", window=1) and not Warning.objects.filter(rule__threshold=D("60")).exists()


def test_attainment_behind_the_time_pace(personas, units):
    for code, target in [("330100", "100000"), ("440100", "10000")]:
        Target.objects.create(metric="sales_amount", period="2026", unit=units[code], owner_unit=units[code], value=D(target))
        _month_facts(units[code], [(date(2026, 1, 1), "1000", "0"), (date(2026, 2, 1), "1000", "0")])
    rule = _rule("attainment_pace", "0.1")
    # 75 of 365 days (0.2055) against 2 % and 20 %.
    assert [w.unit.code for w in _hit(rule)] == ["330100"]


# --- the run: no duplicate, cleared closes ---------------------------------------------------------------------


def test_a_rerun_adds_no_duplicate_and_a_cleared_condition_closes(book, personas):
    rule = _rule("overdue_share", "0.5")
    first = services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    second = services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    assert (first["opened"], second["opened"], second["kept"]) == (1, 0, 1)
    warning = Warning.objects.get(rule=rule)
    assert (warning.owner, warning.supervisor.role, warning.due_on) == (
        personas["rep_hangzhou"].staff,
        "district_manager",
        add_working_days(TODAY, 3),
    )
    assert Notification.objects.filter(recipient=personas["rep_hangzhou"].user, url=warning.get_absolute_url()).exists()

    ledger.payment_record(by=SYSTEM, customer=book["c1"], received_on=TODAY, amount=D("1000.00"))
    third = services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    warning.refresh_from_db()
    assert third["closed"] == 1
    assert (warning.state, warning.closed_reason, warning.closed_on) == (WarningState.CLOSED, WarningClosedReason.CLEARED, TODAY)
    # Overdue again later: a new warning opens beside the closed one.
    _invoice(book["c1"], date(2026, 1, 6), date(2026, 2, 6), "1000.00")
    services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    assert Warning.objects.filter(rule=rule).count() == 2
    assert Warning.objects.open().filter(rule=rule).count() == 1


def test_only_the_center_runs_and_sets_rules(personas):
    with pytest.raises(NotAllowed):
        services.warnings_evaluate(as_of=TODAY, by=personas["rm_east"].user)
    with pytest.raises(NotAllowed):
        services.warning_rule_create(
            by=personas["dm_hangzhou"].user, name="x", kind="overdue_share", threshold="0.5", severity="high"
        )
    services.warnings_evaluate(as_of=TODAY, by=personas["center"].user)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"threshold": "1.5"}, "threshold"),  # a share above 1
        ({"threshold": "abc"}, "threshold"),
        ({"threshold": None}, "threshold"),
        ({"kind": "no_sales", "threshold": "30.5"}, "threshold"),  # days are whole
        ({"kind": "grade_fall", "threshold": "2"}, "window"),  # a window is needed
        ({"window": 30}, "window"),  # overdue share compares nothing over time
        ({"kind": "complaints"}, "kind"),
        ({"severity": "extreme"}, "severity"),
        ({"deadline_days": 0}, "deadline_days"),
        ({"level": "district"}, "level"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_rule_is_refused_with_its_field(personas, changes, field):
    # The rule's one check, asked by the direct write (the approval's, as SYSTEM) and by every proposal
    # (tests/risk/test_warning_rule_changes.py).
    data = {"name": "逾期占比", "kind": "overdue_share", "threshold": "0.5", "severity": "high", **changes}
    with pytest.raises(InvalidInput) as error:
        services.warning_rule_create(by=SYSTEM, **data)
    assert error.value.field == field
    assert WarningRule.objects.count() == 0


# --- handling --------------------------------------------------------------------------------------------------


@pytest.fixture
def warning(book):
    rule = _rule("overdue_share", "0.5")
    services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    return Warning.objects.get(rule=rule)


def test_acknowledge_act_and_close_with_a_resolution(warning, personas):
    dm = personas["dm_hangzhou"].user
    services.warning_acknowledge(by=personas["rep_hangzhou"].user, warning=warning)
    with pytest.raises(Conflict):
        services.warning_acknowledge(by=dm, warning=warning)
    services.warning_record_action(by=dm, warning=warning, action="已催收")
    with pytest.raises(Unprocessable) as error:
        services.warning_close(by=dm, warning=warning, resolution="  ")
    assert error.value.field == "resolution"
    warning.refresh_from_db()
    assert (warning.state, warning.action) == (WarningState.ACTIONED, "已催收")
    services.warning_close(by=dm, warning=warning, resolution="客户已承诺月底前付清")
    warning.refresh_from_db()
    assert (warning.state, warning.closed_reason, warning.closed_by) == (
        WarningState.CLOSED,
        WarningClosedReason.RESOLVED,
        personas["dm_hangzhou"].staff,
    )
    with pytest.raises(Conflict):
        services.warning_record_action(by=dm, warning=warning, action="再次催收")


def test_another_district_may_not_handle_it(warning, personas):
    for who in ("dm_guangzhou", "rm_south", "rep_hangzhou_2"):
        with pytest.raises(NotAllowed):
            services.warning_acknowledge(by=personas[who].user, warning=warning)
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN


# --- escalation ------------------------------------------------------------------------------------------------


def test_a_missed_deadline_escalates_once_per_working_day(warning, personas):
    due = warning.due_on  # Thursday 19 March
    day_after = add_working_days(due, 1)
    assert services.warnings_escalate(today=due, by=SYSTEM) == 0  # not yet past due
    with time_machine.travel(datetime(day_after.year, day_after.month, day_after.day, 4, tzinfo=UTC), tick=False):
        assert services.warnings_escalate(today=day_after, by=SYSTEM) == 1
        assert services.warnings_escalate(today=day_after, by=SYSTEM) == 0  # once a day
    warning.refresh_from_db()
    assert (warning.escalated_to, warning.escalation_level, warning.escalated_on) == (
        personas["dm_hangzhou"].staff,
        1,
        day_after,
    )
    assert warning.owner == personas["rep_hangzhou"].staff  # the owner stays
    assert Notification.objects.filter(recipient=personas["dm_hangzhou"].user, kind="escalated").count() == 1
    saturday = date(2026, 3, 21)
    assert services.warnings_escalate(today=saturday, by=SYSTEM) == 0  # not on a day off
    monday = date(2026, 3, 23)
    assert services.warnings_escalate(today=monday, by=SYSTEM) == 1
    warning.refresh_from_db()
    assert (warning.escalated_to, warning.escalation_level) == (personas["pm_zhejiang"].staff, 2)
    # The escalated-to manager may handle it.
    services.warning_close(by=personas["pm_zhejiang"].user, warning=warning, resolution="已处理")


# --- pages and API ---------------------------------------------------------------------------------------------


def test_pages_and_api_close_needs_a_resolution(warning, personas, client):
    client.force_login(personas["dm_hangzhou"].user)
    url = reverse("risk:warning_detail", kwargs={"pk": warning.pk})
    assert client.get(reverse("risk:warning_list")).status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "close", "resolution": ""})
    assert response.status_code == 400
    api = reverse("risk-warning-close", kwargs={"pk": warning.pk})
    response = client.post(api, {"resolution": ""}, content_type="application/json")
    assert response.status_code in (400, 422) and "resolution" in response.json().get("errors", response.json())
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN
    response = client.post(api, {"resolution": "已结清"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "closed"

    client.force_login(personas["dm_guangzhou"].user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("risk-warning-detail", kwargs={"pk": warning.pk})).status_code == 404


def test_a_bad_rule_through_the_api_is_refused(personas, client):
    client.force_login(personas["center"].user)
    response = client.post(
        reverse("risk-warning-rule-change-list"),
        {"name": "逾期", "kind": "overdue_share", "threshold": "3", "severity": "high", "deadline_days": 3, "reason": "收紧"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "threshold" in str(response.json())
    assert WarningRule.objects.count() == 0 and WarningRuleChange.objects.count() == 0


def test_worklist_dashboard_alerts_and_overview_panel(warning, personas, units):
    from dashboard.selectors import dashboard

    rep = personas["rep_hangzhou"]
    assert rep.web().get("/").context["worklist"]["warnings_open"] == 1
    assert personas["dm_hangzhou"].web().get("/").context["worklist"]["warnings_open"] == 0
    data = dashboard(user=personas["dm_hangzhou"].user, unit=units["330100"], today=TODAY)
    alerts = [a for a in data["alerts"] if a["code"] == "early_warning"]
    assert [(a["level"], a["warning_id"]) for a in alerts] == [("danger", warning.pk)]
    assert "warning" not in alerts[0] and warning.rule.name in alerts[0]["message"]
    assert not [
        a
        for a in dashboard(user=personas["dm_guangzhou"].user, unit=units["440100"], today=TODAY)["alerts"]
        if a["code"] == "early_warning"
    ]
    page = personas["rm_east"].web().get(reverse("risk:home"))
    assert page.status_code == 200 and [w.pk for w in page.context["warnings_open"]] == [warning.pk]


def test_an_owner_is_told_once_per_rule_run(book, personas):
    rule = _rule("no_sales", "30")
    assert _customers(rule, book) == ["c1", "c3"]
    messages = Notification.objects.filter(recipient=personas["rep_hangzhou"].user)
    assert messages.count() == 1 and messages.get().title.startswith("2 new early warnings")


def test_the_rule_page_lists_the_rules_and_the_center_runs_them(book, personas):
    center = personas["center"].web()
    _rule("overdue_share", "0.5")
    page = center.get(reverse("risk:warning_rule_list"))
    assert page.status_code == 200 and len(page.context["object_list"]) == 1
    # The rules change through a proposal: the list takes no write of its own.
    assert center.post(reverse("risk:warning_rule_list"), {"name": "逾期"}).status_code == 405
    assert personas["dm_hangzhou"].web().post(reverse("risk:warning_run"), {"as_of": "2026-03-16"}).status_code == 403
    assert center.post(reverse("risk:warning_run"), {"as_of": "2026-03-16"}).status_code == 302
    assert Warning.objects.filter(customer=book["c1"]).count() == 1


def test_the_center_switches_a_rule_off_and_its_kind_stays_once_it_has_warnings(warning, personas):
    center = personas["center"].web()
    url = reverse("risk:warning_rule_edit", kwargs={"pk": warning.rule_id})  # propose a change of the rule
    assert center.get(url).status_code == 200
    data = {"name": "逾期占比", "kind": "no_sales", "threshold": "30", "severity": "high", "deadline_days": "3", "reason": "停用"}
    response = center.post(url, data)
    assert response.status_code == 400 and response.context["form"].errors["kind"]
    assert center.post(url, {**data, "kind": "overdue_share", "threshold": "0.5"}).status_code == 302
    change = WarningRuleChange.objects.get()
    assert change.is_active is False  # the box was not ticked
    warning.rule.refresh_from_db()
    assert warning.rule.is_active is True  # nothing changes before the approval
    request_approve(
        request=services.warning_rule_change_submit(change=change, by=personas["center"].user), by=personas["director"].user
    )
    warning.rule.refresh_from_db()
    assert warning.rule.is_active is False
    assert services.warnings_evaluate(as_of=TODAY, by=SYSTEM) == {"opened": 0, "closed": 0, "kept": 0}
    assert personas["dm_hangzhou"].web().post(url, data).status_code == 403


def test_channel_expansion_behind_the_plans_pace(personas, units):
    """New channels (the first day a channel reached "contracted") against the district's year target of new
    channels: 杭州 signed 1 of 10 by mid-March (pace 20.5 %), 广州 3 of 10; a channel contracted again after going
    back to negotiating counts once, and one signed last year counts not at all."""
    from channels.models import Channel, ChannelTransition

    for code in ("330100", "440100"):
        Target.objects.create(metric="new_channels", period="2026", unit=units[code], owner_unit=units[code], value=D("10"))

    def signed(code, *days):
        channel = Channel.objects.create(name=f"渠道{code}{days}", kind="bank", unit=units[code], state="contracted")
        for day in days:
            ChannelTransition.objects.create(channel=channel, from_state="negotiating", to_state="contracted", on=day)

    signed("330100", date(2026, 2, 1), date(2026, 3, 1))  # counted once, in February
    signed("330100", date(2025, 12, 20))  # last year's
    for day in (date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)):
        signed("440100", day)
    rule = _rule("channel_pace", "0.1")
    warnings = list(_hit(rule))
    # 75 of 365 days = 0.2055: 杭州 0.2055 − 0.1 = 0.1055 behind; 广州 0.2055 − 0.3 is ahead.
    assert [(w.unit.code, w.value) for w in warnings] == [("330100", D("0.1055"))]
