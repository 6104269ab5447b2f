"""Small helpers every app's pages share: how a unit or a person is named in a choice, and where the
approvals page of a request is. They know the shape of an org unit and a staff member (`path`, `code`,
`display_name`, `depth`; `name`, `employee_no`, `unit`), not the regions app."""

from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Django's label of the empty choice; the project shows a word instead (name_empty_choices, the
# `empty_choice` template filter): 全部 in a filter bar, 请选择 in a form.
DJANGO_EMPTY_LABEL = "---------"


class UnitChoiceField(forms.ModelChoiceField):
    """A choice of org units, each as "name (code)"; indented by depth (`indent=True`) when the queryset
    is ordered by path, so the choice reads as the tree."""

    def __init__(self, *args, indent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.indent = indent

    def label_from_instance(self, obj):
        label = f"{obj.display_name} ({obj.code})"
        return f"{'　' * max(obj.depth, 0)}{label}" if self.indent else label


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff members, each as "name (employee number) · unit" (`with_unit=False`: without the unit).

    The select carries `data-search`: static/js/picker.js puts a type-to-search box on it that narrows its
    own options — the people the form offers (and validates against), so the search never offers anyone
    the server would refuse."""

    def __init__(self, *args, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_unit = with_unit
        mark_searchable(self.widget)

    def label_from_instance(self, obj):
        label = f"{obj.name} ({obj.employee_no})"
        return f"{label} · {obj.unit.name}" if self.with_unit else label


def approval_url(request_id):
    """The approvals page of a request (/approvals/<id>/)."""
    for name in ("approvals:request_detail", "approvals:detail"):
        try:
            return reverse(name, kwargs={"pk": request_id})
        except NoReverseMatch:
            continue
    return f"/approvals/{request_id}/"


def id_choice_field(label, options):
    """A filter's choice of records by id — `options` as (id, name), the ones in the reader's scope —
    instead of a bare id box; the empty choice means any."""
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None, choices=[("", _("All")), *options])


def mark_searchable(widget):
    """Give a select the type-to-search box of static/js/picker.js (long lists of people)."""
    widget.attrs.setdefault("data-search", "")
    widget.attrs.setdefault("data-search-placeholder", _("Type to search: name, employee number or unit"))
    return widget


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter: 全部 (no filter, the default), 是, 否 — instead of Django's 未知/是/否, which reads as
    if "unknown" were a value being filtered on. Reads the same values (true/false; anything else is no
    filter), so links and the API keep working."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        value = super().format_value(value)
        return "" if value == "unknown" else value


def name_empty_choices(form, label=None):
    """Name the empty choice of every select of `form` (`label`, default 全部 — for a filter bar, where it
    means "no filter") instead of Django's `---------`, and make yes/no filters default to 全部. A choice
    whose empty label a form set on purpose (e.g. "whole company") keeps it. Called for every list page's
    filter bar (core.views.FilteredListMixin); forms get 请选择 where they are drawn (inc/field_widget.html)."""
    label = _("All") if label is None else label
    for field in form.fields.values():
        if isinstance(field, forms.NullBooleanField) and type(field.widget) is forms.NullBooleanSelect:
            field.widget = AnyYesNoSelect(attrs=field.widget.attrs)
        elif getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
            field.empty_label = label  # ModelChoiceField and django-filter's choice fields draw it from here…
            field.widget.choices = field.choices  # …but the widget may hold a copy made before
        elif isinstance(field, forms.ChoiceField) and _first_is_empty(field.choices):
            field.choices = [("", label), *list(field.choices)[1:]]
    return form


def _first_is_empty(choices):
    choices = list(choices)
    return bool(choices) and choices[0][0] in ("", None) and str(choices[0][1]) == DJANGO_EMPTY_LABEL
