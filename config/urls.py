from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from chantiers import api as chantiers_api
from commun import views as commun_views
from signalements import views as signalements_views
from signalements.marches import views as marches_views
from territoire import views as territoire_views

admin.site.site_header = "Quartier — administration"
admin.site.site_title = "Quartier"


class TokenView(ObtainAuthToken):
    """`POST {username, password}` → `{token}`, throttled against guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


router = DefaultRouter()
router.register("territoires", territoire_views.TerritoireViewSet, basename="territoire")
router.register("secteurs", territoire_views.SecteurViewSet, basename="secteur")
router.register("acteurs", territoire_views.ActeurViewSet, basename="acteur")
router.register("equipements", territoire_views.EquipementViewSet, basename="equipement")
router.register("chantiers", chantiers_api.ChantierViewSet, basename="chantier")
router.register("propositions", chantiers_api.PropositionViewSet, basename="proposition")
router.register("categories", signalements_views.CategorieViewSet, basename="categorie")
router.register("signalements", signalements_views.SignalementViewSet, basename="signalement")
router.register("marches", marches_views.MarcheViewSet, basename="marche")
router.register(r"marches/(?P<marche_pk>[^/.]+)/etapes", marches_views.EtapeViewSet, basename="marche-etape")
router.register(r"marches/(?P<marche_pk>[^/.]+)/annotations", marches_views.AnnotationViewSet,
                basename="marche-annotation")
router.register(r"marches/(?P<marche_pk>[^/.]+)/scores", marches_views.ScoreViewSet, basename="marche-score")
router.register(r"marches/(?P<marche_pk>[^/.]+)/preconisations", marches_views.PreconisationViewSet,
                basename="marche-preconisation")

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("exports/<slug:couche>.<slug:fmt>", commun_views.ExportView.as_view(), name="api-export"),
    path("signalements/<str:uuid>/photos/<uuid:photo_uuid>", signalements_views.PhotoUploadView.as_view(),
         name="signalement-photo-upload"),
    path("indicateurs/secteurs-resolus/", signalements_views.SecteursResolusView.as_view(),
         name="indicateur-secteurs-resolus"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", commun_views.accueil, name="accueil"),
    path("carte/", commun_views.carte, name="carte"),
    path("tableau-de-bord/", commun_views.tableau_de_bord, name="tableau-de-bord"),
    path("carte/telecharger/", commun_views.carte_telecharger, name="carte-telecharger"),
    path("chantiers/", include("chantiers.urls")),
    path("comptes/connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("", include("signalements.urls")),
    path("", include("signalements.marches.urls")),
]

handler400 = "commun.views_errors.handler400"
handler404 = "commun.views_errors.handler404"
handler500 = "commun.views_errors.handler500"
