import re

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.db import connection
from django.http import HttpResponse
from pghistory.middleware import HistoryMiddleware as BaseHistoryMiddleware


class HealthCheckMiddleware:
    """`/sante/` answers before host validation and HTTPS redirect, for container probes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/sante/":
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception:  # noqa: BLE001 - any database failure means unhealthy
                return HttpResponse("base de données indisponible", status=503,
                                    content_type="text/plain; charset=utf-8")
            return HttpResponse("ok", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class HistoryMiddleware(BaseHistoryMiddleware):
    """pghistory's middleware (the user and path of each change in the audit trail,
    commun.historique), except on the high-volume writes of tables it does not track:
    reports (their own history, `Evenement`) and walk annotations and scores. There, no
    context is prefixed to every INSERT of the lean report path."""

    UNTRACKED = re.compile(r"^/(api/v1/signalements/|open311/|api/v1/marches/[^/]+/(annotations|scores)/)")

    def __call__(self, request):
        if self.UNTRACKED.match(request.path):
            return self.get_response(request)
        return super().__call__(request)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's header, with a nonce in the policy of every HTML answer.

    django-csp adds `'nonce-…'` only when a template asked for `request.csp_nonce`; every
    HTML page gets one here, so that a script tag given the nonce later (or an error page)
    never meets a policy without it. A nonce costs 16 random bytes.
    """

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("text/html") and hasattr(request, "csp_nonce"):
            str(request.csp_nonce)
        return super().process_response(request, response)
