"""Cross-subject scope of risk control: two regions, each with a province, a district, salespeople and customers,
and in each every subject of risk — customer and staff ratings, grade changes, warnings (one escalated), an
under-performance flag and an improvement plan, a special event, a grade override and default forecasts.

The regional manager of one region then opens EVERY risk page and API endpoint — walked from risk.urls and
risk.api.urls, not listed by hand — with every `pk` filled with the other region's objects:

* a list shows none of the other region's rows (the full filtered list, not just the page, checked against the
  rows' place in the tree) and its body names none of the other region's units, people, customers, events or
  plans nor links to their pages; it does show the manager's own rows;
* a detail or action on the other region's object is a 404 (GET and POST);
* the company-wide risk board is a 404;
* `?format=csv` / `?format=xlsx` (risk lists have no export today) opens no back door.

And the same the other way round. A page or endpoint added later is walked too; one whose `pk` names a model
this test does not make fails until the model is added to `_region` below.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from core.rights import SYSTEM
from core.roles import Role
from core.scoping import CompanyWideQuerySet
from customers.services import customer_create, invoice_record
from regions.models import OrgUnit
from regions.services import org_unit_create, staff_hire
from risk import urls as risk_urls
from risk.api import urls as risk_api_urls
from risk.choices import CreditPolicyState, SchemeState
from risk.models import (
    CreditException,
    CreditHold,
    CreditLimitSuggestion,
    CreditPolicy,
    CustomerForecast,
    CustomerGradeChange,
    CustomerRating,
    ForecastModel,
    GradeOverride,
    RatingScheme,
    StaffGradeChange,
    StaffRating,
    UnderperformanceFlag,
    Warning,
    WriteOff,
)
from risk.services import (
    credit_policy_create,
    event_report,
    improvement_create,
    recovery_record,
    scheme_create,
    warning_rule_create,
    write_off_on_approved,
    write_off_propose,
)
from risk.services.grade_counts import grade_counts_refresh
from tests.conftest import PASSWORD, module_data

TODAY = date(2026, 3, 16)  # a Monday
NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
BOARD = "risk:board"


@dataclass
class Region:
    """One region's tree, people and risk rows; `markers` are texts only this region's rows put on a page."""

    tag: str
    region: OrgUnit
    province: OrgUnit
    district: OrgUnit
    rm: object = None
    subjects: dict = field(default_factory=dict)  # "customer", "staff" → one of this region's
    rows: dict = field(default_factory=dict)  # model → [rows of this region]
    markers: list = field(default_factory=list)

    def add(self, obj, *markers):
        self.rows.setdefault(type(obj), []).append(obj)
        self.markers.extend(markers)
        return obj


def _schemes():
    """The rating schemes in force (company-wide: one per subject, shared by both regions)."""
    grades = [{"grade": "A", "from": "50", "to": "100"}, {"grade": "C", "from": "0", "to": "50"}]
    made = {}
    for subject, factor in (("customer", "overdue_share"), ("staff", "customers_overdue_share")):
        scheme = scheme_create(
            subject=subject,
            name=f"范围测试评级办法{subject}",
            factors=[{"factor": factor, "weight": "100", "bands": [{"from": "0", "score": "100"}]}],
            grades=grades,
            by=SYSTEM,
        )
        RatingScheme.objects.filter(pk=scheme.pk).update(state=SchemeState.APPROVED)
        made[subject] = scheme
    return made


def _region(tag, code, center, schemes, rule, model):
    """A region 甲/乙 with everything risk control holds about it."""
    region = org_unit_create(by=SYSTEM, kind="region", code=f"S{code}", name=f"{tag}大区", parent=center)
    province = org_unit_create(by=SYSTEM, kind="province", code=f"S{code}P", name=f"{tag}省", parent=region)
    district = org_unit_create(by=SYSTEM, kind="district", code=f"S{code}D", name=f"{tag}市", parent=province)
    r = Region(tag=tag, region=region, province=province, district=district)
    r.markers += [region.name, province.name, district.name]

    def hire(role, unit, name, login):
        person = staff_hire(
            by=SYSTEM,
            employee_no=f"S{code}{login}",
            name=name,
            unit=unit,
            role=role,
            hire_date=date(2020, 1, 1),
            username=f"scope_{code}_{login}".lower(),
            password=PASSWORD,
        )
        r.markers.append(reverse("regions:staff_detail", kwargs={"pk": person.pk}) + '"')
        return person

    r.rm = hire(Role.REGIONAL_MANAGER, region, f"{tag}区经理", "rm")
    hire(Role.PROVINCIAL_MANAGER, province, f"{tag}省经理", "pm")
    dm = hire(Role.DISTRICT_MANAGER, district, f"{tag}市经理", "dm")
    reps = [hire(Role.SALES_REP, district, f"{tag}业务员{i}", f"rep{i}") for i in (1, 2)]
    r.markers += [f"{tag}区经理", f"{tag}省经理", f"{tag}市经理", *(rep.name for rep in reps)]

    customers = []
    for i, rep in enumerate(reps, start=1):
        customer = customer_create(
            by=SYSTEM, name=f"{tag}客户{i}有限公司", district=district, salesperson=rep, external_id=f"S{code}-C{i}"
        )
        customers.append(customer)
        r.markers += [customer.name, reverse("customers:customer_detail", kwargs={"pk": customer.pk}) + '"']
        r.add(
            CustomerRating.objects.create(
                customer=customer, scheme=schemes["customer"], score=D("40"), grade="C", rated_on=TODAY, since=TODAY
            )
        )
        r.add(
            CustomerGradeChange.objects.create(
                customer=customer,
                on=TODAY - timedelta(days=3),
                old_grade="A",
                new_grade="C",
                score=D("40"),
                scheme=schemes["customer"],
            )
        )
        r.add(CustomerForecast.objects.create(customer=customer, model=model, as_of=TODAY, probability=D("0.2500")))
        r.add(
            StaffRating.objects.create(staff=rep, scheme=schemes["staff"], score=D("80"), grade="A", rated_on=TODAY, since=TODAY)
        )
        r.add(
            StaffGradeChange.objects.create(
                staff=rep, on=TODAY - timedelta(days=2), old_grade="C", new_grade="A", score=D("80"), scheme=schemes["staff"]
            )
        )
    r.subjects = {"customer": customers[0], "staff": reps[0]}
    for i, (customer, rep) in enumerate(zip(customers, reps, strict=True)):
        escalated = {"escalation_level": 1, "escalated_on": TODAY, "escalated_to": dm} if i else {}
        warning = Warning.objects.create(
            rule=rule,
            customer=customer,
            unit=district,
            owner=rep,
            supervisor=dm,
            severity="high",
            value=D("0.8"),
            opened_on=TODAY - timedelta(days=5 + 30 * i),
            due_on=TODAY + timedelta(days=1 - 10 * i),
            **escalated,
        )
        r.add(warning, reverse("risk:warning_detail", kwargs={"pk": warning.pk}) + '"')
    r.add(
        UnderperformanceFlag.objects.create(
            unit=district, reason="attainment", value=D("55"), months=3, flagged_on=TODAY, seen_on=TODAY
        )
    )
    plan = improvement_create(
        by=SYSTEM,
        unit=district,
        title=f"{tag}市整改方案",
        diagnosis=f"{tag}市销售完成率连续三个月不足六成",
        measures=[{"description": f"{tag}市走访重点客户", "owner": dm.pk, "due_on": "2026-06-30"}],
        targets=[{"month": "2026-04", "metric": "sales_amount", "expected": "100000"}],
    )
    r.add(plan, plan.title, plan.diagnosis, plan.get_absolute_url() + '"')
    event = event_report(
        by=dm.user,
        unit=district,
        kind="incident",
        severity="high",
        title=f"{tag}市营业网点系统故障",
        description=f"{tag}市客户无法办理业务",
        occurred_on=TODAY - timedelta(days=1),
    )
    r.add(event, event.title, event.description, event.get_absolute_url() + '"')
    # Market intelligence (issue 18): a major problem reported here, which risk raises as a special event in one step.
    from relations.services import market_report_create

    market = market_report_create(
        by=SYSTEM,
        reporter=dm,
        unit=district,
        kind="price",
        title=f"{tag}市竞品大幅降价",
        description=f"{tag}市竞争对手下调费率",
        observed_on=TODAY - timedelta(days=2),
        competitor=f"{tag}竞品公司",
        price_change="-3.50",
        source="visit",
        reliability="B",
        is_major=True,
    )
    r.add(market, market.title, market.description)
    override = GradeOverride.objects.create(
        customer=customers[1],
        unit=district,
        owner=reps[1],
        grade="A",
        computed_grade="C",
        reason=f"{tag}客户已提供担保函",
        expires_on=TODAY + timedelta(days=60),
    )
    r.add(override, override.reason)
    # Credit control (issue 16): an exception, a hold and a suggested limit of the region's customers.
    exception = CreditException.objects.create(
        customer=customers[0],
        unit=district,
        owner=reps[0],
        extra_amount=D("50000.00"),
        valid_from=TODAY,
        valid_to=TODAY + timedelta(days=14),
        reason=f"{tag}客户春季大单",
    )
    r.add(exception, exception.reason, exception.get_absolute_url() + '"')
    hold = CreditHold.objects.create(
        customer=customers[1], unit=district, owner=reps[1], rule="overdue", detail=f"{tag}客户发票逾期", placed_on=TODAY
    )
    r.add(hold, hold.detail, hold.get_absolute_url() + '"')
    suggestion = CreditLimitSuggestion.objects.create(
        customer=customers[0],
        unit=district,
        owner=reps[0],
        policy=_credit_policy(),
        grade="C",
        monthly_sales=D("1000.00"),
        current_limit=D("0.00"),
        suggested_limit=D("2000.00"),
        suggested_on=TODAY,
    )
    r.add(suggestion, suggestion.get_absolute_url() + '"')
    # Bad debts (issue 16): a write-off posted in the ledger, money recovered on it, and a proposal still a draft.
    invoice = invoice_record(
        by=SYSTEM,
        customer=customers[0],
        issue_date=TODAY - timedelta(days=200),
        due_date=TODAY - timedelta(days=170),
        amount="8000.00",
    ).invoice
    write_off = write_off_propose(
        by=SYSTEM, customer=customers[0], lines=[{"invoice": invoice.pk, "amount": "5000.00"}], reason=f"{tag}客户破产清算"
    )
    WriteOff.objects.filter(pk=write_off.pk).update(state="approved")
    write_off_on_approved(write_off=write_off)
    r.add(write_off, write_off.reason, write_off.get_absolute_url() + '"')
    recovery = recovery_record(by=SYSTEM, customer=customers[0], amount="300.00", received_on=TODAY, reference=f"{tag}追回款")[0]
    r.add(recovery, recovery.reference)
    draft = write_off_propose(
        by=SYSTEM, customer=customers[0], lines=[{"invoice": invoice.pk, "amount": "1000.00"}], reason=f"{tag}客户失联"
    )
    r.add(draft, draft.reason, draft.get_absolute_url() + '"')
    return r


def _credit_policy():
    """The credit policy in force (company-wide: one, shared by both regions)."""
    policy = CreditPolicy.objects.filter(state=CreditPolicyState.APPROVED).first()
    if policy is None:
        policy = credit_policy_create(by=SYSTEM, name="范围测试信用政策", at_limit_action="flag", limits={})
        CreditPolicy.objects.filter(pk=policy.pk).update(state=CreditPolicyState.APPROVED)
    return policy


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    traveller = time_machine.travel(NOON, tick=False)
    traveller.start()
    try:
        with module_data(django_db_blocker), django_db_blocker.unblock():
            if not OrgUnit.objects.filter(kind="center").exists():
                # A transactional test run earlier on this worker flushed the migrations' organisation.
                from regions.services import load_default_organisation

                load_default_organisation(by=SYSTEM)
            center = OrgUnit.objects.get(kind="center")
            schemes = _schemes()
            rule = warning_rule_create(
                by=SYSTEM, name="范围测试逾期占比", kind="overdue_share", threshold="0.5", severity="high", deadline_days=3
            )
            model = ForecastModel.objects.create(version=9001, state="trained", cutoff=date(2025, 12, 31), auc=D("0.8000"))
            regions = {
                "A": _region("甲", "A", center, schemes, rule, model),
                "B": _region("乙", "B", center, schemes, rule, model),
            }
            # The overview reads kept counts of grades, refreshed as the rating run does after writing grades.
            for subject in ("customer", "staff"):
                grade_counts_refresh(subject=subject, months=[TODAY])
            yield regions
    finally:
        traveller.stop()


@pytest.fixture(autouse=True)
def _clock(world):
    with time_machine.travel(NOON, tick=False):
        yield


# --- the pages and endpoints, walked from the URL modules -------------------------------------------------------


def _patterns(module, namespace):
    return [(f"{namespace}{p.name}", p) for p in module.urlpatterns if isinstance(p, URLPattern) and p.name]


WEB = _patterns(risk_urls, "risk:")
# Pages that take their subject from the query string rather than the path: (parameter, model of the subject).
SUBJECT_IN_QUERY = {"risk:override_create": (("customer", "customer"), ("staff", "staff"))}
SUBJECT_IN_QUERY["risk:credit_exception_create"] = (("customer", "customer"),)  # credit control (#16)
SUBJECT_IN_QUERY["risk:write_off_create"] = (("customer", "customer"),)  # write-offs (#16)
API = _patterns(risk_api_urls, "")
DIRECTIONS = [("A", "B"), ("B", "A")]


def _takes_pk(pattern):
    return "pk" in pattern.pattern.regex.groupindex


def _model(pattern):
    view = pattern.callback
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return queryset.model if queryset is not None else cls.model


def _company_wide(model):
    return isinstance(model._default_manager.all(), CompanyWideQuerySet)


def _place_lookup(model):
    return f"{model.scope_spec.path}__startswith"


def _clients(world, mine):
    user = world[mine].rm.user
    web = Client()
    web.force_login(user)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.force_authenticate(user)
    return web, api


def _leaks(body, other):
    return [marker for marker in other.markers if marker in body]


def _check_listed(queryset, model, world, mine, other):
    """The whole filtered list (every page) holds no row of the other region, and some of one's own."""
    if _company_wide(model):
        return
    lookup = _place_lookup(model)
    assert not queryset.filter(**{lookup: world[other].region.path}).exists(), f"{model.__name__} of region {other} listed"
    if world[mine].rows.get(model):
        assert queryset.filter(**{lookup: world[mine].region.path}).exists(), (
            f"own {model.__name__} not listed: test proves nothing"
        )


