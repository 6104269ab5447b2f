"""The inbox over the API: one's own messages only. A person's endpoint: a branch system's key gets 403."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet
from notifications.api.serializers import (
    NotificationMarkReadResponseSerializer,
    NotificationMarkReadSerializer,
    NotificationSerializer,
)
from notifications.choices import NotificationKind
from notifications.models import Notification
from notifications.services import notification_mark_read


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"))
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices, label=_("kind"))

    class Meta:
        model = Notification
        fields = ["kind"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """My messages (站内消息), newest first. Another person's message is a 404."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    # The scope of an inbox is its owner (Notification.objects.for_user). Reading and marking read need
    # "inbox.use", which every person's role holds and a branch system's key does not (core/roles.py).
    view_action = "inbox.use"
    change_action = "inbox.use"

    @extend_schema(request=NotificationMarkReadSerializer, responses={200: NotificationMarkReadResponseSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read", filterset_class=None, pagination_class=None)
    def mark_read(self, request):
        """Mark the given messages read (`ids`), or every unread one (`all: true`)."""
        serializer = NotificationMarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = None if data.get("all") else data["ids"]
        return Response({"marked": notification_mark_read(user=request.user, ids=ids)})
