import re

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
