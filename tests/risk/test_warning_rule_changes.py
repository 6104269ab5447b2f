"""Changes of the early-warning rules through the approval mechanism (预警规则变更): a proposal drafted and
submitted by the Development Center is decided in its queue; approved, its values are applied to the same rule
row (open warnings keep their rule, a re-run opens no duplicate); returned, it is edited (a draft again) and
submitted anew; rejected or withdrawn, the rule is untouched. Bad input is refused on its field with nothing
written; the rules no longer change directly (pages, API, or a person calling the service)."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import ApprovalKind, RequestState, StepState
from approvals.models import ApprovalRequest
from approvals.selectors import latest_request
from approvals.services import request_approve, request_reject, request_return
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from customers import services as ledger
from risk import services
from risk.choices import RuleChangeState, WarningState
from risk.models import Warning, WarningRule, WarningRuleChange
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)  # a Monday
NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def rule():
    return services.warning_rule_create(
        by=SYSTEM, name="逾期占比超过五成", kind="overdue_share", threshold="0.5", severity="high", deadline_days=3
    )


def _values(**changes):
    return {
        "name": "逾期占比超过六成",
        "kind": "overdue_share",
        "threshold": "0.6",
        "severity": "medium",
        "deadline_days": 5,
        "reason": "逾期客户增多，放宽阈值以聚焦重点客户",
        **changes,
    }


def _propose(personas, rule=None, **changes):
    return services.warning_rule_propose(by=personas["center"].user, rule=rule, **_values(**changes))


def _submit(personas, change):
    return services.warning_rule_change_submit(by=personas["center"].user, change=change)


def _rule_row(rule):
    return WarningRule.objects.filter(pk=rule.pk).values(
        "name", "kind", "threshold", "window", "severity", "deadline_days", "is_active"
    )[0]


# --- the approval path ------------------------------------------------------------------------------------------


def test_propose_submit_approve_applies_the_values_to_the_same_rule(personas, rule):
    change = _propose(personas, rule)
    assert change.state == RuleChangeState.DRAFT
    assert _rule_row(rule)["threshold"] == D("0.5")  # a draft changes nothing
    request = _submit(personas, change)
    assert (request.kind, request.unit.kind) == (ApprovalKind.WARNING_RULE, "center")
    # The center's pool decides (the chain of RATING_SCHEME): one step, Development Center staff.
    assert [(s.approver_role, s.approver_id, s.state) for s in request.steps.all()] == [("center_staff", None, StepState.PENDING)]
    assert request.snapshot["old"]["threshold"] == "0.5" and request.snapshot["new"]["threshold"] == "0.6"
    assert request.snapshot["old"]["severity"] == "high" and request.snapshot["new"]["severity"] == "medium"
    change.refresh_from_db()
    assert change.state == RuleChangeState.SUBMITTED
    assert _rule_row(rule)["threshold"] == D("0.5")  # still nothing until approved

    request_approve(request=request, by=personas["director"].user)
    change.refresh_from_db()
    assert change.state == RuleChangeState.APPROVED and change.approved_at is not None
    assert _rule_row(rule) == {
        "name": "逾期占比超过六成",
        "kind": "overdue_share",
        "threshold": D("0.6"),
        "window": None,
        "severity": "medium",
        "deadline_days": 5,
        "is_active": True,
    }
    assert WarningRule.objects.count() == 1


def test_a_new_rule_is_created_only_when_approved(personas):
    change = _propose(personas, kind="no_sales", threshold="90", name="连续90天无销售")
    request = _submit(personas, change)
    assert request.snapshot["old"] is None
    assert WarningRule.objects.count() == 0
    request_approve(request=request, by=personas["director"].user)
    change.refresh_from_db()
    rule = WarningRule.objects.get()
    assert change.rule == rule
    assert (rule.name, rule.kind, rule.level, rule.threshold, rule.created_by) == (
        "连续90天无销售",
        "no_sales",
        "customer",
        D("90"),
        personas["center"].staff,
    )


def test_returned_it_is_edited_into_a_draft_and_submitted_again(personas, rule):
    change = _propose(personas, rule)
    first = _submit(personas, change)
    request_return(request=first, by=personas["director"].user, comment="阈值过松")
    change.refresh_from_db()
    assert change.state == RuleChangeState.RETURNED
    assert _rule_row(rule)["threshold"] == D("0.5")
    services.warning_rule_change_update(by=personas["center"].user, change=change, **_values(threshold="0.55"))
    change.refresh_from_db()
    assert (change.state, change.threshold) == (RuleChangeState.DRAFT, D("0.55"))
    second = _submit(personas, change)
    assert (second.version, second.previous_id, second.snapshot["new"]["threshold"]) == (2, first.pk, "0.55")
    request_approve(request=second, by=personas["director"].user)
    assert _rule_row(rule)["threshold"] == D("0.55")


def test_rejected_leaves_the_rule_untouched(personas, rule):
    before = _rule_row(rule)
    change = _propose(personas, rule)
    request_reject(request=_submit(personas, change), by=personas["director"].user, comment="不予调整")
    change.refresh_from_db()
    assert change.state == RuleChangeState.REJECTED
    assert _rule_row(rule) == before
    with pytest.raises(Conflict):
        _submit(personas, change)
    # The rule is free for another proposal.
    assert _propose(personas, rule, threshold="0.7").state == RuleChangeState.DRAFT


def test_withdrawn_draft_and_submitted_proposals_leave_the_rule(personas, rule):
    draft = _propose(personas, rule)
    services.warning_rule_change_withdraw(by=personas["center"].user, change=draft)
    draft.refresh_from_db()
    assert draft.state == RuleChangeState.WITHDRAWN and latest_request(draft) is None
    submitted = _propose(personas, rule, threshold="0.8")
    request = _submit(personas, submitted)
    services.warning_rule_change_withdraw(by=personas["center"].user, change=submitted)
    submitted.refresh_from_db()
    request.refresh_from_db()
    assert (submitted.state, request.state) == (RuleChangeState.WITHDRAWN, RequestState.WITHDRAWN)
    assert _rule_row(rule)["threshold"] == D("0.5")


def test_open_warnings_keep_their_rule_after_an_approved_change(personas, units, rule):
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    ledger.invoice_record(by=SYSTEM, customer=customer, issue_date=date(2026, 1, 5), due_date=date(2026, 2, 5), amount=D("1000"))
    services.warnings_evaluate(as_of=TODAY, by=SYSTEM)
    warning = Warning.objects.get(customer=customer)
    assert warning.rule_id == rule.pk

    change = _propose(personas, rule, threshold="0.9", severity="low")
    request_approve(request=_submit(personas, change), by=personas["director"].user)
    warning.refresh_from_db()
    assert (warning.rule_id, warning.state) == (rule.pk, WarningState.OPEN)
    # The changed rule still trips (all of it is overdue): the open warning is kept, no second one opens.
    assert services.warnings_evaluate(as_of=TODAY, by=SYSTEM) == {"opened": 0, "closed": 0, "kept": 1}
    assert Warning.objects.filter(rule=rule).count() == 1


# --- bad input: refused on its field, nothing written -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"threshold": "1.5"}, "threshold"),  # a share above 1
        ({"threshold": "abc"}, "threshold"),
        ({"kind": "no_sales", "threshold": "30.5"}, "threshold"),  # days are whole
        ({"kind": "grade_fall", "threshold": "2"}, "window"),  # the kind needs a window
        ({"window": 30}, "window"),  # overdue share compares nothing over time
        ({"level": "district"}, "level"),
        ({"severity": "extreme"}, "severity"),
        ({"reason": "   "}, "reason"),
        ({"reason": None}, "reason"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_proposal_is_refused_on_its_field(personas, rule, changes, field):
    with pytest.raises(InvalidInput) as error:
        _propose(personas, rule, **changes)
    assert error.value.field == field
    assert WarningRuleChange.objects.count() == 0


def test_a_proposal_that_changes_nothing_or_a_rule_already_proposed_is_refused(personas, rule):
    with pytest.raises(InvalidInput):
        _propose(personas, rule, name=rule.name, threshold="0.5000", severity="high", deadline_days=3)
    _propose(personas, rule)
    with pytest.raises(Conflict) as error:
        _propose(personas, rule, threshold="0.7")
    assert error.value.field == "rule"
    assert WarningRuleChange.objects.count() == 1


def test_a_kind_change_of_a_rule_with_warnings_is_refused(personas, units, rule):
    customer = CustomerFactory(district=units["330100"], salesperson=personas["rep_hangzhou"].staff)
    Warning.objects.create(
        rule=rule,
        customer=customer,
        unit=units["330100"],
        owner=personas["rep_hangzhou"].staff,
        severity="high",
        value="0.8",
        opened_on=TODAY,
        due_on=TODAY,
    )
    with pytest.raises(Conflict) as error:
        _propose(personas, rule, kind="no_sales", threshold="30")
    assert error.value.field == "kind"
    assert WarningRuleChange.objects.count() == 0


def test_a_submitted_proposal_cannot_be_edited(personas, rule):
    change = _propose(personas, rule)
    _submit(personas, change)
    with pytest.raises(Conflict) as error:
        services.warning_rule_change_update(by=personas["center"].user, change=change, **_values(threshold="0.9"))
    assert error.value.field == "state"
    change.refresh_from_db()
    assert (change.threshold, change.state) == (D("0.6"), RuleChangeState.SUBMITTED)


def test_only_the_center_proposes_and_nobody_sets_a_rule_directly(personas, rule):
    for who in ("rm_east", "dm_hangzhou", "rep_hangzhou"):
        with pytest.raises(NotAllowed):
            services.warning_rule_propose(by=personas[who].user, rule=rule, **_values())
    assert WarningRuleChange.objects.count() == 0
    change = _propose(personas, rule)
    for action in (services.warning_rule_change_submit, services.warning_rule_change_withdraw):
        with pytest.raises(NotAllowed):
            action(by=personas["dm_hangzhou"].user, change=change)
    change.refresh_from_db()
    assert change.state == RuleChangeState.DRAFT and not ApprovalRequest.objects.exists()
    # The direct writes are the approval's and the seeding's (SYSTEM): a person, even the center, is refused.
    for who in ("center", "director"):
        with pytest.raises(NotAllowed):
            services.warning_rule_update(
                by=personas[who].user,
                rule=rule,
                name="x",
                kind="overdue_share",
                threshold="0.9",
                severity="high",
                deadline_days=3,
            )
        with pytest.raises(NotAllowed):
            services.warning_rule_create(by=personas[who].user, name="x", kind="overdue_share", threshold="0.5", severity="high")
    assert _rule_row(rule)["threshold"] == D("0.5") and WarningRule.objects.count() == 1


# --- pages ------------------------------------------------------------------------------------------------------


def _form(**changes):
    data = {**_values(**changes), "window": "", "is_active": "on"}
    return {key: "" if value is None else value for key, value in data.items()}


def test_pages_propose_submit_and_the_reviewer_sees_old_and_new(personas, rule):
    center = personas["center"].web()
    listing = center.get(reverse("risk:warning_rule_list"))
    propose_url = reverse("risk:warning_rule_edit", kwargs={"pk": rule.pk})
    assert listing.status_code == 200 and propose_url in listing.content.decode()
    assert center.get(propose_url).status_code == 200

    # A threshold of the wrong range, a missing reason: the form again with the field's error, nothing written.
    response = center.post(propose_url, _form(threshold="2"))
    assert response.status_code == 400 and response.context["form"].errors["threshold"]
    response = center.post(propose_url, _form(reason=""))
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert WarningRuleChange.objects.count() == 0

    response = center.post(propose_url, _form())
    change = WarningRuleChange.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    detail = center.get(change.get_absolute_url())
    assert detail.status_code == 200 and detail.context["may_submit"]
    assert [r["field"] for r in detail.context["rows"] if r["changed"]] == ["name", "threshold", "severity", "deadline_days"]
    # The rules list links the open proposal instead of offering a second one.
    assert change.get_absolute_url() in center.get(reverse("risk:warning_rule_list")).content.decode()

    assert center.post(change.get_absolute_url(), {"action": "submit"}).status_code == 302
    change.refresh_from_db()
    assert change.state == RuleChangeState.SUBMITTED
    # Editing a submitted proposal: refused with the reason (409), nothing changed.
    response = center.post(reverse("risk:warning_rule_change_edit", kwargs={"pk": change.pk}), _form(threshold="0.9"))
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    change.refresh_from_db()
    assert change.threshold == D("0.6")

    # The reviewer's decision page (the approval queue) shows the diff table, old against new.
    director = personas["director"].web()
    request = latest_request(change)
    page = director.get(reverse("approvals:detail", kwargs={"pk": request.pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "risk-rule-diff" in html
    assert 'data-field="threshold" class="table-warning"' in html and "0.5" in html and "0.6" in html
    queue = director.get(reverse("approvals:queue"))
    assert queue.status_code == 200 and request.title in queue.content.decode()


def test_pages_refuse_people_outside_the_center(personas, rule):
    dm = personas["dm_hangzhou"].web()
    assert dm.get(reverse("risk:warning_rule_list")).status_code == 200  # everyone reads the rules
    assert dm.post(reverse("risk:warning_rule_edit", kwargs={"pk": rule.pk}), _form()).status_code == 403
    assert dm.post(reverse("risk:warning_rule_change_create"), _form(kind="no_sales", threshold="60")).status_code == 403
    assert WarningRuleChange.objects.count() == 0
    change = _propose(personas, rule)
    assert dm.get(change.get_absolute_url()).status_code == 200
    assert dm.post(change.get_absolute_url(), {"action": "submit"}).status_code == 403
    change.refresh_from_db()
    assert change.state == RuleChangeState.DRAFT


def test_the_new_rule_page_and_the_proposals_list(personas):
    center = personas["center"].web()
    url = reverse("risk:warning_rule_change_create")
    assert center.get(url).status_code == 200
    response = center.post(url, _form(kind="grade_fall", threshold="2"))  # no window
    assert response.status_code == 400 and response.context["form"].errors["window"]
    assert center.post(url, {**_form(kind="grade_fall", threshold="2"), "window": "30"}).status_code == 302
    change = WarningRuleChange.objects.get()
    assert (change.rule, change.window, change.level) == (None, 30, "customer")
    listing = center.get(reverse("risk:warning_rule_change_list"), {"state": "draft"})
    assert listing.status_code == 200 and [c.pk for c in listing.context["object_list"]] == [change.pk]
    assert center.get(reverse("risk:warning_rule_change_list"), {"state": "approved"}).context["object_list"].count() == 0


# --- API --------------------------------------------------------------------------------------------------------


def test_api_propose_submit_and_read(personas, rule):
    api = personas["center"].api(language="en")
    url = reverse("risk-warning-rule-change-list")
    body = {**_values(), "rule": rule.pk}
    bad = api.post(url, {**body, "threshold": "3"}, format="json")
    assert bad.status_code == 400 and "threshold" in bad.json()["errors"]
    bad = api.post(url, {**body, "reason": ""}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    bad = api.post(url, {**body, "rule": 999999}, format="json")
    assert bad.status_code == 400 and "rule" in bad.json()["errors"]
    assert WarningRuleChange.objects.count() == 0

    created = api.post(url, body, format="json")
    assert created.status_code == 201
    data = created.json()
    assert (data["rule"], data["threshold"], data["state"], data["drafted_by_name"]) == (
        rule.pk,
        "0.6000",
        "draft",
        personas["center"].staff.name,
    )
    submitted = api.post(reverse("risk-warning-rule-change-submit", kwargs={"pk": data["id"]}), {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    again = api.post(reverse("risk-warning-rule-change-submit", kwargs={"pk": data["id"]}), {}, format="json")
    assert again.status_code == 409
    # Everyone inside the organisation reads the proposals; nobody outside the center writes them.
    dm = personas["dm_hangzhou"].api()
    assert dm.get(reverse("risk-warning-rule-change-detail", kwargs={"pk": data["id"]})).status_code == 200
    assert dm.post(url, body, format="json").status_code == 403
    assert WarningRuleChange.objects.count() == 1


def test_api_rules_are_read_only(personas, rule):
    api = personas["center"].api()
    response = api.post(
        reverse("risk-warning-rule-list"),
        {"name": "逾期", "kind": "overdue_share", "threshold": "0.5", "severity": "high", "deadline_days": 3},
        format="json",
    )
    assert response.status_code in (403, 405)
    assert WarningRule.objects.count() == 1
    assert api.get(reverse("risk-warning-rule-detail", kwargs={"pk": rule.pk})).status_code == 200
