"""django-axes (login lockout) as the admin shows it: its app has no verbose name, so the admin's index
said "Axes" in the Chinese UI; this names it in the user's language. Listed in INSTALLED_APPS instead of
"axes" (everything else of the app's configuration is django-axes' own)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


# Strings of other packages' pages that their zh_Hans catalogues lack (the admin index's captions,
# django-axes' model names); listed here so that makemessages keeps them in ours, which takes precedence.
THIRD_PARTY_STRINGS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]
