"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.forms.promo import CalibrationForm, CapabilityModelForm, CycleForm, LevelsForm, PromotionForm  # noqa: F401
