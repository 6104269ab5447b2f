"""The issue's browser test for promotion recommendations (晋升建议, issue 19): the district manager of 杭州 opens a
salesperson's development archive, recommends them as district manager of 宁波 from three days ago (inside the
allowed window), and submits it; the chain above 杭州 — the province's manager, the region's manager, the
Development Center — approves it on the approval pages; the move is applied through the staff services at once
(its effective date has come), and the person's archive shows the new position from its effective date. In
Chinese, in headless Chromium.

Dates are relative to the server's today, like the other browser tests (the live server and Chromium share the
real clock); nothing depends on which day it is. The pages of the team app are found by ids and form names: its
strings' Chinese translations are merged into the catalogue by the lead, after this test was written."""

import re
from datetime import timedelta

from django.utils import timezone

from core.roles import Role
from regions.models import Position
from team.models import PromotionRecommendation
from tests.browser.steps import expect, log_in, log_out

PERSON = "李晓明"
REASON = "连续四个季度考核第一，带教新人成效显著。"
COMMENT = "同意晋升。"


def _approve_waiting(page, username, name, *, queue="/approvals/waiting/"):
    """Log in, open the request from the approval list, approve it with a comment, log out."""
    log_in(page, username)
    page.goto(queue)
    row = page.locator("table.app-table tbody tr", has_text=PERSON)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(PERSON)).click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    decide = page.locator("form", has=page.locator("button[name=move][value=approve]"))
    decide.locator("textarea[name=comment]").fill(COMMENT)
    decide.get_by_role("button", name="批准").click()
    expect(page.locator("#events")).to_contain_text(COMMENT)
    log_out(page, name)


def test_a_promotion_recommended_and_approved_moves_the_person_from_its_effective_date(page, org, hire):
    hire("dm_hangzhou", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("pm_zhejiang", name="浙江经理", role=Role.PROVINCIAL_MANAGER, unit="330000")
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    hire("center", name="中心审核员", role=Role.CENTER_STAFF, unit="HQ")
    person = hire("rep_hangzhou", name=PERSON, role=Role.SALES_REP, unit="330100")
    effective = timezone.localdate() - timedelta(days=3)

    # --- the district manager recommends the salesperson from their development archive -----------------------
    log_in(page, "dm_hangzhou")
    page.goto(f"/org/staff/{person.pk}/")
    page.locator(f"a[href='/team/staff/{person.pk}/development/']").click()
    expect(page).to_have_url(re.compile(rf"/team/staff/{person.pk}/development/$"))
    page.locator(f"a[href='/team/promotions/new/?staff={person.pk}']").click()
    form = page.locator("#promotion-form")
    expect(form.locator("#id_staff")).to_have_value(str(person.pk))
    form.locator("#id_to_unit").select_option(str(org["330200"].pk))
    form.locator("#id_to_role").select_option(Role.DISTRICT_MANAGER.value)
    form.locator("#id_to_title").fill("宁波市经理")
    form.locator("#id_effective_on").fill(effective.isoformat())
    form.locator("#id_reason").fill(REASON)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/team/promotions/\d+/$"))
    recommendation_url = page.url
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(recommendation_url)
    expect(page.locator("button[name=action][value=submit]")).to_have_count(0)
    recommendation = PromotionRecommendation.objects.get(staff=person)
    assert (recommendation.state, recommendation.to_unit.code, recommendation.effective_on) == ("submitted", "330200", effective)
    log_out(page, "杭州经理")

    # --- the chain above 杭州 approves it ------------------------------------------------------------------------
    _approve_waiting(page, "pm_zhejiang", "浙江经理")
    _approve_waiting(page, "rm_east", "华东经理")
    recommendation.refresh_from_db()
    assert recommendation.state == "submitted"  # the Development Center has not decided yet
    _approve_waiting(page, "center", "中心审核员", queue="/approvals/queue/")
    recommendation.refresh_from_db()
    assert recommendation.state == "applied"  # its effective date has come: applied once the decision committed

    current = Position.objects.get(staff=person, ended_on__isnull=True)
    assert (current.unit.code, current.role, current.started_on) == ("330200", Role.DISTRICT_MANAGER, effective)

    # --- the archive shows the new position from its effective date (read by the province's manager) -------------
    log_in(page, "pm_zhejiang")
    page.goto(f"/org/staff/{person.pk}/")
    rows = page.locator("table.app-table tbody tr")
    first = rows.first
    expect(first).to_contain_text("宁波市")
    expect(first).to_contain_text(effective.strftime("%Y-%m-%d"))
    expect(first).to_contain_text("宁波市经理")
    expect(page.locator("main")).to_contain_text(effective.strftime("%Y-%m-%d"))
    expect(rows.nth(1)).to_contain_text("杭州市")
    log_out(page, "浙江经理")
