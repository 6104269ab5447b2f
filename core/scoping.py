"""The scope rule: which rows a person or a branch system may read.

Every model that belongs to an org unit uses `ScopedQuerySet` and names, in `scope_spec`, the lookup
to its unit's materialised path and, for records a salesperson owns, the lookup to that person.
`Model.objects.for_user(user)` is the only way pages, the API and exports read such rows; tasks use
`for_unit(unit)` or the explicit, greppable `unscoped()` for company-wide jobs.

A subtree test is one predicate, `path LIKE '<unit path>%'`, served by a pattern index.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

from core import audit
from core.roles import ROLE_TABLE, Sees, role_of


@dataclass(frozen=True)
class ScopeSpec:
    """Where a model's scope lives. `path` leads to OrgUnit.path; `owner` to a StaffProfile id."""

    path: str
    owner: str | None = None


@dataclass(frozen=True)
class Scope:
    """What one principal may read: everything, a subtree, or their own records inside it."""

    everything: bool = False
    path: str | None = None
    staff_id: int | None = None
    own_only: bool = False

    @property
    def nothing(self):
        return not self.everything and self.path is None

    def covers_path(self, path):
        """True if a unit with this materialised path lies inside the scope (used without a query)."""
        if self.everything:
            return True
        if self.path is None:
            return False
        if self.own_only:
            return path == self.path
        return path.startswith(self.path)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(principal):
    """The scope of a user or of a branch-system principal (API key)."""
    if isinstance(principal, Scope):
        return principal
    role = role_of(principal)
    if role is None:
        return NOTHING
    spec = ROLE_TABLE[role]
    if spec.sees == Sees.ALL:
        return EVERYTHING
    unit = getattr(principal, "scope_unit", None)
    if unit is None:
        profile = getattr(principal, "staff_profile", None)
        unit = profile.unit if profile is not None else None
    if unit is None:
        return NOTHING
    if spec.sees == Sees.OWN:
        profile = principal.staff_profile
        return Scope(path=unit.path, staff_id=profile.pk, own_only=True)
    return Scope(path=unit.path)


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a unit-owned model. The model declares `scope_spec = ScopeSpec(...)`."""

    def _spec(self):
        spec = getattr(self.model, "scope_spec", None)
        if spec is None:
            raise TypeError(f"{self.model.__name__} uses ScopedQuerySet but declares no scope_spec")
        return spec

    def for_scope(self, scope):
        spec = self._spec()
        if scope.everything:
            return self.all()
        if scope.path is None:
            return self.none()
        if scope.own_only:
            if spec.owner is not None:
                return self.filter(**{spec.owner: scope.staff_id})
            # Records without an owner (units themselves): a salesperson sees their own unit only.
            return self.filter(**{spec.path: scope.path})
        return self.filter(**{f"{spec.path}__startswith": scope.path})

    def for_user(self, principal):
        return self.for_scope(scope_of(principal))

    def for_unit(self, unit):
        """Rows of a unit's subtree, for tasks and reports that act on behalf of a unit."""
        return self.for_scope(Scope(path=unit.path))

    def unscoped(self):
        """Every row, on purpose: company-wide jobs only. Grep for this name in review."""
        return self.all()


class CompanyWideQuerySet(ScopedQuerySet):
    """Company-wide policy the Development Center sets (rating schemes, warning rules): everyone inside the
    organisation reads it — a manager must know by which rules their customers are graded —, a principal
    with no scope reads nothing. Changing it is the center's right (the app's rights.py)."""

    def for_scope(self, scope):
        return self.none() if scope.nothing else self.all()


_BAD_LOOKUP_VALUE = (ValueError, TypeError, OverflowError)


def log_out_of_scope(request, model, *, reason="out of scope", **lookup):
    """Log a denial (404) if an object of `model` matches `lookup` at all — the requester looked at
    something that exists outside their scope (a probe, not a typo). True if it was logged. A lookup
    value of the wrong type or range matches nothing."""
    try:
        exists = model._default_manager.filter(**lookup).exists()
    except (*_BAD_LOOKUP_VALUE, ValidationError):
        exists = False
    if exists:
        audit.log_denial(request, reason=reason, status=404)
    return exists


def get_in_scope(request, model, *, queryset=None, reason="out of scope", **lookup):
    """The one object of `model` that `lookup` finds among the rows the requester may read, else Http404.

    `queryset` is what the requester may read (default `model.objects.for_user(request.user)`; a view
    passes its own narrowed or extended one). When the object exists outside it, the attempt is logged
    as a denial (`log_out_of_scope`: one extra query, on the failure path only). A lookup value of the
    wrong type or range (text for an id, a number beyond the column) is a plain 404. Pages, the API and
    the scoped base views all find objects this way."""
    if queryset is None:
        queryset = model._default_manager.for_user(request.user)
    try:
        return queryset.get(**lookup)
    except (model.DoesNotExist, *_BAD_LOOKUP_VALUE, ValidationError):
        pass
    log_out_of_scope(request, model, reason=reason, **lookup)
    raise Http404
