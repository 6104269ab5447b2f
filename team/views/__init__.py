"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.views import training  # noqa: F401  (training: team.views.training)
