"""The shared look of states and choices.

`{% status_badge obj %}` — the one badge of a state, the same colour for the same state on every page (plans,
approvals, reports, budgets and expenses, tasks, appraisal): `obj.state` (or `obj.status`) with its
`get_…_display()` label, or `{% status_badge value label %}` for a bare value.

`{{ option.choice_label|empty_choice }}` — a form's empty choice reads 请选择, not Django's `---------`
(inc/field_widget.html; a filter bar names it 全部 before, core.ui.name_empty_choices).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.ui import DJANGO_EMPTY_LABEL

register = template.Library()

# State value → Bootstrap badge classes. One colour per meaning: being written (secondary), made and ready
# (primary), waiting for someone (info), done well (success), sent back (warning), refused or failed
# (danger), ended without effect (light).
STATE_BADGES = {
    "draft": "text-bg-secondary",
    "uploaded": "text-bg-secondary",
    "built": "text-bg-primary",
    "generated": "text-bg-primary",
    "recorded": "text-bg-primary",
    "validated": "text-bg-primary",
    "posted": "text-bg-primary",
    "active": "text-bg-primary",
    "submitted": "text-bg-info",
    "pending": "text-bg-info",
    "open": "text-bg-info",
    "running": "text-bg-info",
    "reported": "text-bg-info",
    "in_progress": "text-bg-info",
    "approved": "text-bg-success",
    "done": "text-bg-success",
    "paid": "text-bg-success",
    "committed": "text-bg-success",
    "returned": "text-bg-warning",
    "rejected": "text-bg-danger",
    "failed": "text-bg-danger",
    "withdrawn": "text-bg-light border",
    "cancelled": "text-bg-light border",
    "retired": "text-bg-light border",
    "skipped": "text-bg-light border",
    "reversed": "text-bg-light border",
    "closed": "text-bg-light border",
}
DEFAULT_BADGE = "text-bg-light border"


def badge_class(value):
    return STATE_BADGES.get(str(value), DEFAULT_BADGE)


def _state_of(obj):
    for field in ("state", "status"):
        if hasattr(obj, field):
            display = getattr(obj, f"get_{field}_display", None)
            value = getattr(obj, field)
            return value, display() if callable(display) else value
    return obj, obj


@register.simple_tag
def status_badge(obj, label=None, extra_class=""):
    """A state's badge: `{% status_badge plan %}`, `{% status_badge row.state row.get_state_display %}`."""
    if label is None:
        value, label = _state_of(obj)
    else:
        value = obj
    classes = f"badge app-state {badge_class(value)}"
    if extra_class:
        classes = f"{classes} {extra_class}"
    return format_html('<span class="{}" data-state="{}">{}</span>', classes, value, label)


@register.filter
def empty_choice(label):
    """A form's empty choice as 请选择 instead of `---------`."""
    return _("Please choose") if str(label) == DJANGO_EMPTY_LABEL else label
