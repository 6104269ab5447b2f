"""Serializers of the risk API for foresight (提前预见): each customer's probability as branch systems pull it."""

from rest_framework import serializers

from risk.models import CustomerForecast


class CustomerForecastSerializer(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True, allow_null=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    model_version = serializers.IntegerField(source="model.version", read_only=True)
    model_auc = serializers.DecimalField(source="model.auc", max_digits=5, decimal_places=4, read_only=True)
    learned_from = serializers.DateField(source="model.learned_from", read_only=True)
    learned_to = serializers.DateField(source="model.learned_to", read_only=True)

    class Meta:
        model = CustomerForecast
        fields = [
            "id",
            "customer",
            "customer_external_id",
            "customer_name",
            "as_of",
            "probability",
            "reasons",
            "model_version",
            "model_auc",
            "learned_from",
            "learned_to",
        ]
        read_only_fields = fields
