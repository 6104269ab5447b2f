"""The plan and target pages: who sees them, refusals on the page (400/409, never a 500), the scope
(out of scope → 404), and the path a person takes through the pages: create → edit → check → submit."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.rights import SYSTEM
from customers import services as ledger
from plans import services
from plans.choices import Metric
from plans.models import SeasonalDistribution

D = Decimal
EAST_PROVINCES = ["310000", "320000", "330000", "340000", "350000", "360000", "370000"]
READERS = [
    "director",
    "center",
    "rm_east",
    "rm_south",
    "pm_zhejiang",
    "pm_guangdong",
    "dm_hangzhou",
    "dm_guangzhou",
    "rep_hangzhou",
]


@pytest.fixture(autouse=True)
def english():
    """Pages are read in English here (messages are matched by their English wording)."""
    with translation.override("en"):
        yield


def _web(persona):
    """A logged-in browser that reads the pages in English."""
    client = persona.web()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.cookies["django_language"] = "en"
    return client


def _get(persona, name, **kwargs):
    query = kwargs.pop("query", None)
    return _web(persona).get(reverse(name, kwargs=kwargs or None), query or {})


# ------------------------------------------------------------------------------------------ targets
@pytest.fixture
def east_split(units):
    """华东 2026 sales target split to its provinces by shares, 浙江 split to its districts, and 杭州's
    year split across months."""
    target = services.target_set(metric=Metric.SALES_AMOUNT, period="2026", unit=units["HD"], value="7000.00", by=SYSTEM)
    services.split_to_units(target=target, method="shares", shares={units[c].pk: 1 for c in EAST_PROVINCES}, by=SYSTEM)
    return target


@pytest.mark.parametrize("persona", READERS)
def test_target_list_renders_for_every_reader(personas, east_split, persona):
    response = _get(personas[persona], "plans:target_list")
    assert response.status_code == 200
    assert b"target-table" in response.content


def test_target_list_filters_and_shows_attainment(personas, units, east_split):
    response = _get(
        personas["rm_east"], "plans:target_list", query={"metric": "sales_amount", "period": "2026", "unit": units["330000"].pk}
    )
    assert response.status_code == 200
    rows = list(response.context["paginator"].object_list)
    assert [t.unit.code for t in rows] == ["330000"]
    target, figure = response.context["rows"][0]
    assert figure["actual"] == D("0.00") and figure["percent"] == D("0.0")
    # South sees none of the east's targets.
    response = _get(personas["rm_south"], "plans:target_list")
    assert not response.context["paginator"].object_list.exists()
    # A bad filter is a 200 with the form's error, not a 500.
    response = _get(personas["rm_east"], "plans:target_list", query={"metric": "profit", "unit": "abc"})
    assert response.status_code == 200


def test_target_list_constant_queries(personas, units, east_split, django_assert_max_num_queries):
    """Attainment of a page of targets costs one query per metric, not one per target."""
    rep = personas["rep_hangzhou"].staff
    customer = ledger.customer_create(by=SYSTEM, name="甲公司", district=units["330100"], salesperson=rep, external_id="QC-1")
    ledger.invoice_record(
        by=SYSTEM, customer=customer, issue_date=date(2026, 3, 1), due_date=date(2026, 4, 1), amount="300.00", external_id="QI-1"
    )
    services.target_set(metric=Metric.COLLECTIONS, period="2026", unit=units["HD"], value="10", by=SYSTEM)
    client = personas["director"].web()
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("plans:target_list"))
    for code in ["310000", "320000", "330000", "340000"]:
        for quarter in ("2026-Q1", "2026-Q2"):
            services.target_set(metric=Metric.SALES_AMOUNT, period=quarter, unit=units[code], value="10", by=SYSTEM)
            services.target_set(metric=Metric.COLLECTIONS, period=quarter, unit=units[code], value="10", by=SYSTEM)
    services.target_set(metric=Metric.SALES_AMOUNT, period="2026-Q1", staff=rep, value="100", by=SYSTEM)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("plans:target_list"))
    figures = {(t.metric, str(t.period), t.staff_id): a for t, a in response.context["rows"]}
    assert figures[("sales_amount", "2026-Q1", rep.pk)]["actual"] == D("300.00")
    assert figures[("sales_amount", "2026-Q1", rep.pk)]["percent"] == D("300.0")


def test_target_detail_shows_split_versions_and_add_up(personas, units, east_split):
    response = _get(personas["rm_east"], "plans:target_detail", pk=east_split.pk)
    assert response.status_code == 200
    assert response.context["status"]["ok"] is True
    assert len(response.context["children"]) == 7
    assert b'data-add-up="ok"' in response.content
    # A child re-set by hand: the parent no longer adds up, and the page says by how much.
    zhejiang = services.target_set(metric=Metric.SALES_AMOUNT, period="2026", unit=units["330000"], value="1000.01", by=SYSTEM)
    response = _get(personas["rm_east"], "plans:target_detail", pk=east_split.pk)
    assert response.context["status"]["ok"] is False
    assert b"Over by 0.01" in response.content
    # The province's page lists both versions.
    response = _get(personas["pm_zhejiang"], "plans:target_detail", pk=zhejiang.pk)
    assert [v.version for v in response.context["versions"]] == [2, 1]
    # Months.
    services.split_to_months(target=zhejiang, by=SYSTEM)
    response = _get(personas["pm_zhejiang"], "plans:target_detail", pk=zhejiang.pk)
    assert len(response.context["months"]) == 12 and response.context["month_total"] == D("1000.01")


def test_target_detail_out_of_scope_is_404(personas, units, east_split):
    assert _get(personas["rm_south"], "plans:target_detail", pk=east_split.pk).status_code == 404
    assert _get(personas["pm_zhejiang"], "plans:target_detail", pk=east_split.pk).status_code == 404
    rep = personas["rep_hangzhou"]
    own = services.target_set(metric=Metric.SALES_AMOUNT, period="2026", staff=rep.staff, value="10", by=SYSTEM)
    other = services.target_set(
        metric=Metric.SALES_AMOUNT, period="2026", staff=personas["rep_hangzhou_2"].staff, value="10", by=SYSTEM
    )
    assert _get(rep, "plans:target_detail", pk=own.pk).status_code == 200
    assert _get(rep, "plans:target_detail", pk=other.pk).status_code == 404
    assert _get(personas["dm_hangzhou"], "plans:target_detail", pk=other.pk).status_code == 200


# ----------------------------------------------------------------------------- seasonal distributions
def _distribution_post(name, values, kind="percentages", unit=None):
    data = {"name": name, "kind": kind, "unit": unit or ""}
    data.update({f"m{m:02d}": v for m, v in enumerate(values, start=1)})
    return data


def test_distribution_create_edit_and_refusal(personas, units):
    client = _web(personas["pm_zhejiang"])
    assert client.get(reverse("plans:distribution_create")).status_code == 200
    # Not adding up to 100: the form shows the service's refusal with a 400.
    response = client.post(reverse("plans:distribution_create"), _distribution_post("旺季", ["10"] * 12, unit=units["330000"].pk))
    assert response.status_code == 400
    assert b"must add up to exactly 100.00" in response.content
    assert not SeasonalDistribution.objects.exists()
    values = ["8.00"] * 11 + ["12.00"]
    response = client.post(reverse("plans:distribution_create"), _distribution_post("旺季", values, unit=units["330000"].pk))
    assert response.status_code == 302, response.content
    distribution = SeasonalDistribution.objects.get()
    assert distribution.unit == units["330000"] and distribution.weights()[12] == D("12.00")
    # The same name again for the same unit is not a silent overwrite.
    response = client.post(reverse("plans:distribution_create"), _distribution_post("旺季", values, unit=units["330000"].pk))
    assert response.status_code == 400 and response.context["form"].errors["name"]
    # Edit: name and unit are fixed; the values change.
    url = reverse("plans:distribution_edit", kwargs={"pk": distribution.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _distribution_post("其他名字", ["1"] * 12, kind="amounts"))
    assert response.status_code == 302
    distribution.refresh_from_db()
    assert distribution.name == "旺季" and distribution.kind == "amounts" and distribution.weights()[1] == D("1.00")
    # The list shows it to the district below (it serves it) but not to the south.
    assert distribution in [r["object"] for r in _get(personas["dm_hangzhou"], "plans:distribution_list").context["rows"]]
    assert _get(personas["rm_south"], "plans:distribution_list").context["rows"] == []
    # The district may use it but not change it; the south does not see it at all.
    assert personas["dm_hangzhou"].web().get(url).status_code == 403
    assert personas["rm_south"].web().get(url).status_code == 404


def test_distribution_pages_for_a_rep(personas):
    rep = personas["rep_hangzhou"].web()
    assert rep.get(reverse("plans:distribution_list")).status_code == 200
    assert rep.get(reverse("plans:distribution_create")).status_code == 403
    # The center may make a company-wide distribution (no unit).
    response = (
        personas["center"]
        .web()
        .post(reverse("plans:distribution_create"), _distribution_post("平均", ["1"] * 12, kind="amounts"))
    )
    assert response.status_code == 302
    assert SeasonalDistribution.objects.get().unit is None
    # A manager must name a unit (the company's is not theirs to make).
    response = _web(personas["rm_east"]).post(
        reverse("plans:distribution_create"), _distribution_post("平均2", ["1"] * 12, kind="amounts")
    )
    assert response.status_code == 400


# -------------------------------------------------------------------------------------------- plans
def _create(persona, units, *, kind="marketing", unit="HD", period="2026", title="2026年华东营销计划"):
    return persona.web().post(
        reverse("plans:plan_create"), {"kind": kind, "unit": units[unit].pk, "period": period, "title": title}
    )


def _edit_data(plan, *, title=None, body="全年营销重点：理财产品。", lines=(), actions=(), budget=(), then="stay", extra=None):
    """The POST of the edit page as a browser sends it. `lines`: [{metric, value, children: {id: v}, months: {"2026-01": v}}]."""
    data = {
        "title": title or plan.title,
        "period": str(plan.period),
        "body": body,
        "targets-TOTAL_FORMS": str(len(lines)),
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "actions-TOTAL_FORMS": str(len(actions)),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "budget-TOTAL_FORMS": str(len(budget)),
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "then": then,
    }
    for n, line in enumerate(lines):
        data[f"targets-{n}-metric"] = line.get("metric", "sales_amount")
        data[f"targets-{n}-period"] = line.get("period", "")
        data[f"targets-{n}-value"] = line["value"]
        data[f"targets-{n}-split_method"] = line.get("split_method", "manual" if line.get("children") else "")
        data[f"targets-{n}-distribution"] = line.get("distribution", "")
        for child_id, value in line.get("children", {}).items():
            data[f"targets-{n}-child_{child_id}"] = value
        for month, value in line.get("months", {}).items():
            data[f"targets-{n}-month_{month}"] = value
    for n, action in enumerate(actions):
        for key, value in action.items():
            data[f"actions-{n}-{key}"] = value
    for n, row in enumerate(budget):
        for key, value in row.items():
            data[f"budget-{n}-{key}"] = value
    data.update(extra or {})
    return data


def _east_line(units, *, value="7000.00", off="0.00"):
    children = {units[code].pk: "1000.00" for code in EAST_PROVINCES}
    children[units["330000"].pk] = str(D("1000.00") + D(off))
    months = {f"2026-{m:02d}": "583.33" for m in range(1, 12)}
    months["2026-12"] = "583.37"
    return {"metric": "sales_amount", "value": value, "children": children, "months": months}


@pytest.fixture
def east_plan(personas, units):
    from plans.models import Plan

    response = _create(personas["rm_east"], units)
    assert response.status_code == 302, response.content
    return Plan.objects.get()


def test_create_edit_check_submit_through_the_pages(personas, units):
    from approvals.models import ApprovalRequest
    from plans.models import Plan

    manager = _web(personas["rm_east"])
    assert manager.get(reverse("plans:plan_list")).status_code == 200
    assert manager.get(reverse("plans:plan_create")).status_code == 200
    response = _create(personas["rm_east"], units)
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    assert (plan.kind, plan.unit, str(plan.period), plan.state) == ("marketing", units["HD"], "2026", "draft")

    edit = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    response = manager.get(edit)
    assert response.status_code == 200
    form = response.context["targets"].forms[0]
    assert [c.code for c in form.children] == EAST_PROVINCES and len(form.months) == 12
    for name in ("targets-0-metric", "targets-0-value", f"targets-0-child_{units['330000'].pk}", "targets-0-month_2026-01"):
        assert f'name="{name}"'.encode() in response.content
    assert b'id="plan-save"' in response.content and b'id="plan-save-submit"' in response.content

    # Saved one cent over in 浙江: the save goes through (a draft may be half-done) and the check says so.
    owner = personas["dm_hangzhou"].staff
    response = manager.post(
        edit,
        _edit_data(
            plan,
            lines=[_east_line(units, off=D("0.01"))],
            actions=[{"what": "杭州理财沙龙", "owner": owner.pk, "due_on": "2026-03-31", "notes": ""}],
            budget=[{"category": "广告", "amount": "12000.00", "note": "线上"}],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = manager.get(edit)
    assert b'id="plan-check"' in response.content and "0.01" in response.context["check"][0]["message"]
    detail = manager.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert detail.status_code == 200 and b'data-add-up="problem"' in detail.content
    assert b"Over by 0.01" in _web(personas["rm_east"]).get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).content
    # Submitting it is refused on the page with the list of what does not add up (422, nothing sent).
    response = manager.post(reverse("plans:plan_submit", kwargs={"pk": plan.pk}))
    assert response.status_code == 422
    assert b'id="plan-refusal-list"' in response.content
    assert not ApprovalRequest.objects.exists()

    # Fixed, then submitted from the edit page ("Save and submit").
    response = manager.post(edit, _edit_data(plan, lines=[_east_line(units)], then="submit"))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert plan.state == "submitted"
    request = ApprovalRequest.objects.get()
    detail = manager.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert f'href="/approvals/{request.pk}/"'.encode() in detail.content
    assert b'id="plan-withdraw"' in detail.content and b'id="plan-submit"' not in detail.content
    assert [v.number for v in detail.context["versions"]] == [1]

    # A submitted plan is not edited: a 409 page with the reason, GET and POST alike.
    response = manager.get(edit)
    assert response.status_code == 409 and b'id="plan-conflict"' in response.content
    assert manager.post(edit, _edit_data(plan, lines=[_east_line(units)])).status_code == 409
    # Withdraw: editable again.
    response = manager.post(reverse("plans:plan_withdraw", kwargs={"pk": plan.pk}))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "withdrawn" and manager.get(edit).status_code == 200


def test_submit_button_path_from_the_plan_page(personas, units, east_plan):
    manager = _web(personas["rm_east"])
    edit = reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    assert manager.post(edit, _edit_data(east_plan, lines=[_east_line(units)], then="view")).status_code == 302
    detail = manager.get(reverse("plans:plan_detail", kwargs={"pk": east_plan.pk}))
    assert b'data-add-up="ok"' in detail.content and b'id="plan-submit"' in detail.content
    response = manager.post(reverse("plans:plan_submit", kwargs={"pk": east_plan.pk}))
    assert response.status_code == 302
    east_plan.refresh_from_db()
    assert east_plan.state == "submitted"


def test_suggest_buttons_fill_the_split_in_the_form_without_saving_it(personas, units, east_plan):
    manager = _web(personas["rm_east"])
    edit = reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    saved_before = _lines(east_plan)
    line = {"metric": "sales_amount", "value": "1000.00", "children": {units["310000"].pk: "3", units["320000"].pk: "1"}}
    response = manager.post(edit, _edit_data(east_plan, lines=[line], extra={"suggest": "0:shares"}))
    assert response.status_code == 200, response.content.decode()[:3000]
    # The edit page shows the suggested values in the inputs, and says they are not saved yet…
    initial = response.context["targets"].forms[0].initial
    assert initial[f"child_{units['310000'].pk}"] == D("750.00") and initial[f"child_{units['320000'].pk}"] == D("250.00")
    page = response.content.decode()
    assert 'id="plan-suggested"' in page and "not saved yet" in page
    assert "As saved" not in page and 'id="plan-check"' not in page
    # …and nothing was written: the draft is as it was last saved.
    assert _lines(east_plan) == saved_before
    # Saving the suggested values (the form as shown) keeps them.
    line["children"] = {units["310000"].pk: "750.00", units["320000"].pk: "250.00"}
    assert manager.post(edit, _edit_data(east_plan, lines=[line])).status_code == 302
    values = {c["code"]: c["value"] for c in _lines(east_plan)["targets"][0]["children"]}
    assert values["310000"] == "750.00" and values["320000"] == "250.00"
    # Equal shares when nothing was typed; months by the (equal) distribution.
    line = {"metric": "sales_amount", "value": "1000.00"}
    response = manager.post(edit, _edit_data(east_plan, lines=[line], extra={"suggest": "0:shares"}))
    assert response.status_code == 200
    children = [v for k, v in response.context["targets"].forms[0].initial.items() if k.startswith("child_")]
    assert sum(children) == D("1000.00")
    response = manager.post(edit, _edit_data(east_plan, lines=[line], extra={"suggest": "0:months"}))
    assert response.status_code == 200
    months = [v for k, v in response.context["targets"].forms[0].initial.items() if k.startswith("month_")]
    assert len(months) == 12 and sum(months) == D("1000.00")
    # A suggestion for a blank line is refused on the page (400), nothing changes.
    response = manager.post(edit, _edit_data(east_plan, lines=[{"metric": "", "value": ""}], extra={"suggest": "0:shares"}))
    assert response.status_code == 400


def _lines(plan):
    from plans.selectors import plan_lines

    return plan_lines(plan)


def test_edit_refusals_show_on_the_form(personas, units, east_plan):
    manager = _web(personas["rm_east"])
    edit = reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    # A month outside the line's period: the service refuses, the page names the line (400), nothing saved.
    line = {"metric": "sales_amount", "period": "2026-Q1", "value": "10.00", "months": {"2026-07": "10.00"}}
    response = manager.post(edit, _edit_data(east_plan, lines=[line]))
    assert response.status_code == 400
    assert b'id="targets-errors"' in response.content and b"Target line 1" in response.content
    assert not east_plan.target_lines.exists()
    # A count metric with cents; an action without an owner; a negative budget amount: errors on the fields.
    response = manager.post(
        edit,
        _edit_data(
            east_plan,
            lines=[{"metric": "new_customers", "value": "2.5"}],
            actions=[{"what": "拜访", "owner": "", "due_on": "2026-02-01"}],
            budget=[{"category": "广告", "amount": "-1"}],
        ),
    )
    assert response.status_code == 400
    assert response.context["actions"].forms[0].errors and response.context["budget"].forms[0].errors
    # A period that is not a period.
    response = manager.post(edit, {**_edit_data(east_plan), "period": "2026-13"})
    assert response.status_code == 400


def test_rep_writes_only_work_plans(personas, units):
    from plans.models import Plan

    rep = personas["rep_hangzhou"]
    response = rep.web().get(reverse("plans:plan_create"))
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["kind"].choices] == ["work"]
    response = _create(rep, units, kind="marketing", unit="330100", title="营销")
    assert response.status_code == 400 and response.context["form"].errors["kind"]
    assert not Plan.objects.exists()
    # A unit above their own is not offered either.
    response = _create(rep, units, kind="work", unit="330000", title="工作计划")
    assert response.status_code == 400 and response.context["form"].errors["unit"]
    response = _create(rep, units, kind="work", unit="330100", title="我的1月工作计划", period="2026-01")
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.author == rep.staff
    # The rep's work plan of a month splits to the district's reps and has no months.
    response = rep.web().get(reverse("plans:plan_edit", kwargs={"pk": plan.pk}))
    assert response.status_code == 200 and response.context["months"] == []


def test_create_refusals(personas, units):
    response = _create(personas["rm_east"], units, period="2026-13")
    assert response.status_code == 400 and response.context["form"].errors["period"]
    # A unit outside the scope is not a choice.
    response = _create(personas["rm_east"], units, unit="HN")
    assert response.status_code == 400 and response.context["form"].errors["unit"]


def test_plan_scope_and_rights(personas, units, east_plan):
    detail = reverse("plans:plan_detail", kwargs={"pk": east_plan.pk})
    edit = reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    for name in ("director", "center", "rm_east"):
        assert personas[name].web().get(detail).status_code == 200
    for name in ("rm_south", "pm_zhejiang", "dm_hangzhou", "rep_hangzhou"):
        assert personas[name].web().get(detail).status_code == 404
        assert personas[name].web().get(edit).status_code == 404
        assert personas[name].web().post(reverse("plans:plan_submit", kwargs={"pk": east_plan.pk})).status_code == 404
    # The director reads the region's draft but does not edit or submit it.
    director = personas["director"].web()
    response = director.get(detail)
    assert b'id="plan-edit"' not in response.content and b'id="plan-submit"' not in response.content
    assert director.get(edit).status_code == 403
    assert director.post(reverse("plans:plan_submit", kwargs={"pk": east_plan.pk})).status_code == 403


def test_plan_list_own_drafts_first_and_filters(personas, units, east_plan):
    from plans.models import Plan

    other = services.plan_create(
        kind="work", unit=units["330000"], period="2026", title="浙江工作计划", by=personas["pm_zhejiang"].user
    )
    response = _get(personas["pm_zhejiang"], "plans:plan_list")
    assert list(response.context["object_list"]) == [other]
    response = _get(personas["rm_east"], "plans:plan_list")
    assert [p.pk for p in response.context["object_list"]] == [east_plan.pk, other.pk]
    assert b'id="plan-new"' in response.content
    response = _get(
        personas["rm_east"],
        "plans:plan_list",
        query={"kind": "work", "state": "draft", "period": "2026", "unit": units["330000"].pk},
    )
    assert list(response.context["object_list"]) == [other]
    response = _get(personas["rm_east"], "plans:plan_list", query={"kind": "nope", "unit": "x"})
    assert response.status_code == 200
    assert Plan.objects.count() == 2


def test_plan_list_constant_queries(personas, units, django_assert_max_num_queries):
    client = _web(personas["rm_east"])
    services.plan_create(kind="work", unit=units["330000"], period="2026", title="计划0", by=personas["rm_east"].user)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("plans:plan_list"))
    for n in range(1, 8):
        services.plan_create(kind="work", unit=units["330000"], period="2026", title=f"计划{n}", by=personas["pm_zhejiang"].user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("plans:plan_list"))


@pytest.mark.parametrize("persona", READERS)
def test_plan_list_renders_for_every_reader(personas, persona):
    response = _get(personas[persona], "plans:plan_list")
    assert response.status_code == 200


def test_nav_has_plans_and_targets(personas):
    response = personas["rep_hangzhou"].web().get(reverse("plans:plan_list"))
    urls = [url for _label, url in response.context["nav_items"]]
    assert reverse("plans:plan_list") in urls and reverse("plans:target_list") in urls


def _submitted(personas, units, plan):
    manager = _web(personas["rm_east"])
    edit = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    assert manager.post(edit, _edit_data(plan, lines=[_east_line(units)], then="submit")).status_code == 302
    from plans.selectors import plan_request

    return manager, plan_request(plan)


def test_returned_plan_is_edited_and_resubmitted(personas, units, east_plan):
    from approvals.services import request_return

    manager, request = _submitted(personas, units, east_plan)
    request_return(request=request, by=personas["center"].user, comment="浙江目标偏低")
    east_plan.refresh_from_db()
    assert east_plan.state == "returned"
    edit = reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    assert manager.get(edit).status_code == 200
    assert (
        manager.post(
            edit, _edit_data(east_plan, lines=[_east_line(units, value="7100.00", off=D("100"))], then="view")
        ).status_code
        == 302
    )
    # The months no longer add up (7000 across months, 7100 the target): submit is refused with the reason.
    response = manager.post(reverse("plans:plan_submit", kwargs={"pk": east_plan.pk}))
    assert response.status_code == 422 and b"plan-refusal-list" in response.content
    line = _east_line(units, value="7100.00", off=D("100"))
    line["months"]["2026-12"] = "683.37"
    assert manager.post(edit, _edit_data(east_plan, lines=[line], then="submit")).status_code == 302
    detail = manager.get(reverse("plans:plan_detail", kwargs={"pk": east_plan.pk}))
    assert [v.number for v in detail.context["versions"]] == [1, 2]
    assert detail.content.count(b'href="/approvals/') >= 2


def test_revise_after_approval_and_after_rejection(personas, units, east_plan):
    from approvals.services import request_approve, request_reject
    from plans.models import Plan

    manager, request = _submitted(personas, units, east_plan)
    # The chain of a region's marketing plan: the center pool.
    request_approve(request=request, by=personas["center"].user)
    east_plan.refresh_from_db()
    assert east_plan.state == "approved"
    detail = reverse("plans:plan_detail", kwargs={"pk": east_plan.pk})
    response = manager.get(detail)
    assert b'id="plan-revise"' in response.content and b'id="plan-edit"' not in response.content
    assert manager.get(reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})).status_code == 409
    response = manager.post(reverse("plans:plan_revise", kwargs={"pk": east_plan.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan_edit", kwargs={"pk": east_plan.pk})
    east_plan.refresh_from_db()
    assert east_plan.state == "draft" and east_plan.target_lines.count() == 1
    # Revising a draft is a conflict shown on the page, not a 500.
    response = manager.post(reverse("plans:plan_revise", kwargs={"pk": east_plan.pk}))
    assert response.status_code == 409 and b'id="plan-refusal"' in response.content

    manager, request = _submitted(personas, units, east_plan)
    request_reject(request=request, by=personas["center"].user, comment="不符合战略")
    response = manager.post(reverse("plans:plan_revise", kwargs={"pk": east_plan.pk}))
    new = Plan.objects.exclude(pk=east_plan.pk).get()
    assert response["Location"] == reverse("plans:plan_edit", kwargs={"pk": new.pk})
    assert new.revises == east_plan and new.state == "draft"
    response = manager.get(detail)
    assert [p.pk for p in response.context["revisions"]] == [new.pk]


def test_withdraw_by_someone_else_is_refused(personas, units, east_plan):
    manager, request = _submitted(personas, units, east_plan)
    response = _web(personas["director"]).post(reverse("plans:plan_withdraw", kwargs={"pk": east_plan.pk}))
    assert response.status_code in (403, 409)
    east_plan.refresh_from_db()
    assert east_plan.state == "submitted"


def test_district_plan_splits_to_its_sales_staff(personas, units):
    from plans.models import Plan, Target

    manager = _web(personas["dm_hangzhou"])
    response = manager.post(
        reverse("plans:plan_create"),
        {"kind": "work", "unit": units["330100"].pk, "period": "2026-Q3", "title": "杭州三季度工作计划"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    edit = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    response = manager.get(edit)
    reps = [personas["rep_hangzhou"].staff, personas["rep_hangzhou_2"].staff]
    assert response.context["child_kind"] == "staff" and list(response.context["children"]) == reps
    assert [str(m) for m in response.context["months"]] == ["2026-07", "2026-08", "2026-09"]
    line = {
        "metric": "new_customers",
        "value": "10",
        "children": {reps[0].pk: "6", reps[1].pk: "4"},
        "months": {"2026-07": "3", "2026-08": "3", "2026-09": "4"},
    }
    assert manager.post(edit, _edit_data(plan, lines=[line], then="submit")).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted"
    # The province approves (next manager up): the targets are set, and the plan page links to the district's.
    from approvals.services import request_approve
    from plans.selectors import plan_request

    request_approve(request=plan_request(plan), by=personas["pm_zhejiang"].user)
    target = Target.objects.current().get(unit=units["330100"], metric="new_customers", period="2026-Q3")
    response = manager.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert response.context["targets"][0]["target_id"] == target.pk
    assert reverse("plans:target_detail", kwargs={"pk": target.pk}).encode() in response.content
    # The target page of a count metric shows whole numbers; the reps' split adds up.
    response = manager.get(reverse("plans:target_detail", kwargs={"pk": target.pk}))
    assert response.status_code == 200 and response.context["status"]["ok"] and len(response.context["children"]) == 2
    # Each rep sees their own share on the target list, not the other's.
    response = _get(personas["rep_hangzhou"], "plans:target_list")
    assert {(t.staff_id, t.value) for t in response.context["paginator"].object_list} == {(reps[0].pk, D("6.00"))}


def test_distribution_list_constant_queries(personas, units, django_assert_max_num_queries):
    client = personas["center"].web()
    services.distribution_save(name="平均", kind="amounts", values=["1"] * 12, by=SYSTEM)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("plans:distribution_list"))
    for n in range(5):
        services.distribution_save(name=f"分布{n}", kind="amounts", values=["1"] * 12, unit=units["330000"], by=SYSTEM)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("plans:distribution_list"))
