"""The issue's browser test for channels and contracts (渠道与合同, issue 17): the district manager of 杭州 opens a
channel on /channels/new/, moves it prospect → negotiating → contracted on its page (each move with a reason),
drafts a contract with it from the channel's page (/channels/contracts/new/?channel=<id>) with the signed copy —
a small real PDF made here — moves it to signed and submits it for filing; the chain of the contract-filing kind
(Route.CENTER: the region's manager, then the Development Center's pool) approves it on the approval pages; the
contract shows as filed; and the regional manager's dashboard counts one more new channel this month than before.
In Chinese, in headless Chromium; the assertions read data attributes and figures, not English words.

The dashboard reads the monthly summaries (performance.MonthlyFact), which the beat job `performance.refresh_recent`
re-aggregates every ten minutes; no worker runs here, so the test calls what that job calls,
`performance.services.summaries_refresh_recent()`, before each look at the dashboard (as steps.one_sale_in_hangzhou
calls `summaries_rebuild` for the dashboard tests). One channel is already contracted this month before the test
(through the services), so "one more" is checked against a figure that is not zero.

Dates are the server's today (Beijing), like the other browser tests: every move is dated today."""

import re
from datetime import timedelta

from django.utils import timezone

from channels.models import Channel, ChannelTransition, Contract
from channels.services import channel_create, channel_transition
from core.rights import SYSTEM
from core.roles import Role
from performance.services import summaries_refresh_recent
from tests.browser.steps import expect, log_in, log_out

CHANNEL = "杭州城东银行渠道"
TITLE = "杭州城东银行代销合作协议"
COMMENT = "同意备案。"
REASONS = {"negotiating": "对方已同意进入合作条款谈判。", "contracted": "双方已签署代销合作协议。"}


def _pdf():
    """A small but real one-page PDF (header, catalog, pages, page, cross-reference table, trailer, %%EOF), with
    the offsets computed, so the file is what `core.files.clean_upload` sniffs as a PDF and a reader can open."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _new_channels_this_month(page):
    """The figure of the dashboard's "new channels" card of this month, as a number."""
    page.goto("/dashboard/")
    value = page.locator("#kpi-month-new_channels [data-testid=kpi-value]")
    expect(value).to_be_visible()
    return int(value.inner_text().strip().replace(",", ""))


