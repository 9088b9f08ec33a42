"""Import of official QPV perimeters (ANCT GeoJSON in WGS84, or Lambert-93 shapefile).

The file is read with GDAL (through GeoDjango), checked and repaired by the shared
geometry intake (`commun.geometry.repair`, 1 % of surface at most) before anything
touches the database, then saved; PostGIS does the reprojection.
"""

from dataclasses import dataclass, field

import shapely
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from commun.geometry import GeometrieRefusee, repair

CODE_FIELDS = ("code_qp", "CODE_QP")
NAME_FIELDS = ("lib_qp", "NOM_QP", "nom_qp")
COMMUNE_FIELDS = ("lib_com", "COMMUNE_QP", "commune_qp")
# Metropolitan and overseas France fit in these WGS84 bounds.
WGS84_BOUNDS = (-180.0, -90.0, 180.0, 90.0)
MAX_REPAIR_AREA_CHANGE = 0.01


class ImportErreur(Exception):
    """A file that cannot be imported; the message is for the user, in French."""


@dataclass
class Perimetre:
    code: str
    nom: str
    commune: str
    geom: GEOSGeometry  # MultiPolygon, SRID of the file
    avertissements: list = field(default_factory=list)


def _get(feature, names):
    available = set(feature.fields)
    for name in names:
        if name in available:
            value = feature.get(name)
            return "" if value is None else str(value)
    return None


def read_perimetre(path, code):
    """Find the feature `code` in the file and return it checked and repaired."""
    try:
        source = DataSource(str(path))
    except GDALException:
        raise ImportErreur(
            f"Impossible de lire « {path} » : ce n'est ni un GeoJSON ni un shapefile lisible."
        ) from None
    layer = source[0]
    if not any(name in layer.fields for name in CODE_FIELDS):
        raise ImportErreur(
            "Le fichier n'a pas de champ code_qp (ni CODE_QP) : est-ce bien le fichier des "
            f"quartiers prioritaires de l'ANCT ? Champs trouvés : {', '.join(layer.fields) or 'aucun'}."
        )
    srs = layer.srs
    if srs is None or srs.srid is None and not srs.wkt:
        raise ImportErreur(
            "Système de coordonnées absent : ajoutez le fichier .prj du shapefile "
            "(Lambert-93, EPSG:2154) ou fournissez le GeoJSON WGS84 de l'ANCT."
        )
    srid = srs.srid
    if srid not in (4326, 2154):
        raise ImportErreur(
            f"Système de coordonnées non pris en charge (EPSG:{srid or 'inconnu'}) : "
            "attendu WGS84 (EPSG:4326) ou Lambert-93 (EPSG:2154)."
        )

    codes = []
    for feature in layer:
        feature_code = _get(feature, CODE_FIELDS)
        codes.append(feature_code)
        if feature_code == code:
            return _checked(feature, code, srid)
    hint = ", ".join(sorted(c for c in codes if c and c[:5] == code[:5])[:10])
    raise ImportErreur(
        f"Code {code} introuvable dans le fichier ({len(codes)} quartiers lus)."
        + (f" Codes proches : {hint}." if hint else "")
    )


def _checked(feature, code, srid):
    ogr = feature.geom
    if ogr.geom_type.name.replace("25D", "") not in ("Polygon", "MultiPolygon"):
        raise ImportErreur(
            f"Le périmètre {code} n'est pas un polygone (géométrie {ogr.geom_type.name})."
        )
    geom = GEOSGeometry(ogr.wkb, srid=srid)
    _check_crs_plausible(geom, srid)

    avertissements = []
    shape = shapely.from_wkb(bytes(geom.wkb))
    try:
        repaired, note = repair(shape, MAX_REPAIR_AREA_CHANGE)
    except GeometrieRefusee as exc:
        raise ImportErreur(f"Périmètre {code} : {exc}") from None
    if note:
        avertissements.append(note)
        geom = GEOSGeometry(memoryview(shapely.to_wkb(repaired)), srid=srid)
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=srid)
    return Perimetre(
        code=code,
        nom=_get(feature, NAME_FIELDS) or code,
        commune=_get(feature, COMMUNE_FIELDS) or "",
        geom=geom,
        avertissements=avertissements,
    )


def _check_crs_plausible(geom, srid):
    """Catch files whose coordinates contradict their declared CRS."""
    xmin, ymin, xmax, ymax = geom.extent
    if srid == 4326:
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise ImportErreur(
                "Les coordonnées ne sont pas des degrés WGS84 alors que le fichier le déclare "
                f"(emprise {xmin:.0f}, {ymin:.0f}, {xmax:.0f}, {ymax:.0f}) : le fichier est "
                "probablement en Lambert-93 ; déclarez EPSG:2154 ou utilisez le GeoJSON de l'ANCT."
            )
    elif srid == 2154:
        if not (-400_000 <= xmin <= xmax <= 1_600_000 and 5_900_000 <= ymin <= ymax <= 7_300_000):
            raise ImportErreur(
                "Les coordonnées ne correspondent pas au Lambert-93 déclaré "
                f"(emprise {xmin:.3f}, {ymin:.3f}, {xmax:.3f}, {ymax:.3f})."
            )
