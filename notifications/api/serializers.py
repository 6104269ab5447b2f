from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.filters import MAX_ID
from core.serializers import StrictSerializer
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationMarkReadSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="The messages to mark read; leave out and set `all` to mark every unread one.",
    )
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": [_("Give the ids of the messages, or set all to true.")]})
        return data


class NotificationMarkReadResponseSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
