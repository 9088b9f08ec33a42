from django.urls import path

from . import views

app_name = "chantiers"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.editer, name="creer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.editer, name="modifier"),
    path("<int:pk>/photos/", views.ajouter_photo, name="photo"),
    path("<int:pk>/propositions/", views.proposer, name="proposer"),
    path("propositions/<int:pk>/moderer/", views.moderer, name="moderer"),
]
