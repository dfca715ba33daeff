"""The access helpers: outsiders get 404, roles without the right to edit get 403."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from stspd.partnerdata.access import access_source, access_upload

from .helpers import make_source, staged


@pytest.mark.parametrize("who", ["reader", "partner", "wg_signed", "coordinator", "site_admin"])
def test_council_roles_read_sources_and_uploads(world, who: str) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    user = getattr(world, who)
    assert access_source(user, upload.source_id) == upload.source
    assert access_upload(user, upload.pk) == upload


@pytest.mark.parametrize("who", ["reader", "partner", "wg_signed"])
def test_only_the_coordinator_edits(world, who: str) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        access_source(user, upload.source_id, edit=True)
    with pytest.raises(PermissionDenied):
        access_upload(user, upload.pk, edit=True)


def test_outsider_gets_404(world) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    for edit in (False, True):
        with pytest.raises(Http404):
            access_source(world.outsider, upload.source_id, edit=edit)
        with pytest.raises(Http404):
            access_upload(world.outsider, upload.pk, edit=edit)


def test_unknown_ids_are_404(world) -> None:  # type: ignore[no-untyped-def]
    make_source(world)
    with pytest.raises(Http404):
        access_source(world.coordinator, 999_999)
    with pytest.raises(Http404):
        access_upload(world.coordinator, 999_999)
