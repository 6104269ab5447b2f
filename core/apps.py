from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared mechanisms")

    def ready(self):
        from core import (
            audit,  # noqa: F401  (connects the history signal)
            lookups,  # noqa: F401  (registers field__any)
            schema,  # noqa: F401  (registers the API key auth scheme)
        )
