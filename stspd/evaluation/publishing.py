"""Publishing an annual review on the public portal, and withdrawing it.

The coordinator decides: the portal shows a review only once published. What is published is
the review's public version (build_report(public=True): the result indicators marked public,
as on the portal's page), frozen as a PDF at that moment; publishing again replaces it.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from stspd.accounts.models import User
from stspd.audit.events import record
from stspd.strategy.enums import EDITABLE_STATUSES
from stspd.strategy.models import Strategy
from stspd.strategy.workflow import has_been_adopted

from .models import PublishedReport
from .reports import build_report, report_pdf


class PublishingError(Exception):
    """Why a review cannot be published, in French."""


def _label(strategy: Strategy, year: int) -> str:
    return f"Bilan annuel {year} — {strategy.title}"


def publish_annual(strategy: Strategy, year: int, *, by: User) -> PublishedReport:
    if not has_been_adopted(strategy):
        raise PublishingError(
            "La stratégie n'a pas encore été adoptée : elle n'a pas de page publique où publier "
            "son bilan."
        )
    if strategy.status in EDITABLE_STATUSES:
        # The report is built from the working copy: during a revision it would publish the
        # amendments before the council adopts them.
        raise PublishingError(
            "Une révision de la stratégie est en cours : publiez le bilan une fois l'avenant "
            "adopté, pour qu'il décrive la stratégie que le public peut lire."
        )
    pdf = report_pdf(build_report(strategy, year, public=True))
    with transaction.atomic():
        report = (
            PublishedReport.objects.select_for_update().filter(strategy=strategy, year=year).first()
        )
        replaced = report.pdf.name if report else None
        report = report or PublishedReport(strategy=strategy, year=year)
        report.pdf.save(f"bilan-{strategy.pk}-{year}.pdf", ContentFile(pdf), save=False)
        report.sha256 = hashlib.sha256(pdf).hexdigest()  # its ETag on the portal
        report.published_at, report.published_by = timezone.now(), by
        try:
            with transaction.atomic():
                report.save()
        except BaseException as error:
            if report.pdf.name:  # the new file, never stored in a row
                report.pdf.storage.delete(report.pdf.name)
            if isinstance(error, IntegrityError):  # published by someone else at that moment
                raise PublishingError(
                    f"Le bilan {year} vient d'être publié par une autre personne : rechargez "
                    "la page."
                ) from None
            raise
        record(by, "published", report, council=strategy.council, label=_label(strategy, year))
        if replaced:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    return report


def withdraw_annual(strategy: Strategy, year: int, *, by: User) -> None:
    with transaction.atomic():
        report = PublishedReport.objects.filter(strategy=strategy, year=year).first()
        if report is None:
            return
        name, storage = report.pdf.name or "", report.pdf.storage
        record(by, "withdrawn", report, council=strategy.council, label=_label(strategy, year))
        report.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
