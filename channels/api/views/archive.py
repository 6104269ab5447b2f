"""The channel archive's API: channels (list, detail with contacts and state history, open, change, move the
state, bulk upsert by external id), their relationship log, contacts and agreements. Reads go through the scope
(`ScopedViewSet`), writes through channels.services; a refusal is JSON naming the field (400/403)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from channels import services
from channels.api.bulk import ChannelBulk
from channels.api.serializers import archive as s
from channels.filtersets import (
    ChannelActivityFilterSet,
    ChannelAgreementFilterSet,
    ChannelContactFilterSet,
    ChannelFilterSet,
)
from channels.models import Channel, ChannelActivity, ChannelAgreement, ChannelContact
from channels.rights import ARCHIVE_RIGHT, new_channel_salesperson
from core.api import ScopedViewSet, validated
from core.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from customers.api import bulk as ledger_bulk

BULK_SCHEMA = {
    "request": ledger_bulk.BulkRequestSerializer,
    "responses": {200: ledger_bulk.BulkResponseSerializer, 400: ledger_bulk.BulkRefusalSerializer},
}


class ChannelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Channels' archives (渠道业务信息档案): the partners through which products are sold, with their contacts
    and the history of every state change."""

    queryset = Channel.objects.all()
    serializer_class = s.ChannelSerializer
    filterset_class = ChannelFilterSet
    change_action = ARCHIVE_RIGHT

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit", "salesperson").prefetch_related("contacts")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("transitions")
        return queryset.order_by("-id")

    def get_serializer_class(self):
        return s.ChannelDetailSerializer if self.action == "retrieve" else s.ChannelSerializer

    def _answer(self, channel, status_code=status.HTTP_200_OK):
        obj = self.get_queryset().prefetch_related("transitions").get(pk=channel.pk)
        return Response(s.ChannelDetailSerializer(obj, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        request=s.ChannelWriteSerializer, responses={201: s.ChannelDetailSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        """Open a channel's archive (a salesperson's new channel is their own)."""
        data = validated(self, s.ChannelWriteSerializer)
        if "salesperson" not in data:
            data["salesperson"] = new_channel_salesperson(request.user)
        channel = services.channel_create(by=request.user, **data)
        return self._answer(channel, status.HTTP_201_CREATED)

    @extend_schema(request=s.ChannelWriteSerializer, responses={200: s.ChannelDetailSerializer})
    def partial_update(self, request, pk=None):
        """Change a channel's archive (not its state: see `transition`)."""
        channel = self.get_object()
        data = validated(self, s.ChannelWriteSerializer, partial=True)
        channel = services.channel_update(by=request.user, channel=channel, **data)
        return self._answer(channel)

    @extend_schema(request=s.ChannelTransitionInputSerializer, responses={200: s.ChannelDetailSerializer}, filters=False)
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def transition(self, request, pk=None):
        """Move the channel's state (only the moves its life allows), on a day and for a reason."""
        channel = self.get_object()
        data = validated(self, s.ChannelTransitionInputSerializer)
        services.channel_transition(
            by=request.user, channel=channel, to_state=data["state"], on=data.get("on"), reason=data.get("reason", "")
        )
        return self._answer(channel)

    @extend_schema(**BULK_SCHEMA)
    @action(detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Upsert up to 1,000 channels keyed by `external_id`, all or nothing (the customers' rules)."""
        return ChannelBulk(request=request).response()


class ChannelActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Channels' relationship log: visits, meetings, training and support given, calls — with the next step."""

    queryset = ChannelActivity.objects.all()
    serializer_class = s.ChannelActivitySerializer
    filterset_class = ChannelActivityFilterSet
    change_action = ARCHIVE_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.order_by("-on", "-id")

    @extend_schema(
        request=s.ChannelActivityWriteSerializer, responses={201: s.ChannelActivitySerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.ChannelActivityWriteSerializer)
        activity = services.channel_activity_add(by=request.user, **data)
        return Response(s.ChannelActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ChannelActivityChangeSerializer, responses={200: s.ChannelActivitySerializer})
    def partial_update(self, request, pk=None):
        activity = self.get_object()
        data = validated(self, s.ChannelActivityChangeSerializer, partial=True)
        activity = services.channel_activity_update(by=request.user, activity=activity, **data)
        return Response(s.ChannelActivitySerializer(activity).data)


class ChannelContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The people to talk to at each channel."""

    queryset = ChannelContact.objects.all()
    serializer_class = s.ChannelContactSerializer
    filterset_class = ChannelContactFilterSet
    change_action = ARCHIVE_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.order_by("channel_id", "-is_primary", "id")

    @extend_schema(
        request=s.ChannelContactWriteSerializer, responses={201: s.ChannelContactSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.ChannelContactWriteSerializer)
        contact = services.channel_contact_add(by=request.user, **data)
        return Response(s.ChannelContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ChannelContactChangeSerializer, responses={200: s.ChannelContactSerializer})
    def partial_update(self, request, pk=None):
        contact = self.get_object()
        data = validated(self, s.ChannelContactChangeSerializer, partial=True)
        contact = services.channel_contact_update(by=request.user, contact=contact, **data)
        return Response(s.ChannelContactSerializer(contact).data)


class ChannelAgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Agreements with channels on file (a light record; contracts proper are the contracts' archive)."""

    queryset = ChannelAgreement.objects.all()
    serializer_class = s.ChannelAgreementSerializer
    filterset_class = ChannelAgreementFilterSet
    change_action = ARCHIVE_RIGHT

    def narrow_queryset(self, queryset):
        return queryset.order_by("-signed_on", "-id")

    @extend_schema(
        request=s.ChannelAgreementWriteSerializer,
        responses={201: s.ChannelAgreementSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def create(self, request):
        data = validated(self, s.ChannelAgreementWriteSerializer)
        agreement = services.channel_agreement_add(by=request.user, **data)
        return Response(s.ChannelAgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)
