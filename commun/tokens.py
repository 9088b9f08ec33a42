"""`POST /api/v1/auth/token/ {username, password}` → `{token}`."""

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.throttling import ScopedRateThrottle

from .schema import DemandeJeton, Jeton
from .validation import BoundedJSONParser


class TokenView(ObtainAuthToken):
    """Throttled, and locked by django-axes like the login form (10 failures lock the
    account and, separately, the address)."""

    throttle_classes = [ScopedRateThrottle]
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    throttle_scope = "auth"

    def get_serializer_context(self):
        # django-axes marks a lockout on Django's request, which its middleware reads.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(request={"application/json": DemandeJeton}, responses={200: Jeton}, auth=[])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
