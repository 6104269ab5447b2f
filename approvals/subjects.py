"""The approval-subject protocol: what the approval mechanism needs from a matter submitted for a decision
(a plan, a budget, an expense beyond budget, a proposal, a report…), declared once per model.

An app declares its subject in its `approval_subjects.py` (imported by ApprovalsConfig.ready), e.g.
reports/approval_subjects.py:

    register_subject(
        BusinessReport,
        kinds=[ApprovalKind.REPORT],
        waiting=ReportState.SUBMITTED,
        states={
            RequestState.APPROVED: ReportState.APPROVED,
            RequestState.RETURNED: ReportState.RETURNED,
            RequestState.REJECTED: ReportState.REJECTED,
            RequestState.WITHDRAWN: ReportState.BUILT,
        },
        stamps={RequestState.APPROVED: "approved_at"},
        snapshot=report_snapshot,  # or "reports.approval_subjects.report_snapshot"
        review=report_review,
    )

- `kinds`: the ApprovalKinds the model is submitted as (each has its row in approvals.services.policy).
- `waiting`: the subject's state while its request waits for a decision; `states`: for each decision
  (approved, returned, rejected, withdrawn) the subject's state after it; `stamps`: fields set to the
  moment of the decision. Approvals applies them itself, inside the decision's transaction, under its own
  lock: the subject's row is locked (`select_for_update`) before the request's — the order the subjects'
  own services take (lock the row, then submit or withdraw) — and written only while it is still
  `waiting`, so a subject that moved on meanwhile is never overwritten with a stale decision.
- `snapshot(subject) -> dict`: what is frozen at submission when the caller gives no snapshot;
  `review(subject, request) -> (template name, context)`: the subject's part of the decision page.
- `headline(snapshot) -> Headline | None` (optional): the request's main figure for the queue's 金额 column,
  read from its frozen snapshot (no query per row) — a plan's headline target, say. Without it the column
  shows the request's `amount`.
- Optional side effects, explicitly: `on_approved`, `on_returned`, `on_rejected`, `on_withdrawn`, each
  `fn(subject, request)`, called inside the decision's transaction before the state is written (the subject
  still `waiting`); an error there undoes the whole decision.

Each hook is a callable or the dotted path of one ("app.module.function"), resolved when first needed, so
an `approval_subjects` module need not import its app's services at start-up. Nothing is found by
`getattr(subject, name, None)`: an unknown keyword is a TypeError at start-up, and a hook path that does not
resolve, a hook of the wrong signature, a state that is not a choice of the model's state field or a kind
without a policy is an error of the system check (`manage.py check`, approvals.E001–E006; checks.py), and
an ImproperlyConfigured when used — never silently skipped.

A model that is not registered may still be submitted (a bare matter: the request keeps its own state, its
snapshot is what the caller gives); the check refuses a model that still carries the old duck-typed
methods (`on_approved`, `approval_snapshot`…) without being registered.
"""

import inspect
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from approvals.choices import ApprovalKind, RequestState
from approvals.services.policy import POLICY

logger = logging.getLogger(__name__)

# The decisions a subject follows: the request's final states, and what takes it back (withdrawn).
DECISIONS = (RequestState.APPROVED, RequestState.RETURNED, RequestState.REJECTED, RequestState.WITHDRAWN)
HOOKS = {
    RequestState.APPROVED: "on_approved",
    RequestState.RETURNED: "on_returned",
    RequestState.REJECTED: "on_rejected",
    RequestState.WITHDRAWN: "on_withdrawn",
}
# Positional arguments each hook is called with (checked against its signature).
ARITY = {"snapshot": 1, "review": 2, "headline": 1, "on_approved": 2, "on_returned": 2, "on_rejected": 2, "on_withdrawn": 2}
# The duck-typed methods of the protocol before this registry: a model still carrying one is an error.
LEGACY_METHODS = ("approval_snapshot", "approval_review", "on_approved", "on_returned", "on_rejected", "on_withdrawn")

Hook = Callable | str | None


@dataclass(frozen=True)
class Headline:
    """A request's main figure: what it is (`label`, e.g. 销售额目标), the number, and whether it is money
    (`money`, shown with |money) or a count (|count)."""

    label: str
    value: object
    money: bool = True


