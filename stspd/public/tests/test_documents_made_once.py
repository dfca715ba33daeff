"""Documents made once: a signed version's documents and a published review are rendered once,
stored with their SHA-256 and served from storage; a draft's are re-rendered when it changes."""

import datetime
import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from stspd.accounts.enums import OrganisationKind
from stspd.accounts.models import Organisation
from stspd.evaluation.models import PublishedReport
from stspd.strategy import adoption
from stspd.strategy.documents import pdf as pdf_module
from stspd.strategy.documents import word as word_module
from stspd.strategy.enums import Status
from stspd.strategy.models import Axis, StoredDocument, Strategy

from .test_archive import first_strategy_signed_with_a_review


class Counter:
    """Wraps a renderer and counts its calls (the real one still renders)."""

    def __init__(self, function: Callable[..., bytes]) -> None:
        self.function = function
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> bytes:
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def renders(monkeypatch):  # type: ignore[no-untyped-def]
    """The PDF and Word renderers, counted where the views call them."""
    pdf, docx = Counter(pdf_module.render_pdf), Counter(word_module.render_docx)
    monkeypatch.setattr("stspd.public.views.render_pdf", pdf)
    monkeypatch.setattr("stspd.strategy.document_views.render_pdf", pdf)
    monkeypatch.setattr("stspd.strategy.document_views.render_docx", docx)
    return {"pdf": pdf, "docx": docx}


def text_of(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_second_request_for_the_public_signed_pdf_does_not_render(  # type: ignore[no-untyped-def]
    world, client, renders
) -> None:
    strategy = first_strategy_signed_with_a_review(world)
    url = reverse("public:archive_pdf", args=[world.council.pk, strategy.pk])
    first = client.get(url)
    assert first.status_code == 200 and renders["pdf"].calls == 1
    sha256 = hashlib.sha256(first.content).hexdigest()
    assert first["ETag"] == f'"{sha256}"'
    assert StoredDocument.objects.get(kind="public_pdf", strategy=strategy).sha256 == sha256
    second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert renders["pdf"].calls == 1  # read from storage
    # The historical address serves the same stored file.
    legacy = client.get(reverse("public:strategy_pdf", args=[world.council.pk]))
    assert legacy.content == first.content and renders["pdf"].calls == 1
    # A client holding it gets a 304, no body, no rendering.
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{sha256}"')
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == f'"{sha256}"'
    assert renders["pdf"].calls == 1
    stale = client.get(url, HTTP_IF_NONE_MATCH='"0000"')
    assert stale.status_code == 200 and stale.content == first.content


def test_a_late_signatory_makes_a_new_signed_document(world, client, renders) -> None:  # type: ignore[no-untyped-def]
    strategy = first_strategy_signed_with_a_review(world)
    url = reverse("public:archive_pdf", args=[world.council.pk, strategy.pk])
    before = client.get(url)
    # A late signatory, while the strategy is signed and not in force yet.
    Strategy.objects.filter(pk=strategy.pk).update(status=Status.SIGNED)
    strategy.refresh_from_db()
    adoption.add_signature(
        strategy,
        organisation=Organisation.objects.create(
            name="Ville de Rouen", kind=OrganisationKind.MAIRIE
        ),
        signatory="La maire",
        signed_on=datetime.date(2026, 5, 2),
        by=world.coordinator,
    )
    after = client.get(url)
    assert renders["pdf"].calls == 2
    assert after["ETag"] != before["ETag"]
    assert "La maire" in text_of(after.content)
    assert StoredDocument.objects.filter(kind="public_pdf", strategy=strategy).count() == 1


def test_the_signed_pdf_and_word_of_the_coordinator_are_rendered_once(  # type: ignore[no-untyped-def]
    world, login, renders
) -> None:
    strategy = first_strategy_signed_with_a_review(world)
    client = login(world.coordinator)
    for kind, name in [("pdf", "strategy:document_pdf"), ("docx", "strategy:document_docx")]:
        url = reverse(name, args=[strategy.pk])
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert renders[kind].calls == 1, kind
        assert first["Cache-Control"] == "private, no-cache"


def test_a_draft_is_rendered_again_once_changed_and_only_then(world, login, renders) -> None:  # type: ignore[no-untyped-def]
    client = login(world.coordinator)  # the world's strategy is a draft
    url = reverse("strategy:document_pdf", args=[world.strategy.pk])
    first = client.get(url)
    assert "Tranquillité publique" in text_of(first.content)
    assert client.get(url).content == first.content and renders["pdf"].calls == 1
    Axis.objects.filter(pk=world.axis.pk).update(title="Sécurité routière")
    changed = client.get(url)
    assert renders["pdf"].calls == 2
    assert "Sécurité routière" in text_of(changed.content)
    assert "Tranquillité publique" not in text_of(changed.content)
    assert client.get(url).content == changed.content and renders["pdf"].calls == 2
    # The draft's older document is gone: one stored per document of the working copy.
    assert StoredDocument.objects.filter(strategy=world.strategy, kind="pdf").count() == 1


def test_a_published_review_carries_its_sha256_as_etag(world, client) -> None:  # type: ignore[no-untyped-def]
    strategy = first_strategy_signed_with_a_review(world)
    report = PublishedReport.objects.get(strategy=strategy, year=2026)
    url = reverse("public:archive_report", args=[world.council.pk, strategy.pk, 2026])
    response = client.get(url)
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    assert response["ETag"] == f'"{report.sha256}"'
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    # A review published before the hash was kept gets it at its first request.
    PublishedReport.objects.filter(pk=report.pk).update(sha256="")
    assert client.get(url)["ETag"] == response["ETag"]
    assert PublishedReport.objects.get(pk=report.pk).sha256 == report.sha256
