"""Fictitious renewal operations for benchmarks (`manage.py generer_volume --chantiers N`):
small polygons scattered over the territory, every nature and status."""

from .models import Chantier, Statut, Type


def generate(volume):
    n = volume.want("chantiers")
    if not n:
        return None
    table = Chantier._meta.db_table
    natures = [t.value for t in Type]
    statuts = [s.value for s in Statut]
    volume.cursor.execute(f"""
        WITH box AS (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1, t.id
                     FROM (SELECT ST_Extent(geom) e, min(id) id FROM territoire_territoire) t),
             mo AS (SELECT array_agg(id) ids FROM territoire_acteur)
        INSERT INTO {table} (nom, slug, type, statut, description, adresse, geom, plan_financement, debut_prevu,
            fin_prevue, logements_demolis, logements_rehabilites, logements_construits, heures_insertion_prevues,
            heures_insertion_realisees, beneficiaires_qpv, demonstration, cree_le, mis_a_jour_le, maitre_ouvrage_id,
            territoire_id)
        SELECT 'Opération ' || s, 'volume-' || s || '-' || substr(md5(random()::text), 1, 6),
               (%s::text[])[1 + floor(random() * %s)::int], (%s::text[])[1 + floor(random() * %s)::int], '', '',
               ST_Buffer(ST_SetSRID(ST_MakePoint(x0 + random() * (x1 - x0), y0 + random() * (y1 - y0)), 2154),
                         5 + random() * 30, 2),
               '', current_date - (random() * 2000)::int, current_date + (random() * 1000)::int,
               0, 0, 0, 0, 0, 0, true, now(), now(), mo.ids[1 + floor(random() * cardinality(mo.ids))::int], box.id
        FROM generate_series(1, %s) s, box, mo""",
        [natures, len(natures), statuts, len(statuts), n])
    return f"{n} chantiers"
