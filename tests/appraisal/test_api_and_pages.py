"""The appraisal API and pages: creating and submitting through them, bad input as clear 400s, the
scoped Excel export persona by persona, the suggested incentives by query unit (inside 200, outside
404), navigation, and a constant number of queries for the lists and the run page."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal import services
from appraisal.models import AppraisalScore, RewardProposal
from core.rights import SYSTEM
from core.roles import Role
from regions.services import staff_hire
from tests.appraisal.conftest import REP_ITEMS, approved_scheme

pytestmark = pytest.mark.django_db


def test_api_drafts_and_submits_a_scheme(personas):
    client = personas["center"].api(language="en")
    body = {"name": "业务员考核", "role": "sales_rep", "period_kind": "month", "valid_from": "2026-01-01", "items": REP_ITEMS}
    response = client.post(reverse("appraisal-scheme-list"), body, format="json")
    assert response.status_code == 201, response.content
    scheme_id = response.json()["id"]
    assert sum(float(item["weight"]) for item in response.json()["items"]) == 100
    response = client.post(reverse("appraisal-scheme-submit", kwargs={"pk": scheme_id}), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    response = client.post(reverse("appraisal-scheme-submit", kwargs={"pk": scheme_id}), {}, format="json")
    assert response.status_code == 409
    # Managers read schemes but do not draft them.
    response = personas["rm_east"].api().post(reverse("appraisal-scheme-list"), body, format="json")
    assert response.status_code == 403


def test_api_changes_a_draft_then_revises_and_retires_the_approved_scheme(personas):
    client = personas["center"].api(language="en")
    body = {"name": "业务员考核", "role": "sales_rep", "period_kind": "month", "valid_from": "2026-01-01", "items": REP_ITEMS}
    scheme_id = client.post(reverse("appraisal-scheme-list"), body, format="json").json()["id"]
    detail = reverse("appraisal-scheme-detail", kwargs={"pk": scheme_id})
    response = client.patch(detail, {"description": "季度修订", "name": "业务员月度考核"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["description"]) == ("业务员月度考核", "季度修订")
    items = [{"kind": "sales_attainment", "weight": "60"}, {"kind": "manual", "label": "协作", "weight": "30"}]
    response = client.patch(detail, {"items": items}, format="json")
    assert response.status_code == 400 and "exactly 100" in response.json()["errors"]["items"][0]
    response = client.patch(detail, {"items": [*items, {"kind": "collections_attainment", "weight": "10"}]}, format="json")
    assert response.status_code == 200 and [i["kind"] for i in response.json()["items"]][-1] == "collections_attainment"
    # Only an approved scheme is revised or retired.
    assert client.post(reverse("appraisal-scheme-revise", kwargs={"pk": scheme_id}), {}, format="json").status_code == 409
    assert client.post(reverse("appraisal-scheme-retire", kwargs={"pk": scheme_id}), {}, format="json").status_code == 409
    # A manager reads it but changes nothing.
    assert personas["rm_east"].api().patch(detail, {"description": "x"}, format="json").status_code == 403

    approved = approved_scheme(personas, name="已批准办法")
    response = client.post(reverse("appraisal-scheme-revise", kwargs={"pk": approved.pk}), {}, format="json")
    assert response.status_code == 201, response.content
    draft = response.json()
    assert (draft["state"], draft["version"]) == ("draft", approved.version + 1)
    assert client.post(reverse("appraisal-scheme-revise", kwargs={"pk": approved.pk}), {}, format="json").status_code == 409
    assert (
        personas["rm_east"]
        .api()
        .post(reverse("appraisal-scheme-retire", kwargs={"pk": approved.pk}), {}, format="json")
        .status_code
        == 403
    )
    response = client.post(reverse("appraisal-scheme-retire", kwargs={"pk": approved.pk}), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "retired"
    # A retired scheme is not changed through PATCH either (only drafts are).
    assert (
        client.patch(
            reverse("appraisal-scheme-detail", kwargs={"pk": approved.pk}), {"description": "y"}, format="json"
        ).status_code
        == 409
    )


def test_api_refuses_weights_not_adding_up_to_100(personas):
    body = {
        "name": "x",
        "role": "sales_rep",
        "period_kind": "month",
        "valid_from": "2026-01-01",
        "items": [{"kind": "sales_attainment", "weight": "50"}, {"kind": "collections_attainment", "weight": "40"}],
    }
    response = personas["center"].api(language="en").post(reverse("appraisal-scheme-list"), body, format="json")
    assert response.status_code == 400
    assert "exactly 100" in response.json()["errors"]["items"][0]
    body["items"].append({"kind": "bogus", "weight": "10"})
    response = personas["center"].api().post(reverse("appraisal-scheme-list"), body, format="json")
    assert response.status_code == 400 and "items" in response.json()["errors"]


@pytest.mark.parametrize(("period", "status"), [("2026-13", 400), ("2099-01", 400), ("2026", 400), ("2026-01", 201)])
def test_api_computes_a_run_and_refuses_bad_periods(facts, personas, period, status):
    scheme = approved_scheme(personas)
    response = (
        personas["center"].api().post(reverse("appraisal-run-list"), {"scheme": scheme.pk, "period": period}, format="json")
    )
    assert response.status_code == status, response.content
    if status == 400:
        assert "period" in response.json()["errors"]
    response = (
        personas["rm_east"].api().post(reverse("appraisal-run-list"), {"scheme": scheme.pk, "period": "2026-01"}, format="json")
    )
    assert response.status_code == 403


def test_api_manual_score(facts, personas):
    scheme = approved_scheme(personas)
    run = services.run_compute(scheme=scheme, period="2026-01", by=SYSTEM)
    score = AppraisalScore.objects.get(run=run, staff=personas["rep_hangzhou"].staff)
    manual_item = scheme.items.get(kind="manual")
    url = reverse("appraisal-score-manual", kwargs={"pk": score.pk})
    body = {"item": manual_item.pk, "score": "90", "comment": "好"}
    response = personas["dm_hangzhou"].api().post(url, body, format="json")
    assert response.status_code == 200, response.content
    line = next(i for i in response.json()["items"] if i["item"] == manual_item.pk)
    assert line["manual_score"] == "90.00" and line["comment"] == "好"
    assert personas["dm_guangzhou"].api().post(url, body, format="json").status_code == 404
    assert personas["rep_hangzhou"].api().post(url, body, format="json").status_code == 403
    assert personas["pm_guangdong"].api().get(reverse("appraisal-score-detail", kwargs={"pk": score.pk})).status_code == 404
    response = personas["dm_hangzhou"].api().post(url, {**body, "score": "150"}, format="json")
    assert response.status_code == 400 and "manual_score" in response.json()["errors"]


def test_api_reward_proposal_create_and_submit(personas, units):
    client = personas["dm_hangzhou"].api()
    body = {
        "kind": "reward",
        "unit": units["330100"].pk,
        "staff": personas["rep_hangzhou"].staff.pk,
        "period": "2026-01",
        "amount": "3000.00",
        "reason": "季度冠军",
    }
    response = client.post(reverse("appraisal-reward-proposal-list"), body, format="json")
    assert response.status_code == 201, response.content
    proposal_id = response.json()["id"]
    response = client.post(reverse("appraisal-reward-proposal-submit", kwargs={"pk": proposal_id}), {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    # A unit outside the scope is "does not exist" (400) on create; a rep proposes nothing.
    response = personas["dm_guangzhou"].api().post(reverse("appraisal-reward-proposal-list"), body, format="json")
    assert response.status_code == 400 and "unit" in response.json()["errors"]
    response = personas["rep_hangzhou"].api().post(reverse("appraisal-reward-proposal-list"), body, format="json")
    assert response.status_code == 403


def _company_run(facts, personas):
    return services.run_compute(scheme=approved_scheme(personas), period="2026-01", by=SYSTEM)


def _exported_people(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return {row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("center", {"T0009", "T0010", "F0001", "F0002"}),
        ("rm_east", {"T0009", "T0010", "F0001"}),
        ("rm_south", {"F0002"}),
        ("pm_zhejiang", {"T0009", "T0010", "F0001"}),
        ("dm_hangzhou", {"T0009", "T0010"}),
        ("dm_guangzhou", {"F0002"}),
        ("rep_hangzhou", {"T0009"}),
    ],
)
def test_export_contains_only_the_readers_people(facts, personas, persona, expected):
    run = _company_run(facts, personas)
    response = personas[persona].web().get(reverse("appraisal:run_export", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _exported_people(response) == expected


@pytest.mark.parametrize(
    ("persona", "status"), [("dm_hangzhou", 200), ("rm_east", 200), ("rm_south", 404), ("dm_guangzhou", 404)]
)
def test_export_of_a_run_outside_the_scope_is_404(facts, personas, units, persona, status):
    scheme = approved_scheme(personas)
    run = services.run_compute(scheme=scheme, period="2026-01", unit=units["330100"], by=SYSTEM)
    response = personas[persona].web().get(reverse("appraisal:run_export", kwargs={"pk": run.pk}))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("center", "440100", 200),
        ("rm_east", "330000", 200),
        ("rm_east", "440100", 404),
        ("dm_hangzhou", "330100", 200),
        ("dm_hangzhou", "330200", 404),
        ("pm_guangdong", "330100", 404),
    ],
)
def test_suggested_incentives_by_unit_inside_200_outside_404(personas, units, persona, unit, status):
    scheme = services.incentive_scheme_create(
        name="激励",
        subject="district",
        valid_from=date(2025, 1, 1),
        classes=[{"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]}],
        by=SYSTEM,
    )
    url = reverse("appraisal-incentive-scheme-suggested", kwargs={"pk": scheme.pk})
    response = personas[persona].api().get(url, {"period": "2026-01", "unit": units[unit].pk})
    assert response.status_code == status
    page = reverse("appraisal:incentive_detail", kwargs={"pk": scheme.pk})
    response = personas[persona].web().get(page, {"period": "2026-01", "unit": units[unit].pk})
    assert response.status_code == status
    response = personas[persona].api().get(url, {"period": "2099-01"})
    assert response.status_code == 400 and "period" in response.json()["errors"]


def test_scheme_pages_draft_refuse_bad_weights_and_submit(personas):
    client = personas["center"].web()
    data = {
        "name": "区县经理考核",
        "role": "district_manager",
        "period_kind": "quarter",
        "valid_from": "2026-01-01",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "sales_attainment",
        "items-0-weight": "60",
        "items-0-rule": "linear",
        "items-0-cap": "100",
        "items-1-kind": "manual",
        "items-1-label": "管理",
        "items-1-weight": "30",
        "items-1-rule": "linear",
    }
    response = client.post(reverse("appraisal:scheme_create"), data)
    assert response.status_code == 400
    assert "100" in response.content.decode()
    data.update(
        {
            "items-2-kind": "collections_attainment",
            "items-2-weight": "10",
            "items-2-rule": "tiers",
            "items-2-tiers": "80:60, 100:100",
        }
    )
    response = client.post(reverse("appraisal:scheme_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = response["Location"]
    assert client.get(detail).status_code == 200
    response = client.post(detail, {"action": "submit"})
    assert response.status_code == 302
    assert "submitted" in str(services.AppraisalScheme.objects.get(name="区县经理考核").state)
    # A manager reads the scheme but may not create one.
    assert personas["rm_east"].web().get(reverse("appraisal:scheme_create")).status_code == 403
    assert personas["rm_east"].web().post(detail, {"action": "retire"}).status_code == 403


def test_incentive_scheme_page_sets_classes_and_tiers_and_refuses_bad_ones(personas):
    from appraisal.models import IncentiveScheme

    client = personas["center"].web()
    assert client.get(reverse("appraisal:incentive_create")).status_code == 200
    data = {
        "name": "2027年地办激励",
        "subject": "district",
        "valid_from": "2027-01-01",
        "classes-TOTAL_FORMS": "3",
        "classes-INITIAL_FORMS": "0",
        "classes-0-name": "小型",
        "classes-0-min_sales": "0",
        "classes-0-tiers": "80:0.5, 100：1＋2000",
        # Thresholds must rise: a second class from 0 again is refused, and nothing is written.
        "classes-1-name": "大型",
        "classes-1-min_sales": "0",
        "classes-1-tiers": "100:1.5",
    }
    response = client.post(reverse("appraisal:incentive_create"), data)
    assert response.status_code == 400
    (message,) = response.context["formset"].non_form_errors()
    assert message in response.content.decode()
    assert not IncentiveScheme.objects.filter(name="2027年地办激励").exists()
    bad_tiers = {**data, "classes-1-min_sales": "5000000", "classes-1-tiers": "100"}
    response = client.post(reverse("appraisal:incentive_create"), bad_tiers)
    assert response.status_code == 400 and response.context["formset"].forms[1].errors["tiers"]

    response = client.post(reverse("appraisal:incentive_create"), {**data, "classes-1-min_sales": "5000000"})
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = IncentiveScheme.objects.get(name="2027年地办激励")
    classes = [
        (c.name, c.min_sales, [(t.min_attainment, t.bonus_rate, t.fixed_amount) for t in c.tiers.all()])
        for c in scheme.classes.order_by("min_sales")
    ]
    assert classes == [
        (
            "小型",
            Decimal("0.00"),
            [(Decimal("80.00"), Decimal("0.5000"), Decimal("0.00")), (Decimal("100.00"), Decimal("1.0000"), Decimal("2000.00"))],
        ),
        ("大型", Decimal("5000000.00"), [(Decimal("100.00"), Decimal("1.5000"), Decimal("0.00"))]),
    ]
    assert client.get(response["Location"]).status_code == 200
    # Managers read incentive schemes; only the Development Center sets them.
    manager = personas["rm_east"].web()
    assert manager.get(reverse("appraisal:incentive_create")).status_code == 403
    assert manager.post(reverse("appraisal:incentive_create"), data).status_code == 403
    assert "incentive_create" not in manager.get(reverse("appraisal:incentive_list")).content.decode()
    assert reverse("appraisal:incentive_create") in client.get(reverse("appraisal:incentive_list")).content.decode()


def test_run_and_score_pages(facts, personas):
    run = _company_run(facts, personas)
    rep = personas["rep_hangzhou"]
    response = personas["rm_east"].web().get(reverse("appraisal:run_detail", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    names = {score.staff.name for score in response.context["scores"]}
    assert names == {"rep_hangzhou", "rep_hangzhou_2", "宁波业务员"}
    score = AppraisalScore.objects.get(run=run, staff=rep.staff)
    url = reverse("appraisal:score_detail", kwargs={"pk": score.pk})
    manual = run.scheme.items.get(kind="manual")
    response = personas["dm_hangzhou"].web().post(url, {"item": manual.pk, "score": "120", "comment": ""})
    assert response.status_code == 400
    response = personas["dm_hangzhou"].web().post(url, {"item": manual.pk, "score": "70", "comment": "不错"})
    assert response.status_code == 302
    assert rep.web().post(url, {"item": manual.pk, "score": "100"}).status_code == 403
    response = rep.web().get(url)
    assert response.status_code == 200 and "不错" in response.content.decode()
    # A run page shows a rep only their own row.
    response = rep.web().get(reverse("appraisal:run_detail", kwargs={"pk": run.pk}))
    assert [s.staff_id for s in response.context["scores"]] == [rep.staff.pk]


def test_run_form_refuses_a_future_period(personas):
    scheme = approved_scheme(personas)
    response = personas["center"].web().post(reverse("appraisal:run_create"), {"scheme": scheme.pk, "period": "2099-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["period"]


def test_reward_pages(personas, units):
    client = personas["dm_hangzhou"].web()
    response = client.post(
        reverse("appraisal:reward_create"),
        {"kind": "special_award", "unit": units["330100"].pk, "period": "2026-01", "amount": "2000", "reason": "专项攻关"},
    )
    assert response.status_code == 302
    proposal = RewardProposal.objects.get(reason="专项攻关")
    response = client.post(reverse("appraisal:reward_detail", kwargs={"pk": proposal.pk}))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    response = client.post(
        reverse("appraisal:reward_create"),
        {"kind": "reward", "unit": units["330100"].pk, "period": "2099-01", "amount": "2000", "reason": "x"},
    )
    assert response.status_code == 400 and response.context["form"].errors["period"]
    assert personas["rep_hangzhou"].web().get(reverse("appraisal:reward_create")).status_code == 403


def test_the_approval_page_shows_the_scheme_review(personas):
    from approvals.models import ApprovalRequest

    scheme = approved_scheme(personas)
    request = ApprovalRequest.objects.get(object_id=scheme.pk, kind="appraisal_scheme")
    response = personas["director"].web().get(reverse("approvals:detail", kwargs={"pk": request.pk}))
    assert response.status_code == 200
    assert f'data-scheme="{scheme.pk}"' in response.content.decode()


def test_navigation(personas):
    from appraisal.nav import items
    from core.roles import role_of

    def labels(name):
        user = personas[name].user
        return [str(label) for label, _url in items(user, role_of(user))]

    assert len(labels("dm_hangzhou")) == 2
    assert len(labels("rep_hangzhou")) == 1


# ------------------------------------------------------------------------------------------- queries


def _grow(units, personas, start, n):
    codes = ["330100", "330200", "440100", "440300"]
    for k in range(n):
        staff = staff_hire(
            by=SYSTEM,
            employee_no=f"G{start + k:04d}",
            name=f"增量{k}",
            unit=units[codes[k % 4]],
            role=Role.SALES_REP,
            hire_date=date(2020, 1, 1),
        )
        RewardProposal.objects.create(unit=staff.unit, staff=staff, period="2026-01", amount="100.00", reason=f"增量{k}")
    approved_scheme(personas, name=f"方案{start}")
    services.incentive_scheme_create(
        name=f"激励{start}",
        subject="district",
        valid_from=date(2025, 1, 1),
        classes=[{"name": "小", "min_sales": "0", "tiers": [{"min_attainment": "100", "bonus_rate": "1"}]}],
        by=SYSTEM,
    )


LISTS = [
    "appraisal-scheme-list",
    "appraisal-run-list",
    "appraisal-score-list",
    "appraisal-incentive-scheme-list",
    "appraisal-reward-proposal-list",
]
PAGES = ["appraisal:scheme_list", "appraisal:run_list", "appraisal:incentive_list", "appraisal:reward_list"]


def _counts(personas, run):
    counts = {}
    client = personas["center"].api()
    web = personas["rm_east"].web()
    for name in LISTS:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(context)
    for name in PAGES:
        with CaptureQueriesContext(connection) as context:
            assert web.get(reverse(name)).status_code == 200
        counts[name] = len(context)
    with CaptureQueriesContext(connection) as context:
        assert web.get(reverse("appraisal:run_detail", kwargs={"pk": run.pk})).status_code == 200
    counts["run page"] = len(context)
    return counts


def test_lists_and_the_run_page_use_a_constant_number_of_queries(personas, units):
    _grow(units, personas, 1, 2)
    scheme = approved_scheme(personas, name="计数")
    run = services.run_compute(scheme=scheme, period="2026-01", by=SYSTEM)
    small = _counts(personas, run)
    _grow(units, personas, 100, 20)
    services.run_recompute(run=run, by=SYSTEM)
    services.run_compute(scheme=scheme, period="2026-02", by=SYSTEM)
    large = _counts(personas, run)
    assert large == small


@pytest.mark.parametrize(
    ("persona", "status"), [("center", 200), ("director", 200), ("rm_east", 403), ("rm_south", 404), ("rep_hangzhou", 403)]
)
def test_scheme_edit_page_rights_and_scope(personas, units, persona, status):
    scheme = services.scheme_create(
        name="杭州试点考核",
        role="sales_rep",
        period_kind="month",
        valid_from=date(2026, 1, 1),
        items=REP_ITEMS,
        unit=units["330100"],
        by=SYSTEM,
    )
    url = reverse("appraisal:scheme_edit", kwargs={"pk": scheme.pk})
    assert personas[persona].web().get(url).status_code == status


def test_scheme_edit_page_saves_a_draft_and_refuses_an_approved_scheme(personas):
    scheme = services.scheme_create(
        name="待改", role="sales_rep", period_kind="month", valid_from=date(2026, 1, 1), items=REP_ITEMS, by=SYSTEM
    )
    client = personas["center"].web()
    url = reverse("appraisal:scheme_edit", kwargs={"pk": scheme.pk})
    data = {
        "name": "已改",
        "role": "sales_rep",
        "period_kind": "month",
        "valid_from": "2026-01-01",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "sales_attainment",
        "items-0-weight": "100",
        "items-0-rule": "linear",
        "items-0-cap": "110",
    }
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "已改" and [i.cap for i in scheme.items.all()] == [Decimal("110.00")]
    approved = approved_scheme(personas)
    response = client.post(reverse("appraisal:scheme_edit", kwargs={"pk": approved.pk}), data)
    assert response.status_code == 400
