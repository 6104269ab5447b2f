"""Audit trail: who changed what, when, and through which door (page, API key, task, command).

Built on django-simple-history: every audited model declares `history = audit_history()`. The
historical rows carry two extra columns filled from a context variable that each door sets: the
middleware for pages and admin, the API base view for API calls, a Celery signal for tasks.
Denied access attempts go to `core.AccessDenial` and the `regsales.security` log.
"""

import contextvars
import logging
from contextlib import contextmanager

from celery.signals import task_postrun, task_prerun
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

security_log = logging.getLogger("regsales.security")


class Door(models.TextChoices):
    WEB = "web", _("page")
    ADMIN = "admin", _("admin site")
    API = "api", _("API")
    TASK = "task", _("background task")
    COMMAND = "command", _("command")


_context = contextvars.ContextVar("audit_context", default=None)


class AuditContext:
    __slots__ = ("door", "user", "api_key_id", "detail")

    def __init__(self, door, user=None, api_key_id=None, detail=""):
        self.door = door
        self.user = user
        self.api_key_id = api_key_id
        self.detail = detail


@contextmanager
def audit_door(door, *, user=None, api_key_id=None, detail=""):
    token = _context.set(AuditContext(door, user, api_key_id, detail))
    try:
        yield
    finally:
        _context.reset(token)


def current():
    return _context.get() or AuditContext(Door.COMMAND)


def set_door(door, *, user=None, api_key_id=None, detail=""):
    """Set the door for the rest of this request or task (reset by the middleware / signal)."""
    return _context.set(AuditContext(door, user, api_key_id, detail))


class AuditedHistoricalModel(models.Model):
    """Extra columns on every historical table."""

    history_door = models.CharField(_("changed via"), max_length=10, choices=Door.choices, default=Door.COMMAND)
    history_api_key_id = models.BigIntegerField(null=True, blank=True)
    history_detail = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        abstract = True


def _history_user(instance=None, request=None, **kwargs):
    """The person behind a change: only a real user. A branch system's principal is not one; its
    key is recorded in history_api_key_id instead."""
    user = getattr(request, "user", None) if request is not None else None
    if user is None or getattr(user, "api_key", None) is not None or not getattr(user, "pk", None):
        return None
    return user


def audit_history(**kwargs):
    """HistoricalRecords with the door columns; use as `history = audit_history()`."""
    kwargs.setdefault("get_user", _history_user)
    return HistoricalRecords(bases=[AuditedHistoricalModel], **kwargs)


@receiver(pre_create_historical_record)
def _fill_door(sender, history_instance, **kwargs):
    ctx = current()
    history_instance.history_door = ctx.door
    history_instance.history_api_key_id = ctx.api_key_id
    history_instance.history_detail = ctx.detail[:200]
    user = ctx.user
    if history_instance.history_user_id is None and user is not None and getattr(user, "pk", None):
        history_instance.history_user = user


def bulk_create_audited(objs, model):
    """Insert many new rows of an audited model and their "created" history rows, in bulk, with the
    door, user and API key of the current context (COPY on PostgreSQL, see core.bulk)."""
    from django.db import connection
    from django.utils import timezone

    from core.bulk import copy_rows, insert_many, next_ids

    insert_many(model, objs)
    ctx = current()
    user_id = ctx.user.pk if ctx.user is not None and getattr(ctx.user, "pk", None) else None
    history_model = model.history.model
    now = timezone.now()
    extra = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": user_id,
        "history_door": ctx.door,
        "history_api_key_id": ctx.api_key_id,
        "history_detail": ctx.detail[:200],
    }
    tracked = [f.attname for f in history_model.tracked_fields]
    if connection.vendor == "postgresql":
        # Tuples straight to COPY: building a model instance per history row would cost more than the write.
        meta = history_model._meta
        ids = next_ids(meta.db_table, meta.pk.column, len(objs))
        columns, sources = [], []
        for f in meta.concrete_fields:
            columns.append(f.column)
            sources.append(
                ("id", None) if f.primary_key else ("extra", extra[f.attname]) if f.attname in extra else ("obj", f.attname)
            )
        rows = (
            [pk if kind == "id" else value if kind == "extra" else getattr(obj, value) for kind, value in sources]
            for obj, pk in zip(objs, ids, strict=True)
        )
        copy_rows(meta.db_table, columns, rows)
    else:
        insert_many(history_model, [history_model(**extra, **{name: getattr(obj, name) for name in tracked}) for obj in objs])
    return objs


class AuditDoorMiddleware:
    """Marks changes made while serving a page (or the admin) with their door and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        door = Door.ADMIN if request.path.startswith("/admin/") else Door.WEB
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        token = _context.set(AuditContext(door, user))
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


_task_tokens = {}


@task_prerun.connect
def _task_door(task_id=None, task=None, **kwargs):
    _task_tokens[task_id] = _context.set(AuditContext(Door.TASK, detail=getattr(task, "name", "")))


@task_postrun.connect
def _task_door_reset(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # reset from another context (eager tasks nest); harmless
            pass


def log_denial(request, *, reason, status, obj=None):
    """Record a denied access attempt (out of scope, or in scope without the right)."""
    from core.models import AccessDenial

    user = getattr(request, "user", None)
    api_key = getattr(user, "api_key", None)
    real_user = user if user is not None and getattr(user, "pk", None) and not api_key else None
    entry = AccessDenial.objects.create(
        user=real_user,
        api_key_id=api_key.pk if api_key else None,
        method=request.method[:10],
        path=request.get_full_path()[:500],
        status=status,
        reason=reason[:200],
        object_repr=(f"{obj._meta.label}:{obj.pk}" if obj is not None else "")[:200],
    )
    security_log.info(
        "access denied status=%s method=%s path=%s user=%s api_key=%s reason=%s",
        status,
        request.method,
        request.path,
        getattr(real_user, "pk", None),
        entry.api_key_id,
        reason,
    )
    return entry
