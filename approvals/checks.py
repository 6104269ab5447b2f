"""System checks of the approval mechanism (`manage.py check`, and before runserver, migrate, test…):
every kind has its policy row, and every declared approval subject is complete and resolvable
(approvals.subjects.problems)."""

from django.core import checks

from approvals.subjects import problems


@checks.register("approvals")
def check_approval_subjects(app_configs=None, **kwargs):
    return [checks.Error(message, id=code, obj=obj) for code, message, obj in problems()]
