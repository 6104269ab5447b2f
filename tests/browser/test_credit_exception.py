"""The issue's browser test for credit-limit exceptions (信用额度例外, issue 16): a customer of 杭州 is at its
limit and the credit policy in force refuses invoices beyond it — a new invoice is refused. The district manager
asks for more credit on the customer's page (amount, first and last day, reason) and submits it; the chain the
amount and the (missing) grade give — the province's manager, the region's manager, the Development Center —
approves it on the approval pages; the same invoice then passes. In Chinese, in headless Chromium.

Dates are relative to the server's today, like the other browser tests: the live server and Chromium share the
real clock (a pinned server clock would give the browser session cookies that expired long ago), and nothing
here depends on which day it is — the exception runs from today for 30 days."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from approvals.services import request_approve
from core.errors import Conflict
from core.rights import SYSTEM
from core.roles import Role
from customers.models import Invoice
from customers.services import customer_create, invoice_record
from risk.models import CreditException
from risk.services import credit_policy_create, credit_policy_submit
from tests.browser.steps import expect, log_in, log_out

CUSTOMER = "杭州额度客户有限公司"
REASON = "客户确认大额订单，已提供银行保函。"
COMMENT = "同意，到期自动失效。"


def _refusing_policy(center, director):
    """A credit policy in force whose answer to an invoice beyond the limit is "refuse" (no caps): drafted and
    submitted by the Development Center, approved by the director through the approval services."""
    policy = credit_policy_create(by=center.user, name="信用政策（拒绝超额）", at_limit_action="refuse", limits={})
    request_approve(request=credit_policy_submit(by=center.user, policy=policy), by=director.user, comment="同意")
    policy.refresh_from_db()
    assert policy.state == "approved"
    return policy


def _new_invoice(customer, today):
    return invoice_record(
        by=SYSTEM, customer=customer, issue_date=today, due_date=today + timedelta(days=30), amount=Decimal("50000.00")
    )


def _approve_waiting(page, username, name, *, queue="/approvals/waiting/"):
    """Log in, open the request from the approval list, approve it with a comment, log out."""
    log_in(page, username)
    page.goto(queue)
    row = page.locator("table.app-table tbody tr", has_text=CUSTOMER)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(CUSTOMER)).click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    decide = page.locator("form", has=page.locator("button[name=move][value=approve]"))
    decide.locator("textarea[name=comment]").fill(COMMENT)
    decide.get_by_role("button", name="批准").click()
    expect(page.locator("#events")).to_contain_text(COMMENT)
    log_out(page, name)


def test_an_exception_requested_and_approved_lets_a_refused_invoice_pass(page, org, hire):
    dm = hire("dm_hangzhou", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("pm_zhejiang", name="浙江经理", role=Role.PROVINCIAL_MANAGER, unit="330000")
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    center = hire("center", name="中心审核员", role=Role.CENTER_STAFF, unit="HQ")
    director = hire("director", name="王总监", role=Role.DIRECTOR, unit="HQ")
    today = timezone.localdate()
    customer = customer_create(by=SYSTEM, name=CUSTOMER, district=org["330100"], credit_limit=Decimal("100000.00"))
    invoice_record(
        by=SYSTEM, customer=customer, issue_date=today, due_date=today + timedelta(days=30), amount=Decimal("95000.00")
    )
    _refusing_policy(center, director)
    # 95,000 owed + 50,000 > the limit of 100,000: refused, nothing written.
    with pytest.raises(Conflict):
        _new_invoice(customer, today)
    assert Invoice.objects.filter(customer=customer).count() == 1

    # --- the district manager asks for 80,000 more on the customer's page ---------------------------------
    log_in(page, "dm_hangzhou")
    page.goto(f"/customers/{customer.pk}/")
    page.locator("#credit-exceptions").get_by_role("link", name="申请信用额度例外").click()
    expect(page).to_have_url(re.compile(rf"/risk/credit/exceptions/new/\?customer={customer.pk}$"))
    form = page.locator("#credit-exception-form")
    form.locator("#id_extra_amount").fill("80000")
    form.locator("#id_valid_from").fill(today.isoformat())
    form.locator("#id_valid_to").fill((today + timedelta(days=30)).isoformat())
    form.locator("#id_reason").fill(REASON)
    form.get_by_role("button", name="保存草稿").click()
    expect(page).to_have_url(re.compile(r"/risk/credit/exceptions/\d+/$"))
    exception_url = page.url
    page.get_by_role("button", name="提交审批").click()
    expect(page).to_have_url(exception_url)
    expect(page.get_by_role("button", name="提交审批")).to_have_count(0)
    exception = CreditException.objects.get(customer=customer)
    assert (exception.state, exception.extra_amount, exception.requested_by_id) == ("submitted", Decimal("80000.00"), dm.user_id)
    assert (exception.valid_from, exception.valid_to) == (today, today + timedelta(days=30))
    log_out(page, "杭州经理")

    # --- the chain: 80,000 for a customer not graded yet climbs three rungs ---------------------------------
    _approve_waiting(page, "pm_zhejiang", "浙江经理")
    _approve_waiting(page, "rm_east", "华东经理")
    exception.refresh_from_db()
    assert exception.state == "submitted"  # the Development Center has not decided yet
    _approve_waiting(page, "center", "中心审核员", queue="/approvals/queue/")
    exception.refresh_from_db()
    assert exception.state == "approved"

    # --- the district manager sees it applying today; the refused invoice now passes ----------------------------
    log_in(page, "dm_hangzhou")
    page.goto(exception_url)
    expect(page.locator(".app-page-subtitle")).to_contain_text("今日有效")
    expect(page.locator("main")).to_contain_text("180,000.00")  # the limit that applies today
    log_out(page, "杭州经理")
    result = _new_invoice(customer, today)
    written = Invoice.objects.get(pk=result.invoice.pk)
    assert written.amount == Decimal("50000.00") and not written.over_credit_limit
    customer.refresh_from_db()
    assert customer.open_balance == Decimal("145000.00")
