"""The salesperson filter of the ledger's list pages stays short at national scale: above REP_CHOICES_MAX
people it offers the chosen district office's salespeople (and the one already chosen), not everyone."""

import re
from unittest import mock

from django.urls import reverse

from tests.customers.factories import CustomerFactory


def _options(html):
    select = html[html.index('name="salesperson"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="(\d+)"', select)


def test_many_salespeople_are_offered_per_district_office(personas, units):
    rep = personas["rep_hangzhou"].staff
    CustomerFactory(district=units["330100"], salesperson=rep)
    client = personas["rm_east"].web()
    page = reverse("customers:customer_list")
    with mock.patch("customers.views.REP_CHOICES_MAX", 0):
        html = client.get(page).content.decode()
        assert _options(html) == [] and "请先选择地办，再按其业务员筛选。" in html
        html = client.get(page, {"unit": units["330100"].pk}).content.decode()
        assert str(rep.pk) in _options(html)
        # A link naming a salesperson still filters by them (their option is offered).
        response = client.get(page, {"salesperson": rep.pk})
        assert _options(response.content.decode()) == [str(rep.pk)]
        assert response.context["object_list"] and all(c.salesperson_id == rep.pk for c in response.context["object_list"])
    # Few people: all of them, no hint.
    html = client.get(page).content.decode()
    assert str(rep.pk) in _options(html) and "请先选择地办" not in html
