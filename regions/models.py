from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.roles import Role
from core.scoping import ScopedQuerySet, ScopeSpec
from regions.choices import UnitKind

PATH_SEPARATOR = "/"


class OrgUnitQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subtree_of(self, unit):
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A unit of the sales network: the Development Center, a region, a province or a district office.

    `path` is the materialised path of ids (`/1/3/12/`), kept by regions.services whenever a unit is
    created or moved, so "is X inside Y" is `X.path LIKE Y.path || '%'` on one pattern index.
    A closed unit stays in the tree with its history; it only stops taking new work.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("GB/T 2260 code for provinces and districts."))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit")
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    is_active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged into")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()
    scope_spec = ScopeSpec(path="path")
    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL serve `path LIKE 'prefix%'` from the index whatever the
            # collation; other databases ignore the operator class.
            models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "is_active"], name="orgunit_kind_active"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="center"), name="orgunit_single_center"),
            models.CheckConstraint(
                condition=(Q(kind="center", parent__isnull=True) | (~Q(kind="center") & Q(parent__isnull=False))),
                name="orgunit_only_center_is_root",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, closed_on__isnull=True) | Q(is_active=False, closed_on__isnull=False),
                name="orgunit_closed_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def display_name(self):
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def ancestors(self):
        ids = [int(part) for part in self.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR) if part][:-1]
        return OrgUnit.objects.filter(pk__in=ids).order_by("depth")

    def contains(self, other):
        return other.path.startswith(self.path)


class StaffProfileQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class StaffProfile(models.Model):
    """A person in the sales network (the staff archive): who they are, where they sit, what role they hold.

    The current unit and role are kept here for fast reads; `Position` keeps the history of every move.
    A profile may have a login (`user`) or not (sales staff recorded by their manager).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_profile"
    )
    employee_no = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("full name"), max_length=50)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("org unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    hire_date = models.DateField(_("hire date"))
    is_active = models.BooleanField(_("in service"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = audit_history()
    scope_spec = ScopeSpec(path="unit__path", owner="pk")
    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["employee_no"]
        indexes = [models.Index(fields=["unit", "role"], name="staff_unit_role")]

    def __str__(self):
        return f"{self.name} ({self.employee_no})"


class Position(models.Model):
    """One spell of a person in a unit and role (the position history kept when someone moves)."""

    staff = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="positions", verbose_name=_("staff member"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("org unit"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("position"), max_length=50, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_spec = ScopeSpec(path="staff__unit__path", owner="staff")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("position history")
        ordering = ["staff", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff"], condition=Q(ended_on__isnull=True), name="position_one_current"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.staff} {self.role} @ {self.unit.code} {self.started_on}–{self.ended_on or ''}"
