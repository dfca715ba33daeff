"""access_council hands the view the council and the person's role, typed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from stspd.councils.access import access_council, access_formation


@pytest.mark.parametrize(
    ("who", "role", "can_edit", "is_coordinator"),
    [
        ("reader", "reader", False, False),
        ("partner", "partner", False, False),
        ("coordinator", "coordinator", True, True),
        # The site admin edits every council without being its coordinator.
        ("site_admin", "admin", True, False),
    ],
)
def test_access_council_returns_the_council_with_the_role(  # type: ignore[no-untyped-def]
    world, who: str, role: str, can_edit: bool, is_coordinator: bool
) -> None:
    granted = access_council(getattr(world, who), world.council.pk)
    assert granted.obj == world.council
    assert (granted.role, granted.can_edit, granted.is_coordinator) == (
        role,
        can_edit,
        is_coordinator,
    )


def test_outsider_gets_404_and_reader_403_for_editing(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        access_council(world.outsider, world.council.pk)
    with pytest.raises(PermissionDenied):
        access_council(world.reader, world.council.pk, edit=True)


def test_a_working_group_is_reached_with_the_members_role(world) -> None:  # type: ignore[no-untyped-def]
    granted = access_formation(world.wg_signed, world.working_group.pk)
    assert (granted.obj, granted.role, granted.can_edit) == (world.working_group, "partner", False)
