"""Foresight (提前预见): the default-risk models trained on the company's own ledger and each customer's
current probability of going more than 90 days overdue within the next 90 days (risk.forecasting says
exactly what is computed)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import CompanyWideQuerySet, ScopedQuerySet, ScopeSpec
from risk.choices import ForecastModelState


class ForecastModel(models.Model):
    """One training of the default-risk model (违约预测模型): a logistic regression learned from month-end
    snapshots of the ledger before its cut-off, with its back-test on a later snapshot it did not see.

    A training that finds too little history is kept too, as `refused` with its message, so the page says
    why there is no figure. Scoring uses the latest trained one. Company-wide: every principal inside the
    organisation may read what the figures come from."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(_("state"), max_length=10, choices=ForecastModelState.choices)
    message = models.TextField(_("message"), blank=True)
    cutoff = models.DateField(_("cut-off"))
    # The snapshots it learned from: month ends from learned_from to learned_to, each labelled by the facts of
    # the 90 days after it (all known by the back-test day).
    learned_from = models.DateField(_("learned from"), null=True, blank=True)
    learned_to = models.DateField(_("learned to"), null=True, blank=True)
    # The back-test snapshot: its labels are known by the cut-off; it lies after every training label.
    tested_on = models.DateField(_("back-tested on"), null=True, blank=True)
    # {"features": [...], "coefficients": [...], "intercept": x, "means": [...], "scales": [...]}
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    auc = models.DecimalField(_("back-test AUC"), max_digits=5, decimal_places=4, null=True, blank=True)
    # [{"decile", "count", "predicted", "observed"}] on the back-test snapshot, lowest predictions first.
    calibration = models.JSONField(_("calibration"), default=list, blank=True)
    train_rows = models.PositiveIntegerField(_("training rows"), default=0)
    train_positives = models.PositiveIntegerField(_("training positives"), default=0)
    test_rows = models.PositiveIntegerField(_("back-test rows"), default=0)
    test_positives = models.PositiveIntegerField(_("back-test positives"), default=0)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("trained by")
    )

    objects = CompanyWideQuerySet.as_manager()

    class Meta:
        verbose_name = _("default-risk model")
        verbose_name_plural = _("default-risk models")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(auc__isnull=True) | Q(auc__gte=0, auc__lte=1), name="forecast_model_auc_0_1"),
        ]

    def __str__(self):
        return f"v{self.version}"


class CustomerForecast(models.Model):
    """A customer's current probability (0–1) of having an invoice more than 90 days past due 90 days after
    `as_of`, by the latest trained model, with the features that push it most."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="forecast", verbose_name=_("customer")
    )
    model = models.ForeignKey(ForecastModel, on_delete=models.CASCADE, related_name="forecasts", verbose_name=_("model"))
    as_of = models.DateField(_("as of"))
    probability = models.DecimalField(
        _("probability"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    # [{"feature", "value", "push"}], largest push on the log-odds first (push > 0 raises the probability).
    reasons = models.JSONField(_("top reasons"), default=list)

    scope_spec = ScopeSpec(path="customer__district__path", owner="customer__salesperson")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer default forecast")
        verbose_name_plural = _("customer default forecasts")
        indexes = [models.Index(fields=["-probability"], name="customer_forecast_prob")]
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=0, probability__lte=1), name="customer_forecast_probability_0_1"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.probability}"
