from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top of the house: the home page of each role, and demo and scale seeding across the apps.
    Nothing imports it; it may import every app (docs/ARCHITECTURE.md)."""

    name = "home"
    verbose_name = _("Home")
