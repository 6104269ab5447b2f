"""Small helpers every app's pages share: how a unit or a person is named in a choice, and where the
approvals page of a request is. They know the shape of an org unit and a staff member (`path`, `code`,
`display_name`, `depth`; `name`, `employee_no`, `unit`), not the regions app."""

from django import forms
from django.urls import NoReverseMatch, reverse


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
    """A choice of staff members, each as "name (employee number) · unit" (`with_unit=False`: without the unit)."""

    def __init__(self, *args, with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_unit = with_unit

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
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=[("", "---------"), *options]
    )
