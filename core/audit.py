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
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core.bulk import insert_rows

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


def insert_audited(model, columns, rows):
    """Insert new rows given as tuples (see core.bulk.insert_rows) and their "created" history rows;
    returns the new ids in order. The fastest safe path for a batch: no model instances."""
    ids = insert_rows(model, columns, rows)
    write_created_history(model, ids)
    return ids


def write_created_history(model, ids, *, history_type="+"):
    """The "created" history rows of rows just inserted (or, with history_type="~", the "changed" rows
    of rows just updated set-wise), copied by the database from the rows themselves (INSERT … SELECT):
    the history holds exactly what was written, and no value makes a round trip through Python."""
    if not ids:
        return
    ctx = current()
    history_model = model.history.model
    meta, source = history_model._meta, model._meta
    extra = {
        "history_date": timezone.now(),
        "history_change_reason": None,
        "history_type": history_type,
        "history_user_id": ctx.user.pk if ctx.user is not None and getattr(ctx.user, "pk", None) else None,
        "history_door": ctx.door,
        "history_api_key_id": ctx.api_key_id,
        "history_detail": ctx.detail[:200],
    }
    columns, selects, params = [], [], []
    for f in meta.concrete_fields:
        if f.primary_key:
            continue  # history_id: the table's own sequence
        columns.append(connection.ops.quote_name(f.column))
        if f.attname in extra:
            selects.append("%s")
            params.append(f.get_db_prep_save(extra[f.attname], connection))
        else:
            selects.append(connection.ops.quote_name(source.get_field(f.attname).column))
    table, pk = connection.ops.quote_name(source.db_table), connection.ops.quote_name(source.pk.column)
    head = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(selects)} FROM {table}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} WHERE {pk} = ANY(%s) ORDER BY {pk}", [*params, list(ids)])
        else:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                cursor.execute(f"{head} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk}", [*params, *chunk])


class RefusedWrite(PermissionDenied):
    """A page's write refused by a service for lack of a right (`core.rights.NotAllowed`): a 403 that
    the door middleware logs as a denial, since the form helper that raises it has no request."""


class AuditDoorMiddleware:
    """Marks changes made while serving a page (or the admin) with their door and user; logs a refused
    write (`RefusedWrite`) as a denial."""

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

    def process_exception(self, request, exception):
        if isinstance(exception, RefusedWrite):
            log_denial(request, reason=str(exception) or "no right for this action", status=403)
        return None  # Django's own handling answers the 403


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
    # cycle: core.models → core.audit (audit_history, the models' history) → core.models
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