@dataclass(frozen=True)
class ApprovalSubject:
    """The declaration of one model as an approval subject (see the module's docstring)."""

    model: type
    kinds: tuple
    waiting: tuple = ()
    states: Mapping = field(default_factory=dict)
    stamps: Mapping = field(default_factory=dict)
    state_field: str = "state"
    snapshot: Hook = None
    review: Hook = None
    headline: Hook = None
    on_approved: Hook = None
    on_returned: Hook = None
    on_rejected: Hook = None
    on_withdrawn: Hook = None

    @property
    def label(self):
        return self.model._meta.label

    def hook(self, name):
        """The callable of hook `name`, or None if the subject declared none; ImproperlyConfigured if its
        dotted path does not resolve (the system check says so at start-up)."""
        value = getattr(self, name)
        if value is None or callable(value):
            return value
        try:
            return import_string(value)
        except ImportError as error:
            raise ImproperlyConfigured(f"approval subject {self.label}: {name}={value!r} does not resolve ({error})") from None


_SUBJECTS: dict[type, ApprovalSubject] = {}


def _as_tuple(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def register_subject(
    model,
    *,
    kinds,
    waiting=None,
    states=None,
    stamps=None,
    state_field="state",
    snapshot=None,
    review=None,
    headline=None,
    on_approved=None,
    on_returned=None,
    on_rejected=None,
    on_withdrawn=None,
):
    """Declare `model` an approval subject; returns its ApprovalSubject. Keyword-only, so a misspelt hook
    keyword is a TypeError when the app's approval_subjects module is imported (at start-up)."""
    states = dict(states or {})
    stamps = {decision: _as_tuple(names) for decision, names in (stamps or {}).items()}
    for decision in [*states, *stamps]:
        if decision not in DECISIONS:
            raise ValueError(f"approval subject {model._meta.label}: {decision!r} is not a decision ({', '.join(DECISIONS)})")
    if states and not waiting:
        raise ValueError(f"approval subject {model._meta.label}: states without `waiting` (the state while a request waits)")
    existing = _SUBJECTS.get(model)
    subject = ApprovalSubject(
        model=model,
        kinds=_as_tuple(kinds),
        waiting=_as_tuple(waiting),
        states=states,
        stamps=stamps,
        state_field=state_field,
        snapshot=snapshot,
        review=review,
        headline=headline,
        on_approved=on_approved,
        on_returned=on_returned,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
    )
    if existing is not None and existing != subject:
        raise ValueError(f"approval subject {model._meta.label} is registered twice, differently")
    _SUBJECTS[model] = subject
    return subject


def unregister_subject(model):
    """Forget a declaration (tests that declare a subject of their own)."""
    return _SUBJECTS.pop(model, None)


def registered_subjects():
    """Every declared subject, by model."""
    return dict(_SUBJECTS)


def subject_of(obj_or_model):
    """The declaration of a subject (an instance or a model), or None for a bare matter."""
    if obj_or_model is None:
        return None
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _SUBJECTS.get(model._meta.concrete_model) or _SUBJECTS.get(model)


# ------------------------------------------------------------------------------------------ used by approvals


def subject_snapshot(subject):
    """What to freeze at submission when the caller gives nothing: the subject's `snapshot`, or {}."""
    declared = subject_of(subject)
    make = declared.hook("snapshot") if declared is not None else None
    return make(subject) if make is not None else {}


def subject_review(subject, request):
    """(template name, context) of the subject's part of the decision page, or None (the page then lists
    the snapshot)."""
    declared = subject_of(subject)
    review = declared.hook("review") if declared is not None else None
    return review(subject, request) if review is not None else None


def request_headline(request):
    """The main figure of `request` (a Headline): its subject's `headline` of the frozen snapshot, else its
    `amount` (e.g. spending beyond budget), else None."""
    model = ContentType.objects.get_for_id(request.content_type_id).model_class()
    declared = _SUBJECTS.get(model) if model is not None else None
    make = declared.hook("headline") if declared is not None else None
    headline = make(request.snapshot or {}) if make is not None else None
    if headline is None and request.amount is not None:
        headline = Headline(label="", value=request.amount)
    return headline


def check_kind(subject, kind):
    """A registered subject is submitted only as one of its kinds (a programming error otherwise)."""
    declared = subject_of(subject)
    if declared is not None and kind not in declared.kinds:
        raise ValueError(f"{declared.label} is not submitted as {kind!r}; its kinds are {', '.join(declared.kinds)}")


def lock_subject(request):
    """Lock the row of the request's subject (first: see the lock order above) and return it, or None for a
    bare matter. The request need not be locked yet: its subject never changes."""
    model = ContentType.objects.get_for_id(request.content_type_id).model_class()
    if model is None or subject_of(model) is None:
        return None
    # Only the subject's own row (its default ordering may join other tables).
    return model._default_manager.select_for_update(of=("self",)).filter(pk=request.object_id).order_by().first()


def apply_decision(request, subject):
    """The request reached a decision (`request.state`): call the subject's hook for it, then write the
    subject's state and stamps — only while the subject is still waiting. `subject` is the row locked by
    `lock_subject` (None: a bare matter or a vanished row, nothing to do)."""
    if subject is None:
        return
    declared = subject_of(subject)
    decision = RequestState(request.state)
    if declared.waiting:
        current = getattr(subject, declared.state_field)
        if current not in declared.waiting:
            # Moved on by another path since it was submitted: the decision stays on the request only.
            logger.warning(
                "approval %s decided %s, but %s %s is %s (not waiting): left as it is",
                request.pk,
                decision,
                declared.label,
                subject.pk,
                current,
            )
            return
    hook = declared.hook(HOOKS[decision])
    if hook is not None:
        hook(subject, request)
    fields = {}
    if decision in declared.states:
        fields[declared.state_field] = declared.states[decision]
    moment = request.decided_at or timezone.now()
    for name in declared.stamps.get(decision, ()):
        fields[name] = moment
    if fields:
        for name, value in fields.items():
            setattr(subject, name, value)
        auto_now = [f.name for f in subject._meta.concrete_fields if getattr(f, "auto_now", False)]
        subject.save(update_fields=[*fields, *auto_now])


# ------------------------------------------------------------------------------------------ what the check verifies


def problems():
    """Every configuration error of the declared subjects and of the kinds: (id, message, obj) triples."""
    found = []
    for kind in ApprovalKind:
        if kind not in POLICY:
            found.append(("approvals.E001", f"approval kind {kind.value!r} has no row in approvals.services.policy.POLICY", None))
    for model, declared in _SUBJECTS.items():
        label = declared.label
        if not declared.kinds:
            found.append(("approvals.E002", f"approval subject {label} declares no kinds", model))
        for kind in declared.kinds:
            if kind not in ApprovalKind.values:
                found.append(("approvals.E002", f"approval subject {label}: {kind!r} is not an ApprovalKind", model))
        if declared.waiting or declared.states:
            try:
                state_field = model._meta.get_field(declared.state_field)
            except FieldDoesNotExist:
                found.append(("approvals.E004", f"approval subject {label} has no field {declared.state_field!r}", model))
            else:
                choices = {str(value) for value, _label in state_field.flatchoices}
                for value in [*declared.waiting, *declared.states.values()]:
                    if choices and str(value) not in choices:
                        found.append(
                            (
                                "approvals.E004",
                                f"approval subject {label}: {value!r} is not a choice of {declared.state_field}",
                                model,
                            )
                        )
            missing = [decision for decision in DECISIONS if decision not in declared.states]
            if missing:
                found.append(
                    (
                        "approvals.E004",
                        f"approval subject {label} maps no state for {', '.join(missing)}: it would stay waiting",
                        model,
                    )
                )
        for names in declared.stamps.values():
            for name in names:
                try:
                    model._meta.get_field(name)
                except FieldDoesNotExist:
                    found.append(("approvals.E005", f"approval subject {label}: stamp field {name!r} does not exist", model))
        for name, arity in ARITY.items():
            if getattr(declared, name) is None:
                continue
            try:
                fn = declared.hook(name)
            except ImproperlyConfigured as error:
                found.append(("approvals.E003", str(error), model))
                continue
            if not callable(fn):
                found.append(("approvals.E003", f"approval subject {label}: {name} is not callable", model))
                continue
            try:
                inspect.signature(fn).bind(*([None] * arity))
            except TypeError:
                found.append(
                    ("approvals.E003", f"approval subject {label}: {name} must take {arity} positional argument(s)", model)
                )
            except ValueError:  # no signature to inspect (a builtin): trust it
                pass

    for model in apps.get_models():
        if subject_of(model) is not None:
            continue
        legacy = [name for name in LEGACY_METHODS if callable(getattr(model, name, None))]
        if legacy:
            found.append(
                (
                    "approvals.E006",
                    f"{model._meta.label} defines {', '.join(legacy)} but is not a registered approval subject: "
                    "declare it with approvals.subjects.register_subject (nothing is found by method name)",
                    model,
                )
            )
    return found
