"""Writes that span several objects: each runs in one transaction and records its events."""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from stspd.accounts.models import Membership, Organisation, User
from stspd.audit.events import record
from stspd.territories.models import Commune, Epci

from .enums import CouncilKind, FormationKind, Role
from .models import Council, CouncilRole, Formation, FormationMember


@transaction.atomic
def create_council(territory: Commune | Epci, *, name: str, president: str, by: User) -> Council:
    """A new CLSPD (commune) or CISPD (EPCI), its plenary and restricted formations, and its
    creator as coordinator."""
    commune = territory if isinstance(territory, Commune) else None
    epci = territory if isinstance(territory, Epci) else None
    council = Council.objects.create(
        kind=CouncilKind.CLSPD if commune else CouncilKind.CISPD,
        name=name,
        president=president,
        commune=commune,
        epci=epci,
        coordinator=by,
    )
    CouncilRole.objects.create(council=council, user=by, role=Role.COORDINATOR)
    Formation.objects.create(council=council, kind=FormationKind.PLENARY, name="Formation plénière")
    Formation.objects.create(
        council=council, kind=FormationKind.RESTRICTED, name="Formation restreinte"
    )
    record(by, "created", council, council=council)
    return council


@transaction.atomic
def give_role(
    council: Council,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: Organisation | None,
    by: User,
    invite_from: str | None = None,
) -> CouncilRole:
    """Give a person a role, creating their account when the address is new.

    A new account has no usable password: the person receives the password-reset e-mail, which
    lets them choose one (so no password ever travels by e-mail).
    """
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(by, "created", user, council=council)
    if organisation is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation)
    council_role = CouncilRole.objects.create(council=council, user=user, role=role)
    record(
        by,
        "created",
        council_role,
        council=council,
        changes={"rôle": ["", council_role.get_role_display()]},
    )
    if created and invite_from:
        new_user = user
        transaction.on_commit(lambda: send_invitation(new_user, invite_from))
    return council_role


def send_invitation(user: User, site_url: str) -> None:
    """E-mail a link to choose a password (Django's password-reset link, valid a few days)."""
    link = site_url.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_mail(
        "Votre accès à stspd",
        f"Bonjour,\n\nUn compte stspd a été créé pour vous. Choisissez votre mot de passe :\n"
        f"{link}\n",
        None,
        [user.email],
    )


@transaction.atomic
def create_working_group(formation: Formation, *, by: User) -> Formation:
    """Save a new working group; its creator joins it and must sign its charter like anyone."""
    formation.kind = FormationKind.WORKING_GROUP
    formation.save()
    FormationMember.objects.create(formation=formation, user=by)
    record(by, "created", formation, council=formation.council)
    return formation


@transaction.atomic
def sign_charter(seat: FormationMember, *, by: User) -> None:
    seat.charter_signed_on = timezone.localdate()
    seat.save(update_fields=["charter_signed_on"])
    record(
        by,
        "charter_signed",
        seat.formation,
        council=seat.formation.council,
        changes={"charte signée le": ["", f"{seat.charter_signed_on:%d/%m/%Y}"]},
    )
