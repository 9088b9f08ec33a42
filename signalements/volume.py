"""A city's years of reports for benchmarks (`manage.py generer_volume --signalements N`).

Bulk SQL (`generate_series`), no model instance: N reports over 3 years, 70 % within
a few tens of metres of a building (operations and facilities), the rest anywhere in
the territory's extent; every active category, routed to its default acteur, with the
statuses an old report has (mostly resolved) or a recent one (open), its sector, its
deadline; and their history rows (creation, transmission, status change).
"""

from territoire.models import Secteur, Territoire

from .models import Categorie, Evenement, Signalement

DESCRIPTIONS = ["", "Sacs poubelle au pied de l'immeuble", "Lampadaire éteint depuis lundi", "Tag sur la façade",
                "Encombrants devant le local", "Nid-de-poule dangereux", "Porte du hall cassée"]


def generate(volume):
    n = volume.want("signalements")
    if not n:
        return None
    cursor = volume.cursor
    table, categories = Signalement._meta.db_table, Categorie._meta.db_table
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    first_id = cursor.fetchone()[0]
    cursor.execute(f"""
        WITH anchors AS (
               SELECT row_number() OVER () - 1 AS i, ST_PointOnSurface(geom) AS g
               FROM (SELECT geom FROM chantiers_chantier UNION ALL SELECT geom FROM territoire_equipement) a),
             na AS (SELECT greatest(count(*), 1) AS n FROM anchors),
             cats AS (
               SELECT row_number() OVER (ORDER BY c.id) - 1 AS i, c.id,
                      coalesce(c.acteur_defaut_id, p.acteur_defaut_id) AS acteur,
                      c.sensible OR coalesce(p.sensible, false) AS sensible,
                      coalesce(p.delai_jours, c.delai_jours) AS delai
               FROM {categories} c LEFT JOIN {categories} p ON p.id = c.parent_id
               WHERE c.actif AND NOT EXISTS (SELECT 1 FROM {categories} k WHERE k.parent_id = c.id)),
             nc AS (SELECT count(*) AS n FROM cats),
             box AS (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1, t.id
                     FROM (SELECT ST_Extent(geom) e, min(id) id FROM {Territoire._meta.db_table}) t),
             people AS (SELECT array_agg(id) AS ids FROM auth_user),
             raw AS (
               SELECT s, random() r1, random() r2, greatest(random(), 1e-9) r3, random() r4, random() r5,
                      random() r6, random() r7, random() r8
               FROM generate_series(1, %s) s),
             placed AS (
               SELECT raw.*, c.id AS categorie_id, c.acteur, c.sensible, c.delai, box.id AS territoire_id,
                      CASE WHEN raw.r1 < 0.7 AND a.g IS NOT NULL THEN ST_Translate(a.g,
                             25 * sqrt(-2 * ln(raw.r3)) * cos(2 * pi() * raw.r4),
                             25 * sqrt(-2 * ln(raw.r3)) * sin(2 * pi() * raw.r4))
                           ELSE ST_SetSRID(ST_MakePoint(box.x0 + raw.r3 * (box.x1 - box.x0),
                                                        box.y0 + raw.r4 * (box.y1 - box.y0)), 2154) END AS geom,
                      now() - raw.r6 * interval '3 years' AS cree_le,
                      people.ids[1 + floor(raw.r2 * cardinality(people.ids))::int] AS auteur_id
               FROM raw CROSS JOIN na CROSS JOIN nc CROSS JOIN box CROSS JOIN people
               JOIN cats c ON c.i = floor(raw.r5 * nc.n)
               LEFT JOIN anchors a ON a.i = floor(raw.r2 * na.n)),
             stated AS (
               SELECT placed.*,
                      CASE WHEN acteur IS NULL THEN 'nouveau'
                           WHEN cree_le < now() - interval '60 days' THEN
                             CASE WHEN r7 < 0.8 THEN 'resolu' WHEN r7 < 0.9 THEN 'rejete'
                                  WHEN r7 < 0.95 THEN 'doublon' ELSE 'en_cours' END
                           ELSE CASE WHEN r7 < 0.4 THEN 'transmis' WHEN r7 < 0.7 THEN 'en_cours'
                                     ELSE 'resolu' END END AS statut
               FROM placed)
        INSERT INTO {table} (uuid, geom, territoire_id, secteur_id, categorie_id, description, precision_m, observe_le,
            cree_le, mis_a_jour_le, statut, acteur_id, auteur_id, source, sensible, doublon_de_id, photos_attendues,
            empreinte, resolu_le, echeance)
        SELECT gen_random_uuid(), geom, territoire_id,
               (SELECT se.id FROM {Secteur._meta.db_table} se
                WHERE se.territoire_id = stated.territoire_id AND ST_Intersects(se.geom, stated.geom)
                ORDER BY se.nom LIMIT 1),
               categorie_id, (%s::text[])[1 + floor(r8 * %s)::int], round((3 + r8 * 20)::numeric, 1),
               cree_le - r8 * interval '2 hours', cree_le,
               CASE WHEN statut = 'resolu' THEN cree_le + r8 * delai * 2 * interval '1 day' ELSE cree_le END,
               statut, acteur, auteur_id,
               CASE WHEN r8 < 0.9 THEN 'agent' WHEN r8 < 0.95 THEN 'marche' ELSE 'service' END,
               sensible, NULL, '[]'::jsonb, md5(s::text || cree_le::text),
               CASE WHEN statut = 'resolu' THEN cree_le + r8 * delai * 2 * interval '1 day' END,
               cree_le + delai * interval '1 day'
        FROM stated""", [n, DESCRIPTIONS, len(DESCRIPTIONS)])
    events = Evenement._meta.db_table
    cursor.execute(f"""
        INSERT INTO {events} (signalement_id, type, auteur_id, cree_le, ancien_statut, nouveau_statut,
                              ancien_acteur_id, nouvel_acteur_id, commentaire, photo_id)
        SELECT id, 'creation', auteur_id, cree_le, '', 'nouveau', NULL::bigint, NULL::bigint, '', NULL::bigint
        FROM {table} WHERE id > %s
        UNION ALL
        SELECT id, 'transmission', NULL, cree_le, 'nouveau', 'transmis', NULL, acteur_id, '', NULL
        FROM {table} WHERE id > %s AND acteur_id IS NOT NULL
        UNION ALL
        SELECT id, 'statut', NULL, mis_a_jour_le, 'transmis', statut, NULL, NULL, '', NULL
        FROM {table} WHERE id > %s AND statut NOT IN ('nouveau', 'transmis')""", [first_id] * 3)
    return f"{n} signalements et {cursor.rowcount} lignes d'historique"
