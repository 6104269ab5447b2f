"""Who may change what in risk control (core/rights.py).

The role table (core/roles.py) gives the Development Center's roles `risk.policy`: rating schemes (and
later warning rules) are company policy the center sets, submits for approval and revises; the center may
also run the rating by hand (the nightly job runs it as SYSTEM). The services ask these rules with
`ensure(by, ...)` before they write; pages and the API ask them with `may(...)` only to show or hide a form.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import can


def _center(user, message):
    return can(user, "risk.policy") or Refusal(message)


@rule("rating_scheme.draft")
def may_draft_scheme(user, scheme=None):
    """Draft a rating scheme, change a draft or start the revision of the scheme in force."""
    return _center(user, _("Rating schemes are drafted by the Development Center."))


@rule("rating_scheme.submit")
def may_submit_scheme(user, scheme):
    return _center(user, _("Rating schemes are submitted by the Development Center."))


@rule("rating.run")
def may_run_rating(user, subject=None):
    return _center(user, _("Ratings are run by the Development Center (and every night by the system)."))
