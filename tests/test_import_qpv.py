import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from territoire.models import Territoire

pytestmark = pytest.mark.django_db

# A small perimeter near Bar-le-Duc, WGS84, as the ANCT file describes one.
RING = [[5.165, 48.775], [5.175, 48.775], [5.175, 48.781], [5.165, 48.781], [5.165, 48.775]]


def anct_file(tmp_path, features, name="qp.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def feature(code, geometry, nom="Côte Sainte-Catherine", commune="Bar-le-Duc"):
    return {"type": "Feature", "properties": {"code_qp": code, "lib_qp": nom, "lib_com": commune},
            "geometry": geometry}


def polygon(ring=RING):
    return {"type": "Polygon", "coordinates": [ring]}


def test_import_replaces_the_demo_perimeter_in_place(tmp_path, demo):
    other = feature("QN05502M", polygon([[p[0] + 1, p[1]] for p in RING]), nom="Libération")
    path = anct_file(tmp_path, [other, feature("QN05501M", polygon())])
    call_command("import_qpv", str(path), "--code", "QN05501M")
    territoire = Territoire.objects.get()
    assert territoire.pk == demo.pk  # updated in place: sectors and facilities keep their link
    assert territoire.code == "QN05501M"
    assert territoire.demonstration is False
    assert territoire.secteurs.count() == 5
    # stored in Lambert-93 metres: the 0.01° × 0.006° rectangle is about 730 m × 670 m
    assert territoire.geom.srid == 2154
    assert territoire.geom.area == pytest.approx(733 * 667, rel=0.02)
    assert territoire.geom.extent[0] == pytest.approx(858_700, abs=400)


def test_import_twice_updates_the_same_row(tmp_path, demo):
    path = anct_file(tmp_path, [feature("QN05501M", polygon())])
    call_command("import_qpv", str(path), "--code", "QN05501M")
    call_command("import_qpv", str(path), "--code", "QN05501M")
    assert Territoire.objects.count() == 1


def test_unknown_code_says_so(tmp_path, demo):
    path = anct_file(tmp_path, [feature("QN05501M", polygon())])
    with pytest.raises(CommandError, match="Code QN05599M introuvable.*Codes proches : QN05501M"):
        call_command("import_qpv", str(path), "--code", "QN05599M")
    assert Territoire.objects.get().demonstration is True


def test_not_a_polygon(tmp_path, demo):
    path = anct_file(tmp_path, [feature("QN05501M", {"type": "Point", "coordinates": [5.17, 48.77]})])
    with pytest.raises(CommandError, match="n'est pas un polygone"):
        call_command("import_qpv", str(path), "--code", "QN05501M")


def test_lambert93_numbers_declared_as_wgs84_are_refused(tmp_path, demo):
    ring = [[859000, 6855000], [860000, 6855000], [860000, 6856000], [859000, 6855000]]
    path = anct_file(tmp_path, [feature("QN05501M", polygon(ring))])
    with pytest.raises(CommandError, match="probablement en Lambert-93"):
        call_command("import_qpv", str(path), "--code", "QN05501M")


def test_missing_code_field(tmp_path, demo):
    path = anct_file(tmp_path, [{"type": "Feature", "properties": {"nom": "x"}, "geometry": polygon()}])
    with pytest.raises(CommandError, match="pas de champ code_qp"):
        call_command("import_qpv", str(path), "--code", "QN05501M")


def test_unreadable_file(tmp_path, demo):
    path = tmp_path / "qp.geojson"
    path.write_text("ceci n'est pas du GeoJSON")
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_qpv", str(path), "--code", "QN05501M")


def test_self_intersection_repaired_with_a_warning(tmp_path, demo, capsys):
    # A ring with a tiny spike back over itself: the repair keeps the surface.
    ring = [[5.165, 48.775], [5.175, 48.775], [5.175, 48.781], [5.17, 48.781],
            [5.1701, 48.7805], [5.1702, 48.7811], [5.165, 48.781], [5.165, 48.775]]
    path = anct_file(tmp_path, [feature("QN05501M", polygon(ring))])
    call_command("import_qpv", str(path), "--code", "QN05501M")
    assert "réparée automatiquement" in capsys.readouterr().err
    territoire = Territoire.objects.get()
    assert territoire.geom.valid


def test_bowtie_is_refused_when_repair_would_change_the_meaning(tmp_path, demo):
    bowtie = [[5.165, 48.775], [5.175, 48.781], [5.175, 48.775], [5.165, 48.781], [5.165, 48.775]]
    path = anct_file(tmp_path, [feature("QN05501M", polygon(bowtie))])
    with pytest.raises(CommandError, match="la réparation changerait la surface"):
        call_command("import_qpv", str(path), "--code", "QN05501M")
    assert Territoire.objects.get().demonstration is True


def make_shapefile(tmp_path, source):
    out = tmp_path / "shp"
    out.mkdir()
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:2154", str(out / "QP.shp"), str(source)],
        check=True,
    )
    return out / "QP.shp"


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin absent")
def test_lambert93_shapefile(tmp_path, demo):
    source = anct_file(tmp_path, [feature("QN05501M", polygon())])
    shp = make_shapefile(tmp_path, source)
    call_command("import_qpv", str(shp), "--code", "QN05501M")
    territoire = Territoire.objects.get()
    assert territoire.code == "QN05501M"
    assert territoire.geom.area == pytest.approx(733 * 667, rel=0.02)


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin absent")
def test_shapefile_without_prj_is_refused(tmp_path, demo):
    source = anct_file(tmp_path, [feature("QN05501M", polygon())])
    shp = make_shapefile(tmp_path, source)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CommandError, match="Système de coordonnées absent"):
        call_command("import_qpv", str(shp), "--code", "QN05501M")
