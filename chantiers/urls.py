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
]
