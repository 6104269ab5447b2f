from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared mechanisms")

    def ready(self):
        from core import (
            audit,  # noqa: F401  (connects the history signal)
            checks,  # noqa: F401  (the server's checks: a CJK font for the PDFs)
            lookups,  # noqa: F401  (registers field__any)
            schema,  # noqa: F401  (registers the API key auth scheme)
        )

        # Every app's write rules (core/rights.py): gathered once, so an undeclared action is an error.
        autodiscover_modules("rights")
        # Every app's menu entries and worklist counts (core/nav.py, core/worklist.py): the shell knows no app.
        autodiscover_modules("nav")
