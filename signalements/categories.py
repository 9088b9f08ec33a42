"""The usual GUSP category list, seeded by a data migration (any QPV starts with it).

(slug, nom, icone, délai cible en jours, sensible, sous-catégories)
"""

CATEGORIES = [
    ("proprete", "Propreté", "🧹", 3, False, [
        ("proprete-dechets", "Déchets au sol"),
        ("proprete-dejections", "Déjections canines"),
        ("proprete-corbeille", "Corbeille pleine"),
    ]),
    ("depots", "Dépôts sauvages et encombrants", "🛋️", 5, False, [
        ("depots-sauvage", "Dépôt sauvage"),
        ("depots-encombrants", "Encombrants"),
        ("depots-conteneurs", "Conteneurs débordants"),
    ]),
    ("tags", "Tags et affichage", "🎨", 10, False, [
        ("tags-tag", "Tag, graffiti"),
        ("tags-affichage", "Affichage sauvage"),
    ]),
    ("eclairage", "Éclairage", "💡", 5, False, [
        ("eclairage-eteint", "Lampadaire éteint"),
        ("eclairage-endommage", "Lampadaire endommagé"),
    ]),
    ("voirie", "Voirie et trottoirs", "🚧", 15, False, [
        ("voirie-chaussee", "Chaussée dégradée, nid-de-poule"),
        ("voirie-trottoir", "Trottoir dégradé"),
        ("voirie-signalisation", "Signalisation"),
    ]),
    ("espaces-verts", "Espaces verts et jeux", "🌳", 10, False, [
        ("espaces-verts-jeux", "Aire de jeux endommagée"),
        ("espaces-verts-entretien", "Tonte, taille, entretien"),
    ]),
    ("mobilier", "Mobilier urbain", "🪑", 15, False, [
        ("mobilier-banc", "Banc"),
        ("mobilier-barriere", "Barrière, potelet"),
    ]),
    ("parties-communes", "Parties communes", "🏢", 5, False, [
        ("parties-communes-hall", "Hall"),
        ("parties-communes-ascenseur", "Ascenseur"),
        ("parties-communes-caves", "Caves"),
        ("parties-communes-portes", "Portes, interphones"),
    ]),
    ("stationnement", "Stationnement et épaves", "🚗", 10, False, [
        ("stationnement-epave", "Véhicule épave"),
        ("stationnement-genant", "Stationnement gênant"),
    ]),
    ("tranquillite", "Nuisances et tranquillité", "🔔", 2, True, [
        ("tranquillite-regroupement", "Regroupement, occupation"),
        ("tranquillite-bruit", "Bruit"),
        ("tranquillite-autre", "Autre atteinte à la tranquillité"),
    ]),
    ("chantier", "Chantier", "🏗️", 5, False, [
        ("chantier-cloture", "Clôture de chantier"),
        ("chantier-cheminement", "Cheminement provisoire"),
    ]),
    ("autre", "Autre", "❓", 10, False, []),
]


def seed(Categorie):
    for ordre, (slug, nom, icone, delai, sensible, sous) in enumerate(CATEGORIES):
        parent, _ = Categorie.objects.update_or_create(
            slug=slug,
            defaults={"nom": nom, "icone": icone, "delai_jours": delai, "sensible": sensible,
                      "ordre": ordre, "parent": None},
        )
        for sub_ordre, (sub_slug, sub_nom) in enumerate(sous):
            Categorie.objects.update_or_create(
                slug=sub_slug,
                defaults={"nom": sub_nom, "parent": parent, "delai_jours": delai,
                          "sensible": sensible, "ordre": sub_ordre},
            )
