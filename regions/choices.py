from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role  # noqa: F401  (re-exported: staff roles live in the role table)


class UnitKind(models.TextChoices):
    CENTER = "center", _("Development Center")
    REGION = "region", _("Region")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District office")


# The only allowed parent kind of each kind: the tree has exactly four levels.
PARENT_KIND = {
    UnitKind.CENTER: None,
    UnitKind.REGION: UnitKind.CENTER,
    UnitKind.PROVINCE: UnitKind.REGION,
    UnitKind.DISTRICT: UnitKind.PROVINCE,
}
DEPTH = {UnitKind.CENTER: 0, UnitKind.REGION: 1, UnitKind.PROVINCE: 2, UnitKind.DISTRICT: 3}
