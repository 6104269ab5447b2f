"""The complaint's edit page (/relations/complaints/<id>/edit/): those who handle it change its severity (the SLA due day
follows), cause, description and product or channel; a closed complaint is not edited (409, nothing written), a
product no longer sold is refused on its field, a complaint outside the scope is a 404. Pinned clock."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from core.rights import SYSTEM
from relations import services
from relations.models import Complaint
from tests.relations.complaint_helpers import World, at

pytestmark = pytest.mark.django_db
MON = date(2025, 9, 1)


@pytest.fixture
def w(personas, units):
    with at(MON):
        return World(personas, units)


def _log(w, **extra):
    values = {
        "kind": "product",
        "product": w.product,
        "customer": w.customer,
        "severity": "low",
        "description": "赎回到账延迟",
        **extra,
    }
    with at(MON):
        return services.complaint_create(by=SYSTEM, **values)


def _url(complaint):
    return reverse("relations:complaint_edit", kwargs={"pk": complaint.pk})


def _row(complaint):
    return Complaint.objects.values("severity", "cause", "description", "due_on", "product_id", "channel_id").get(pk=complaint.pk)


def test_the_salesperson_edits_severity_cause_and_description_and_the_due_day_follows(w):
    complaint = _log(w)
    assert complaint.due_on == date(2025, 9, 15)  # low: 10 working days
    web = w.p["rep_hangzhou"].web()
    with at(MON):
        detail = web.get(complaint.get_absolute_url())
        assert _url(complaint) in detail.content.decode()  # the page offers the edit
        page = web.get(_url(complaint))
        assert page.status_code == 200
        form = page.context["form"]
        assert "channel" not in form.fields and form["description"].value() == "赎回到账延迟"
        response = web.post(
            _url(complaint), {"product": w.product.pk, "severity": "high", "cause": "fees", "description": "收费与合同不符"}
        )
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    row = _row(complaint)
    assert (row["severity"], row["cause"], row["description"]) == ("high", "fees", "收费与合同不符")
    assert row["due_on"] == date(2025, 9, 4)  # high: 3 working days after Mon 1 Sep


def test_a_channel_complaint_offers_the_channels_of_the_scope(w):
    complaint = _log(w, kind="channel", product=None, channel=w.channel)
    with at(MON):
        page = w.p["dm_hangzhou"].web().get(_url(complaint))
    channels = list(page.context["form"].fields["channel"].queryset)
    assert "product" not in page.context["form"].fields
    assert w.channel in channels and w.gz_channel not in channels


def test_refusals_write_nothing(w):
    complaint = _log(w)
    web = w.p["rep_hangzhou"].web()
    before = _row(complaint)
    with at(MON), translation.override("en"):
        retired = web.post(_url(complaint), {"product": w.retired.pk, "severity": "high", "cause": "fees", "description": "改"})
        assert retired.status_code == 400 and retired.context["form"].errors.get("product")
        empty = web.post(_url(complaint), {"product": w.product.pk, "severity": "high", "cause": "fees", "description": ""})
        assert empty.status_code == 400 and empty.context["form"].errors.get("description")
    assert _row(complaint) == before
    with at(MON):
        services.complaint_close(by=SYSTEM, complaint=complaint, confirmation="satisfied", result="已解释")
        closed_detail = web.get(complaint.get_absolute_url())
        assert _url(complaint) not in closed_detail.content.decode()
        closed = web.post(_url(complaint), {"product": w.product.pk, "severity": "high", "cause": "fees", "description": "改"})
    assert closed.status_code == 409 and closed.context["form"].non_field_errors()
    assert _row(complaint) == before


def test_outside_the_scope_it_is_a_404(w):
    complaint = _log(w)
    with at(MON):
        assert w.p["dm_guangzhou"].web().get(_url(complaint)).status_code == 404
        response = (
            w.p["dm_guangzhou"]
            .web()
            .post(_url(complaint), {"product": w.product.pk, "severity": "high", "cause": "fees", "description": "改"})
        )
    assert response.status_code == 404
    assert _row(complaint)["severity"] == "low"
