from django.urls import path

from . import pages

urlpatterns = [
    path("instances/", pages.instance_list, name="instances"),
    path("instances/<slug:slug>/", pages.instance_detail, name="instance-detail"),
    path("instances/<slug:slug>/reunions/", pages.meeting_create, name="reunion-creer"),
    path("reunions/<int:pk>/decisions/", pages.decision_create, name="decision-creer"),
    path("decisions/<int:pk>/actions/", pages.action_create, name="action-creer"),
    path("actions/<int:pk>/", pages.action_update, name="action-modifier"),
    path("conseil-citoyen/", pages.conseil_space, name="conseil-citoyen"),
    path("conseil-citoyen/saisines/", pages.saisine_create, name="saisine-creer"),
    path("conseil-citoyen/saisines/<int:pk>/avis/", pages.avis_saisine, name="avis-saisine"),
    path("conseil-citoyen/avis/chantiers/<int:pk>/", pages.avis_chantier, name="avis-chantier"),
    path("conseil-citoyen/avis/preconisations/<int:pk>/", pages.avis_preconisation, name="avis-preconisation"),
]
