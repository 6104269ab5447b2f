"""Services of shared mechanisms: issuing and revoking branch-system API keys."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidInput
from core.models import ApiKey, hash_secret


@transaction.atomic
def api_key_issue(*, name, unit, by=None):
    """Create a key for a branch system; returns (ApiKey, raw key). The raw key is never stored."""
    if not name or not name.strip():
        raise InvalidInput(_("An API key needs a name."), field="name")
    if not unit.is_active:
        raise InvalidInput(_("The unit %(name)s is closed.") % {"name": unit.name}, field="unit")
    prefix, raw = ApiKey.generate()
    key = ApiKey.objects.create(name=name.strip(), unit=unit, prefix=prefix, hashed_secret=hash_secret(raw), created_by=by)
    return key, raw


@transaction.atomic
def api_key_revoke(*, key):
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise Conflict(_("This API key is already revoked."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    return key
