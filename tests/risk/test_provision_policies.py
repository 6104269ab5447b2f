"""Provision policies (坏账准备计提比例, 账龄分析法): a rate per ageing bucket of the company, drafted by the
Development Center, approved through the one approval mechanism, one in force, revised into the next version;
bad rates refused on their bucket's field with nothing written."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from approvals.choices import ApprovalKind, StepState
from approvals.selectors import latest_request
from approvals.services import request_approve, request_return
from core.errors import Conflict, InvalidInput
from core.rights import SYSTEM, NotAllowed
from risk import services
from risk.choices import SchemeState
from risk.models import ProvisionPolicy

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 16, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
RATES = {"not_due": "0", "d1_30": "1", "d31_60": "5", "d61_90": "10", "d91_180": "20", "d181_365": "50", "over_365": "100"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOON, tick=False):
        yield


def _draft(personas, name="账龄分析法计提比例", **rates):
    return services.provision_policy_create(by=personas["center"].user, name=name, rates={**RATES, **rates})


def _approve(personas, policy):
    request = services.provision_policy_submit(by=personas["center"].user, policy=policy)
    request_approve(request=request, by=personas["director"].user)
    policy.refresh_from_db()
    return request


def test_draft_submit_approve_puts_the_policy_in_force(personas):
    policy = _draft(personas, d1_30="1.5")
    assert policy.state == SchemeState.DRAFT and policy.version == 1
    assert policy.rates["d1_30"] == "1.50" and policy.rates["over_365"] == "100.00"
    assert services.provision_policy_in_force() is None
    request = services.provision_policy_submit(by=personas["center"].user, policy=policy)
    assert (request.kind, request.unit.kind) == (ApprovalKind.PROVISION_POLICY, "center")
    assert [(s.approver_role, s.state) for s in request.steps.all()] == [("center_staff", StepState.PENDING)]
    assert request.snapshot["rates"]["d1_30"] == "1.50"
    with pytest.raises(Conflict):
        services.provision_policy_update(by=personas["center"].user, policy=policy, name="改")
    request_approve(request=request, by=personas["director"].user)
    policy.refresh_from_db()
    assert policy.state == SchemeState.APPROVED and policy.approved_at is not None
    assert services.provision_policy_in_force() == policy


def test_revising_drafts_the_next_version_and_its_approval_retires_the_old(personas):
    first = _draft(personas)
    _approve(personas, first)
    second = services.provision_policy_revise(by=personas["center"].user, policy=first)
    assert (second.version, second.previous, second.state, second.rates) == (2, first, SchemeState.DRAFT, first.rates)
    with pytest.raises(Conflict):
        services.provision_policy_revise(by=personas["center"].user, policy=first)
    with pytest.raises(Conflict):
        services.provision_policy_revise(by=personas["center"].user, policy=second)
    services.provision_policy_update(by=personas["center"].user, policy=second, rates={**RATES, "d31_60": "8"})
    _approve(personas, second)
    first.refresh_from_db()
    assert (first.state, second.state) == (SchemeState.RETIRED, SchemeState.APPROVED)
    assert services.provision_policy_in_force().rates["d31_60"] == "8.00"
    assert ProvisionPolicy.objects.filter(state=SchemeState.APPROVED).count() == 1


def test_a_returned_policy_is_a_draft_again(personas):
    policy = _draft(personas)
    request = services.provision_policy_submit(by=personas["center"].user, policy=policy)
    request_return(request=request, by=personas["director"].user, comment="比例再议")
    policy.refresh_from_db()
    assert policy.state == SchemeState.DRAFT


@pytest.mark.parametrize(
    ("rates", "field"),
    [
        ({**RATES, "d1_30": "-1"}, "rate_d1_30"),
        ({**RATES, "d31_60": "100.01"}, "rate_d31_60"),
        ({**RATES, "d61_90": "5.123"}, "rate_d61_90"),
        ({**RATES, "d61_90": "1e9"}, "rate_d61_90"),
        ({**RATES, "d91_180": "abc"}, "rate_d91_180"),
        ({key: value for key, value in RATES.items() if key != "over_365"}, "rate_over_365"),
        ({**RATES, "d1_30": None}, "rate_d1_30"),
        ({**RATES, "d366_999": "3"}, "rates"),
        (["1", "2"], "rates"),
    ],
)
def test_bad_rates_are_refused_on_their_field_and_nothing_is_written(personas, rates, field):
    with pytest.raises(InvalidInput) as error:
        services.provision_policy_create(by=personas["center"].user, name="坏", rates=rates)
    assert error.value.field == field
    assert ProvisionPolicy.objects.count() == 0


def test_only_the_center_drafts_and_submits(personas):
    with pytest.raises(NotAllowed):
        services.provision_policy_create(by=personas["rm_east"].user, name="区域", rates=RATES)
    policy = services.provision_policy_create(by=SYSTEM, name="系统", rates=RATES)
    with pytest.raises(NotAllowed):
        services.provision_policy_submit(by=personas["dm_hangzhou"].user, policy=policy)
    assert ProvisionPolicy.objects.count() == 1


def _form(**changes):
    return {"name": "账龄分析法", "description": "", **{f"rate_{k}": v for k, v in RATES.items()}, **changes}


def test_pages_draft_edit_submit_and_the_reviewer_sees_the_rates(personas):
    center = personas["center"].web()
    assert center.get(reverse("risk:provision_policy_list")).status_code == 200
    url = reverse("risk:provision_policy_create")
    assert center.get(url).status_code == 200
    response = center.post(url, _form(rate_d31_60="120"))
    assert response.status_code == 400 and response.context["form"].errors["rate_d31_60"]
    response = center.post(url, _form(rate_over_365=""))
    assert response.status_code == 400 and response.context["form"].errors["rate_over_365"]
    assert ProvisionPolicy.objects.count() == 0
    response = center.post(url, _form())
    policy = ProvisionPolicy.objects.get()
    assert response.status_code == 302 and response["Location"] == policy.get_absolute_url()
    edit = reverse("risk:provision_policy_edit", kwargs={"pk": policy.pk})
    assert center.get(edit).status_code == 200
    assert center.post(edit, _form(rate_d1_30="2.5")).status_code == 302
    policy.refresh_from_db()
    assert policy.rates["d1_30"] == "2.50"
    detail = center.get(policy.get_absolute_url())
    assert detail.status_code == 200 and detail.context["may_submit"]
    assert [r["rate"] for r in detail.context["rows"]] == [D("0"), D("2.5"), D("5"), D("10"), D("20"), D("50"), D("100")]
    assert center.post(policy.get_absolute_url(), {"action": "submit"}).status_code == 302
    policy.refresh_from_db()
    assert policy.state == SchemeState.SUBMITTED
    director = personas["director"].web()
    page = director.get(reverse("approvals:detail", kwargs={"pk": latest_request(policy).pk}))
    html = page.content.decode()
    assert page.status_code == 200 and "risk-provision-policy-review" in html and 'data-bucket="d1_30"' in html


def test_pages_and_api_refuse_people_outside_the_center(personas):
    dm = personas["dm_hangzhou"].web()
    assert dm.post(reverse("risk:provision_policy_create"), _form()).status_code == 403
    policy = _draft(personas)
    assert dm.get(policy.get_absolute_url()).status_code == 200  # everyone reads the policies
    assert dm.post(policy.get_absolute_url(), {"action": "submit"}).status_code == 403
    api = personas["dm_hangzhou"].api()
    listing = api.get(reverse("risk-provision-policy-list"))
    assert listing.status_code == 200 and [row["id"] for row in listing.json()["results"]] == [policy.pk]
    detail = api.get(reverse("risk-provision-policy-detail", kwargs={"pk": policy.pk})).json()
    assert detail["rates"]["d61_90"] == "10.00" and detail["state"] == "draft"
    assert api.post(reverse("risk-provision-policy-list"), {"name": "x"}, format="json").status_code in (403, 405)
    policy.refresh_from_db()
    assert policy.state == SchemeState.DRAFT
