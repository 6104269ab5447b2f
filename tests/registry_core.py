"""Scoping-contract entries of core's own pages (joined into tests.scoping_registry.REGISTRY).

The login lockouts page (/security/lockouts/) lists failed-login records, which belong to no org unit: the
Development Center sees every lock in force, everyone else gets 403 whichever district the record names.
"""

from tests.scoping_registry import Scoped, Write


def _lockout(district, owner):
    """A lock in force: an account (named after the district) at its failure limit, just now."""
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.create(
        username=f"locked-{district.code}",
        ip_address="10.0.0.1",
        user_agent="registry",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.LOGIN_FAILURE_LIMIT_ACCOUNT,
    )


ENTRIES = [
    Scoped(
        name="login lockout page",
        make=_lockout,
        web_list="core:lockouts",
        readers=frozenset({"director", "center"}),
        rep_sees="unit",
    ),
]

# Lifting a lock ("login.unlock") is the center's; a lock belongs to no unit, so there is no outside.
WRITES = [
    Write(
        name="login lock lift page",
        url="core:lockouts",
        make=_lockout,
        detail=False,
        body=lambda attempt, world, persona: {"lift": attempt.pk},
        writers=frozenset({"director", "center"}),
        success=302,
        company_wide=True,
    ),
]
