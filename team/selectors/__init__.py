"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.selectors import training  # noqa: F401  (training: team.selectors.training)
from team.selectors.recruit import *  # noqa: F403  (recruitment figures for pages and the team dashboard)
