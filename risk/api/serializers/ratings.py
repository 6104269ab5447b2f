"""Serializers of the risk API: grades as branch systems pull them, and the rating schemes as they are."""

from rest_framework import serializers

from risk.models import CustomerRating, RatingScheme, SchemeFactor, StaffRating


class CustomerRatingSerializer(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True, allow_null=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = CustomerRating
        fields = [
            "id",
            "customer",
            "customer_external_id",
            "customer_name",
            "grade",
            "score",
            "since",
            "rated_on",
            "scheme",
            "days_beyond_terms",
            "overdue_share",
            "oldest_overdue",
            "delay_trend",
            "limit_utilisation",
            "tenure",
        ]
        read_only_fields = fields


class StaffRatingSerializer(serializers.ModelSerializer):
    employee_no = serializers.CharField(source="staff.employee_no", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = StaffRating
        fields = [
            "id",
            "staff",
            "employee_no",
            "staff_name",
            "grade",
            "score",
            "since",
            "rated_on",
            "scheme",
            "customers_overdue_share",
            "collection_attainment",
            "appraisal_score",
            "task_timeliness",
        ]
        read_only_fields = fields


class RatingFactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeFactor
        fields = ["factor", "weight", "bands", "if_missing"]
        read_only_fields = fields


class RatingSchemeSerializer(serializers.ModelSerializer):
    factors = RatingFactorSerializer(many=True, read_only=True)

    class Meta:
        model = RatingScheme
        fields = ["id", "subject", "name", "version", "state", "grades", "factors", "description", "approved_at"]
        read_only_fields = fields
