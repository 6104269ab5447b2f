"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.filtersets.promo import (  # noqa: F401 (capability assessment and promotion recommendations)
    AssessmentCycleFilterSet,
    AssessmentFilterSet,
    CapabilityModelFilterSet,
    PromotionRecommendationFilterSet,
)
