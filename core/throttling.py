"""API throttling: one budget per person or per API key."""

from rest_framework.throttling import SimpleRateThrottle


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per person or per API key."""

    scope = "principal"

    def get_cache_key(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return None
        api_key = getattr(user, "api_key", None)
        ident = f"key{api_key.pk}" if api_key else f"user{user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
