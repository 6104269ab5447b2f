"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.api.serializers import training  # noqa: F401  (training: team.api.serializers.training)
