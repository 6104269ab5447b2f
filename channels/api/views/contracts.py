"""The contracts API under /api/v1/channels/: list, detail, create (a draft; multipart for the signed copy),
partial update, the POST actions submit (for filing) / withdraw, and GET file (the signed copy, in scope only).
Reads go through the scope; writes through channels.services, whose refusals are JSON naming the field."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from channels import services
from channels.api.serializers import contracts as s
from channels.filtersets import ContractFilterSet
from channels.models import Contract
from core.api import RolePermission, ScopedViewSet, validated
from core.files import download_responses, file_response
from core.roles import BRANCH_SYSTEM, role_of


class ContractPermission(RolePermission):
    """Writes are a person's (the party's salesperson or a manager above): a branch system's key drafts no
    contracts — a 403 before its body is read."""

    @staticmethod
    def _allowed(request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return role_of(request.user) != BRANCH_SYSTEM and RolePermission._allowed(request, view)


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Contracts (合同) with customers and channels: a salesperson reads and drafts their own, a manager those of
    their part of the tree; the Development Center files them (the approval)."""

    queryset = Contract.objects.all()
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilterSet
    change_action = "customer.change"
    permission_classes = [permissions.IsAuthenticated, ContractPermission]

    def narrow_queryset(self, queryset):
        return queryset.select_related("customer", "channel").prefetch_related("meetings").order_by("-created_at", "-id")

    def _answer(self, contract, code=status.HTTP_200_OK):
        return Response(s.ContractSerializer(self.get_queryset().get(pk=contract.pk)).data, status=code)

    @extend_schema(request=s.ContractCreateSerializer, responses={201: s.ContractSerializer})
    def create(self, request):
        """Draft a contract with `customer` or `channel` (exactly one, in the caller's scope). The signed copy may
        come as `file` in a multipart body; its kind is judged by its content."""
        values = dict(validated(self, s.ContractCreateSerializer))
        contract = services.contract_create(**values, by=request.user)
        return self._answer(contract, status.HTTP_201_CREATED)

    @extend_schema(request=s.ContractWriteSerializer, responses={200: s.ContractSerializer})
    def partial_update(self, request, pk=None):
        """Change the fields given of a contract not yet submitted for filing."""
        contract = self.get_object()
        services.contract_update(contract=contract, **validated(self, s.ContractWriteSerializer), by=request.user)
        return self._answer(contract)

    @extend_schema(request=s.ContractEmptySerializer, responses={200: s.ContractSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        """Submit a signed contract (its copy attached) for filing with the Development Center."""
        contract = self.get_object()
        validated(self, s.ContractEmptySerializer)
        services.contract_submit(contract=contract, by=request.user)
        return self._answer(contract)

    @extend_schema(request=s.ContractEmptySerializer, responses={200: s.ContractSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Withdraw a filing request not decided yet."""
        contract = self.get_object()
        validated(self, s.ContractEmptySerializer)
        services.contract_withdraw(contract=contract, by=request.user)
        return self._answer(contract)

    @extend_schema(responses=download_responses())
    @action(detail=True, methods=["get"], filterset_class=None)
    def file(self, request, pk=None):
        """The signed copy, as an attachment (404 without one, or outside the caller's scope)."""
        return file_response(self.get_object().file)
