"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.forms import training  # noqa: F401  (training: team.forms.training)
from team.forms.promo import CalibrationForm, CapabilityModelForm, CycleForm, LevelsForm, PromotionForm  # noqa: F401
from team.forms.recruit import *  # noqa: F403  (recruitment forms)
