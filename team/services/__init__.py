"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

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
