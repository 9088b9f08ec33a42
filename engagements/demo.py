"""Demonstration follow-up of the 42 engagements, coherent with the demo programme: an
engagement whose operations are all delivered is "Réalisé" on the last delivery date, one
whose operations have started is "En cours" from the first start, and each keeps its dated
history from the signature (12 February 2020). Rows are flagged `demonstration`; the notes
say which facts are invented. Loaded once (a second load changes nothing)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chantiers.models import Chantier, Statut
from marches.models import Preconisation
from territoire.models import Acteur, Engagement

from .models import Indicateur, MiseAJour, Preuve, Validation

SIGNATURE = datetime.date(2020, 2, 12)
# Engagement number -> the operations of the demo programme that carry it out.
CHANTIERS = {
    23: ["maison-de-sante"],
    24: ["maison-des-internes"],
    26: ["mise-a-niveau-gymnase"],
    27: ["espaces-publics-ardennes", "espaces-publics-vosges", "espaces-publics-sapiniere"],
    28: ["renovation-centre-socioculturel"],
    29: ["chaufferie-biomasse", "reseau-de-chaleur"],
    30: ["maison-france-services"],
    35: ["demolition-impasse-des-ardennes", "rehabilitation-allee-de-bourgogne", "demolition-rue-des-vosges",
         "construction-site-des-vosges", "demolition-sapiniere"],
}
# Evidence that is not an operation's state: figures and préconisations.
INDICATEURS = {12: [Indicateur.SIGNALEMENTS_RESOLUS], 36: [Indicateur.DELAI_CIBLE],
               37: [Indicateur.HEURES_INSERTION], 35: [Indicateur.LOGEMENTS_REHABILITES],
               20: [Indicateur.PRECONISATIONS_REALISEES]}
NOTE_DEMO = " (Donnée de démonstration.)"


def _timeline(chantiers):
    """[(date, statut, note)] from the operations' actual dates (planned when not started)."""
    today = timezone.localdate()
    starts = [c.debut for c in chantiers if c.debut]
    started = [d for d in starts if d <= today and d > SIGNATURE]
    rows = []
    if starts and min(starts) > SIGNATURE:
        rows.append((SIGNATURE, Engagement.Statut.A_LANCER, "Engagement pris à la signature de l'avenant."))
        if started:
            first = min((c for c in chantiers if c.debut and c.debut <= today), key=lambda c: c.debut)
            rows.append((first.debut, Engagement.Statut.EN_COURS, f"Démarrage : {first.nom}."))
    else:
        before = [c for c in chantiers if c.statut == Statut.LIVRE and c.fin_reelle and c.fin_reelle <= SIGNATURE]
        earlier = "".join(f" {c.nom} livrée le {c.fin_reelle:%d/%m/%Y}." for c in before)
        rows.append((SIGNATURE, Engagement.Statut.EN_COURS,
                     f"Engagement pris à la signature ; opérations engagées.{earlier}"))
    delivered = sorted((c for c in chantiers if c.statut == Statut.LIVRE and c.fin_reelle
                        and c.fin_reelle > SIGNATURE), key=lambda c: c.fin_reelle)
    all_delivered = all(c.statut == Statut.LIVRE for c in chantiers)
    for i, c in enumerate(delivered):
        done = all_delivered and i == len(delivered) - 1
        statut = Engagement.Statut.REALISE if done else Engagement.Statut.EN_COURS
        rows.append((c.fin_reelle, statut, f"Livraison : {c.nom}, le {c.fin_reelle:%d/%m/%Y}."))
    return rows


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def _next_step(chantiers):
    """The next milestone not reached, as the engagement's next step and due date."""
    pending = [j for c in chantiers for j in c.jalons.all() if j.date_reelle is None]
    if not pending:
        return "", None
    jalon = min(pending, key=lambda j: j.date_prevue)
    return f"{jalon.chantier.nom} : {jalon.libelle}", jalon.date_prevue


