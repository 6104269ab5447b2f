"""Serializers of the suggestions API: a suggestion as read, and the input of each write."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.models import Channel
from core.api import ScopedPrimaryKeyRelatedField
from core.serializers import StrictSerializer, enum_choice_field
from customers.models import Customer, Product
from relations.models.suggestions import Suggestion, SuggestionState, SuggestionTopic
from relations.services.suggestions import TEXT_MAX, TITLE_MAX


class FieldSuggestionSerializer(serializers.ModelSerializer):
    state = enum_choice_field(SuggestionState, read_only=True)
    topic = enum_choice_field(SuggestionTopic, read_only=True)
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "author",
            "author_name",
            "unit",
            "topic",
            "title",
            "text",
            "product",
            "channel",
            "customer",
            "state",
            "response",
            "answered_by_name",
            "answered_at",
            "closed_at",
            "created_at",
        ]


class SuggestionWriteSerializer(StrictSerializer):
    topic = serializers.ChoiceField(choices=SuggestionTopic.choices, label=_("topic"))
    title = serializers.CharField(max_length=TITLE_MAX, label=_("title"))
    text = serializers.CharField(max_length=TEXT_MAX, label=_("suggestion"))
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.filter(is_active=True), required=False, allow_null=True, label=_("product")
    )
    channel = ScopedPrimaryKeyRelatedField(model=Channel, required=False, allow_null=True, label=_("channel"))
    customer = ScopedPrimaryKeyRelatedField(model=Customer, required=False, allow_null=True, label=_("customer"))


class AnswerSerializer(StrictSerializer):
    response = serializers.CharField(max_length=TEXT_MAX, label=_("response"))


class EmptySerializer(StrictSerializer):
    pass
