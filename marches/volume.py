"""Walk annotations for benchmarks (`manage.py generer_volume --annotations N`): points
around the stops of the first walk, by its first participant."""

from .models import Annotation, Etape, MarcheExploratoire, Participant

CRITERES = ["eclairage", "proprete", "signaletique", "sentiment-securite", "amenagement"]


def generate(volume):
    n = volume.want("annotations")
    if not n:
        return None
    marche = MarcheExploratoire.objects.order_by("id").first()
    participant = Participant.objects.filter(marche=marche).order_by("id").first() if marche else None
    if participant is None:
        return "aucune marche avec participant : pas d'annotation"
    volume.cursor.execute(f"""
        WITH stops AS (SELECT row_number() OVER (ORDER BY id) - 1 AS i, geom FROM {Etape._meta.db_table}
                       WHERE marche_id = %s),
             ns AS (SELECT greatest(count(*), 1) n FROM stops),
             raw AS (SELECT s, random() r1, greatest(random(), 1e-9) r2, random() r3 FROM generate_series(1, %s) s)
        INSERT INTO {Annotation._meta.db_table} (uuid, geom, geometrie_reparee, texte, critere, observe_le, photo_uuid,
            photo, miniature, photo_empreinte, empreinte, cree_le, signalement_id, etape_id, marche_id, participant_id)
        SELECT gen_random_uuid(),
               ST_Translate(st.geom, 30 * sqrt(-2 * ln(r2)) * cos(2 * pi() * r3),
                            30 * sqrt(-2 * ln(r2)) * sin(2 * pi() * r3)),
               false, 'Observation ' || s, (%s::text[])[1 + floor(r1 * %s)::int], now() - r1 * interval '2 years',
               NULL, '', '', '', md5(s::text), now() - r1 * interval '2 years', NULL, NULL, %s, %s
        FROM raw CROSS JOIN ns JOIN stops st ON st.i = floor(r1 * ns.n)""",
        [marche.pk, n, CRITERES, len(CRITERES), marche.pk, participant.pk])
    return f"{n} annotations (marche {marche.pk})"
