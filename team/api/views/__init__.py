"""One module per subject (recruitment, training, assessment, promotion); this package re-exports their public names."""

from team.api.views.training import CourseViewSet, EnrolmentViewSet, TrainingSessionViewSet  # noqa: F401
