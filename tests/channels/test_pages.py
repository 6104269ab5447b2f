"""The channel archive's pages: the list and its filters, opening a channel, its page with the forms that keep
it, a move its life does not allow refused on the form with nothing written, and 404 outside the scope."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from channels import services
from channels.models import Channel, ChannelActivity, ChannelContact


@pytest.fixture
def channel(personas, units):
    return services.channel_create(
        by=personas["dm_hangzhou"].user,
        name="杭州保险代理",
        unit=units["330100"],
        kind="insurance",
        salesperson=personas["rep_hangzhou"].staff,
        on=date(2025, 1, 10),
    )


def test_list_and_filters(personas, channel, units):
    web = personas["pm_zhejiang"].web()
    page = web.get(reverse("channels:channel_list"))
    assert page.status_code == 200 and "杭州保险代理" in page.content.decode()
    assert "杭州保险代理" not in web.get(reverse("channels:channel_list"), {"state": "active"}).content.decode()
    assert "杭州保险代理" in web.get(reverse("channels:channel_list"), {"q": "保险", "kind": "insurance"}).content.decode()
    assert "杭州保险代理" not in personas["dm_guangzhou"].web().get(reverse("channels:channel_list")).content.decode()
    mine = web.get(
        reverse("channels:channel_list"), {"salesperson": personas["rep_hangzhou"].staff.pk, "unit": units["330100"].pk}
    )
    assert "杭州保险代理" in mine.content.decode()
    other = web.get(reverse("channels:channel_list"), {"salesperson": personas["rep_hangzhou_2"].staff.pk})
    assert "杭州保险代理" not in other.content.decode()


def test_open_a_channel(personas, units):
    web = personas["dm_hangzhou"].web()
    assert web.get(reverse("channels:channel_create")).status_code == 200
    response = web.post(
        reverse("channels:channel_create"),
        {"name": "新渠道", "kind": "bank", "tier": "regular", "unit": units["330100"].pk, "credit_code": "123"},
    )
    assert response.status_code == 400 and not Channel.objects.exists()
    response = web.post(
        reverse("channels:channel_create"), {"name": "新渠道", "kind": "bank", "tier": "regular", "unit": units["330100"].pk}
    )
    channel = Channel.objects.get()
    assert response.status_code == 302 and response.url == reverse("channels:channel_detail", kwargs={"pk": channel.pk})


def test_detail_forms(personas, channel):
    web = personas["rep_hangzhou"].web()
    url = reverse("channels:channel_detail", kwargs={"pk": channel.pk})
    page = web.get(url).content.decode()
    assert "channel-transition-form" in page and "channel-activity-form" in page
    refused = web.post(url, {"action": "transition", "state": "active", "on": "2025-02-01", "reason": "x"})
    assert refused.status_code == 400 and channel.transitions.count() == 1
    assert refused.context["transition_form"].errors["state"]
    moved = web.post(url, {"action": "transition", "state": "negotiating", "on": "2025-02-01", "reason": "洽谈"})
    assert moved.status_code == 302
    channel.refresh_from_db()
    assert channel.state == "negotiating"
    assert web.post(url, {"action": "activity", "kind": "visit", "on": "2025-02-02", "summary": "拜访"}).status_code == 302
    assert web.post(url, {"action": "contact", "name": "钱经理", "is_primary": "on"}).status_code == 302
    assert ChannelActivity.objects.count() == 1 and ChannelContact.objects.get().is_primary
    page = web.get(url).content.decode()
    assert "拜访" in page and "钱经理" in page and "洽谈" in page


def test_detail_page_ids_dates_and_contract_links(personas, channel):
    """The page's four forms have distinct field ids (each label names its own field), a day is rendered as an ISO
    day (what <input type="date"> takes; the zh-hans format 2026/12/07 would show empty), and the channel's
    contracts are a link away: the list filtered to it and drafting one with it."""
    page = personas["dm_hangzhou"].web().get(reverse("channels:channel_detail", kwargs={"pk": channel.pk})).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert {"id_transition_on", "id_activity_on", "id_activity_kind", "id_agreement_kind"} <= set(ids)
    assert re.search(rf'name="on" value="{timezone.localdate().isoformat()}"[^>]*id="id_transition_on"', page)
    assert f"{reverse('channels:contract_list')}?channel={channel.pk}" in page
    assert f"{reverse('channels:contract_create')}?channel={channel.pk}" in page


def test_edit(personas, channel):
    web = personas["dm_hangzhou"].web()
    url = reverse("channels:channel_edit", kwargs={"pk": channel.pk})
    assert web.get(url).status_code == 200
    response = web.post(
        url,
        {
            "name": "杭州保险代理（新）",
            "kind": "insurance",
            "tier": "key",
            "unit": channel.unit_id,
            "salesperson": channel.salesperson_id,
        },
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.tier == "key" and channel.name == "杭州保险代理（新）"


def test_outside_the_scope(personas, channel):
    for name in ("dm_guangzhou", "rep_hangzhou_2"):
        web = personas[name].web()
        assert web.get(reverse("channels:channel_detail", kwargs={"pk": channel.pk})).status_code == 404
        assert web.get(reverse("channels:channel_edit", kwargs={"pk": channel.pk})).status_code == 404
        response = web.post(
            reverse("channels:channel_detail", kwargs={"pk": channel.pk}), {"action": "activity", "kind": "visit", "summary": "x"}
        )
        assert response.status_code == 404
    assert not ChannelActivity.objects.exists()


def test_an_agreement_is_filed_with_its_scanned_copy_and_read_through_the_channel(personas, units):
    """The agreement form takes a scanned copy (its kind sniffed: a renamed program is refused on the field with
    nothing written); the copy downloads as an attachment for whoever reads the channel, 404 for others."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from channels.models import ChannelAgreement
    from channels.services import channel_create
    from core.rights import SYSTEM

    channel = channel_create(
        by=SYSTEM, name="扫描件测试渠道", unit=units["330100"], kind="bank", salesperson=personas["rep_hangzhou"].staff
    )
    web = personas["dm_hangzhou"].web()
    url = reverse("channels:channel_detail", kwargs={"pk": channel.pk})
    body = {"action": "agreement", "kind": "agency", "signed_on": "2026-01-05", "summary": "代销协议"}
    program = SimpleUploadedFile("协议.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    refused = web.post(url, {**body, "file": program})
    assert refused.status_code == 400 and not ChannelAgreement.objects.exists()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    answer = web.post(url, {**body, "file": SimpleUploadedFile("协议.pdf", pdf, content_type="application/pdf")})
    assert answer.status_code == 302
    agreement = ChannelAgreement.objects.get()
    download = reverse("channels:channel_agreement_file", kwargs={"pk": agreement.pk})
    assert f'href="{download}"' in web.get(url).content.decode()
    got = personas["rep_hangzhou"].web().get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content if got.streaming else [got.content]) == pdf
    assert got["X-Content-Type-Options"] == "nosniff" and "attachment" in got["Content-Disposition"]
    assert personas["dm_guangzhou"].web().get(download).status_code == 404
