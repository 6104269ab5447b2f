from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    """Appraisal schemes and scores (绩效考核), incentive schemes and reward proposals."""

    name = "appraisal"
    verbose_name = _("Appraisal and incentives")
