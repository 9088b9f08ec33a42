from django.urls import path

from . import pages

urlpatterns = [
    path("signaler/", pages.report_form, name="signaler"),
    path("signalements/", pages.triage, name="signalements-triage"),
    path("signalements/<str:uuid>/", pages.detail, name="signalement-detail-page"),
    path("signalements/<str:uuid>/<str:action>/", pages.act, name="signalement-agir"),
    path("signalements/<uuid:uuid>/photos/<uuid:photo_uuid>.jpg", pages.photo, name="signalement-photo"),
    path("signalements/<uuid:uuid>/photos/<uuid:photo_uuid>-mini.jpg", pages.photo, {"taille": "-mini"},
         name="signalement-photo-mini"),
]
