"""The words of the demo strategy of the CISPD of the Métropole Rouen Normandie.

Invented but plausible content, following the national strategy's themes (youth, vulnerable
people and victims, public tranquillity, steering). Result indicators name either an SSMSI
series of the observatory (their baselines are then read from the real figures) or an indicator
of the council's own.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoAction:
    title: str
    lead: str  # a key of stspd.councils.demo.ORGANISATIONS
    activity: str  # a common activity indicator's name
    target: int
    partners: tuple[tuple[str, str], ...] = ()  # (organisation key, role)
    # (funder, yearly amount in euros); spent shares grow with the years
    funding: tuple[tuple[str, int], ...] = ()
    problem: str = ""
    description: str = ""
    public: str = ""
    communes: tuple[str, ...] = ()
    neighbourhoods: str = ""


@dataclass(frozen=True)
class DemoObjective:
    statement: str
    # SSMSI label (baseline read from the observatory) or None with an own indicator
    observatory: str | None = None
    own_indicator: tuple[str, str, float, float] | None = None  # name, unit, baseline, target
    change: float = -0.10  # planned relative change for SSMSI indicators
    commune: str | None = None  # INSEE code of the member commune the target is set on
    unquantified_reason: str = ""
    actions: tuple[DemoAction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DemoAxis:
    title: str
    description: str
    objectives: tuple[DemoObjective, ...]


ROUEN, SER, ELBEUF, PETIT_QUEVILLY, CANTELEU = "76540", "76575", "76231", "76498", "76157"

AXES = (
    DemoAxis(
        "Prévenir la délinquance des jeunes et leur exposition aux trafics",
        "Les mineurs et jeunes majeurs sont surreprésentés parmi les mis en cause pour vols "
        "violents et usage de stupéfiants dans trois quartiers prioritaires de la métropole.",
        (
            DemoObjective(
                "Réduire les vols violents sans arme commis dans l'espace public à Rouen",
                observatory="Vols violents sans arme",
                commune=ROUEN,
                change=-0.15,
                actions=(
                    DemoAction(
                        "Médiation sociale de soirée dans les quartiers prioritaires",
                        "metropole",
                        "Médiations réalisées",
                        900,
                        partners=(("bailleur", "co_lead"), ("police", "contributor")),
                        funding=(("fipd", 40000), ("epci", 60000), ("landlord", 20000)),
                        problem="Regroupements et tensions en soirée aux abords des commerces "
                        "et des halls.",
                        description="Quatre médiateurs de 17 h à 23 h, du mercredi au samedi, "
                        "en lien avec les gardiens et la police nationale.",
                        public="Jeunes de 15 à 25 ans présents dans l'espace public",
                        communes=(ROUEN, SER),
                        neighbourhoods="Les Hauts de Rouen\nLe Château Blanc",
                    ),
                    DemoAction(
                        "Prévention situationnelle des pôles d'échange",
                        "transport",
                        "Actions collectives menées",
                        12,
                        partners=(("police", "contributor"), ("metropole", "funder")),
                        funding=(("epci", 35000), ("fipd", 15000)),
                        problem="Vols à l'arraché aux arrêts les plus fréquentés.",
                        description="Diagnostics de sûreté, éclairage et aménagements des "
                        "quatre pôles d'échange.",
                        public="Voyageurs du réseau",
                        communes=(ROUEN,),
                    ),
                ),
            ),
            DemoObjective(
                "Éviter la sortie sans solution des élèves exclus temporairement",
                own_indicator=(
                    "Élèves exclus temporairement accueillis par un dispositif",
                    "élèves",
                    120,
                    300,
                ),
                actions=(
                    DemoAction(
                        "Accueil des élèves exclus temporairement",
                        "education",
                        "Jeunes suivis",
                        300,
                        partners=(("victimes", "contributor"), ("departement", "funder")),
                        funding=(("departement", 25000), ("fipd", 20000), ("caf", 10000)),
                        problem="Une exclusion temporaire laisse l'élève dehors, souvent "
                        "exposé aux trafics.",
                        description="Un accueil de jour encadré par des éducateurs, avec un "
                        "bilan partagé avec l'établissement.",
                        public="Collégiens exclus de 3 à 8 jours",
                    ),
                    DemoAction(
                        "Chantiers éducatifs d'été",
                        "mairie_ser",
                        "Jeunes suivis",
                        80,
                        partners=(("bailleur", "funder"),),
                        funding=(("commune", 18000), ("landlord", 12000)),
                        description="Chantiers rémunérés de rénovation des parties communes.",
                        public="Jeunes de 16 à 21 ans suivis par la prévention spécialisée",
                        communes=(SER,),
                        neighbourhoods="Le Château Blanc",
                    ),
                    DemoAction(
                        "Prévention des conduites addictives au collège",
                        "education",
                        "Actions collectives menées",
                        40,
                        partners=(("police", "contributor"),),
                        funding=(("state_other", 8000),),
                        public="Élèves de quatrième et de troisième",
                    ),
                ),
            ),
            DemoObjective(
                "Accompagner vers l'insertion les jeunes repérés par les partenaires",
                unquantified_reason="Le nombre de jeunes orientés dépend des repérages, que "
                "l'on ne peut pas cibler à l'avance ; le groupe de travail suit les parcours "
                "au cas par cas et rend compte chaque année.",
                actions=(
                    DemoAction(
                        "Cellule de suivi individualisé des jeunes",
                        "metropole",
                        "Personnes orientées vers un dispositif",
                        150,
                        partners=(("parquet", "co_lead"), ("education", "contributor")),
                        funding=(("fipd", 30000), ("epci", 10000)),
                        description="Cellule réunissant les partenaires tous les mois pour "
                        "construire un parcours (formation, emploi, soin).",
                        public="Jeunes de 13 à 25 ans repérés",
                    ),
                    DemoAction(
                        "Travaux d'intérêt général dans les services métropolitains",
                        "metropole",
                        "Travaux d'intérêt général accueillis",
                        60,
                        partners=(("parquet", "contributor"),),
                        funding=(("epci", 5000),),
                        public="Jeunes majeurs condamnés à un TIG",
                    ),
                ),
            ),
        ),
    ),
    DemoAxis(
        "Protéger les personnes vulnérables et mieux accompagner les victimes",
        "Les violences intrafamiliales enregistrées progressent ; les personnes âgées sont "
        "visées par les escroqueries.",
        (
            DemoObjective(
                "Repérer et accompagner davantage de victimes de violences intrafamiliales",
                own_indicator=(
                    "Victimes de violences intrafamiliales accompagnées",
                    "victimes",
                    420,
                    650,
                ),
                actions=(
                    DemoAction(
                        "Intervenant social en commissariat et en gendarmerie",
                        "victimes",
                        "Victimes reçues",
                        600,
                        partners=(
                            ("police", "co_lead"),
                            ("gendarmerie", "contributor"),
                            ("departement", "funder"),
                        ),
                        funding=(("fipd", 35000), ("departement", 25000), ("epci", 10000)),
                        problem="Des victimes repartent du commissariat sans orientation.",
                        description="Deux intervenants sociaux reçoivent les victimes et les "
                        "orientent vers l'hébergement, le soin et le droit.",
                        public="Victimes de violences conjugales et intrafamiliales",
                    ),
                    DemoAction(
                        "Téléphones grave danger et bracelets anti-rapprochement",
                        "parquet",
                        "Victimes reçues",
                        40,
                        partners=(("victimes", "contributor"),),
                        funding=(("state_other", 12000),),
                        public="Victimes en très grand danger",
                    ),
                    DemoAction(
                        "Formation des professionnels au repérage des violences",
                        "departement",
                        "Actions collectives menées",
                        20,
                        partners=(("education", "contributor"), ("victimes", "contributor")),
                        funding=(("departement", 9000), ("fipd", 6000)),
                        public="Travailleurs sociaux, enseignants, soignants",
                    ),
                ),
            ),
            DemoObjective(
                "Réduire les escroqueries visant les personnes âgées",
                observatory="Escroqueries et fraudes aux moyens de paiement",
                change=-0.10,
                actions=(
                    DemoAction(
                        "Réunions de prévention des escroqueries pour les seniors",
                        "police",
                        "Réunions tenues",
                        36,
                        partners=(("metropole", "contributor"),),
                        funding=(("epci", 4000),),
                        public="Personnes de plus de 65 ans et leurs aidants",
                    ),
                    DemoAction(
                        "Guide de prévention distribué avec les bulletins municipaux",
                        "metropole",
                        "Actions collectives menées",
                        3,
                        funding=(("epci", 7000),),
                        public="Habitants de la métropole",
                    ),
                ),
            ),
            DemoObjective(
                "Faire reculer les violences sexuelles dans l'espace public et les transports "
                "à Rouen",
                observatory="Violences sexuelles",
                commune=ROUEN,
                change=-0.05,
                actions=(
                    DemoAction(
                        "Arrêt à la demande dans les bus de soirée",
                        "transport",
                        "Actions collectives menées",
                        1,
                        funding=(("epci", 3000),),
                        public="Voyageuses et voyageurs de soirée",
                    ),
                    DemoAction(
                        "Campagne « Stop au harcèlement dans les transports »",
                        "transport",
                        "Actions collectives menées",
                        4,
                        partners=(("victimes", "contributor"),),
                        funding=(("fipd", 5000), ("epci", 5000)),
                        public="Voyageurs du réseau",
                    ),
                ),
            ),
        ),
    ),
    DemoAxis(
        "Garantir la tranquillité publique dans l'habitat, les transports et l'espace public",
        "Cambriolages, dégradations et vols liés aux véhicules pèsent sur le sentiment de "
        "sécurité, surtout dans les quartiers d'habitat social.",
        (
            DemoObjective(
                "Réduire les cambriolages de logement",
                observatory="Cambriolages de logement",
                change=-0.10,
                actions=(
                    DemoAction(
                        "Opération tranquillité vacances étendue à l'année",
                        "police",
                        "Signalements traités",
                        2500,
                        partners=(("gendarmerie", "co_lead"), ("pm_ser", "contributor")),
                        funding=(("commune", 6000),),
                        public="Habitants absents de leur domicile",
                    ),
                    DemoAction(
                        "Sécurisation des accès des résidences sociales",
                        "bailleur",
                        "Actions collectives menées",
                        30,
                        partners=(("metropole", "funder"),),
                        funding=(("landlord", 80000), ("epci", 40000)),
                        public="Locataires du parc social",
                        communes=(ROUEN, SER, PETIT_QUEVILLY),
                    ),
                ),
            ),
            DemoObjective(
                "Réduire les destructions et dégradations volontaires à Saint-Étienne-du-Rouvray",
                observatory="Destructions et dégradations volontaires",
                commune=SER,
                change=-0.10,
                actions=(
                    DemoAction(
                        "Vidéoprotection des espaces publics sensibles",
                        "mairie_ser",
                        "Caméras de vidéoprotection installées",
                        24,
                        partners=(("police", "contributor"), ("prefecture", "funder")),
                        funding=(("fipd", 60000), ("commune", 60000)),
                        public="Habitants et commerçants",
                        communes=(SER,),
                    ),
                    DemoAction(
                        "Remise en état rapide du mobilier urbain dégradé",
                        "metropole",
                        "Signalements traités",
                        1200,
                        funding=(("epci", 50000),),
                        description="Intervention sous 72 heures, pour éviter l'effet de "
                        "vitre brisée.",
                        public="Usagers de l'espace public",
                    ),
                    DemoAction(
                        "Gestion urbaine de proximité avec les bailleurs",
                        "bailleur",
                        "Réunions tenues",
                        24,
                        partners=(("metropole", "co_lead"),),
                        funding=(("landlord", 15000),),
                        public="Locataires",
                        neighbourhoods="Les Hauts de Rouen\nLe Château Blanc\nLe Plateau",
                    ),
                ),
            ),
            DemoObjective(
                "Réduire les vols dans les véhicules à Saint-Étienne-du-Rouvray",
                observatory="Vols dans les véhicules",
                commune=SER,
                change=-0.10,
                actions=(
                    DemoAction(
                        "Patrouilles conjointes dans les parkings relais",
                        "pm_ser",
                        "Heures de présence sur le terrain",
                        2000,
                        partners=(("police", "co_lead"), ("transport", "contributor")),
                        funding=(("commune", 10000),),
                        public="Usagers des parkings relais",
                        communes=(SER, ROUEN),
                    ),
                ),
            ),
            DemoObjective(
                "Réduire les incidents sur la ligne de tramway T4",
                own_indicator=("Incidents signalés sur la ligne T4", "incidents", 310, 220),
                actions=(
                    DemoAction(
                        "Présence humaine renforcée sur la ligne T4",
                        "transport",
                        "Heures de présence sur le terrain",
                        5000,
                        partners=(("police", "contributor"),),
                        funding=(("epci", 90000), ("fipd", 20000)),
                        public="Voyageurs de la ligne T4",
                    ),
                    DemoAction(
                        "Rappel à la règle des auteurs d'incivilités dans les transports",
                        "parquet",
                        "Personnes orientées vers un dispositif",
                        80,
                        partners=(("transport", "contributor"),),
                        funding=(("state_other", 3000),),
                        public="Auteurs d'incivilités identifiés",
                    ),
                ),
            ),
        ),
    ),
    DemoAxis(
        "Piloter, observer et évaluer la stratégie avec les partenaires",
        "Une stratégie vivante : des indicateurs suivis, des séances préparées à partir du "
        "tableau de bord, des résultats rendus publics.",
        (
            DemoObjective(
                "Rendre compte chaque année des résultats de la stratégie",
                own_indicator=(
                    "Fiches action dont les indicateurs sont renseignés à l'échéance",
                    "fiches action",
                    10,
                    25,
                ),
                change=0,
                actions=(
                    DemoAction(
                        "Observatoire local de la délinquance et de la tranquillité",
                        "metropole",
                        "Réunions tenues",
                        12,
                        partners=(("prefecture", "contributor"), ("police", "contributor")),
                        funding=(("epci", 20000),),
                        public="Membres du CISPD, élus, habitants",
                    ),
                    DemoAction(
                        "Formation des partenaires au suivi des indicateurs",
                        "metropole",
                        "Actions collectives menées",
                        6,
                        funding=(("epci", 3000),),
                        public="Pilotes des fiches action",
                    ),
                ),
            ),
        ),
    ),
)


# The diagnostic's texts, by default section title (the figures come from the observatory).
DIAGNOSTIC_TEXTS = {
    "Le territoire": (
        "La Métropole Rouen Normandie réunit 71 communes et près de 500 000 habitants, dont "
        "une part importante dans seize quartiers prioritaires de la politique de la ville. "
        "Le parc social y loge un ménage sur quatre ; la ligne de tramway T4 relie les "
        "quartiers des hauts de Rouen à la rive gauche."
    ),
    "Les atteintes aux biens": (
        "Les cambriolages de logement se concentrent dans les communes de la première "
        "couronne. Les vols dans les véhicules touchent surtout les parkings relais et les "
        "abords des pôles d'échange (remontées de la police municipale et du transporteur)."
    ),
    "Les dégradations": (
        "Les bailleurs signalent une hausse des dégradations des parties communes ; le "
        "transporteur relève des dégradations répétées aux arrêts de la ligne T4."
    ),
    "Les atteintes aux personnes": (
        "Les violences intrafamiliales enregistrées progressent, ce qui traduit aussi une "
        "meilleure révélation des faits ; l'association d'aide aux victimes observe une "
        "hausse des demandes d'accompagnement."
    ),
    "Le sentiment d'insécurité et les attentes de la population": (
        "Les conseils citoyens citent les regroupements en soirée et les rodéos motorisés ; "
        "les voyageuses de soirée demandent davantage de présence humaine."
    ),
    "Les réponses existantes": (
        "Médiation sociale dans deux communes, intervenant social au commissariat central, "
        "vidéoprotection à Saint-Étienne-du-Rouvray. Manquent une réponse aux exclusions "
        "scolaires et une coordination des bailleurs."
    ),
}
