"""The shared library's common activity indicators (no model import: a migration reads it)."""

# Common activity indicators of prevention actions, so a coordinator picks rather than types.
COMMON_ACTIVITY_INDICATORS = [
    ("Réunions tenues", "nombre de réunions"),
    ("Jeunes suivis", "nombre de jeunes"),
    ("Médiations réalisées", "nombre de médiations"),
    ("Victimes reçues", "nombre de victimes"),
    ("Personnes orientées vers un dispositif", "nombre de personnes"),
    ("Actions collectives menées", "nombre d'actions"),
    ("Participants aux actions collectives", "nombre de participants"),
    ("Heures de présence sur le terrain", "heures"),
    ("Caméras de vidéoprotection installées", "nombre de caméras"),
    ("Travaux d'intérêt général accueillis", "nombre de mesures"),
    ("Signalements traités", "nombre de signalements"),
    ("Euros engagés", "euros"),
]

# The shared context indicators, each bound to a context source of stspd.context (its code):
# (source, name, unit, periodicity, definition). Their values are the imported data of the
# indicator's territory; they describe it and never get a status.
CONTEXT_LIBRARY = [
    (
        "poverty_rate",
        "Taux de pauvreté (seuil à 60 %)",
        "%",
        "year",
        "Part des personnes vivant sous le seuil de pauvreté (60 % du niveau de vie médian), "
        "Insee, Filosofi. Publié pour les communes assez peuplées ; en dessous de 5 %, l'Insee "
        "publie « ≤ 5 % ».",
    ),
    (
        "median_income",
        "Revenu disponible médian par unité de consommation",
        "euros",
        "year",
        "Médiane du revenu disponible par unité de consommation, Insee, Filosofi. Une médiane "
        "ne s'additionne pas : pour plusieurs communes, leur répartition est donnée.",
    ),
    (
        "social_housing_rate",
        "Taux de logements sociaux (loi SRU)",
        "%",
        "year",
        "Part des logements locatifs sociaux dans les résidences principales (inventaire SRU).",
    ),
    (
        "school_ips_median",
        "Indice de position sociale médian des écoles",
        "indice",
        "year",
        "Médiane des indices de position sociale (IPS) des écoles de la commune, DEPP.",
    ),
    (
        "unemployment_rate",
        "Taux de chômage de la zone d'emploi",
        "%",
        "quarter",
        "Taux de chômage localisé (CVS) de la zone d'emploi du territoire, Insee, par trimestre.",
    ),
    (
        "qpv_count",
        "Quartiers prioritaires de la politique de la ville (QPV)",
        "nombre de quartiers",
        "year",
        "Nombre de quartiers prioritaires (liste 2024, ANCT) situés en tout ou partie sur le "
        "territoire.",
    ),
]