@transaction.atomic
def load():
    if MiseAJour.objects.filter(demonstration=True).exists():
        return f"{MiseAJour.objects.count()} mises à jour d'engagements (déjà chargées)"
    pilote = get_user_model().objects.filter(username="pilote.demo").first()
    chantiers = {c.slug: c for c in Chantier.objects.prefetch_related("jalons")}
    count = 0
    for engagement in Engagement.objects.prefetch_related("acteurs").order_by("numero"):
        ops = [chantiers[s] for s in CHANTIERS.get(engagement.numero, []) if s in chantiers]
        rows = _timeline(ops) if ops else [
            (SIGNATURE, Engagement.Statut.EN_COURS, "Engagement pris à la signature de l'avenant.")]
        previous = ""
        for day, statut, note in rows:
            maj = MiseAJour.objects.create(
                engagement=engagement, date=day, auteur=pilote, acteur=engagement.acteurs.first(),
                ancien_statut=previous, statut=statut, note=note + NOTE_DEMO, validation=Validation.VALIDEE,
                valide_par=pilote, valide_le=_noon(day), demonstration=True)
            previous = statut
            count += 1
        Preuve.objects.bulk_create(
            [Preuve(engagement=engagement, mise_a_jour=maj, chantier=c, libelle=c.nom) for c in ops]
            + [Preuve(engagement=engagement, mise_a_jour=maj, indicateur=k)
               for k in INDICATEURS.get(engagement.numero, [])])
        step, due = _next_step(ops) if previous != Engagement.Statut.REALISE else ("", None)
        engagement.statut, engagement.prochaine_etape, engagement.echeance = previous, step, due
        engagement.suivi = rows[-1][2] + NOTE_DEMO
        engagement.save(update_fields=["statut", "prochaine_etape", "echeance", "suivi"])
    count += _walks_and_pending(pilote)
    return f"{count} mises à jour d'engagements de démonstration"


def _walks_and_pending(pilote):
    """Line 20 (DDFE's walks) gets its walk's préconisations; line 36 (OPH) a pending update."""
    count = 0
    ddfe = Engagement.objects.filter(numero=20).first()
    precos = list(Preconisation.objects.select_related("marche").filter(marche__fin__lt=timezone.now())[:3])
    if ddfe and precos:
        marche = precos[0].marche
        maj = MiseAJour.objects.create(
            engagement=ddfe, date=timezone.localdate(marche.fin), auteur=pilote,
            acteur=Acteur.objects.filter(slug="ddfe").first(), ancien_statut=ddfe.statut,
            statut=Engagement.Statut.EN_COURS, validation=Validation.VALIDEE, valide_par=pilote,
            valide_le=_noon(timezone.localdate(marche.fin)), demonstration=True,
            note=f"Marche exploratoire de nuit réalisée ; ses préconisations sont suivies.{NOTE_DEMO}",
            prochaine_etape="Marche de jour avec les habitantes",
            echeance=timezone.localdate() + datetime.timedelta(days=12))
        Preuve.objects.bulk_create([Preuve(engagement=ddfe, mise_a_jour=maj, preconisation=p,
                                           libelle=p.proposition[:200]) for p in precos])
        ddfe.prochaine_etape, ddfe.echeance = maj.prochaine_etape, maj.echeance
        ddfe.save(update_fields=["prochaine_etape", "echeance"])
        count += 1
    oph = Engagement.objects.filter(numero=36).first()
    member = get_user_model().objects.filter(username="oph.demo").first()
    if oph and member:
        MiseAJour.objects.create(
            engagement=oph, auteur=member, acteur=Acteur.objects.filter(slug="oph").first(),
            ancien_statut=oph.statut, statut=Engagement.Statut.EN_COURS, demonstration=True,
            note=("Visites d'accompagnement des locataires relogés dans l'allée de Bourgogne : "
                  f"livret d'accueil et réunion d'information sur le chauffage.{NOTE_DEMO}"),
            prochaine_etape="Enquête de satisfaction des locataires réhabilités",
            echeance=timezone.localdate() + datetime.timedelta(days=45))
        count += 1
    return count
