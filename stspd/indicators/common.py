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
