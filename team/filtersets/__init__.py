"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.filtersets.promo import (  # noqa: F401 (capability assessment and promotion recommendations)
    AssessmentCycleFilterSet,
    AssessmentFilterSet,
    CapabilityModelFilterSet,
    PromotionRecommendationFilterSet,
)
from team.filtersets.recruit import *  # noqa: F403  (recruitment lists)
from team.filtersets.training import CourseFilterSet, EnrolmentFilterSet, TrainingSessionFilterSet  # noqa: F401
