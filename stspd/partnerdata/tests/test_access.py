"""The access helpers: outsiders get 404, roles without the right to edit get 403; the others
get the object with their role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from stspd.partnerdata.access import access_source, access_upload

from .helpers import make_source, staged


@pytest.mark.parametrize(
    ("who", "role", "can_edit"),
    [
        ("reader", "reader", False),
        ("partner", "partner", False),
        ("wg_signed", "partner", False),
        ("coordinator", "coordinator", True),
        ("site_admin", "admin", True),
    ],
)
def test_council_roles_read_sources_and_uploads(world, who: str, role: str, can_edit: bool) -> None:  # type: ignore[no-untyped-def]
    upload = staged(world)
    user = getattr(world, who)
    source = access_source(user, upload.source_id)
    assert (source.obj, source.role, source.can_edit) == (upload.source, role, can_edit)
    reached = access_upload(user, upload.pk)
    assert (reached.obj, reached.role, reached.can_edit) == (upload, role, can_edit)


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
