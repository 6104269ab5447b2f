"""Who may make, answer and close suggestions (建议) (core/rights.py: the one rule for writes).

- `suggestion.create` (None): anyone who works here (a member of staff in service, any role); a branch system's
  key has no person behind it and makes none.
- `suggestion.answer` (a Suggestion): the level responsible — a manager whose part of the tree holds the author's
  unit (the author's manager chain: the district, provincial and regional managers above) or the Development
  Center; never the author themselves. Whoever of them answers first answers for the company; the center sees
  every suggestion, so what a region leaves unanswered it can take up.
- `suggestion.close` (a Suggestion): the author (satisfied with the answer) or anyone who may answer it.

The state (only an open suggestion is answered, only an answered one closed) is the service's (409).
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, role_of, staff_of
from core.scoping import scope_of
from relations.rights.keycust import CENTER_ROLES, MANAGER_ROLES

# The role-table right the pages and the API ask before any suggestion write: everyone who works (WORKING in
# core/roles.py: reporting a problem upward, like a special event), which a branch system's key lacks.
SUGGEST_RIGHT = "event.report"


def _is_author(user, suggestion):
    staff = staff_of(user)
    return staff is not None and staff.pk == suggestion.author_id


def answers(user, suggestion):
    """True if `user` is the level responsible for answering `suggestion` (and not its author)."""
    if _is_author(user, suggestion):
        return False
    role = role_of(user)
    if role in CENTER_ROLES:
        return True
    return role in MANAGER_ROLES and scope_of(user).covers_path(suggestion.unit.path)


@rule("suggestion.create")
def may_suggest(user, suggestion=None):
    if staff_of(user, active=True) is None or role_of(user) not in (*CENTER_ROLES, *MANAGER_ROLES, Role.SALES_REP):
        return Refusal(_("Suggestions are made by members of staff."))
    return True


@rule("suggestion.answer")
def may_answer(user, suggestion):
    if _is_author(user, suggestion):
        return Refusal(_("A suggestion is answered by the level responsible, not by its author."))
    return answers(user, suggestion) or Refusal(
        _("Only a manager above the author's unit or the Development Center answers this suggestion.")
    )


@rule("suggestion.close")
def may_close(user, suggestion):
    return (
        _is_author(user, suggestion)
        or answers(user, suggestion)
        or Refusal(_("Only the author or the level responsible closes this suggestion."))
    )
