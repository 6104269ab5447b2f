from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    """Team building and training (团队建设与培训): headcount requests and recruitment, training, capability
    assessment, promotion recommendations and the team dashboard (issue 19).

    Layer: at the top of the business apps, below home only — a promotion recommendation's evidence reads
    appraisal's scores and risk's figures, hiring and promotions go through regions' staff services."""

    name = "team"
    verbose_name = _("Team")
