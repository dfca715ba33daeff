from typing import Any

from stspd.jobs.models import Job, JobKind, JobState


def finished_job(world: Any, **values: Any) -> Job:
    """An import the site admin started in the world's council, done."""
    fields: dict[str, Any] = {
        "council": world.council,
        "started_by": world.site_admin,
        "kind": JobKind.PARTNER_IMPORT,
        "subject": "upload:0",
        "label": "Import de « mars.csv »",
        "state": JobState.DONE,
        "done": 3,
        "total": 3,
        "message": "Import terminé : 3 lignes, 6 faits.",
        "result_url": "/donnees-partenaires/sources/",
        "result_label": "Voir le rapport d'import",
    }
    return Job.objects.create(**(fields | values))
