from django.urls import path

from . import pages

urlpatterns = [
    path("signaler/", pages.report_form, name="signaler"),
    path("abonnements/", pages.subscriptions, name="abonnements"),
    path("abonnements/<int:pk>/supprimer/", pages.subscription_delete, name="abonnement-supprimer"),
    path("abonnements/desinscription/<str:token>/", pages.unsubscribe, name="abonnement-desinscription"),
    path("signalements/", pages.triage, name="signalements-triage"),
    path("signalements/statut-groupe/", pages.change_status_bulk, name="signalements-statut-groupe"),
    path("signalements/<str:uuid>/", pages.detail, name="signalement-detail-page"),
    path("signalements/<str:uuid>/<str:action>/", pages.act, name="signalement-agir"),
    path("signalements/<uuid:uuid>/photos/<uuid:photo_uuid>.jpg", pages.photo, name="signalement-photo"),
    path("signalements/<uuid:uuid>/photos/<uuid:photo_uuid>-mini.jpg", pages.photo, {"taille": "-mini"},
         name="signalement-photo-mini"),
]
