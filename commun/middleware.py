from django.db import connection
from django.http import HttpResponse


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
