"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.services.recruit import *  # noqa: F403  (recruitment: headcount requests, vacancies, candidates, hiring)
