from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    INSTITUTION = "institution", _("institution")
    INDIVIDUAL = "individual", _("individual")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("active customer")
    SUSPENDED = "suspended", _("suspended")
    CLOSED = "closed", _("closed customer")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("open")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")
    # Nothing open any more and part of it closed by a write-off (核销, risk.WriteOff): in the bad-debt register.
    WRITTEN_OFF = "written_off", _("written off")


class PaymentStatus(models.TextChoices):
    POSTED = "posted", _("posted")
    REVERSED = "reversed", _("reversed")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    CHEQUE = "cheque", _("cheque")
    CASH = "cash", _("cash")
    OTHER = "other", _("other")


class CollectionPlanStatus(models.TextChoices):
    ACTIVE = "active", _("in progress")
    DONE = "done", _("completed")
    CANCELLED = "cancelled", _("cancelled")
