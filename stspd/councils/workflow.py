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
def create_council(
    territory: Commune | Epci,
    *,
    name: str,
    president: str,
    by: User,
    approved_by: User | None = None,
) -> Council:
    """A new CLSPD (commune) or CISPD (EPCI), its plenary and restricted formations, and its
    creator as coordinator.

    Opened by the site admin (or built by them: `approved_by`), it is approved at once;
    opened by anyone else, it waits for the site admin's approval (`approve_council`) and
    nobody can use it until then (`access.role_in`)."""
    if approved_by is None and by.is_superuser:
        approved_by = by
    commune = territory if isinstance(territory, Commune) else None
    epci = territory if isinstance(territory, Epci) else None
    council = Council.objects.create(
        kind=CouncilKind.CLSPD if commune else CouncilKind.CISPD,
        name=name,
        president=president,
        commune=commune,
        epci=epci,
        coordinator=by,
        approved_by=approved_by,
        approved_at=timezone.now() if approved_by else None,
    )
    CouncilRole.objects.create(council=council, user=by, role=Role.COORDINATOR)
    Formation.objects.create(council=council, kind=FormationKind.PLENARY, name="Formation plénière")
    Formation.objects.create(
        council=council, kind=FormationKind.RESTRICTED, name="Formation restreinte"
    )
    record(by, "created", council, council=council)
    return council


@transaction.atomic
def approve_council(council: Council, *, by: User, site_url: str | None = None) -> None:
    """The site admin lets a pending council be used; its creator is told by e-mail."""
    council.approved_at = timezone.now()
    council.approved_by = by
    council.save(update_fields=["approved_at", "approved_by"])
    record(by, "approved", council, council=council, changes={"validé": ["", str(by)]})
    creator = council.coordinator
    if site_url and creator is not None:
        address, text = (
            creator.email,
            (
                f"Bonjour,\n\nL'administrateur de la plateforme a validé {council}. Vous pouvez "
                f"désormais l'utiliser :\n{site_url.rstrip('/')}{council.get_absolute_url()}\n"
            ),
        )
        transaction.on_commit(lambda: send_mail(f"{council} est validé", text, None, [address]))


@transaction.atomic
def refuse_council(council: Council, *, by: User, site_url: str | None = None) -> None:
    """The site admin refuses a pending council: it is deleted (it holds nothing yet but its
    formations and its creator's role), and the territory is free again."""
    assert not council.is_approved
    creator, name = council.coordinator, str(council)
    record(by, "deleted", council, label=f"{name} (refusé par l'administrateur)")
    council.delete()
    if site_url and creator is not None:
        address, text = (
            creator.email,
            (
                f"Bonjour,\n\nL'administrateur de la plateforme n'a pas validé {name}. "
                "Pour toute question, répondez à ce message.\n"
            ),
        )
        transaction.on_commit(lambda: send_mail(f"{name} n'est pas validé", text, None, [address]))


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
        # No password: the person chooses one through the link they receive.
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        record(by, "created", user, council=council, label=email)
    if organisation is not None:
        membership, joined = Membership.objects.get_or_create(user=user, organisation=organisation)
        if joined:
            record(by, "created", membership, council=council, label=f"{email} — {organisation}")
    council_role = CouncilRole.objects.create(council=council, user=user, role=role)
    record(
        by,
        "created",
        council_role,
        council=council,
        changes={"rôle": ["", council_role.get_role_display()]},
    )
    if invite_from:
        person = user
        if created:
            transaction.on_commit(lambda: send_invitation(person, council_role, invite_from, by))
        else:
            transaction.on_commit(lambda: send_role_notice(person, council_role, invite_from, by))
    return council_role


def sender_text(sender: User) -> str:
    """Who gives the role, as the person invited reads it: name and address."""
    return f"{sender.get_full_name() or sender.email} ({sender.email})"


def send_invitation(user: User, role: CouncilRole, site_url: str, sender: User) -> None:
    """E-mail a link to choose a password (Django's password-reset link, valid a few days),
    saying which council, which role and who gave it: an invitation naming none of them reads
    like phishing, and leaves the person unable to check it."""
    link = site_url.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_mail(
        f"Invitation à {role.council} sur stspd",
        f"Bonjour,\n\n{sender_text(sender)} vous a donné le rôle "
        f"« {role.get_role_display()} » dans {role.council}, sur stspd.\n\n"
        f"Un compte a été créé pour vous à cette adresse. Choisissez votre mot de passe :\n"
        f"{link}\n\nSi vous ne connaissez pas cette personne ou ce conseil, ignorez ce message.\n",
        None,
        [user.email],
    )


def send_role_notice(user: User, role: CouncilRole, site_url: str, sender: User) -> None:
    """Tell an existing user they were given a role, so nobody is added without knowing."""
    send_mail(
        f"Nouveau rôle dans {role.council}",
        f"Bonjour,\n\n{sender_text(sender)} vous a donné le rôle "
        f"« {role.get_role_display()} » dans {role.council}.\n"
        f"{site_url.rstrip('/')}{role.council.get_absolute_url()}\n",
        None,
        [user.email],
    )


@transaction.atomic
def create_working_group(
    formation: Formation, *, by: User, changes: dict[str, list[str]]
) -> Formation:
    """Save a new working group; its creator joins it and must sign its charter like anyone."""
    formation.kind = FormationKind.WORKING_GROUP
    formation.save()
    FormationMember.objects.create(formation=formation, user=by)
    record(by, "created", formation, council=formation.council, changes=changes)
    # Who sits in a group is the group's content: that event is confidential.
    record(
        by,
        "member_added",
        formation,
        council=formation.council,
        formation=formation,
        changes={"membre": ["", str(by)]},
    )
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
        formation=seat.formation,
        changes={"charte signée le": ["", f"{seat.charter_signed_on:%d/%m/%Y}"]},
    )


@transaction.atomic
def change_charter(formation: Formation, *, by: User) -> int:
    """A new charter text must be signed again: nobody stays signed on a text they never saw.

    Returns how many signatures were withdrawn.
    """
    withdrawn = formation.members.filter(charter_signed_on__isnull=False).update(
        charter_signed_on=None
    )
    record(
        by,
        "updated",
        formation,
        council=formation.council,
        formation=formation,
        changes={"signatures de la charte retirées": ["", str(withdrawn)]},
    )
    return withdrawn


@transaction.atomic
def remove_role(role: CouncilRole, *, by: User) -> None:
    """Withdraw a person's role, and with it their seats in the council's formations.

    Why the seats too? Because a seat with a signed charter would otherwise reopen a working
    group's content to the person the day they get any role in the council again.
    """
    council, person = role.council, role.user
    seats = FormationMember.objects.filter(formation__council=council, user=person)
    for seat in seats.select_related("formation"):
        record(
            by,
            "member_removed",
            seat.formation,
            council=council,
            formation=seat.formation,
            changes={"membre": [str(person), ""]},
        )
    seats.delete()
    if council.coordinator_id == person.pk:
        council.coordinator = None
        council.save(update_fields=["coordinator"])
    record(
        by,
        "deleted",
        role,
        council=council,
        changes={"rôle": [f"{person} ({role.get_role_display()})", ""]},
    )
    role.delete()
