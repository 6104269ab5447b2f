"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.models import promo as _promo
from team.models.promo import (  # noqa: F401 (capability assessment and promotion recommendations)
    Assessment,
    AssessmentCycle,
    AssessmentScore,
    CapabilityModel,
    Competency,
    PromotionRecommendation,
)
from team.models.recruit import *  # noqa: F403  (recruitment: headcount requests, vacancies, candidates, interviews)
from team.models.training import Course, Enrolment, TrainingReminder, TrainingSession  # noqa: F401

# recruit's star import above shadows promo's Assessment (an assessment record) with recruit's interview verdict
# choices of the same name (team.models.recruit.Assessment); `team.models.Assessment` is the record.
Assessment = _promo.Assessment  # noqa: F811
