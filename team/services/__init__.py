"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.services.promo import (  # noqa: F401 (capability assessment and promotion recommendations)
    assessment_calibrate,
    assessment_cycle_close,
    assessment_cycle_open,
    assessment_manager_submit,
    assessment_self_submit,
    capability_model_create,
    capability_model_submit,
    capability_model_update,
    promotion_apply,
    promotion_create,
    promotion_submit,
    promotion_update,
    promotions_apply_due,
)
from team.services.recruit import *  # noqa: F403  (recruitment: headcount requests, vacancies, candidates, hiring)
from team.services.training import (  # noqa: F401
    course_create,
    course_update,
    enrolment_cancel,
    enrolment_create,
    enrolment_record,
    training_reminders_send,
    training_session_cancel,
    training_session_create,
    training_session_update,
)