@pytest.mark.parametrize(("mine", "other"), DIRECTIONS)
@pytest.mark.parametrize(("name", "pattern"), WEB, ids=[name for name, _p in WEB])
def test_pages(world, mine, other, name, pattern, db):
    web, _api = _clients(world, mine)
    model = _model(pattern)
    if _takes_pk(pattern):
        if _company_wide(model):
            pytest.skip(f"{model.__name__} is company-wide policy: every principal reads it (scoping contract)")
        theirs = world[other].rows.get(model)
        assert theirs, f"make a {model.__name__} in _region so {name} is walked with the other region's object"
        # A read-only page (a file download) answers a POST 405 whatever the object: the method, not the object.
        # An action (raise a special event from a market report) answers a GET 405 likewise.
        view_class = getattr(pattern.callback, "view_class", None)
        posted = 404 if hasattr(view_class, "post") else 405
        got = 404 if view_class is None or hasattr(view_class, "get") else 405
        for obj in theirs:
            url = reverse(name, kwargs={"pk": obj.pk})
            assert web.get(url).status_code == got, url
            body = {"action": "close", "resolution": "x", "summary": "x", "review": "x"}
            assert web.post(url, body).status_code == posted, url
        return
    url = reverse(name)
    for param, subject in SUBJECT_IN_QUERY.get(name, ()):
        assert web.get(url, {param: world[mine].subjects[subject].pk}).status_code == 200, (url, param)
        their = world[other].subjects[subject].pk
        assert web.get(url, {param: their}).status_code == 404, (url, param)
        assert web.post(url, {param: their, "grade": "A", "reason": "x", "expires_on": "2026-06-30"}).status_code == 404
    if name in SUBJECT_IN_QUERY:
        return
    for query in ({}, {"format": "csv"}, {"format": "xlsx"}):
        response = web.get(url, query)
        if name == BOARD:
            assert response.status_code == 404
            continue
        assert response.status_code in (200, 403, 405), (url, query, response.status_code)
        body = response.content.decode()
        assert _leaks(body, world[other]) == [], (url, query)
        paginator = response.context and response.context.get("paginator")
        if paginator is not None:
            _check_listed(paginator.object_list, paginator.object_list.model, world, mine, other)


