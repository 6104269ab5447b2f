"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.rights import (
    recruit,  # noqa: F401  (registers the recruitment rules)
    training,  # noqa: F401  (registers the @rule decorators)
)
