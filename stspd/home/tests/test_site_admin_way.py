"""The site admin's way to the pages the permission matrix grants them (issue 14, item 7): the
links test the permission the view checks (`Access.can_edit`, `obligations.access`), not the
role's name, and show to no one the view would refuse."""

from django.urls import reverse


def links(client, name: str, *args: object) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_site_admin_home_leads_to_the_national_view_and_each_departement(world, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.site_admin)
    assert f'href="{reverse("obligations:national")}"' in links(client, "home")
    departement = f'href="{reverse("obligations:departement", args=["76"])}"'
    assert departement in links(client, "obligations:national")
    # The national agent reads aggregates: the département view would answer 403.
    assert departement not in links(login(world.national_agent), "obligations:national")


def test_no_home_but_the_site_admin_or_a_state_agent_links_the_national_view(world, login) -> None:  # type: ignore[no-untyped-def]
    national = f'href="{reverse("obligations:national")}"'
    for who in (world.coordinator, world.reader, world.prefecture_agent):
        assert national not in links(login(who), "home"), who


def test_who_edits_the_diagnostic_sees_its_sections_links(world, login) -> None:  # type: ignore[no-untyped-def]
    add = f'href="{reverse("observatory:section_add", args=[world.council.pk])}"'
    edit = f'href="{reverse("observatory:section_edit", args=[world.section.pk])}"'
    for who in (world.site_admin, world.coordinator):
        page = links(login(who), "observatory:diagnostic", world.council.pk)
        assert add in page and edit in page, who
    page = links(login(world.reader), "observatory:diagnostic", world.council.pk)
    assert add not in page and edit not in page


def test_who_edits_the_strategy_sees_the_plan_import(world, login) -> None:  # type: ignore[no-untyped-def]
    plan_import = f'href="{reverse("strategy:plan_import", args=[world.strategy.pk])}"'
    for who in (world.site_admin, world.coordinator):
        assert plan_import in links(login(who), "strategy:document", world.strategy.pk), who
    assert plan_import not in links(login(world.partner), "strategy:document", world.strategy.pk)
