"""The ageing page's form says what the table shows (issue 14, item 7): the as-of date is filled in with the
date used, and the buckets are a choice of bucket sets, each named by its buckets, from the one definition
(settings.AGEING_BUCKETS through customers.selectors) — while a link may still ask for any other set."""

import re
from datetime import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from customers.selectors import AGEING_BUCKET_PRESETS, ageing_bucket_choices, ageing_buckets, bucket_limits

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NOON = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def _select(html, name):
    return re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


@time_machine.travel(NOON, tick=False)
def test_the_as_of_field_shows_the_date_the_table_is_as_of(personas):
    response = personas["director"].web().get(reverse("customers:ageing"), **ZH)
    html = response.content.decode()
    assert response.status_code == 200 and str(response.context["report"].as_of) == "2026-12-04"
    assert re.search(r'<input type="date" name="as_of" value="2026-12-04"', html)
    # An asked date is kept.
    html = personas["director"].web().get(reverse("customers:ageing"), {"as_of": "2026-06-30"}, **ZH).content.decode()
    assert re.search(r'<input type="date" name="as_of" value="2026-06-30"', html)


def test_the_buckets_are_a_choice_named_by_their_buckets(personas):
    html = personas["director"].web().get(reverse("customers:ageing"), **ZH).content.decode()
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', _select(html, "buckets"))
    values = [value for value, _sel, _label in options]
    assert values[0] == "" and options[0][1] == " selected"
    # The standard set is named by the buckets the table will show.
    assert options[0][2].startswith("标准：未到期 / ") and "365" in options[0][2]
    assert set(values[1:]) == set(AGEING_BUCKET_PRESETS) - {bucket_limits(ageing_buckets())}
    assert "---------" not in html


def test_a_preset_or_any_other_set_from_a_link_is_shown_and_used(personas):
    client = personas["director"].web()
    response = client.get(reverse("customers:ageing"), {"buckets": "30,60,90"}, **ZH)
    assert [b.key for b in response.context["report"].buckets] == ["not_due", "d1_30", "d31_60", "d61_90", "over_90"]
    assert '<option value="30,60,90" selected>' in response.content.decode()
    response = client.get(reverse("customers:ageing"), {"buckets": "15,45"}, **ZH)
    assert response.status_code == 200 and '<option value="15,45" selected>15,45</option>' in response.content.decode()


def test_the_choices_come_from_the_one_bucket_definition(settings):
    settings.AGEING_BUCKETS = [("not_due", None, 0), ("d1_90", 1, 90), ("over_90", 91, None)]
    choices = ageing_bucket_choices()
    assert choices[0][0] == "" and "1–90" in str(choices[0][1])
    assert [value for value, _label in choices[1:]] == ["30,60,90", "30,60,90,180", "90,180,365"]
