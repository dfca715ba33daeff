"""A council opened by anyone but the site admin waits for the admin's approval (issue 15:
any account could open "CLSPD de Rouen (officiel)" and coordinate it). Invitations carry no
default role and say which council, which role and who sends them."""

from stspd.audit.models import Event
from stspd.councils.enums import Role
from stspd.councils.forms import RoleForm
from stspd.councils.models import Council

DIEPPE = "/conseils/nouveau/?commune=76217"


def open_dieppe(world, login):  # type: ignore[no-untyped-def]
    response = login(world.partner).post(
        DIEPPE, {"name": "CLSPD de Dieppe (officiel)", "president": "Maire"}
    )
    assert response.status_code == 302
    return Council.objects.get(commune__code="76217")


def test_a_council_opened_by_a_user_is_pending_and_nobody_can_use_it(world, login) -> None:  # type: ignore[no-untyped-def]
    council = open_dieppe(world, login)
    assert not council.is_approved
    assert council.approved_by is None
    # Its creator sees it as pending on their home page, and cannot open or edit it...
    client = login(world.partner)
    home = client.get("/").content.decode()
    assert "En attente de validation" in home and "CLSPD de Dieppe (officiel)" in home
    assert f'href="/conseils/{council.pk}/"' not in home
    for url in [
        f"/conseils/{council.pk}/",
        f"/conseils/{council.pk}/modifier/",
        f"/conseils/{council.pk}/roles/ajouter/",
        f"/conseils/{council.pk}/journal/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/conseils/{council.pk}/modifier/", {"name": "x"}).status_code == 404
    # ...nor approve it; nobody else sees it at all.
    approval = f"/conseils/{council.pk}/validation/"
    assert client.post(approval, {"decision": "approve"}).status_code == 404
    assert "Dieppe" not in login(world.coordinator).get("/").content.decode()
    # The territory stays taken: a second request is refused while the first is pending.
    again = login(world.reader).post(DIEPPE, {"name": "CLSPD de Dieppe", "president": "Maire"})
    assert again.status_code == 302
    assert Council.objects.filter(commune__code="76217").count() == 1


def test_the_site_admin_approves_a_pending_council_and_its_creator_is_told(  # type: ignore[no-untyped-def]
    world, login, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    council = open_dieppe(world, login)
    admin = login(world.site_admin)
    home = admin.get("/").content.decode()
    assert f'href="/conseils/{council.pk}/validation/"' in home
    assert admin.get(f"/conseils/{council.pk}/validation/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/conseils/{council.pk}/validation/", {"decision": "approve"})
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.is_approved and council.approved_by == world.site_admin
    assert Event.objects.filter(verb="approved", object_id=str(council.pk)).exists()
    assert [m.to for m in mailoutbox] == [[world.partner.email]]
    assert "a validé CLSPD de Dieppe (officiel)" in mailoutbox[0].body
    # Now its creator coordinates it.
    assert login(world.partner).get(f"/conseils/{council.pk}/modifier/").status_code == 200
    # An approved council is not approved again.
    assert admin.get(f"/conseils/{council.pk}/validation/").status_code == 404


def test_the_site_admin_refuses_a_pending_council_and_frees_the_territory(  # type: ignore[no-untyped-def]
    world, login, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    council = open_dieppe(world, login)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.site_admin).post(
            f"/conseils/{council.pk}/validation/", {"decision": "refuse"}
        )
    assert response.status_code == 302
    assert not Council.objects.filter(pk=council.pk).exists()
    assert "n'a pas validé" in mailoutbox[0].body
    reopened = login(world.reader).post(DIEPPE, {"name": "CLSPD de Dieppe", "president": "Maire"})
    assert reopened.status_code == 302
    assert Council.objects.get(commune__code="76217").coordinator == world.reader


def test_a_council_opened_by_the_site_admin_is_approved_at_once(world, login) -> None:  # type: ignore[no-untyped-def]
    login(world.site_admin).post(DIEPPE, {"name": "CLSPD de Dieppe", "president": "Maire"})
    council = Council.objects.get(commune__code="76217")
    assert council.is_approved and council.approved_by == world.site_admin


def test_a_role_has_no_default_and_must_be_chosen(world, login) -> None:  # type: ignore[no-untyped-def]
    form = RoleForm(council=world.council)
    assert form["role"].value() == ""
    assert form.fields["role"].choices[0] == ("", "Choisir un rôle")  # type: ignore[attr-defined]
    page = login(world.coordinator).get(f"/conseils/{world.council.pk}/roles/ajouter/")
    assert 'value="coordinator" selected' not in page.content.decode()
    data = {"email": "sans-role@example.org", "first_name": "A", "last_name": "B"}
    response = login(world.coordinator).post(f"/conseils/{world.council.pk}/roles/ajouter/", data)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not world.council.roles.filter(user__email="sans-role@example.org").exists()


def test_the_invitation_names_the_council_the_role_and_the_sender(  # type: ignore[no-untyped-def]
    world, login, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client = login(world.coordinator)
    for email in ["nouvelle@example.org", world.outsider.email]:  # a new and an existing account
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/conseils/{world.council.pk}/roles/ajouter/",
                {"email": email, "first_name": "Inès", "last_name": "Roux", "role": Role.READER},
            )
    assert [m.to for m in mailoutbox] == [["nouvelle@example.org"], [world.outsider.email]]
    for mail in mailoutbox:
        text = mail.subject + mail.body
        assert "CISPD de la Métropole" in text
        assert "« Lecteur ou lectrice »" in mail.body
        assert "Claire Lefebvre (coordination@example.org)" in mail.body


def test_the_territory_page_says_a_council_is_pending_without_naming_it(world, login) -> None:  # type: ignore[no-untyped-def]
    open_dieppe(world, login)
    page = login(world.reader).get("/territoires/communes/76217/").content.decode()
    assert "Un espace attend sa validation" in page
    assert "(officiel)" not in page
    assert "Ouvrir le CLSPD" not in page
