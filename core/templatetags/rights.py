"""`{% may "plan.submit" plan as can_submit %}`: ask the write rule (core/rights.py) to show or hide a button."""

from django import template

from core.rights import may as _may_rule

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    return _may_rule(user, action, obj)
