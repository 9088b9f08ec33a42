from django.urls import path

from . import pages

app_name = "chantiers"

urlpatterns = [
    path("", pages.chantier_list, name="liste"),
    path("nouveau/", pages.chantier_edit, name="creer"),
    path("<int:pk>/", pages.chantier_detail, name="detail"),
    path("<int:pk>/modifier/", pages.chantier_edit, name="modifier"),
    path("<int:pk>/photos/", pages.add_photo, name="photo"),
    path("<int:pk>/propositions/", pages.propose, name="proposer"),
    path("propositions/<int:pk>/moderer/", pages.moderate, name="moderer"),
    path("<int:pk>/ateliers/", pages.atelier_create, name="atelier-creer"),
    path("ateliers/<int:pk>/", pages.atelier_detail, name="atelier"),
    path("atelier/", pages.atelier_join, name="rejoindre"),
    path("atelier/<int:pk>/", pages.atelier_propose, name="proposer-atelier"),
]
