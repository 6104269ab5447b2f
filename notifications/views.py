"""The inbox (站内消息): one's own messages, newest first; open one (marks it read), mark all read."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core.scoping import get_in_scope
from notifications.models import Notification
from notifications.services import notification_mark_read


def safe_target(url):
    """The message's link if it is a path on this site ("/…", not "//host"), else the inbox."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        if url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            return url
    return None


class InboxView(LoginRequiredMixin, ListView):
    """The person's messages, newest first; `?unread=1` shows the unread ones only."""

    template_name = "notifications/inbox.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user).order_by("-id")
        if self.request.GET.get("unread") in ("1", "true", "on"):
            queryset = queryset.unread()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_only"] = self.request.GET.get("unread") in ("1", "true", "on")
        context["unread_count"] = Notification.objects.for_user(self.request.user).unread().count()
        return context


class OpenView(LoginRequiredMixin, View):
    """Open one message: it is marked read and the reader goes to its link (a path on this site only)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.method not in ("GET", "POST"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        notification = get_in_scope(request, Notification, pk=kwargs["pk"])
        notification_mark_read(user=request.user, ids=[notification.pk])
        return redirect(safe_target(notification.url) or "notifications:inbox")


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request, *args, **kwargs):
        count = notification_mark_read(user=request.user)
        messages.success(request, _("%(count)s messages marked read.") % {"count": count})
        return redirect("notifications:inbox")
