"""Who may change what: the one rule for writes.

Reading has one rule (`core.scoping`: a person reads their subtree, or their own records). Writing has
this one. Each app declares its object-level rights in its own `rights.py` as plain functions

    @rule("plan.submit")
    def may_submit(user, plan): ...

that answer True or False from the role table (`core.roles.can`), the object's place in the tree and
its state. A rule that can fail for several reasons may answer `Refusal(message, field=...)` instead
of False: it is just as false to `may()`, and `ensure()` raises it with its own message, so a person
learns why. The action names are `<subject>.<verb>` and are unique across the project; a second rule
for the same name is an error at start-up.

* **Services decide.** Every write service takes the acting person (`by=`) and calls
  `ensure(by, "plan.submit", plan)` (or its app's `may_*` directly) before it changes anything; a
  refusal is `NotAllowed` (403). Nothing else refuses a write for lack of a right.
* **Views and serializers only ask**, to show or hide a button or a form: `may(user, action, obj)`,
  or `{% may "plan.submit" plan as can_submit %}` in a template (core/templatetags/rights.py).
* **Scope comes first.** A page or endpoint finds the object through the read scope (`for_user`), so a
  person outside the scope gets a 404 before any right is asked; a right is asked only of objects the
  person can already see.

The rules are gathered when Django starts (`CoreConfig.ready` imports every app's `rights` module), so
`may()` of an action nobody declared is a programming error (`UnknownAction`), never a silent "no".
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from core.errors import DomainError


class NotAllowed(DomainError):
    """The person may see the object but has no right to this change (403). The one such error."""

    status_code = 403
    default_code = "not_allowed"


class _System:
    """The system itself acting: demo seeding, migrations of data, company-wide scheduled jobs.

    Passed as `by=SYSTEM` to a write service, it is allowed everything — on purpose, and greppable like
    `unscoped()`. Pages, the API and branch keys never act as SYSTEM: they pass the person or key.
    """

    is_authenticated = True
    pk = None

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


class Refusal:
    """A rule's "no" that says why: false to `may()`; `ensure()` raises NotAllowed with this message
    (and the input field at fault, if one is)."""

    __slots__ = ("message", "field")

    def __init__(self, message, field=None):
        self.message = message
        self.field = field

    def __bool__(self):
        return False

    def __repr__(self):
        return f"Refusal({str(self.message)!r}, field={self.field!r})"


class UnknownAction(LookupError):
    """`may()` was asked about an action no app declared: a typo in code, not a refusal."""


_RULES: dict[str, Callable] = {}


def rule(action):
    """Register `fn(user, obj) -> bool` as the rule for `action` (decorator)."""

    def register(fn):
        existing = _RULES.get(action)
        if existing is not None and existing is not fn and existing.__qualname__ != fn.__qualname__:
            raise ValueError(
                f"two rules for {action!r}: {existing.__module__}.{existing.__qualname__} and {fn.__module__}.{fn.__qualname__}"
            )
        _RULES[action] = fn
        fn.action = action
        return fn

    return register


def rules():
    """Every declared action and its rule (for the contract tests and docs)."""
    return dict(_RULES)


def _answer(user, action, obj):
    try:
        fn = _RULES[action]
    except KeyError:
        raise UnknownAction(f"no rule declares {action!r}; see the apps' rights.py") from None
    if user is None:
        return False
    if user is SYSTEM:
        return True
    return fn(user, obj)


def may(user, action, obj=None):
    """True if `user` may do `action` (to `obj`, if the action is about one object)."""
    return bool(_answer(user, action, obj))


def ensure(user, action, obj=None, message=None):
    """Refuse with NotAllowed (403) unless `user` may do `action` to `obj`. The message is `message`,
    else the rule's own `Refusal`, else a general one."""
    answer = _answer(user, action, obj)
    if answer:
        return
    if message is None and isinstance(answer, Refusal):
        raise NotAllowed(answer.message, field=answer.field)
    raise NotAllowed(message or _("You have no right to do this."))
