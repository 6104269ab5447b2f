"""Template filters for figures: the one formatting rule of `core/formats.py`.

{{ amount|money }}   8,329,550.00      {{ amount|wan }}   832.96 万 (cards and glances only)
{{ n|count }}        1,234             {{ pct|rate }}     43.8%   (a percentage, one decimal)
{{ share|frac_rate }} 43.8% (a fraction)   {{ pct|pct1 }}  43.8 (without the sign)
{{ v|figure:kind }}  money, or a count when kind is "count"   {{ qty|number }} 1,234.5 (a quantity, a weight)
"""

from django import template

from core import formats

register = template.Library()


@register.filter
def money(value):
    return formats.money(value)


@register.filter
def wan(value):
    return formats.money_short(value)


@register.filter
def count(value):
    return formats.count(value)


@register.filter
def rate(value):
    return formats.rate(value)


@register.filter
def frac_rate(value):
    return formats.fraction_rate(value)


@register.filter
def pct1(value):
    return formats.percent(value)


@register.filter
def figure(value, kind="money"):
    return formats.figure(value, kind)


@register.filter
def number(value, places=2):
    return formats.number(value, places)
