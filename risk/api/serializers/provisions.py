"""Serializers of the provisions API: the provision policies as they are."""

from rest_framework import serializers

from risk.models import ProvisionPolicy


class ProvisionPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvisionPolicy
        fields = ["id", "name", "version", "state", "rates", "previous", "description", "submitted_at", "approved_at"]
        read_only_fields = fields
