from django.urls import path

from . import api

urlpatterns = [
    path("", api.landing, name="ogc-landing"),
    path("conformance", api.conformance, name="ogc-conformance"),
    path("api", api.api_definition, name="ogc-api"),
    path("collections", api.collections, name="ogc-collections"),
    path("collections/<str:collection_id>", api.collection, name="ogc-collection"),
    path("collections/<str:collection_id>/queryables", api.queryables, name="ogc-queryables"),
    path("collections/<str:collection_id>/items", api.items, name="ogc-items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", api.item, name="ogc-item"),
]
