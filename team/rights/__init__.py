"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.rights import training  # noqa: F401  (registers the @rule decorators)
