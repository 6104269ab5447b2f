"""Risk control's writes, one module per subject; the public names re-exported."""

from risk.services.ratings import (
    rate,
    scheme_create,
    scheme_in_force,
    scheme_on_approved,
    scheme_revise,
    scheme_snapshot,
    scheme_submit,
    scheme_update,
)

__all__ = [
    "rate",
    "scheme_create",
    "scheme_in_force",
    "scheme_on_approved",
    "scheme_revise",
    "scheme_snapshot",
    "scheme_submit",
    "scheme_update",
]
