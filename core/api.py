"""API base classes: the scoped viewset, role permissions, pagination, errors and throttling.

`ScopedViewSet.get_queryset` is final: a subclass that defines its own raises at import time, so a
view cannot forget the scope. Extra filtering goes in `narrow_queryset`. Reading outside the scope is
a 404; writing inside it without the right is a 403.
"""

from rest_framework import permissions, serializers, viewsets

from core import audit
from core.roles import can
from core.scoping import get_in_scope


class RolePermission(permissions.BasePermission):
    """Reading needs a scope (and `view_action`, if the view sets one); changing needs `change_action`.

    Object writes are checked after the scoped lookup so that out-of-scope stays a 404.
    """

    def has_permission(self, request, view):
        if getattr(view, "detail", False) or view.kwargs.get(view.lookup_url_kwarg or view.lookup_field):
            return True  # decided in has_object_permission, after the scoped lookup
        return self._allowed(request, view)

    def has_object_permission(self, request, view, obj):
        return self._allowed(request, view)

    @staticmethod
    def _allowed(request, view):
        if request.method in permissions.SAFE_METHODS:
            action = getattr(view, "view_action", None)
            return action is None or can(request.user, action)
        action = getattr(view, "change_action", None)
        return action is not None and can(request.user, action)


class ScopedViewSet(viewsets.GenericViewSet):
    """Base of every API viewset over unit-owned rows."""

    permission_classes = [permissions.IsAuthenticated, RolePermission]
    change_action = None  # e.g. "staff.change"; None means read-only for everyone
    view_action = None  # set when reading needs a right beyond the scope (e.g. "apikey.view")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must not override get_queryset (it applies the scope); use narrow_queryset")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        api_key = getattr(user, "api_key", None)
        audit.set_door(
            audit.Door.API,
            user=None if api_key else user,
            api_key_id=api_key.pk if api_key else None,
        )

    def get_queryset(self):
        base = self.queryset.all().for_user(self.request.user)
        return self.narrow_queryset(base)

    def narrow_queryset(self, queryset):
        """Hook for select_related, annotations and per-action narrowing; never widens."""
        return queryset

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        lookup = {self.lookup_field: self.kwargs[lookup_url_kwarg]}
        obj = get_in_scope(self.request, queryset.model, queryset=queryset, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj

    def permission_denied(self, request, message=None, code=None):
        if request.user and request.user.is_authenticated:
            audit.log_denial(request, reason=str(message or "no right for this action"), status=403)
        super().permission_denied(request, message=message, code=code)


def validated(view, serializer_class, *, data=None, partial=False):
    """The input of an API action, checked by `serializer_class`, as a plain dict for a service's keywords.

    Reads `view.request.data` (the body), or `data` when given (e.g. `request.query_params` for a GET
    action's query). `partial=True` is for PATCH: fields left out are not required. The serializer gets the
    view's context, so scoped reference fields (`ScopedPrimaryKeyRelatedField`) see the caller. Bad input
    raises DRF's `ValidationError`, answered 400 with each field and its messages by the exception handler.

    Why one function: every write action validates its body the same way before calling a service
    (`services.x(**validated(self, s.XSerializer), by=request.user)`); one place keeps the error answers alike.
    """
    serializer = serializer_class(
        data=view.request.data if data is None else data, partial=partial, context=view.get_serializer_context()
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference in input that must lie inside the caller's scope (else: "does not exist")."""

    def __init__(self, model=None, **kwargs):
        self.scoped_model = model
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request is not None else None
        return self.scoped_model._default_manager.for_user(user)
