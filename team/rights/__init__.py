"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.rights import (
    promo,  # noqa: F401 (registers the @rule of capability assessment and promotions)
    recruit,  # noqa: F401  (registers the recruitment rules)
    training,  # noqa: F401  (registers the @rule decorators)
)
