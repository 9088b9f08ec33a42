"""The project's URLs: each app's pages from its `urls.py`, every REST API on one router."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from carte import api as carte_api
from chantiers import api as chantiers_api
from commun import pages as commun_pages
from commun.offline import service_worker
from commun.schema import redoc_bundle
from commun.tokens import TokenView
from marches import api as marches_api
from signalements import api as signalements_api
from territoire import api as territoire_api

admin.site.site_header = "Quartier — administration"
admin.site.site_title = "Quartier"


router = DefaultRouter()
router.register("territoires", territoire_api.TerritoireViewSet, basename="territoire")
router.register("secteurs", territoire_api.SecteurViewSet, basename="secteur")
router.register("acteurs", territoire_api.ActeurViewSet, basename="acteur")
router.register("equipements", territoire_api.EquipementViewSet, basename="equipement")
router.register("chantiers", chantiers_api.ChantierViewSet, basename="chantier")
router.register("propositions", chantiers_api.PropositionViewSet, basename="proposition")
router.register("categories", signalements_api.CategorieViewSet, basename="categorie")
router.register("signalements", signalements_api.SignalementViewSet, basename="signalement")
router.register("marches", marches_api.MarcheViewSet, basename="marche")
router.register(r"marches/(?P<marche_pk>[^/.]+)/etapes", marches_api.EtapeViewSet, basename="marche-etape")
router.register(r"marches/(?P<marche_pk>[^/.]+)/annotations", marches_api.AnnotationViewSet,
                basename="marche-annotation")
router.register(r"marches/(?P<marche_pk>[^/.]+)/scores", marches_api.ScoreViewSet, basename="marche-score")
router.register(r"marches/(?P<marche_pk>[^/.]+)/preconisations", marches_api.PreconisationViewSet,
                basename="marche-preconisation")

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("schema/swagger-ui/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-swagger"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("schema/redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    path("exports/<slug:couche>.<slug:fmt>", carte_api.ExportView.as_view(), name="api-export"),
    path("tuiles/<slug:couche>/<int:z>/<int:x>/<int:y>.mvt", carte_api.TileView.as_view(), name="api-tuile"),
    path("signalements/<str:uuid>/photos/<uuid:photo_uuid>", signalements_api.PhotoUploadView.as_view(),
         name="signalement-photo-upload"),
    path("indicateurs/secteurs-resolus/", signalements_api.SecteursResolusView.as_view(),
         name="indicateur-secteurs-resolus"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("carte.urls")),
    path("", include("tableau.urls")),
    path("chantiers/", include("chantiers.urls")),
    path("comptes/connexion/", commun_pages.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("ogc/", include("ogc.urls")),
    path("open311/v2/", include("open311.urls")),
    path("sw.js", service_worker, name="service-worker"),
    path("", include("signalements.urls")),
    path("", include("marches.urls")),
    path("", include("engagements.urls")),
    path("", include("gouvernance.urls")),
    path("", include("revue.urls")),
    path("", include("agenda.urls")),
    path("", include("territoire.urls")),
]

handler400 = "commun.errors.handler400"
handler403 = "commun.errors.handler403"
handler404 = "commun.errors.handler404"
handler500 = "commun.errors.handler500"
