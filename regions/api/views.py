from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedViewSet, validated
from core.models import ApiKey
from core.services import api_key_issue, api_key_revoke
from regions import selectors, services
from regions.api import serializers as s
from regions.filtersets import OrgUnitFilterSet, StaffFilterSet
from regions.models import OrgUnit, StaffProfile


class OrgUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The organisation: Development Center → regions → provinces → district offices."""

    queryset = OrgUnit.objects.all()
    serializer_class = s.OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    change_action = "orgunit.change"

    def narrow_queryset(self, queryset):
        return queryset.select_related("parent")

    @extend_schema(request=s.OrgUnitCreateSerializer, responses={201: s.OrgUnitSerializer})
    def create(self, request):
        data = validated(self, s.OrgUnitCreateSerializer)
        unit = services.org_unit_create(by=request.user, **data)
        return Response(s.OrgUnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OrgUnitUpdateSerializer, responses={200: s.OrgUnitSerializer})
    def partial_update(self, request, pk=None):
        unit = self.get_object()
        data = validated(self, s.OrgUnitUpdateSerializer)
        unit = services.org_unit_update(by=request.user, unit=unit, **data)
        return Response(s.OrgUnitSerializer(unit).data)

    @extend_schema(request=s.OrgUnitMoveSerializer, responses={200: s.OrgUnitSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        unit = self.get_object()
        data = validated(self, s.OrgUnitMoveSerializer)
        unit = services.org_unit_move(by=request.user, unit=unit, new_parent=data["parent"])
        return Response(s.OrgUnitSerializer(unit).data)

    @extend_schema(request=s.OrgUnitMergeSerializer, responses={200: s.OrgUnitSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        unit = self.get_object()
        data = validated(self, s.OrgUnitMergeSerializer)
        unit = services.org_unit_merge(by=request.user, source=unit, target=data["target"], on=data.get("on"))
        return Response(s.OrgUnitSerializer(unit).data)

    @extend_schema(request=s.OrgUnitCloseSerializer, responses={200: s.OrgUnitSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        unit = self.get_object()
        data = validated(self, s.OrgUnitCloseSerializer)
        unit = services.org_unit_close(by=request.user, unit=unit, on=data.get("on"))
        return Response(s.OrgUnitSerializer(unit).data)

    @extend_schema(responses={200: s.OrgUnitTreeNodeSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def tree(self, request):
        """The caller's visible part of the organisation as a nested tree (active units)."""
        return Response(selectors.org_unit_tree(user=request.user))

    @extend_schema(responses={200: s.OrgUnitTreeNodeSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def subtree(self, request, pk=None):
        """One unit and everything below it, as a nested tree."""
        unit = self.get_object()
        return Response(selectors.org_unit_tree(user=request.user, root=unit))


class StaffViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The staff archive: managers and sales staff with their position history."""

    queryset = StaffProfile.objects.all()
    serializer_class = s.StaffSerializer
    filterset_class = StaffFilterSet
    change_action = "staff.change"

    def narrow_queryset(self, queryset):
        queryset = queryset.select_related("unit", "user")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("positions")
        return queryset

    def get_serializer_class(self):
        return s.StaffDetailSerializer if self.action == "retrieve" else s.StaffSerializer

    @extend_schema(request=s.StaffCreateSerializer, responses={201: s.StaffDetailSerializer})
    def create(self, request):
        serializer = s.StaffCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        staff = services.staff_hire(by=request.user, **serializer.validated_data)
        return Response(s.StaffDetailSerializer(staff).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.StaffUpdateSerializer, responses={200: s.StaffDetailSerializer})
    def partial_update(self, request, pk=None):
        staff = self.get_object()
        serializer = s.StaffUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        staff = services.staff_update(by=request.user, staff=staff, **serializer.validated_data)
        return Response(s.StaffDetailSerializer(staff).data)

    @extend_schema(request=s.StaffMoveSerializer, responses={200: s.StaffDetailSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        staff = self.get_object()
        serializer = s.StaffMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        staff = services.staff_move(by=request.user, staff=staff, **serializer.validated_data)
        return Response(s.StaffDetailSerializer(staff).data)


class ApiKeyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Branch-system API keys: each bound to one unit; the key is shown once, at creation."""

    queryset = ApiKey.objects.all()
    serializer_class = s.ApiKeySerializer
    change_action = "apikey.manage"
    view_action = "apikey.view"

    def narrow_queryset(self, queryset):
        return queryset.select_related("unit")

    @extend_schema(request=s.ApiKeyCreateSerializer, responses={201: s.ApiKeyCreatedSerializer})
    def create(self, request):
        serializer = s.ApiKeyCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        key, raw = api_key_issue(by=request.user if request.user.pk else None, **serializer.validated_data)
        body = s.ApiKeySerializer(key).data
        body["key"] = raw
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ApiKeySerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = api_key_revoke(key=self.get_object())
        return Response(s.ApiKeySerializer(key).data)
