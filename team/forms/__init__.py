"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.forms.recruit import *  # noqa: F403  (recruitment forms)
