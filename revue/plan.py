"""The review's map as inline SVG drawn by PostGIS (ST_AsSVG, storage SRID in metres): the
perimeter, the sectors, the operations and the period's hot spots of reports. A vector map
prints the same on every printer and needs neither tiles nor script."""

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsSVG

from chantiers.models import Chantier
from signalements.indicateurs import hot_spots
from territoire.models import Secteur, Territoire

MARGIN_M = 80


def build(since, until):
    extent = Territoire.objects.aggregate(e=Extent("geom"))["e"]
    if extent is None:
        return None
    xmin, ymin, xmax, ymax = extent
    xmin, ymin, xmax, ymax = xmin - MARGIN_M, ymin - MARGIN_M, xmax + MARGIN_M, ymax + MARGIN_M
    width, height = xmax - xmin, ymax - ymin
    svg = AsSVG("geom", relative=False, precision=1)
    spots = hot_spots(since, until)
    top = max((s["n"] for s in spots), default=1)
    unit = max(width, height)
    chantiers = []
    for row in Chantier.objects.filter(geom__bboverlaps=_frame(extent)).annotate(svg=svg).values("nom", "svg"):
        kind = "point" if row["svg"].startswith("cx=") else "forme"
        if kind == "forme":
            chantiers.append({"d": row["svg"], "nom": row["nom"], "ligne": "Z" not in row["svg"].upper()})
    return {
        # Strings, not floats: the template would localise "12.5" into "12,5" inside SVG.
        "viewbox": f"{xmin:.1f} {-ymax:.1f} {width:.1f} {height:.1f}",
        "perimetre": list(Territoire.objects.annotate(svg=svg).values_list("svg", flat=True)),
        "secteurs": list(Secteur.objects.annotate(svg=svg).values_list("svg", flat=True)),
        "chantiers": chantiers,
        "points": [{"cx": f"{s['x']:.1f}", "cy": f"{-s['y']:.1f}", "n": s["n"],
                    "r": f"{unit / 90 + unit / 32 * (s['n'] / top) ** 0.5:.1f}"} for s in spots],
        "police": f"{unit / 55:.1f}",
        "echelle": {"x1": f"{xmin + width * 0.04:.1f}", "x2": f"{xmin + width * 0.04 + 200:.1f}",
                    "y": f"{-ymin - height * 0.05:.1f}", "ty": f"{-ymin - height * 0.07:.1f}",
                    "police": f"{unit / 60:.1f}"},
    }


def _frame(extent):
    from django.conf import settings
    from django.contrib.gis.geos import Polygon

    frame = Polygon.from_bbox(extent)
    frame.srid = settings.STORAGE_SRID
    return frame