@pytest.mark.parametrize(("mine", "other"), DIRECTIONS)
@pytest.mark.parametrize(("name", "pattern"), API, ids=[name for name, _p in API])
def test_api(world, mine, other, name, pattern, db):
    _web, api = _clients(world, mine)
    if not hasattr(pattern.callback, "actions"):
        # A report of a unit named in the query (?unit=, e.g. the provisions), not a viewset: one's own region
        # answers, the other region's unit is a 404, and the default (one's own unit) names nothing of the other's.
        url = reverse(name)
        assert api.get(url, {"unit": world[mine].region.pk}).status_code == 200, url
        assert api.get(url, {"unit": world[other].region.pk}).status_code == 404, url
        response = api.get(url)
        assert response.status_code == 200 and _leaks(response.content.decode(), world[other]) == [], url
        return
    model = _model(pattern)
    methods = set(pattern.callback.actions)
    if _takes_pk(pattern):
        if _company_wide(model):
            pytest.skip(f"{model.__name__} is company-wide policy: every principal reads it (scoping contract)")
        theirs = world[other].rows.get(model)
        assert theirs, f"make a {model.__name__} in _region so {name} is walked with the other region's object"
        for obj in theirs:
            url = reverse(name, kwargs={"pk": obj.pk})
            if "get" in methods:
                assert api.get(url).status_code == 404, url
            for method in methods & {"post", "put", "patch", "delete"}:
                assert getattr(api, method)(url, {}, format="json").status_code == 404, (method, url)
        return
    url = reverse(name)
    if "get" not in methods:
        return  # a create: the scoping contract walks it (an out-of-scope unit in the body is refused)
    for query in ({}, {"format": "csv"}, {"format": "xlsx"}):
        response = api.get(url, {**query, "page_size": 1000})
        assert response.status_code in (200, 404, 406), (url, query, response.status_code)
        body = response.content.decode()
        assert _leaks(body, world[other]) == [], (url, query)
        if query or response.status_code != 200:
            continue
        ids = {row["id"] for row in response.json()["results"]}
        if not _company_wide(model):
            assert not ids & {obj.pk for obj in world[other].rows.get(model, [])}, url
            assert ids & {obj.pk for obj in world[mine].rows.get(model, [])}, f"own rows not listed by {url}: test proves nothing"
            _check_listed(model.objects.unscoped().filter(pk__in=ids), model, world, mine, other)


