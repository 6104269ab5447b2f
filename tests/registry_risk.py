"""Scoping-contract entries of risk control (joined into tests.scoping_registry.REGISTRY).

A customer's and a salesperson's credit grade belong to them: they are read where the customer or the
person is read (a salesperson reads their own customers' grades and their own). Rating schemes are company
policy (core.scoping.CompanyWideQuerySet): every principal inside the organisation reads them, only the
Development Center drafts, edits, submits and revises them.
"""

from datetime import date, timedelta

from core.rights import SYSTEM
from tests.scoping_registry import Scoped, Write, make_customer, make_staff, make_unit

CENTER = frozenset({"director", "center"})
FACTORS = [{"factor": "overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}, {"from": "0.5", "score": "0"}]}]
STAFF_FACTORS = [{"factor": "customers_overdue_share", "weight": "100", "bands": [{"from": "0", "score": "100"}]}]
GRADES = [{"grade": "A", "from": "50", "to": "100"}, {"grade": "D", "from": "0", "to": "50"}]

_counter = iter(range(1, 10**6))


def _scheme(district, owner, subject="customer"):
    from risk.services import scheme_create

    n = next(_counter)
    factors = FACTORS if subject == "customer" else STAFF_FACTORS
    return scheme_create(subject=subject, name=f"登记评级办法{n}", factors=factors, grades=GRADES, by=SYSTEM)


def _scheme_in_force(district, owner, subject="customer"):
    from risk.choices import SchemeState
    from risk.models import RatingScheme

    scheme = RatingScheme.objects.filter(subject=subject, state=SchemeState.APPROVED).first()
    if scheme is None:
        scheme = _scheme(district, owner, subject)
        RatingScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
        scheme.refresh_from_db()
    return scheme


def _customer_rating(district, owner):
    from risk.models import CustomerRating

    customer = make_customer(district, owner)
    scheme = _scheme_in_force(district, owner)
    return CustomerRating.objects.create(
        customer=customer, scheme=scheme, score="80.00", grade="A", rated_on=date(2025, 3, 1), since=date(2025, 3, 1)
    )


def _staff_rating(district, owner):
    from risk.models import StaffRating

    staff = owner.staff if owner is not None else make_staff(district, owner)
    scheme = _scheme_in_force(district, owner, "staff")
    rating, _created = StaffRating.objects.get_or_create(
        staff=staff,
        defaults={"scheme": scheme, "score": "80.00", "grade": "A", "rated_on": date(2025, 3, 1), "since": date(2025, 3, 1)},
    )
    return rating


def _approved_scheme(district, owner):
    """The scheme in force (one per subject: every place shares it, as schemes are company-wide), to revise."""
    return _scheme_in_force(district, owner)


def _scheme_form(name):
    return {
        "subject": "customer",
        "name": name,
        "description": "",
        "factors-TOTAL_FORMS": "1",
        "factors-INITIAL_FORMS": "0",
        "factors-0-factor": "overdue_share",
        "factors-0-weight": "100",
        "factors-0-bands": "0:100, 0.5:0",
        "factors-0-if_missing": "100",
        "grades-TOTAL_FORMS": "2",
        "grades-INITIAL_FORMS": "0",
        "grades-0-grade": "A",
        "grades-0-start": "50",
        "grades-0-end": "100",
        "grades-1-grade": "D",
        "grades-1-start": "0",
        "grades-1-end": "50",
    }


ENTRIES = [
    Scoped(
        name="customer credit grade",
        make=_customer_rating,
        api_list="risk-customer-rating-list",
        api_detail="risk-customer-rating-detail",
        web_list="risk:customer_rating_list",
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="staff credit grade",
        make=_staff_rating,
        api_list="risk-staff-rating-list",
        api_detail="risk-staff-rating-detail",
        web_list="risk:staff_rating_list",
        find=lambda obj: {"staff": obj.staff_id},
    ),
    Scoped(
        name="rating scheme",
        make=_scheme,
        api_list="risk-scheme-list",
        api_detail="risk-scheme-detail",
        web_list="risk:scheme_list",
        web_detail="risk:scheme_detail",
        writers=CENTER,
        company_wide=True,
        find=lambda obj: {"state": obj.state, "subject": obj.subject},
    ),
]

WRITES = [
    Write(
        name="rating scheme create page",
        url="risk:scheme_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _scheme_form(f"新评级办法{next(_counter)}"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme edit page",
        url="risk:scheme_edit",
        make=_scheme,
        body=lambda scheme, world, persona: _scheme_form(f"{scheme.name}（改）"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme submit page",
        url="risk:scheme_detail",
        make=_scheme,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="rating scheme revise page",
        url="risk:scheme_detail",
        make=_approved_scheme,
        body={"action": "revise"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]


# Every person among the personas reports special events of a unit in their scope (a sales rep: his own
# district); branch keys report nothing.
REPORTERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)
# An event is handled by its owner (the district manager, by default), the managers above its unit and the
# center — not by the sales rep who reported it.
HANDLERS = REPORTERS - {"rep_hangzhou"}


def _reporter(district, owner):
    from regions.models import StaffProfile

    if owner is not None:
        return owner.staff
    return StaffProfile.objects.get(unit=district, role="district_manager", user__isnull=False)


def _event(district, owner):
    """An event of the district reported by the owner persona (杭州: rep_hangzhou_2; 广州: its district
    manager), on a day of its own so a list can be narrowed to it."""
    from risk.services import event_report

    n = next(_counter)
    return event_report(
        by=_reporter(district, owner).user,
        unit=district,
        kind="incident",
        severity="high",
        title=f"登记事件{n}",
        description="营业网点系统故障，客户无法办理业务",
        occurred_on=date(2024, 1, 1) + timedelta(days=n),
    )


def _event_with_step(district, owner):
    from core.rights import SYSTEM
    from risk.services import event_add_step

    event = _event(district, owner)
    event_add_step(by=SYSTEM, event=event, description="核实受影响客户", working_days=2)
    return event


def _new_owner(obj, world, persona):
    # The provincial manager above the district: a candidate owner who is not the current one.
    manager = "pm_zhejiang" if obj.unit.code == "330100" else "pm_guangdong"
    return {"action": "assign", "owner": world.people[manager].staff.pk}


def _complete(obj, world, persona):
    return {"action": "complete_step", "step": obj.steps.get().pk, "note": "已核实"}


def _report_body(district, world, persona):
    return {
        "unit": district.pk,
        "kind": "market_emergency",
        "severity": "critical",
        "title": "竞品大幅降价",
        "description": "竞争对手同类产品降价三成",
        "occurred_on": "2025-06-01",
    }


EVENT_ENTRIES = [
    Scoped(
        name="special event",
        make=_event,
        api_list="special-event-list",
        api_detail="special-event-detail",
        web_list="risk:event_list",
        web_detail="risk:event_detail",
        find=lambda obj: {"occurred_after": obj.occurred_on.isoformat(), "occurred_before": obj.occurred_on.isoformat()},
    ),
]

EVENT_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="special event report",
        url="special-event-list",
        make=make_unit,
        detail=False,
        body=_report_body,
        writers=REPORTERS,
        success=201,
        rep_sees="unit",
        outside=400,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="special event report page",
        url="risk:event_create",
        make=make_unit,
        detail=False,
        body=_report_body,
        writers=REPORTERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(name="special event assign page", url="risk:event_detail", make=_event, body=_new_owner, writers=HANDLERS, success=302),
    Write(
        name="special event add step page",
        url="risk:event_detail",
        make=_event,
        body={"action": "add_step", "description": "走访受影响客户", "working_days": "2"},
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event complete step page",
        url="risk:event_detail",
        make=_event_with_step,
        body=_complete,
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event note page",
        url="risk:event_detail",
        make=_event,
        body={"action": "note", "text": "已电话联系客户"},
        writers=HANDLERS,
        success=302,
    ),
    Write(
        name="special event close page",
        url="risk:event_detail",
        make=_event,
        body={"action": "close", "summary": "故障已排除，客户业务已恢复"},
        writers=HANDLERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *EVENT_ENTRIES]
WRITES = [*WRITES, *EVENT_WRITES]


# --- grade overrides ------------------------------------------------------------------------------------------
# Managers (and the center) ask; a salesperson reads the overrides of his own customers.
OVERRIDE_ASKERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
)


def _override(district, owner):
    from risk.models import GradeOverride

    rating = _customer_rating(district, owner)
    customer = rating.customer
    return GradeOverride.objects.create(
        customer=customer,
        unit_id=customer.district_id,
        owner_id=customer.salesperson_id,
        grade="B",
        computed_grade=rating.grade,
        reason="登记",
        expires_on=date(2025, 6, 30),
    )


def _override_form(rating, world, persona):
    from django.utils import timezone

    return {
        "customer": rating.customer_id,
        "grade": "B",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "reason": "已取得担保函",
    }


ENTRIES += [
    Scoped(name="grade override", make=_override, web_list="risk:override_list", find=lambda obj: {"id": obj.pk}),
]
WRITES += [
    Write(
        name="grade override request page",
        url="risk:override_create",
        make=_customer_rating,
        detail=False,
        body=_override_form,
        writers=OVERRIDE_ASKERS,
        success=302,
    ),
]


def _forecast(district, owner):
    """A customer of the district (owned by the owner persona) with a forecast by a stored model."""
    from risk.choices import ForecastModelState
    from risk.models import CustomerForecast, ForecastModel

    model = ForecastModel.objects.filter(state=ForecastModelState.TRAINED).first() or ForecastModel.objects.create(
        version=next(_counter) + 10000, state=ForecastModelState.TRAINED, cutoff=date(2025, 6, 30), auc="0.8000"
    )
    customer = make_customer(district, owner)
    return CustomerForecast.objects.create(customer=customer, model=model, as_of=date(2025, 6, 30), probability="0.1234")


FORECAST_ENTRIES = [
    Scoped(
        name="customer default forecast",
        make=_forecast,
        api_list="risk-forecast-list",
        api_detail="risk-forecast-detail",
        web_list="risk:forecast_list",
        find=lambda obj: {"customer": obj.customer_id},
    ),
]
# The model is trained monthly and customers scored nightly by Celery; the center may also retrain by hand.
FORECAST_WRITES = [
    Write(
        name="default-risk model retrain page",
        url="risk:forecast_train",
        make=make_unit,
        detail=False,
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]

ENTRIES = [*ENTRIES, *FORECAST_ENTRIES]
WRITES = [*WRITES, *FORECAST_WRITES]
# --- improvement plans (整改) ---------------------------------------------------------------------------------------
# A plan is drafted, changed, submitted and closed by the unit's manager and the managers above it (the
# center too); a sales rep reads his own district's plans and writes none.
IMPROVERS = HANDLERS


def _plan(district, owner):
    """A draft plan of the district, drafted by its manager, with a measure and an expected figure."""
    from risk.services import improvement_create, unit_manager

    n = next(_counter)
    manager = unit_manager(district)
    return improvement_create(
        by=SYSTEM,
        unit=district,
        title=f"登记整改方案{n}",
        diagnosis="销售完成率连续三个月不足八成",
        measures=[{"description": "走访重点客户", "owner": manager.pk, "due_on": "2026-12-31"}],
        targets=[{"month": "2026-11", "metric": "sales_amount", "expected": "100000"}],
    )


def _running_plan(district, owner):
    from risk.choices import ImprovementState
    from risk.models import ImprovementPlan

    plan = _plan(district, owner)
    ImprovementPlan.objects.filter(pk=plan.pk).update(state=ImprovementState.IN_PROGRESS)
    plan.refresh_from_db()
    return plan


def _plan_form(unit_id, owner_id, title):
    return {
        "unit": unit_id,
        "title": title,
        "diagnosis": "逾期占比过高",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0",
        "measures-0-description": "逐户催收逾期账款",
        "measures-0-owner": owner_id,
        "measures-0-due_on": "2026-12-31",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-month": "2026-12",
        "targets-0-metric": "overdue_share",
        "targets-0-expected": "20",
    }


def _create_body(district, world, persona):
    from risk.services import unit_manager

    return _plan_form(district.pk, unit_manager(district).pk, f"新整改方案{next(_counter)}")


def _edit_body(plan, world, persona):
    from risk.services import unit_manager

    return _plan_form(plan.unit_id, unit_manager(plan.unit).pk, f"{plan.title}（改）")


IMPROVEMENT_ENTRIES = [
    Scoped(
        name="improvement plan",
        make=_plan,
        api_list="improvement-plan-list",
        api_detail="improvement-plan-detail",
        web_list="risk:improvement_list",
        web_detail="risk:improvement_detail",
        rep_sees="unit",
        find=lambda obj: {"unit": obj.unit_id, "state": obj.state},
    ),
]

IMPROVEMENT_WRITES = [
    Write(
        name="improvement plan create page",
        url="risk:improvement_create",
        make=make_unit,
        detail=False,
        body=_create_body,
        writers=IMPROVERS,
        success=302,
        rep_sees="unit",
        outside=400,
    ),
    Write(
        name="improvement plan edit page",
        url="risk:improvement_edit",
        make=_plan,
        body=_edit_body,
        writers=IMPROVERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="improvement plan submit page",
        url="risk:improvement_detail",
        make=_plan,
        body={"action": "submit"},
        writers=IMPROVERS,
        success=302,
        rep_sees="unit",
    ),
    Write(
        name="improvement plan close page",
        url="risk:improvement_detail",
        make=_running_plan,
        body={"action": "close", "review": "完成率回升，逾期占比下降"},
        writers=IMPROVERS,
        success=302,
        rep_sees="unit",
    ),
]

ENTRIES = [*ENTRIES, *IMPROVEMENT_ENTRIES]
WRITES = [*WRITES, *IMPROVEMENT_WRITES]


# --- early warnings (预警) --------------------------------------------------------------------------------------
# A warning about a customer is owned by its salesperson (the owner persona, rep_hangzhou: he handles it and,
# as a sales rep, sees only the warnings he owns); the managers above its district and the center handle it too.
WARNING_HANDLERS = HANDLERS | {"rep_hangzhou"}


def _warning_rule(district=None, owner=None):
    from risk.services import warning_rule_create

    n = next(_counter)
    return warning_rule_create(
        by=SYSTEM, name=f"登记预警规则{n}", kind="overdue_share", threshold="0.5", severity="high", deadline_days=3
    )


def _warning(district, owner):
    """An open warning about a customer of the district owned by the owner persona (or, without one, by the
    district's manager), opened on a day of its own so a list can be narrowed to it."""
    from risk.models import Warning
    from risk.services import warning_owner

    n = next(_counter)
    customer = make_customer(district, owner)
    person, supervisor = warning_owner(customer=customer)
    day = date(2024, 1, 1) + timedelta(days=n)
    return Warning.objects.create(
        rule=_warning_rule(),
        customer=customer,
        unit=district,
        owner=person,
        supervisor=supervisor,
        severity="high",
        value="0.8",
        opened_on=day,
        due_on=day + timedelta(days=3),
    )


WARNING_ENTRIES = [
    Scoped(
        name="early warning",
        make=_warning,
        api_list="risk-warning-list",
        api_detail="risk-warning-detail",
        web_list="risk:warning_list",
        web_detail="risk:warning_detail",
        find=lambda obj: {"opened_after": obj.opened_on.isoformat(), "opened_before": obj.opened_on.isoformat()},
    ),
    Scoped(
        name="warning rule",
        make=_warning_rule,
        api_list="risk-warning-rule-list",
        api_detail="risk-warning-rule-detail",
        web_list="risk:warning_rule_list",
        writers=CENTER,
        company_wide=True,
    ),
]


WARNING_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(name="warning acknowledge", url="risk-warning-acknowledge", make=_warning, writers=WARNING_HANDLERS),
    Write(name="warning act", url="risk-warning-act", make=_warning, body={"action": "已电话催收"}, writers=WARNING_HANDLERS),
    Write(
        name="warning close", url="risk-warning-close", make=_warning, body={"resolution": "客户已付清"}, writers=WARNING_HANDLERS
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        # The rule's "propose a change" page (it drafts a proposal; the rule changes once that is approved).
        name="warning rule edit page",
        url="risk:warning_rule_edit",
        make=_warning_rule,
        body={
            "name": "逾期占比（改）",
            "kind": "overdue_share",
            "threshold": "0.6",
            "severity": "high",
            "deadline_days": "5",
            "reason": "逾期客户增多",
        },
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="warning run page",
        url="risk:warning_run",
        make=make_unit,
        detail=False,
        body={"as_of": "2026-03-16"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="warning acknowledge page",
        url="risk:warning_detail",
        make=_warning,
        body={"action": "acknowledge"},
        writers=WARNING_HANDLERS,
        success=302,
    ),
    Write(
        name="warning act page",
        url="risk:warning_detail",
        make=_warning,
        body={"action": "act", "action_text": "已电话催收"},
        writers=WARNING_HANDLERS,
        success=302,
    ),
    Write(
        name="warning close page",
        url="risk:warning_detail",
        make=_warning,
        body={"action": "close", "resolution": "客户已付清"},
        writers=WARNING_HANDLERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *WARNING_ENTRIES]
WRITES = [*WRITES, *WARNING_WRITES]


# --- the company-wide risk board (风险看板) ------------------------------------------------------------------------
# The board is the whole company's: the Development Center reads it; everyone else is outside it (404, like an
# object outside the scope — not 403), whatever their own region holds. A read only (GET), no write.


def _board_counts(response, warning):
    """True if the board counts the warning in the row of its region."""
    return any(
        warning.unit.path.startswith(row["unit"].path) and row["total"] >= 1 for row in response.context["warnings"]["regions"]
    )


BOARD_ENTRIES = [
    Scoped(
        name="company risk board",
        make=_warning,
        web_list="risk:board",
        readers=CENTER,
        refused=404,
        web_visible=_board_counts,
    ),
]

ENTRIES = [*ENTRIES, *BOARD_ENTRIES]

# --- changes of the warning rules (预警规则变更) ------------------------------------------------------------------
# Company policy in the making: every principal reads the proposals (as they read the rules); only the
# Development Center proposes, edits, submits and withdraws them (approvals decides, tests/registry_approvals).


def _rule_change(district=None, owner=None):
    """A draft proposal changing a rule of its own (one open proposal per rule)."""
    from risk.services import warning_rule_propose

    n = next(_counter)
    return warning_rule_propose(
        by=SYSTEM,
        rule=_warning_rule(),
        name=f"登记预警规则{n}（改）",
        kind="overdue_share",
        threshold="0.6",
        severity="high",
        deadline_days=3,
        reason="登记",
    )


def _rule_change_body(obj, world, persona):
    return {
        "name": f"新预警规则{next(_counter)}",
        "kind": "no_sales",
        "threshold": "60",
        "severity": "medium",
        "deadline_days": 5,
        "reason": "新增无销售预警",
    }


RULE_CHANGE_ENTRIES = [
    Scoped(
        name="warning rule change",
        make=_rule_change,
        api_list="risk-warning-rule-change-list",
        api_detail="risk-warning-rule-change-detail",
        web_list="risk:warning_rule_change_list",
        web_detail="risk:warning_rule_change_detail",
        writers=CENTER,
        company_wide=True,
        find=lambda obj: {"rule": obj.rule_id},
    ),
]

RULE_CHANGE_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="warning rule change propose",
        url="risk-warning-rule-change-list",
        make=make_unit,
        detail=False,
        body=_rule_change_body,
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="warning rule change submit",
        url="risk-warning-rule-change-submit",
        make=_rule_change,
        writers=CENTER,
        company_wide=True,
    ),
    Write(
        name="warning rule change withdraw",
        url="risk-warning-rule-change-withdraw",
        make=_rule_change,
        writers=CENTER,
        company_wide=True,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="warning rule change propose page",
        url="risk:warning_rule_change_create",
        make=make_unit,
        detail=False,
        body=_rule_change_body,
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="warning rule change edit page",
        url="risk:warning_rule_change_edit",
        make=_rule_change,
        body=lambda change, world, persona: {
            "name": f"{change.name}（再改）",
            "kind": "overdue_share",
            "threshold": "0.7",
            "severity": "high",
            "deadline_days": "3",
            "reason": "再收紧一些",
        },
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="warning rule change submit page",
        url="risk:warning_rule_change_detail",
        make=_rule_change,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="warning rule change withdraw page",
        url="risk:warning_rule_change_detail",
        make=_rule_change,
        body={"action": "withdraw"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]

ENTRIES = [*ENTRIES, *RULE_CHANGE_ENTRIES]
WRITES = [*WRITES, *RULE_CHANGE_WRITES]

# --- provision policies (坏账准备计提比例) ---------------------------------------------------------------------------
# Company policy like the rating schemes: every principal reads the policies; only the Development Center drafts,
# edits, submits and revises them (approvals decides).
PROVISION_RATES = {
    "not_due": "0",
    "d1_30": "1",
    "d31_60": "5",
    "d61_90": "10",
    "d91_180": "20",
    "d181_365": "50",
    "over_365": "100",
}


def _provision_policy(district=None, owner=None):
    from risk.services import provision_policy_create

    return provision_policy_create(by=SYSTEM, name=f"登记计提比例{next(_counter)}", rates=PROVISION_RATES)


def _provision_policy_in_force(district=None, owner=None):
    """The policy in force (one for the company: every place shares it), to revise."""
    from risk.choices import SchemeState
    from risk.models import ProvisionPolicy

    policy = ProvisionPolicy.objects.filter(state=SchemeState.APPROVED).first()
    if policy is None:
        policy = _provision_policy()
        ProvisionPolicy.objects.filter(pk=policy.pk).update(state=SchemeState.APPROVED)
        policy.refresh_from_db()
    return policy


def _provision_policy_form(name):
    return {"name": name, "description": "", **{f"rate_{key}": value for key, value in PROVISION_RATES.items()}}


PROVISION_POLICY_ENTRIES = [
    Scoped(
        name="provision policy",
        make=_provision_policy,
        api_list="risk-provision-policy-list",
        api_detail="risk-provision-policy-detail",
        web_list="risk:provision_policy_list",
        web_detail="risk:provision_policy_detail",
        writers=CENTER,
        company_wide=True,
        find=lambda obj: {"state": obj.state},
    ),
]

PROVISION_POLICY_WRITES = [
    Write(
        name="provision policy create page",
        url="risk:provision_policy_create",
        make=make_unit,
        detail=False,
        body=lambda district, world, persona: _provision_policy_form(f"新计提比例{next(_counter)}"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="provision policy edit page",
        url="risk:provision_policy_edit",
        make=_provision_policy,
        body=lambda policy, world, persona: _provision_policy_form(f"{policy.name}（改）"),
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="provision policy submit page",
        url="risk:provision_policy_detail",
        make=_provision_policy,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="provision policy revise page",
        url="risk:provision_policy_detail",
        make=_provision_policy_in_force,
        body={"action": "revise"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]

ENTRIES = [*ENTRIES, *PROVISION_POLICY_ENTRIES]
WRITES = [*WRITES, *PROVISION_POLICY_WRITES]

# --- provisions for doubtful debts (坏账准备) ----------------------------------------------------------------------
# Figures of the reader's own unit (no ?unit= here): a customer's overdue invoice is counted in the row of the
# unit it lies under (or its own row, one level above the customers) exactly when the reader's scope holds it.
# The API twin (risk-provisions) answers the same report for ?unit= and is exempt like report-ageing.


def _provision_customer(district, owner):
    """A customer of `owner` in `district` with an invoice 60–90 days overdue at the last month end, under the
    policy in force."""
    from django.utils import timezone

    from customers.services import invoice_record
    from tests.scoping_registry import make_customer

    _provision_policy_in_force()
    customer = make_customer(district, owner)
    today = timezone.localdate()
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=today - timedelta(days=120),
        due_date=today - timedelta(days=90),
        amount="1000.00",
    )
    return customer


def _provision_counts(response, customer):
    """True if the page's report provides for the customer: its own row, or the row of the unit it lies under."""
    from regions.models import OrgUnit

    report = response.context["report"]
    if report is None or report.policy is None:
        return False
    if report.level == "customer":
        return any(row["key"] == customer.pk and row["closing"] > 0 for row in report.rows)
    paths = dict(OrgUnit.objects.filter(pk__in=[row["key"] for row in report.rows if row["key"]]).values_list("pk", "path"))
    return any(customer.district.path.startswith(paths.get(row["key"], "/none/")) and row["closing"] > 0 for row in report.rows)


PROVISION_ENTRIES = [
    Scoped(
        name="provisions for doubtful debts",
        make=_provision_customer,
        web_list="risk:provisions",
        web_visible=_provision_counts,
    ),
]

ENTRIES = [*ENTRIES, *PROVISION_ENTRIES]

# --- collection forecast (回款预测) ----------------------------------------------------------------------------------
# The reader's own unit (no ?unit= here): a customer's invoice open at the month's start and due within days is
# expected in the row of the unit it lies under exactly when the reader's scope holds it.
FORECAST_AMOUNT = 4321


def _forecast_customer(district, owner):
    from django.utils import timezone

    from customers.services import invoice_record
    from tests.scoping_registry import make_customer

    customer = make_customer(district, owner)
    start = timezone.localdate().replace(day=1)
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=start - timedelta(days=10),
        due_date=start + timedelta(days=5),
        amount=str(FORECAST_AMOUNT),
    )
    return customer


def _forecast_counts(response, customer):
    """True if the forecast expects the customer's invoice in the row of the unit its district lies under."""
    from regions.models import OrgUnit

    report = response.context["report"]
    paths = dict(OrgUnit.objects.filter(pk__in=[row["key"] for row in report.rows if row["key"]]).values_list("pk", "path"))
    return any(
        customer.district.path.startswith(paths.get(row["key"], "/none/")) and row["total"] >= FORECAST_AMOUNT
        for row in report.rows
    )


FORECAST_ENTRIES = [
    Scoped(
        name="collection forecast",
        make=_forecast_customer,
        web_list="risk:collection_forecast",
        web_visible=_forecast_counts,
    ),
]

ENTRIES = [*ENTRIES, *FORECAST_ENTRIES]

# --- exposure against caps (敞口与上限, issue 16) -------------------------------------------------------------------
# The reader's own unit (no ?unit= here): a customer's open balance is counted in the row of the unit it lies under
# exactly when the reader's scope holds it (a salesperson: their own customers).
EXPOSURE_AMOUNT = 5432


def _exposure_customer(district, owner):
    from django.utils import timezone

    from customers.services import invoice_record
    from tests.scoping_registry import make_customer

    customer = make_customer(district, owner)
    today = timezone.localdate()
    invoice_record(
        by=SYSTEM, customer=customer, issue_date=today, due_date=today + timedelta(days=30), amount=str(EXPOSURE_AMOUNT)
    )
    return customer


def _exposure_counts(response, customer):
    """True if the page counts the customer's open balance in the row of the unit its district lies under: that row
    equals the reader's other customers there plus this one (other entries' customers share the world, so a bare
    "at least the amount" would be true of a row that leaves this one out)."""
    from django.db.models import Sum

    from customers.models import Customer
    from regions.models import OrgUnit

    report = response.context["report"]
    reader = response.wsgi_request.user
    paths = dict(OrgUnit.objects.filter(pk__in=[row["key"] for row in report.rows if row["key"]]).values_list("pk", "path"))
    for row in report.rows:
        path = paths.get(row["key"], "/none/")
        if not customer.district.path.startswith(path):
            continue
        others = (
            Customer.objects.for_user(reader)
            .filter(district__path__startswith=path)
            .exclude(pk=customer.pk)
            .aggregate(s=Sum("open_balance"))["s"]
            or 0
        )
        return row["open"] == others + EXPOSURE_AMOUNT
    return False


EXPOSURE_ENTRIES = [
    Scoped(
        name="exposure against caps",
        make=_exposure_customer,
        web_list="risk:credit_exposure",
        web_visible=_exposure_counts,
    ),
]

ENTRIES = [*ENTRIES, *EXPOSURE_ENTRIES]

# --- credit-limit exceptions (信用额度例外, issue 16) ---------------------------------------------------------------
# Read where the customer is read (a salesperson: their own customers'); asked for, edited, submitted and withdrawn
# by the customer's salesperson or a manager above its district (approvals decides, tests/registry_approvals).
CREDIT_WRITERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou", "rep_hangzhou"}
)


def _credit_exception_values():
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "extra_amount": "50000.00",
        "valid_from": today.isoformat(),
        "valid_to": (today + timedelta(days=14)).isoformat(),
        "reason": "客户已提供银行保函",
    }


def _credit_customer(district, owner):
    from customers.models import Customer

    customer = make_customer(district, owner)
    Customer.objects.filter(pk=customer.pk).update(credit_limit="100000.00")
    customer.refresh_from_db()
    return customer


def _credit_exception(district, owner):
    """A draft exception of a customer of the district (owned by the owner persona)."""
    from risk.services import credit_exception_request

    return credit_exception_request(by=SYSTEM, customer=_credit_customer(district, owner), **_credit_exception_values())


CREDIT_EXCEPTION_ENTRIES = [
    Scoped(
        name="credit-limit exception",
        make=_credit_exception,
        api_list="risk-credit-exception-list",
        api_detail="risk-credit-exception-detail",
        web_list="risk:credit_exception_list",
        web_detail="risk:credit_exception_detail",
        writers=CREDIT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
]

CREDIT_EXCEPTION_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="credit-limit exception request",
        url="risk-credit-exception-list",
        make=_credit_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_credit_exception_values()},
        writers=CREDIT_WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="credit-limit exception update",
        url="risk-credit-exception-detail",
        method="patch",
        make=_credit_exception,
        body=lambda exception, world, persona: {**_credit_exception_values(), "extra_amount": "60000.00"},
        writers=CREDIT_WRITERS,
    ),
    Write(
        name="credit-limit exception submit",
        url="risk-credit-exception-submit",
        make=_credit_exception,
        writers=CREDIT_WRITERS,
    ),
    Write(
        name="credit-limit exception withdraw",
        url="risk-credit-exception-withdraw",
        make=_credit_exception,
        writers=CREDIT_WRITERS,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="credit-limit exception request page",
        url="risk:credit_exception_create",
        make=_credit_customer,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_credit_exception_values()},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="credit-limit exception edit page",
        url="risk:credit_exception_edit",
        make=_credit_exception,
        body=lambda exception, world, persona: {**_credit_exception_values(), "extra_amount": "60000.00"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="credit-limit exception submit page",
        url="risk:credit_exception_detail",
        make=_credit_exception,
        body={"action": "submit"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="credit-limit exception withdraw page",
        url="risk:credit_exception_detail",
        make=_credit_exception,
        body={"action": "withdraw"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *CREDIT_EXCEPTION_ENTRIES]
WRITES = [*WRITES, *CREDIT_EXCEPTION_WRITES]

# --- credit holds (暂停赊销, issue 16) ----------------------------------------------------------------------------
# Read where the customer is read; a release is asked for by the customer's salesperson or a manager above.


def _credit_hold(district, owner):
    """A customer of the district (owned by the owner persona) on hold."""
    from django.utils import timezone

    from risk.models import CreditHold

    customer = make_customer(district, owner)
    return CreditHold.objects.create(
        customer=customer,
        unit_id=customer.district_id,
        owner_id=customer.salesperson_id,
        rule="overdue",
        detail="登记：发票逾期超过90天",
        placed_on=timezone.localdate(),
    )


CREDIT_HOLD_ENTRIES = [
    Scoped(
        name="credit hold",
        make=_credit_hold,
        api_list="risk-credit-hold-list",
        api_detail="risk-credit-hold-detail",
        web_list="risk:credit_hold_list",
        web_detail="risk:credit_hold_detail",
        writers=CREDIT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
]

CREDIT_HOLD_WRITES = [
    Write(
        name="credit hold release",
        url="risk-credit-hold-release",
        make=_credit_hold,
        body={"reason": "客户已结清逾期发票"},
        writers=CREDIT_WRITERS,
    ),
    Write(
        name="credit hold release page",
        url="risk:credit_hold_detail",
        make=_credit_hold,
        body={"reason": "客户已结清逾期发票"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *CREDIT_HOLD_ENTRIES]
WRITES = [*WRITES, *CREDIT_HOLD_WRITES]

# --- the credit policy (信用政策, issue 16) -------------------------------------------------------------------------
# Company policy: every principal reads its versions; only the Development Center drafts, changes, submits,
# withdraws and revises it (approvals decides, tests/registry_approvals).
CREDIT_POLICY_BODY = {
    "name": "登记信用政策",
    "at_limit_action": "flag",
    "hold_grade_d": True,
    "hold_overdue_days": 90,
    "limits": {"A": {"mode": "multiple", "multiple": "3", "floor": "10000", "ceiling": "500000"}},
    "caps": [{"unit": "330100", "cap": "5000000"}],
    "reason": "登记",
}


def _credit_policy(district=None, owner=None):
    from risk.services import credit_policy_create

    return credit_policy_create(by=SYSTEM, **CREDIT_POLICY_BODY)


def _credit_policy_in_force(district=None, owner=None):
    """The policy in force (one for the company: every place shares it), to revise."""
    from risk.choices import CreditPolicyState
    from risk.models import CreditPolicy

    policy = CreditPolicy.objects.filter(state=CreditPolicyState.APPROVED).first()
    if policy is None:
        policy = _credit_policy()
        CreditPolicy.objects.filter(pk=policy.pk).update(state=CreditPolicyState.APPROVED)
        policy.refresh_from_db()
    return policy


def _credit_policy_submitted(district=None, owner=None):
    """A policy waiting for its decision, submitted by the contract's center persona (who alone may withdraw it:
    approvals asks for the submitter)."""
    from django.contrib.auth import get_user_model

    from risk.services import credit_policy_submit

    policy = _credit_policy()
    credit_policy_submit(by=get_user_model().objects.get(username="center"), policy=policy)
    return policy


def _credit_policy_form(obj, world, persona):
    return {
        "name": "登记信用政策（页面）",
        "at_limit_action": "refuse",
        "hold_grade_d": "on",
        "hold_overdue_days": "60",
        "caps": "330100: 5000000",
        "A_mode": "fixed",
        "A_amount": "100000",
    }


CREDIT_POLICY_ENTRIES = [
    Scoped(
        name="credit policy",
        make=_credit_policy,
        api_list="risk-credit-policy-list",
        api_detail="risk-credit-policy-detail",
        web_list="risk:credit_policy_list",
        web_detail="risk:credit_policy_detail",
        writers=CENTER,
        company_wide=True,
    ),
]

CREDIT_POLICY_WRITES = [
    Write(
        name="credit policy draft",
        url="risk-credit-policy-list",
        make=make_unit,
        detail=False,
        body=CREDIT_POLICY_BODY,
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="credit policy update",
        url="risk-credit-policy-detail",
        method="patch",
        make=_credit_policy,
        body={**CREDIT_POLICY_BODY, "name": "登记信用政策（改）"},
        writers=CENTER,
        company_wide=True,
    ),
    Write(name="credit policy submit", url="risk-credit-policy-submit", make=_credit_policy, writers=CENTER, company_wide=True),
    Write(
        name="credit policy revise",
        url="risk-credit-policy-revise",
        make=_credit_policy_in_force,
        writers=CENTER,
        success=201,
        company_wide=True,
    ),
    Write(
        name="credit policy withdraw",
        url="risk-credit-policy-withdraw",
        make=_credit_policy_submitted,
        writers=frozenset({"center"}),
        company_wide=True,
        # The director may decide the request but not take back the center's submission (approvals: the submitter).
        expect=lambda persona, inside, district, owner: (200, True) if persona == "center" else (403, False),
    ),
    Write(
        name="credit policy draft page",
        url="risk:credit_policy_create",
        make=make_unit,
        detail=False,
        body=_credit_policy_form,
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="credit policy edit page",
        url="risk:credit_policy_edit",
        make=_credit_policy,
        body=_credit_policy_form,
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
    Write(
        name="credit policy submit page",
        url="risk:credit_policy_detail",
        make=_credit_policy,
        body={"action": "submit"},
        writers=CENTER,
        success=302,
        company_wide=True,
    ),
]

ENTRIES = [*ENTRIES, *CREDIT_POLICY_ENTRIES]
WRITES = [*WRITES, *CREDIT_POLICY_WRITES]

# --- suggested credit limits (建议信用额度, issue 16) --------------------------------------------------------------
# Read where the customer is read; accepted by a manager above the customer's district (not by a salesperson).
LIMIT_ACCEPTERS = frozenset(
    {"director", "center", "rm_east", "rm_south", "pm_zhejiang", "pm_guangdong", "dm_hangzhou", "dm_guangzhou"}
)


def _limit_suggestion(district, owner):
    from django.utils import timezone

    from risk.models import CreditLimitSuggestion

    customer = make_customer(district, owner)
    return CreditLimitSuggestion.objects.create(
        customer=customer,
        unit_id=customer.district_id,
        owner_id=customer.salesperson_id,
        policy=_credit_policy_in_force(),
        grade="A",
        monthly_sales="1000.00",
        current_limit="0.00",
        suggested_limit="2000.00",
        suggested_on=timezone.localdate(),
    )


LIMIT_SUGGESTION_ENTRIES = [
    Scoped(
        name="suggested credit limit",
        make=_limit_suggestion,
        api_list="risk-limit-suggestion-list",
        api_detail="risk-limit-suggestion-detail",
        web_list="risk:limit_suggestion_list",
        web_detail="risk:limit_suggestion_detail",
        writers=LIMIT_ACCEPTERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
]

LIMIT_SUGGESTION_WRITES = [
    Write(
        name="suggested credit limit accept",
        url="risk-limit-suggestion-accept",
        make=_limit_suggestion,
        body={"limit": "1500.00"},
        writers=LIMIT_ACCEPTERS,
    ),
    Write(
        name="suggested credit limit accept page",
        url="risk:limit_suggestion_detail",
        make=_limit_suggestion,
        body={"limit": "1500.00"},
        writers=LIMIT_ACCEPTERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *LIMIT_SUGGESTION_ENTRIES]
WRITES = [*WRITES, *LIMIT_SUGGESTION_WRITES]

# --- write-offs of bad debt, the bad-debt register and recoveries (坏账核销、坏账登记簿、坏账收回, issue 16) -----------
# Read where the customer is read; proposed, changed, submitted and withdrawn by the customer's salesperson or a
# manager above its district (approvals decides, tests/registry_approvals); a reversal is asked for by a manager
# above the district only; money recovered is recorded by the salesperson or a manager above.
WRITE_OFF_REVERSERS = CREDIT_WRITERS - {"rep_hangzhou"}


def _bad_debtor(district, owner):
    """A customer of the district (owned by the owner persona) with one invoice long overdue and unpaid."""
    from django.utils import timezone

    from customers.services import invoice_record

    customer = make_customer(district, owner)
    today = timezone.localdate()
    invoice_record(
        by=SYSTEM,
        customer=customer,
        issue_date=today - timedelta(days=400),
        due_date=today - timedelta(days=370),
        amount="8000.00",
    )
    return customer


def _open_invoice(customer):
    return customer.invoices.order_by("id").first()


def _write_off_values(customer, amount="5000.00"):
    return {"lines": [{"invoice": _open_invoice(customer).pk, "amount": amount}], "reason": "客户已注销，多次催收无果"}


def _write_off(district, owner):
    """A draft write-off of 5,000.00 of a bad debtor of the district."""
    from risk.services import write_off_propose

    customer = _bad_debtor(district, owner)
    return write_off_propose(by=SYSTEM, customer=customer, **_write_off_values(customer))


def _write_off_in_force(district, owner):
    """An approved write-off, posted in the ledger (the decision itself is approvals', tested there)."""
    from risk.choices import WriteOffState
    from risk.models import WriteOff
    from risk.services import write_off_on_approved

    write_off = _write_off(district, owner)
    WriteOff.objects.filter(pk=write_off.pk).update(state=WriteOffState.APPROVED)
    write_off.refresh_from_db()
    write_off_on_approved(write_off=write_off)
    write_off.refresh_from_db()
    return write_off


def _recovery(district, owner):
    from risk.services import recovery_record

    write_off = _write_off_in_force(district, owner)
    return recovery_record(by=SYSTEM, customer=write_off.customer, amount="300.00", received_on=write_off.written_off_on)[0]


def _write_off_debtor(district, owner):
    """The customer of a write-off in force (what a recovery is recorded for)."""
    return _write_off_in_force(district, owner).customer


def _write_off_with_attachment(district, owner):
    """A draft write-off with a PDF attached (its download follows the write-off's scope)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from risk.services import write_off_propose

    customer = _bad_debtor(district, owner)
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return write_off_propose(by=SYSTEM, customer=customer, attachment=pdf, **_write_off_values(customer))


def _write_off_form(obj, world, persona):
    customer = obj if hasattr(obj, "invoices") else obj.customer
    return {f"line_{_open_invoice(customer).pk}": "4000.00", "reason": "客户已注销（页面）", "collection_history": "三次上门催收"}


def _recovery_values(customer):
    from django.utils import timezone

    return {"amount": "200.00", "received_on": timezone.localdate().isoformat(), "reference": "追回款登记"}


WRITE_OFF_ENTRIES = [
    Scoped(
        name="write-off",
        make=_write_off,
        api_list="risk-write-off-list",
        api_detail="risk-write-off-detail",
        web_list="risk:write_off_list",
        web_detail="risk:write_off_detail",
        writers=CREDIT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="write-off attachment download",
        make=_write_off_with_attachment,
        web_detail="risk:write_off_attachment",
        writers=CREDIT_WRITERS,
    ),
    Scoped(
        name="bad-debt register",
        make=_write_off_in_force,
        web_list="risk:bad_debt_register",
        writers=CREDIT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
    Scoped(
        name="recovery of written-off debt",
        make=_recovery,
        api_list="risk-recovery-list",
        api_detail="risk-recovery-detail",
        web_list="risk:recovery_list",
        writers=CREDIT_WRITERS,
        find=lambda obj: {"customer": obj.customer_id},
    ),
]

WRITE_OFF_WRITES = [
    # --- API -------------------------------------------------------------------------------------------------
    Write(
        name="write-off proposal",
        url="risk-write-off-list",
        make=_bad_debtor,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_write_off_values(customer)},
        writers=CREDIT_WRITERS,
        success=201,
        outside=400,
    ),
    Write(
        name="write-off update",
        url="risk-write-off-detail",
        method="patch",
        make=_write_off,
        body=lambda write_off, world, persona: _write_off_values(write_off.customer, "6000.00"),
        writers=CREDIT_WRITERS,
    ),
    Write(name="write-off submit", url="risk-write-off-submit", make=_write_off, writers=CREDIT_WRITERS),
    Write(name="write-off withdraw", url="risk-write-off-withdraw", make=_write_off, writers=CREDIT_WRITERS),
    Write(
        name="write-off reversal request",
        url="risk-write-off-reverse",
        make=_write_off_in_force,
        body={"reason": "客户已恢复经营，要求冲回"},
        writers=WRITE_OFF_REVERSERS,
    ),
    Write(
        name="recovery record",
        url="risk-recovery-list",
        make=_write_off_debtor,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_recovery_values(customer)},
        writers=CREDIT_WRITERS,
        success=201,
        outside=400,
    ),
    # --- pages -----------------------------------------------------------------------------------------------
    Write(
        name="write-off proposal page",
        url="risk:write_off_create",
        make=_bad_debtor,
        detail=False,
        body=lambda customer, world, persona: {"customer": customer.pk, **_write_off_form(customer, world, persona)},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="write-off edit page",
        url="risk:write_off_edit",
        make=_write_off,
        body=_write_off_form,
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="write-off submit page",
        url="risk:write_off_detail",
        make=_write_off,
        body={"action": "submit"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="write-off withdraw page",
        url="risk:write_off_detail",
        make=_write_off,
        body={"action": "withdraw"},
        writers=CREDIT_WRITERS,
        success=302,
    ),
    Write(
        name="write-off reversal page",
        url="risk:write_off_detail",
        make=_write_off_in_force,
        body={"action": "reverse", "reason": "客户已恢复经营，要求冲回"},
        writers=WRITE_OFF_REVERSERS,
        success=302,
    ),
    Write(
        name="recovery page",
        url="risk:write_off_detail",
        make=_write_off_in_force,
        body=lambda write_off, world, persona: {"action": "recover", **_recovery_values(write_off.customer)},
        writers=CREDIT_WRITERS,
        success=302,
    ),
]

ENTRIES = [*ENTRIES, *WRITE_OFF_ENTRIES]
WRITES = [*WRITES, *WRITE_OFF_WRITES]
