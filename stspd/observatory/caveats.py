"""The caveats shown beside the figures (SSMSI documentation; docs/domain.md, section 3)."""

GENERAL = [
    "Faits enregistrés par la police et la gendarmerie nationales : seuls les faits portés à "
    "leur connaissance sont comptés, et une hausse peut refléter davantage de plaintes ou "
    "d'activité des services plutôt que davantage de faits.",
    "Les faits sont localisés au lieu de commission (sauf les escroqueries, au domicile de la "
    "victime) et datés de leur enregistrement, pas de leur commission.",
    "Secret statistique : une valeur n'est publiée que si la commune a enregistré plus de 5 faits "
    "sur 3 années successives. Une valeur non diffusée n'est ni zéro ni « petite » : elle est "
    "inconnue. Le total d'un territoire dont une commune n'est pas diffusée est une borne "
    "inférieure (« au moins »).",
    "Les communes qui attirent des visiteurs (travail, commerce, tourisme) ont des taux par "
    "habitant gonflés ; les petites communes ont des taux très variables d'une année à l'autre : "
    "lisez l'intervalle de confiance.",
    "L'intervalle de confiance à 95 % (Poisson exact, Garwood) dit la marge due au hasard des "
    "petits nombres, pas les erreurs d'enregistrement.",
    "Il n'existe pas de « taux de délinquance global » : les indicateurs ont des unités de compte "
    "différentes (victimes, infractions, véhicules, mis en cause) et ne s'additionnent pas.",
]

# Share of victims who report, from the national victimisation survey (SSMSI).
_REPORTING = {
    "Cambriolages de logement": "Environ 74 % des cambriolages sont déclarés : l'indicateur est "
    "proche de la réalité.",
    "Violences sexuelles": "Environ 12 % des victimes de violences sexuelles hors ménage "
    "portent plainte : l'indicateur mesure surtout les plaintes, et leur hausse peut traduire "
    "une meilleure révélation.",
}

_SPECIFIC = {
    "dwellings": "Taux pour 1 000 logements (et non pour 1 000 habitants).",
    "mis en cause": "Un mis en cause est compté une fois par territoire : le total d'un groupe de "
    "communes peut compter plusieurs fois la même personne, et le total d'un département n'est "
    "pas la somme de ses communes.",
    "fraud": "Les escroqueries sont localisées au domicile de la victime, pas au lieu des faits.",
    "retired": "Série abandonnée par le SSMSI en juillet 2025 (remplacée par « Violences "
    "physiques intrafamiliales » et « Violences physiques hors cadre familial », recalculées avec "
    "un autre périmètre) : ne la raccordez pas aux nouvelles séries.",
}


def caveats_for(label: str, unit: str, denominator_kind: str, retired: bool) -> list[str]:
    """The caveats specific to one indicator, before the general ones."""
    notes = []
    if denominator_kind == "dwellings":
        notes.append(_SPECIFIC["dwellings"])
    if unit == "mis en cause":
        notes.append(_SPECIFIC["mis en cause"])
    if label.startswith("Escroqueries"):
        notes.append(_SPECIFIC["fraud"])
    if retired:
        notes.append(_SPECIFIC["retired"])
    if label in _REPORTING:
        notes.append(_REPORTING[label])
    return notes
