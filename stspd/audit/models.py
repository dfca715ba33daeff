from django.conf import settings
from django.db import models
from django.utils import timezone

VERB_LABELS = {
    "created": "création",
    "updated": "modification",
    "deleted": "suppression",
    "read": "consultation",
    "charter_signed": "signature de la charte",
    "appraisal_validated": "appréciation validée par le coordinateur",
    "member_added": "ajout d'un membre",
    "member_removed": "retrait d'un membre",
    "imported": "import",
    "reverted": "annulation d'un import",
    "frozen": "version figée",
    "transition": "étape d'adoption",
    "remark": "remarque d'un partenaire",
    "accepted": "remarque acceptée",
    "rejected": "remarque rejetée",
    "reported": "valeur d'indicateur transmise",
    "validated": "valeur d'indicateur validée",
    "returned": "valeur d'indicateur renvoyée au pilote",
    "reminded": "relance des valeurs attendues",
    "purged": "effacement après la durée de conservation",
    "erasure_requested": "demande d'effacement d'un compte",
    "erased": "compte anonymisé",
    "revoked": "révocation",
    "approved": "validation par l'administrateur",
    "published": "publication sur le portail public",
    "withdrawn": "retrait du portail public",
    "opened": "ouverture de la collecte",
    "closed": "clôture de la collecte",
    "codes_issued": "codes d'invitation émis",
    "weighted": "pondération calculée",
    "convened": "convocation envoyée",
    "answered": "réponse à une convocation",
    "submitted": "rapport annuel transmis à la préfecture",
}


class Event(models.Model):
    """One change to the platform's data: who, when, what object, what changed.

    Append-only: nothing in the code deletes an event, and only two verbs update one: an
    account's erasure (the person's name becomes "utilisateur supprimé") and the retention
    purge of working-group minutes (their text leaves the event, who and when stay). Events
    about a working group's content carry that group (`formation`) so that only its signed
    members ever read them.
    """

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField("auteur", max_length=200)
    council = models.ForeignKey(
        "councils.Council", on_delete=models.SET_NULL, null=True, related_name="events"
    )
    formation = models.ForeignKey(
        "councils.Formation", on_delete=models.SET_NULL, null=True, related_name="events"
    )
    # Kept when the group is deleted: a confidential event then stays out of every listing.
    confidential = models.BooleanField(default=False)
    verb = models.CharField("action", max_length=30)
    object_type = models.CharField("type d'objet", max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField("objet", max_length=300)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "événement"
        verbose_name_plural = "événements"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_label}"

    @property
    def verb_label(self) -> str:
        return VERB_LABELS.get(self.verb, self.verb)
