"""Factories build geometry in Lambert-93 (the storage SRID), as the database holds it."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from territoire.models import Acteur, Equipement, Secteur, Territoire

# Around the Côte Sainte-Catherine, in Lambert-93 metres.
X0, Y0 = 859441.0, 6855291.0


def square(cx, cy, half):
    return MultiPolygon(
        Polygon.from_bbox((cx - half, cy - half, cx + half, cy + half)), srid=2154
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.example")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "secret-pass")
        if create:
            self.save()

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class TerritoireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territoire

    code = factory.Sequence(lambda n: f"QP0{n:05d}")
    nom = "Côte Sainte-Catherine"
    commune = "Bar-le-Duc"
    code_insee = "55029"
    geom = factory.LazyFunction(lambda: square(X0, Y0, 600))
    demonstration = True


class SecteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secteur

    territoire = factory.SubFactory(TerritoireFactory)
    nom = factory.Sequence(lambda n: f"Secteur {n}")
    slug = factory.Sequence(lambda n: f"secteur-{n}")
    geom = factory.LazyFunction(lambda: square(X0, Y0, 300))


class ActeurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acteur

    nom = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    type = Acteur.Type.COLLECTIVITE
    email = factory.LazyAttribute(lambda o: f"{o.slug}@test.example")


class EquipementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipement

    territoire = factory.SubFactory(TerritoireFactory)
    nom = factory.Sequence(lambda n: f"Équipement {n}")
    type = "gymnase"
    geom = factory.LazyFunction(lambda: Point(X0, Y0, srid=2154))


# --- chantiers (issue 4) -----------------------------------------------------------------
# (appended: imports stay at the top of the file, which other developers edit too)
JANVIER_2024 = __import__("datetime").date(2024, 1, 1)

class ChantierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chantiers.Chantier"
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Chantier {n}")
    slug = factory.Sequence(lambda n: f"chantier-{n}")
    type = "demolition"
    statut = "travaux"
    geom = factory.LazyFunction(lambda: square(X0, Y0, 50)[0])
    maitre_ouvrage = factory.SubFactory(ActeurFactory)


class JalonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chantiers.Jalon"

    chantier = factory.SubFactory(ChantierFactory)
    libelle = factory.Sequence(lambda n: f"Jalon {n}")
    date_prevue = JANVIER_2024


class PropositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chantiers.Proposition"

    friche = factory.SubFactory(ChantierFactory, type="friche", statut="programme")
    titre = factory.Sequence(lambda n: f"Proposition {n}")
    texte = "Un jardin partagé."
    auteur = factory.SubFactory(UserFactory)
    statut = "publiee"


# --- marches exploratoires (issue 5) --------------------------------------------------------
def _in_an_hour():
    from django.utils import timezone

    return timezone.now() + __import__("datetime").timedelta(hours=1)


class MarcheFactory(factory.django.DjangoModelFactory):
    """A walk under way (started 30 min ago, ends in an hour) on the factory territory."""

    class Meta:
        model = "marches.MarcheExploratoire"

    titre = factory.Sequence(lambda n: f"Marche {n}")
    territoire = factory.SubFactory(TerritoireFactory)
    debut = factory.LazyFunction(lambda: _in_an_hour() - __import__("datetime").timedelta(minutes=90))
    fin = factory.LazyFunction(_in_an_hour)
    moment = "nuit"
    trace = factory.LazyFunction(
        lambda: __import__("django.contrib.gis.geos", fromlist=["LineString"]).LineString(
            (X0 - 200, Y0), (X0, Y0), (X0 + 200, Y0 + 100), srid=2154))


class EtapeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marches.Etape"

    marche = factory.SubFactory(MarcheFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    nom = factory.Sequence(lambda n: f"Étape {n + 1}")
    geom = factory.LazyFunction(lambda: Point(X0, Y0, srid=2154))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "marches.Participant"

    marche = factory.SubFactory(MarcheFactory)
    genre = "femme"
    tranche_age = "26-40"