def _approve_waiting(page, username, name, contract, *, queue):
    """Log in, open the filing request from the approval list, check it shows the contract and its signed copy
    downloads as the very PDF uploaded, approve, log out."""
    log_in(page, username)
    page.goto(queue)
    row = page.locator("table.app-table tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page).to_have_url(re.compile(r"/approvals/\d+/$"))
    review = page.locator(f".channels-contract-review[data-contract='{contract.pk}']")
    expect(review).to_be_visible()
    with page.expect_download() as info:  # the signed copy, through the scoped download
        review.locator("a").click()
    assert info.value.suggested_filename.endswith(".pdf")
    with open(info.value.path(), "rb") as downloaded:
        assert downloaded.read() == _pdf()
    decide = page.locator("form", has=page.locator("button[name=move][value=approve]"))
    decide.locator("textarea[name=comment]").fill(COMMENT)
    decide.locator("button[name=move][value=approve]").click()
    expect(page.locator("#events")).to_contain_text(COMMENT)
    log_out(page, name)


def _move_channel(page, to, today):
    form = page.locator("#channel-transition-form")
    expect(form.locator("input[name=on]")).to_have_value(today.isoformat())  # today's default, shown as an ISO day
    form.locator("select[name=state]").select_option(to)
    form.locator("input[name=reason]").fill(REASONS[to])
    form.locator("button[type=submit]").click()
    expect(page.locator("#channel-state [data-state]")).to_have_attribute("data-state", to)
    expect(page.locator("#channel-transitions tbody tr").first).to_contain_text(REASONS[to])


def test_a_channel_contracted_and_its_contract_filed_counts_as_a_new_channel(page, org, hire, tmp_path):
    dm = hire("dm_hangzhou", name="杭州经理", role=Role.DISTRICT_MANAGER, unit="330100")
    hire("rm_east", name="华东经理", role=Role.REGIONAL_MANAGER, unit="HD")
    hire("center", name="中心审核员", role=Role.CENTER_STAFF, unit="HQ")
    today = timezone.localdate()
    # A channel of 宁波 already signed this month: the region's figure starts at one.
    earlier = channel_create(by=SYSTEM, name="宁波证券渠道", unit=org["330200"], kind="securities")
    channel_transition(by=SYSTEM, channel=earlier, to_state="negotiating", on=today)
    channel_transition(by=SYSTEM, channel=earlier, to_state="contracted", on=today)
    summaries_refresh_recent()  # what the beat job performance.refresh_recent runs

    log_in(page, "rm_east")
    before = _new_channels_this_month(page)
    assert before == 1
    log_out(page, "华东经理")

    # --- the district manager opens the channel and moves it to contracted, with reasons -------------------------
    log_in(page, "dm_hangzhou")
    page.goto("/channels/new/")
    form = page.locator("#channel-form")
    form.locator("#id_name").fill(CHANNEL)
    form.locator("#id_kind").select_option("bank")
    form.locator("#id_unit").select_option(str(org["330100"].pk))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/channels/\d+/$"))
    channel = Channel.objects.get(name=CHANNEL)
    assert (channel.unit_id, channel.state) == (org["330100"].pk, "prospect")
    expect(page.locator("#channel-state [data-state]")).to_have_attribute("data-state", "prospect")
    _move_channel(page, "negotiating", today)
    _move_channel(page, "contracted", today)
    moves = list(channel.transitions.order_by("id").values_list("from_state", "to_state", "on", "by_id", "reason"))
    assert moves[0][1:4] == ("prospect", today, dm.user_id)  # the opening
    assert moves[1:] == [
        ("prospect", "negotiating", today, dm.user_id, REASONS["negotiating"]),
        ("negotiating", "contracted", today, dm.user_id, REASONS["contracted"]),
    ]

    # --- a contract with it, drafted from the channel's page with the signed copy --------------------------------
    page.locator("a[data-draft-contract]").click()
    expect(page).to_have_url(re.compile(rf"/channels/contracts/new/\?channel={channel.pk}$"))
    pdf = tmp_path / "代销合作协议.pdf"
    pdf.write_bytes(_pdf())
    form = page.locator("#contract-form")
    form.locator("[name=kind]").select_option("cooperation")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=amount]").fill("500000")
    form.locator("[name=starts_on]").fill(today.isoformat())
    form.locator("[name=ends_on]").fill((today + timedelta(days=365)).isoformat())
    form.locator("[name=file]").set_input_files(str(pdf))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/channels/contracts/\d+/$"))
    contract = Contract.objects.get(channel=channel)
    contract_url = page.url
    state = page.locator(".app-page-subtitle[data-state]")
    expect(state).to_have_attribute("data-state", "draft")
    expect(page.locator("a[data-contract-file]")).to_be_visible()
    assert (contract.unit_id, contract.owner_id, contract.title) == (org["330100"].pk, dm.pk, TITLE)
    with contract.file.open("rb") as kept:
        assert contract.file.name.endswith(".pdf") and kept.read() == _pdf()

    # draft → under review → signed → submitted for filing
    for action, to in (("review", "under_review"), ("sign", "signed"), ("submit", "filing")):
        page.locator(f"button[name=action][value={action}]").click()
        expect(page).to_have_url(contract_url)
        expect(state).to_have_attribute("data-state", to)
    expect(page.locator("button[name=action][value=submit]")).to_have_count(0)
    contract.refresh_from_db()
    assert (contract.state, contract.signed_on, contract.filed_on) == ("filing", today, None)
    log_out(page, "杭州经理")

    # --- the contract-filing chain: the region's manager, then the Development Center's pool ---------------------
    _approve_waiting(page, "rm_east", "华东经理", contract, queue="/approvals/waiting/")
    contract.refresh_from_db()
    assert contract.state == "filing"  # the Development Center has not decided yet
    _approve_waiting(page, "center", "中心审核员", contract, queue="/approvals/queue/")
    contract.refresh_from_db()
    assert (contract.state, contract.filed_on) == ("filed", today)

    # --- the owner sees it filed --------------------------------------------------------------------------------
    log_in(page, "dm_hangzhou")
    page.goto(contract_url)
    expect(page.locator(".app-page-subtitle[data-state]")).to_have_attribute("data-state", "filed")
    log_out(page, "杭州经理")

    # --- the region's dashboard counts the new channel this month (after the summaries' refresh) -----------------
    assert ChannelTransition.objects.filter(channel=channel, to_state="contracted").count() == 1
    summaries_refresh_recent()
    log_in(page, "rm_east")
    assert _new_channels_this_month(page) == before + 1
