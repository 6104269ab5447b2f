"""The suggestions API under /api/v1/relations/suggestions/: list (the caller's scope; `mine=true` their own),
detail, POST (anyone who works here), POST {id}/answer/ (the level responsible), POST {id}/close/ (the author or
that level). Reads go through the scope; writes through relations.services (400/409 naming the field, 403)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from relations import services
from relations.api.serializers import suggestions as s
from relations.filtersets import SuggestionFilterSet
from relations.models.suggestions import Suggestion
from relations.rights.suggestions import SUGGEST_RIGHT


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Problems and improvement suggestions (建议) and their responses."""

    queryset = Suggestion.objects.all()
    serializer_class = s.FieldSuggestionSerializer
    filterset_class = SuggestionFilterSet
    change_action = SUGGEST_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.select_related("author").order_by("-created_at", "-id")

    def _answer(self, suggestion, code=status.HTTP_200_OK):
        return Response(s.FieldSuggestionSerializer(self.get_queryset().get(pk=suggestion.pk)).data, status=code)

    @extend_schema(
        request=s.SuggestionWriteSerializer, responses={201: s.FieldSuggestionSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        suggestion = services.suggestion_create(by=request.user, **validated(self, s.SuggestionWriteSerializer))
        return self._answer(suggestion, status.HTTP_201_CREATED)

    @extend_schema(request=s.AnswerSerializer, responses={200: s.FieldSuggestionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def answer(self, request, pk=None):
        suggestion = self.get_object()
        services.suggestion_answer(
            by=request.user, suggestion=suggestion, response=validated(self, s.AnswerSerializer)["response"]
        )
        return self._answer(suggestion)

    @extend_schema(request=s.EmptySerializer, responses={200: s.FieldSuggestionSerializer})
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def close(self, request, pk=None):
        suggestion = self.get_object()
        validated(self, s.EmptySerializer)
        services.suggestion_close(by=request.user, suggestion=suggestion)
        return self._answer(suggestion)
