"""The Development Center's page of login locks (core/login_guard.py)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from core import audit
from core.login_guard import lockout_lift, lockout_minutes, lockouts, mark_lockouts
from core.roles import can


class LockoutListView(LoginRequiredMixin, ListView):
    """The login locks in force (/security/lockouts/), for the Development Center: who, from where, how many
    failures, until when — and a button to lift one. Failed logins belong to no org unit (a mistyped
    username may name nobody), so this is not a scoped list: reading needs the right "login.unlock"."""

    title = gettext_lazy("Login lockouts")
    template_name = "core/lockout_list.html"
    paginate_by = 50

    def require_unlock(self):
        if not can(self.request.user, "login.unlock"):
            audit.log_denial(self.request, reason="login locks are for the Development Center", status=403)
            raise PermissionDenied

    def get_queryset(self):
        return lockouts()

    def get(self, request, *args, **kwargs):
        self.require_unlock()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mark_lockouts(context["object_list"])
        context["lockout_minutes"] = lockout_minutes()
        context["limit_account"] = settings.LOGIN_FAILURE_LIMIT_ACCOUNT
        context["limit_address"] = settings.LOGIN_FAILURE_LIMIT_ADDRESS
        return context

    def post(self, request, *args, **kwargs):
        self.require_unlock()
        try:
            attempt = AccessAttempt.objects.get(pk=int(request.POST.get("lift", "")))
        except (ValueError, OverflowError, AccessAttempt.DoesNotExist):
            messages.info(request, _("That lock had already ended."))
            return redirect("core:lockouts")
        lockout_lift(attempt=attempt, by=request.user)
        messages.success(request, _("The lock of %(who)s was lifted.") % {"who": attempt.username or attempt.ip_address})
        return redirect("core:lockouts")
