"""The review's tables as CSV (`;`-separated UTF-8 with BOM, opens in a spreadsheet): each
table reads the dashboard's figures for the period, so the CSV and the dashboard agree."""

TABLES = {
    "signalements-par-service": (
        "Signalements par service",
        ["Service", "Reçus", "Résolus", "Ouverts", "En retard", "Délai médian (jours)", "Dans le délai (%)"],
        lambda f: [[r["acteur"], r["recus"], r["resolus"], r["ouverts"], r["en_retard"], r["mediane_jours"],
                    r["dans_delai_pct"]] for r in f["signalements"]["par_acteur"]],
    ),
    "signalements-par-categorie": (
        "Signalements par catégorie", ["Catégorie", "Reçus"],
        lambda f: [[r["nom"], r["n"]] for r in f["par_categorie"]],
    ),
    "signalements-par-secteur": (
        "Signalements par secteur", ["Secteur", "Reçus", "Ouverts"],
        lambda f: [[r["nom"], r["n"], r["ouverts"]] for r in f["par_secteur"]],
    ),
    "signalements-par-mois": (
        "Signalements par mois", ["Mois", "Reçus", "Résolus"],
        lambda f: [[r["mois"].strftime("%Y-%m"), r["n"], r["resolus"]] for r in f["par_mois"]],
    ),
    "engagements-par-axe": (
        "Engagements par axe (statut en fin de période)",
        lambda f: ["Axe", *[label for _key, label in f["engagements"]["statuts"]], "Total"],
        lambda f: [[row["axe"], *row["cells"], row["total"]] for row in f["engagements"]["axes"]],
    ),
    "chiffres-cles": (
        "Chiffres clés", ["Domaine", "Indicateur", "Valeur"],
        lambda f: [
            *[["GUSP", label, f["signalements"][key]] for key, label in (
                ("recus", "Signalements reçus"), ("resolus", "Résolus"), ("ouverts", "Ouverts en fin de période"),
                ("en_retard", "En retard en fin de période"), ("mediane_jours", "Délai médian de résolution (jours)"),
                ("dans_delai_pct", "Résolus dans le délai cible (%)"), ("marches", "Issus des marches exploratoires"),
                ("sensibles", "Tranquillité (sensibles)"))],
            *[["Renouvellement urbain", label, f["chantiers"][key] or 0] for key, label in (
                ("n", "Opérations en cours sur la période"), ("en_travaux", "En travaux"),
                ("livres_periode", "Livrées sur la période"), ("en_retard", "En retard"),
                ("jalons_en_retard", "Jalons manqués sur la période"), ("demolis", "Logements démolis"),
                ("rehabilites", "Logements réhabilités"), ("construits", "Logements construits"),
                ("heures_prevues", "Heures d'insertion prévues"), ("heures_realisees", "Heures d'insertion réalisées"),
                ("beneficiaires", "Habitants du QPV bénéficiaires"))],
            *[["Marches exploratoires", label, f["marches"][key]] for key, label in (
                ("marches", "Marches sur la période"), ("total", "Préconisations"),
                ("depassees", "Échéances dépassées"))],
            *[["Marches exploratoires", f"Préconisations : {label.lower()}", n]
              for label, n in f["marches"]["preconisations"]],
            *[["Engagements", label, f["engagements"][key]] for key, label in (
                ("mises_a_jour", "Mises à jour sur la période"), ("realises", "Passés à « Réalisé »"),
                ("en_attente", "En attente de validation"))],
        ],
    ),
}


def table(key, figures):
    title, header, rows = TABLES[key]
    if callable(header):
        header = header(figures)
    return title, header, rows(figures)
