"""Demonstration instances from the avenant (article 6: comité de pilotage, comité technique,
ad hoc working groups; article 5: the conseil citoyen, the working group on the friches).
The instances and their members come from the seed; meetings, decisions, actions and avis
are invented, dated around today and flagged `demonstration`. Loaded once."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from chantiers.models import AtelierFriche, Chantier
from marches.models import Preconisation
from territoire.models import Acteur, Engagement, Territoire

from .models import Action, Avis, Decision, Instance, Membre, Reunion, Saisine

ATELIER_CODE = "SAP4RE"
INSTANCES = [
    ("comite-de-pilotage", "Comité de pilotage du contrat de ville", Instance.Type.COMITE_PILOTAGE,
     "Définit les orientations au regard des enjeux identifiés et valide les actions retenues dans le cadre du "
     "programme annuel (niveau politique).",
     [("prefecture", "Sous-préfet de Verdun, chargé du pilotage"), ("agglo", "Présidence"), ("ville", ""),
      ("oph", ""), ("departement", ""), ("ars", ""), ("caf", ""), ("cma", ""), ("ddcspp", "Coordination générale"),
      ("conseil-citoyen", "Représentante du conseil citoyen")]),
    ("comite-technique", "Comité technique", Instance.Type.COMITE_TECHNIQUE,
     "Étudie et se prononce sur la faisabilité des projets et sur l'implication de chaque acteur (niveau technique).",
     [("agglo-politique-ville", "Animation (chef de projet contrat de ville)"), ("ddcspp", ""), ("ddt", ""),
      ("ville", ""), ("oph", ""), ("caf", ""), ("ddsp", ""), ("conseil-citoyen", "")]),
    ("groupe-de-travail-friches", "Groupe de travail « réutilisation des friches »", Instance.Type.GROUPE_TRAVAIL,
     "Associe les habitants à la construction de projets d'aménagement ou de réutilisation des friches urbaines "
     "(article 5).",
     [("agglo-politique-ville", "Animation"), ("ville", ""), ("oph", ""), ("conseil-citoyen", "")]),
    ("conseil-citoyen", "Conseil citoyen de la Côte Sainte-Catherine", Instance.Type.CONSEIL_CITOYEN,
     "Relais entre les habitants et les décideurs du contrat de ville ; consulté de manière formalisée, il rend des "
     "avis et rencontre régulièrement les services de l'État et des collectivités, et les autres habitants.",
     [("conseil-citoyen", "Membres du conseil"), ("agglo-politique-ville", "Chef de projet (temps de travail "
                                                                            "avec l'animateur)")]),
]


def _at(days, hour, minute=0):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _meeting(instance, days, hour, titre, lieu, ordre, avec_habitants=False, compte_rendu=""):
    return Reunion.objects.create(instance=instance, titre=titre, debut=_at(days, hour), fin=_at(days, hour + 2),
                                  lieu=lieu, ordre_du_jour=ordre, avec_habitants=avec_habitants,
                                  compte_rendu=compte_rendu, demonstration=True)


def _decide(reunion, texte, statut=Decision.Statut.PRISE, engagements=(), chantiers=(), preconisations=(),
            actions=()):
    decision = Decision.objects.create(reunion=reunion, texte=texte, statut=statut)
    decision.engagements.set(Engagement.objects.filter(numero__in=engagements))
    decision.chantiers.set(Chantier.objects.filter(slug__in=chantiers))
    decision.preconisations.set(preconisations)
    acteurs = {a.slug: a for a in Acteur.objects.filter(slug__in=[a[1] for a in actions])}
    for libelle, slug, days, statut_action in actions:
        Action.objects.create(decision=decision, libelle=libelle, porteur=acteurs[slug],
                              echeance=timezone.localdate() + timedelta(days=days), statut=statut_action)
    return decision


@transaction.atomic
def load():
    territoire = Territoire.objects.order_by("id").first()
    acteurs = {a.slug: a for a in Acteur.objects.all()}
    made = {}
    for slug, nom, type_, role, membres in INSTANCES:
        instance, _ = Instance.objects.update_or_create(slug=slug, defaults={
            "territoire": territoire, "nom": nom, "type": type_, "role": role,
            "acteur": acteurs.get("conseil-citoyen") if type_ == Instance.Type.CONSEIL_CITOYEN else None})
        for acteur_slug, qualite in membres:
            if acteur_slug in acteurs:
                Membre.objects.update_or_create(instance=instance, acteur=acteurs[acteur_slug],
                                                defaults={"qualite": qualite})
        made[slug] = instance
    made["groupe-de-travail-friches"].friches.set(Chantier.objects.friches())
    if Reunion.objects.filter(demonstration=True).exists():
        return f"{len(made)} instances (réunions déjà chargées)"
    _meetings(made)
    return f"{len(made)} instances, {Reunion.objects.count()} réunions de démonstration"


def _meetings(made):
    A, D = Action.Statut, Decision.Statut
    precos = list(Preconisation.objects.order_by("id")[:6])
    copil_past = _meeting(made["comite-de-pilotage"], -200, 14, "Comité de pilotage annuel", "Hôtel de ville",
                          "Bilan de l'année, programme d'actions, appel à projets, friches.",
                          compte_rendu="Programme d'actions validé ; friches confiées au groupe de travail.")
    _decide(copil_past, "Valider le programme d'actions annuel et lancer l'appel à projets conjoint État – "
            "collectivité.", engagements=[5, 6, 8],
            actions=[("Publier l'appel à projets", "agglo-politique-ville", -170, A.FAITE)])
    _decide(copil_past, "Confier au groupe de travail la consultation des habitants sur les friches des Ardennes "
            "et de la Sapinière.", engagements=[27], chantiers=["friche-impasse-des-ardennes", "friche-sapiniere"],
            actions=[("Organiser deux ateliers avec les habitants", "agglo-politique-ville", 20, A.EN_COURS)])
    _decide(copil_past, "Demander à la Ville un calendrier de rattrapage du réseau de chaleur.", engagements=[29],
            chantiers=["reseau-de-chaleur"],
            actions=[("Présenter le calendrier de rattrapage au comité technique", "ville", -30, A.A_FAIRE)])
    cotech = _meeting(made["comite-technique"], -60, 10, "Comité technique", "Agglomération, salle 2",
                      "Suites de la marche exploratoire de nuit ; avancement des chantiers.")
    _decide(cotech, "Retenir les préconisations prioritaires de la marche de nuit et en confier le suivi aux "
            "services.", engagements=[20], preconisations=precos[:3],
            actions=[("Poser l'éclairage du porche vers la maison de santé", "ville-eclairage", -5, A.EN_COURS),
                     ("Tailler les haies du cheminement de la Sapinière", "oph", -40, A.FAITE)])
    _meeting(made["comite-technique"], 10, 10, "Comité technique", "Agglomération, salle 2",
             "Préparation du comité de pilotage.")
    copil_next = _meeting(made["comite-de-pilotage"], 21, 14, "Comité de pilotage", "Hôtel de ville",
                          "Revue de l'année ; décisions à prendre (voir la revue).")
    _decide(copil_next, "Arbitrer le calendrier de la rénovation du centre socioculturel.", D.A_PRENDRE,
            engagements=[28], chantiers=["renovation-centre-socioculturel"])
    _decide(copil_next, "Valider les suites données aux préconisations de la marche exploratoire de nuit.",
            D.A_PRENDRE, engagements=[20], preconisations=precos)
    _decide(copil_next, "Reconduire le financement des postes d'adultes-relais.", D.A_PRENDRE, engagements=[8])
    gt = _meeting(made["groupe-de-travail-friches"], -30, 18, "Groupe de travail friches", "Centre socioculturel",
                  "Premières idées des habitants pour la friche des Ardennes.", avec_habitants=True)
    _decide(gt, "Ouvrir un atelier avec code pour recueillir les propositions des habitants sur la Sapinière.",
            chantiers=["friche-sapiniere"],
            actions=[("Afficher le code de l'atelier dans les halls", "oph", 7, A.A_FAIRE)])
    atelier = _meeting(made["groupe-de-travail-friches"], 14, 18, "Atelier friche de la Sapinière",
                       "Centre socioculturel", "Atelier ouvert : propositions par code ou QR code.",
                       avec_habitants=True)
    sapiniere = Chantier.objects.filter(slug="friche-sapiniere").first()
    if sapiniere:  # the code the facilitator shows that evening (and on posters in the halls before)
        AtelierFriche.objects.update_or_create(code=ATELIER_CODE, defaults={
            "friche": sapiniere, "titre": "Atelier : quel avenir pour la friche de la Sapinière ?",
            "lieu": atelier.lieu, "debut": _at(-7, 9), "fin": atelier.fin})
    conseil = made["conseil-citoyen"]
    _meeting(conseil, -45, 18, "Rencontre avec les services de l'État et des collectivités", "Centre socioculturel",
             "Propreté des espaces publics, suites des signalements.")
    _meeting(conseil, -15, 18, "Rencontre avec les habitants (comité de quartier)", "Centre socioculturel",
             "Friches, calendrier des travaux.", avec_habitants=True)
    _meeting(conseil, 7, 17, "Temps de travail avec le chef de projet politique de la ville", "Agglomération",
             "Appropriation du contrat de ville ; avis à rendre.")
    _meeting(conseil, 35, 18, "Rencontre avec les habitants", "Centre socioculturel",
             "Restitution des avis du conseil citoyen.", avec_habitants=True)
    _avis(precos)


def _avis(precos):
    friche = Chantier.objects.filter(slug="friche-impasse-des-ardennes").first()
    sapiniere = Chantier.objects.filter(slug="friche-sapiniere").first()
    csc = Chantier.objects.filter(slug="renovation-centre-socioculturel").first()
    if friche:
        Avis.objects.create(chantier=friche, sens=Avis.Sens.RESERVES, demonstration=True, texte=(
            "Le conseil soutient un jardin partagé, à condition que l'entretien soit assuré et que le cheminement "
            "vers l'école reste éclairé."))
    if sapiniere:
        saisine = Saisine.objects.create(chantier=sapiniere, date_limite=timezone.localdate() - timedelta(days=5),
                                         question="Quel usage temporaire pour la friche de la Sapinière ?")
        Avis.objects.create(chantier=sapiniere, saisine=saisine, sens=Avis.Sens.FAVORABLE, demonstration=True,
                            texte="Favorable à une aire de jeux provisoire, comme proposé par les habitants.")
    if csc:
        Saisine.objects.create(chantier=csc, date_limite=timezone.localdate() + timedelta(days=20), question=(
            "Le projet de rénovation du centre socioculturel répond-il aux besoins des associations du quartier ?"))
    if len(precos) > 3:
        Avis.objects.create(preconisation=precos[3], sens=Avis.Sens.FAVORABLE, demonstration=True,
                            texte="Un abribus éclairé est attendu par les habitantes qui rentrent tard.")
