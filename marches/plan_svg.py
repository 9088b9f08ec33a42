"""A walk's map as inline SVG, drawn by PostGIS (ST_AsSVG) in Lambert-93 metres.

The restitution report is printed to PDF: a vector map with no tiles and no script
prints the same on every printer, and needs no network.
"""

from django.contrib.gis.db.models.functions import AsSVG
from django.contrib.gis.geos import Polygon

from territoire.models import Secteur, Territoire

from .models import Annotation, Etape, MarcheExploratoire

MARGIN_M = 60


def _extent(marche):
    boxes = []
    trace = MarcheExploratoire.objects.filter(pk=marche.pk).values_list("trace", flat=True).first()
    if trace:
        boxes.append(trace.extent)
    for geom in Etape.objects.filter(marche=marche).values_list("geom", flat=True):
        boxes.append(geom.extent)
    for geom in Annotation.objects.filter(marche=marche).values_list("geom", flat=True):
        boxes.append(geom.extent)
    if not boxes:
        return None
    xmin = min(b[0] for b in boxes) - MARGIN_M
    ymin = min(b[1] for b in boxes) - MARGIN_M
    xmax = max(b[2] for b in boxes) + MARGIN_M
    ymax = max(b[3] for b in boxes) + MARGIN_M
    return xmin, ymin, xmax, ymax


def build(marche, with_annotations=True):
    """Everything the template `marches/_plan.svg.html` needs, or None with nothing to draw."""
    extent = _extent(marche)
    if extent is None:
        return None
    xmin, ymin, xmax, ymax = extent
    frame = Polygon.from_bbox(extent)
    frame.srid = marche.territoire.geom.srid
    svg = AsSVG("geom", relative=False, precision=1)
    trace = (MarcheExploratoire.objects.filter(pk=marche.pk, trace__isnull=False)
             .annotate(svg=AsSVG("trace", relative=False, precision=1)).values_list("svg", flat=True).first())
    annotations = []
    if with_annotations:
        for row in (Annotation.objects.filter(marche=marche).annotate(svg=svg)
                    .values("pk", "svg", "etape__ordre").order_by("cree_le")):
            kind = "point" if row["svg"].startswith("cx=") else "forme"
            cx = cy = None
            if kind == "point":
                parts = dict(p.split("=") for p in row["svg"].split())
                cx, cy = parts["cx"].strip('"'), parts["cy"].strip('"')
            annotations.append({"kind": kind, "d": row["svg"], "cx": cx, "cy": cy})
    etapes = []
    for row in Etape.objects.filter(marche=marche).annotate(svg=svg).values("ordre", "nom", "svg"):
        parts = dict(p.split("=") for p in row["svg"].split())
        etapes.append({"ordre": row["ordre"], "nom": row["nom"],
                       "cx": parts["cx"].strip('"'), "cy": parts["cy"].strip('"')})
    width, height = xmax - xmin, ymax - ymin
    return {
        "viewbox": f"{xmin:.1f} {-ymax:.1f} {width:.1f} {height:.1f}",
        # Strings, not floats: the template would localise "12.5" into "12,5" inside SVG.
        "rayon": f"{max(width, height) / 55:.1f}",
        "police": f"{max(width, height) / 42:.1f}",
        "perimetre": list(Territoire.objects.filter(pk=marche.territoire_id).annotate(svg=svg)
                          .values_list("svg", flat=True)),
        "secteurs": list(Secteur.objects.filter(territoire_id=marche.territoire_id, geom__intersects=frame)
                         .annotate(svg=svg).values_list("svg", flat=True)),
        "trace": trace,
        "annotations": annotations,
        "etapes": etapes,
        "echelle": _scale_bar(xmin, ymin, width, height),
    }


def _scale_bar(xmin, ymin, width, height):
    metres = 100 if width < 1500 else 500
    x1, y = xmin + width * 0.04, -ymin - height * 0.05
    return {"x1": f"{x1:.1f}", "x2": f"{x1 + metres:.1f}", "y": f"{y:.1f}", "ty": f"{y - height * 0.015:.1f}",
            "label": f"{metres} m", "police": f"{max(width, height) / 60:.1f}"}
