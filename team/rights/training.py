"""Who may change what in training (core/rights.py: the one rule for writes).

- `course.change` — the course catalogue is the Development Center's (its director and staff).
- `training_session.change` — a session (unsaved or saved; None: may this person run sessions at all?) is run by the
  center anywhere, or by a manager (regional, provincial, district) for a unit of their own subtree.
- `enrolment.create` — an enrolment (unsaved; None: may this person enrol anyone at all?): a person enrols
  themself, a manager enrols the people of their subtree, the center anyone. Whether the session is open to the
  person and has a seat left is the service's (a 400 / 409), asked after the right.
- `enrolment.cancel` — the person themself, a manager over them, or the center.
- `enrolment.record` — attendance and score are recorded by whoever runs the session: the center, or a manager
  whose subtree holds the unit that runs it.
- `training.remind` — the reminders of mandatory training are the daily job's (it acts as SYSTEM).

Reading is the scope rule alone: a salesperson reads their own enrolments, a manager their subtree's people's.
Branch systems' keys hold no right here.
"""

from django.utils.translation import gettext as _

from core.rights import Refusal, rule
from core.roles import Role, role_of, staff_of
from core.scoping import scope_of

CENTER_ROLES = frozenset({Role.DIRECTOR, Role.CENTER_STAFF})
MANAGER_ROLES = frozenset({Role.REGIONAL_MANAGER, Role.PROVINCIAL_MANAGER, Role.DISTRICT_MANAGER})


def is_center(user):
    return role_of(user) in CENTER_ROLES


def is_manager(user):
    """A manager of a unit (not the center, not a salesperson) in service."""
    return role_of(user) in MANAGER_ROLES and staff_of(user, active=True) is not None


def manages_unit(user, unit):
    """The center, or a manager whose subtree holds `unit`."""
    if is_center(user):
        return True
    return is_manager(user) and scope_of(user).covers_path(unit.path)


@rule("course.change")
def may_change_course(user, course=None):
    return is_center(user) or Refusal(_("The course catalogue is kept by the Development Center."))


@rule("training_session.change")
def may_change_session(user, session=None):
    if session is None:
        return is_center(user) or is_manager(user) or Refusal(_("Sessions are run by the Development Center and managers."))
    return manages_unit(user, session.unit) or Refusal(
        _("Only the Development Center or a manager above %(unit)s may run its sessions.") % {"unit": session.unit},
        field="unit",
    )


@rule("enrolment.create")
def may_enrol(user, enrolment=None):
    staff = staff_of(user, active=True)
    if enrolment is None:
        return is_center(user) or staff is not None or Refusal(_("Only people of the organisation enrol in training."))
    if staff is not None and enrolment.person_id == staff.pk:
        return True  # self-enrolment
    return manages_unit(user, enrolment.person.unit) or Refusal(
        _("A manager enrols the people of their own part of the organisation."), field="person"
    )


@rule("enrolment.cancel")
def may_cancel_enrolment(user, enrolment=None):
    staff = staff_of(user, active=True)
    if enrolment is None:
        return is_center(user) or staff is not None or Refusal(_("Only people of the organisation enrol in training."))
    if staff is not None and enrolment.person_id == staff.pk:
        return True
    return manages_unit(user, enrolment.person.unit) or Refusal(
        _("Only the person, a manager above them or the Development Center may cancel this enrolment.")
    )


@rule("enrolment.record")
def may_record_result(user, enrolment=None):
    if enrolment is None:
        return is_center(user) or is_manager(user) or Refusal(_("Attendance is recorded by whoever runs the session."))
    return manages_unit(user, enrolment.session.unit) or Refusal(
        _("Attendance and scores are recorded by whoever runs the session: the Development Center or a manager above %(unit)s.")
        % {"unit": enrolment.session.unit}
    )


@rule("training.remind")
def may_remind_training(user, subject=None):
    return Refusal(_("Training reminders are sent by the system."))