@pytest.mark.parametrize(("mine", "other"), DIRECTIONS)
def test_the_overview_shows_ones_own_region_only(world, mine, other, db):
    web, _api = _clients(world, mine)
    page = web.get(reverse("risk:home"))
    body = page.content.decode()
    assert _leaks(body, world[other]) == []
    # It does show one's own: both customers graded C, both warnings with their customers.
    assert page.context["customers"]["total"] == 2 and page.context["staff"]["total"] == 2
    assert {w.pk for w in page.context["warnings_open"]} == {w.pk for w in world[mine].rows[Warning]}
    assert f"{world[mine].tag}客户1有限公司" in body


@pytest.mark.parametrize(("mine", "other"), DIRECTIONS)
def test_filtering_by_the_other_regions_units_lists_nothing(world, mine, other, db):
    """Naming the other region in a filter (?unit=, ?customer=, ?owner=) is not a way round the scope."""
    web, api = _clients(world, mine)
    theirs = world[other]
    probes = [
        ("risk:warning_list", "/api/v1/risk/warnings/", {"unit": theirs.region.pk}),
        ("risk:warning_list", "/api/v1/risk/warnings/", {"owner": theirs.rows[Warning][0].owner_id}),
        ("risk:customer_rating_list", "/api/v1/risk/customer-ratings/", {"customer": theirs.rows[CustomerRating][0].customer_id}),
        ("risk:staff_rating_list", "/api/v1/risk/staff-ratings/", {"unit": theirs.district.pk}),
        ("risk:event_list", "/api/v1/risk/events/", {"unit": theirs.district.pk}),
        ("risk:improvement_list", "/api/v1/risk/improvement-plans/", {"unit": theirs.district.pk}),
    ]
    for page_name, api_url, query in probes:
        listing = web.get(reverse(page_name), query)
        assert listing.status_code == 200
        assert not listing.context["paginator"].object_list.exists(), (page_name, query)
        answer = api.get(api_url, query)
        assert answer.status_code in (200, 400), (api_url, query)
        if answer.status_code == 200:
            assert answer.json()["results"] == [], (api_url, query)
        assert _leaks(listing.content.decode() + json.dumps(answer.json(), ensure_ascii=False), theirs) == []


def test_every_risk_url_is_walked():
    """The walk above is driven by the URL modules: it covers at least the pages and endpoints known today."""
    web_names = {name for name, _p in WEB}
    assert {"risk:home", "risk:board", "risk:warning_detail", "risk:event_detail", "risk:improvement_detail"} <= web_names
    assert {"risk-warning-list", "risk-warning-detail", "special-event-detail", "improvement-plan-detail"} <= {
        name for name, _p in API
    }
