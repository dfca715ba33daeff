"""The token pages: a secret shown once and stored hashed, revocation by its owner only."""

from stspd.api.models import ApiToken, digest
from stspd.audit.models import Event

from .helpers import get


def test_a_token_is_shown_once_kept_hashed_and_works_within_its_scopes(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.partner)
    response = client.post(
        "/comptes/jetons/", {"name": "Tableur PM", "scopes": ["saisie"], "days": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("stspd_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=world.partner)
    # Reporting needs reading the indicator: the read scope comes with it.
    assert token.scopes == ["lecture", "saisie"]
    assert token.digest == digest(secret) and secret not in str(ApiToken.objects.values().get())
    assert Event.objects.filter(verb="created", object_type="api.apitoken").count() == 1
    # Listed afterwards without its secret.
    page = client.get("/comptes/jetons/").content.decode()
    assert "Tableur PM" in page and token.hint in page and secret not in page
    client.logout()
    assert get(client, "/api/moi", secret).json()["portees"] == ["lecture", "saisie"]


def test_a_bad_form_is_refused_and_creates_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.partner)
    response = client.post("/comptes/jetons/", {"name": "", "scopes": ["admin"], "days": "9999"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scopes", "days"}
    assert not ApiToken.objects.exists()


def test_only_its_owner_revokes_a_token_and_a_revoked_token_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.partner)
    client.post("/comptes/jetons/", {"name": "Script", "scopes": ["lecture"], "days": "90"})
    token = ApiToken.objects.get(user=world.partner)
    client.force_login(world.coordinator)
    assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(world.partner)
    assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Event.objects.filter(verb="revoked").count() == 1


def test_erasing_a_person_deletes_their_tokens(world) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    from stspd.accounts.personal_data import erase

    ApiToken.issue(
        world.partner,
        name="x",
        scopes=["lecture"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    erase(world.partner, by=world.site_admin)
    assert not ApiToken.objects.exists()


def test_a_person_keeps_at_most_ten_live_tokens(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.partner)
    form = {"name": "Script", "scopes": ["lecture"], "days": "30"}
    for _ in range(10):
        assert client.post("/comptes/jetons/", form).status_code == 200
    response = client.post("/comptes/jetons/", form)
    assert response.status_code == 400
    assert "déjà 10 jetons actifs" in response.content.decode()
    assert ApiToken.objects.filter(user=world.partner).count() == 10
    ApiToken.objects.filter(user=world.partner).first().delete()  # type: ignore[union-attr]
    assert client.post("/comptes/jetons/", form).status_code == 200
