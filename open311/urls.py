"""Open311 GeoReport v2: every resource ends with its format, `.json` or `.xml`."""

from django.urls import path

from . import api

urlpatterns = [
    path("discovery.<str:fmt>", api.DiscoveryView.as_view(), name="open311-discovery"),
    path("services.<str:fmt>", api.ServicesView.as_view(), name="open311-services"),
    path("services/<str:code>.<str:fmt>", api.ServiceDefinitionView.as_view(), name="open311-service"),
    path("requests.<str:fmt>", api.RequestsView.as_view(), name="open311-requests"),
    path("requests/<str:request_id>.<str:fmt>", api.RequestView.as_view(), name="open311-request"),
    path("tokens/<str:token>.<str:fmt>", api.TokenView.as_view(), name="open311-token"),
]
