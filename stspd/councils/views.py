from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.audit.events import form_changes, record
from stspd.audit.models import Event
from stspd.core.exports import csv_document
from stspd.councils.deletion import confirm_delete
from stspd.territories.models import Commune, CommuneKind, Epci

from . import access, workflow
from .enums import DecisionStatus, FormationKind, Role
from .forms import (
    CouncilCreateForm,
    CouncilForm,
    CouncilMemberForm,
    FormationForm,
    FormationMemberForm,
    OrganisationForm,
    RoleForm,
)
from .models import (
    Council,
    CouncilMember,
    Formation,
    FormationMember,
    Meeting,
)

EVENTS_PER_PAGE = 100


@login_required
def council_approval(request: HttpRequest, council_id: int) -> HttpResponse:
    """The site admin approves (or refuses) a council someone opened."""
    user = current_user(request)
    if not user.is_superuser:
        raise Http404
    council = get_object_or_404(Council, pk=council_id, approved_at__isnull=True)
    if request.method == "POST":
        if request.POST.get("decision") == "approve":
            workflow.approve_council(council, by=user, site_url=settings.SITE_URL)
            messages.success(request, f"{council} est validé ; son créateur en est informé.")
            return redirect(council)
        if request.POST.get("decision") == "refuse":
            workflow.refuse_council(council, by=user, site_url=settings.SITE_URL)
            messages.success(
                request, f"{council} est refusé et supprimé ; son créateur en est informé."
            )
            return redirect("home")
    return render(request, "councils/council_approval.html", {"council": council})


@login_required
def council_create(request: HttpRequest) -> HttpResponse:
    """Any signed-in person may open the council of a territory that has none; they become its
    coordinator once the site admin approves it (the hosting operator can reassign it in the
    administration)."""
    territory: Commune | Epci
    if code := request.GET.get("commune"):
        # Municipal arrondissements have no council of their own: their city's covers them.
        territory = get_object_or_404(Commune, code=code, kind=CommuneKind.COMMUNE)
        default_name = f"CLSPD de {territory.name}"
    elif siren := request.GET.get("epci"):
        territory = get_object_or_404(Epci, siren=siren)
        default_name = f"CISPD — {territory.name}"
    else:
        raise Http404
    if hasattr(territory, "council"):
        messages.error(request, f"{territory} a déjà un conseil : demandez-y un rôle.")
        return redirect(territory.get_absolute_url())
    form = CouncilCreateForm(request.POST or None, initial={"name": default_name})
    if form.is_valid():
        try:
            council = workflow.create_council(
                territory,
                name=form.cleaned_data["name"],
                president=form.cleaned_data["president"],
                by=current_user(request),
            )
        except IntegrityError:
            # Someone opened this territory's council between the page and the submission.
            messages.error(request, f"{territory} a déjà un conseil : demandez-y un rôle.")
            return redirect(territory.get_absolute_url())
        if council.is_approved:
            messages.success(request, "Le conseil est créé ; vous en êtes le coordinateur.")
            return redirect(council)
        messages.success(
            request,
            "Le conseil est créé. L'administrateur de la plateforme doit le valider avant que "
            "vous puissiez l'utiliser : vous recevrez un message à ce moment.",
        )
        return redirect("home")
    return render(request, "councils/council_create.html", {"form": form, "territory": territory})


@login_required
def council_detail(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    granted = access.access_council(user, council_id)
    council = granted.obj
    formations = council.formations.all()
    plenary_meetings = (
        Meeting.objects.filter(formation__council=council)
        .exclude(formation__kind=FormationKind.WORKING_GROUP)
        .select_related("formation")
    )
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "can_edit": granted.can_edit,
            "members": council.members.select_related("organisation").prefetch_related(
                "representatives"
            ),
            "roles": council.roles.select_related("user").order_by("role", "user__last_name"),
            "formations": [f for f in formations if not f.is_working_group],
            "working_groups": [f for f in formations if f.is_working_group],
            # The groups one has a seat in (signed or not: the refusal leads to the charter).
            "my_groups": set(
                FormationMember.objects.filter(user=user, formation__council=council).values_list(
                    "formation_id", flat=True
                )
            ),
            "meetings": plenary_meetings,
            "communes": council.communes().order_by("-population") if council.epci_id else None,
        },
    )


@login_required
def council_edit(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = CouncilForm(request.POST or None, instance=council)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(user, "updated", council, council=council, changes=form_changes(form))
        messages.success(request, "Le conseil est enregistré.")
        return redirect(council)
    return render(
        request,
        "councils/form.html",
        {"form": form, "council": council, "title": "Modifier le conseil"},
    )


@login_required
def council_events(request: HttpRequest, council_id: int) -> HttpResponse:
    """The council's journal, for its coordinators. Working-group events are listed only for the
    group's signed members."""
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    page = Paginator(visible_events(user, council), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "councils/events.html", {"council": council, "page": page})


def visible_events(user: User, council: Council) -> QuerySet[Event]:
    """The council's events this person may read: working-group events only if they signed
    the group's charter. One query, however long the journal."""
    signed_groups = FormationMember.objects.filter(
        user=user, charter_signed_on__isnull=False
    ).values("formation_id")
    return (
        Event.objects.filter(council=council)
        .filter(Q(confidential=False) | Q(formation_id__in=signed_groups))
        .select_related("formation")
    )


EVENTS_CSV_HEADER = ["Date", "Personne", "Action", "Objet", "Groupe de travail", "Détail"]


def events_csv(events: QuerySet[Event]) -> str:
    """The journal as a spreadsheet opens it: `;`, UTF-8 with a byte-order mark, local times,
    one line per event, its changes as "champ : avant → après" separated by " ; "."""
    return csv_document(
        EVENTS_CSV_HEADER,
        (
            [
                f"{timezone.localtime(event.at):%d/%m/%Y %H:%M}",
                event.actor_label,
                event.verb_label,
                event.object_label,
                event.formation.name if event.formation else "",
                "; ".join(change_text(f, v) for f, v in event.changes.items()),
            ]
            for event in events.iterator(chunk_size=2000)
        ),
    )


def change_text(field: str, values: Any) -> str:
    """One change as the page shows it: "champ : avant → après" (no arrow without a before)."""
    if isinstance(values, list) and len(values) == 2:
        before, after = values
        return f"{field} : {before} → {after}" if before else f"{field} : {after}"
    return f"{field} : {values}"


@login_required
def council_events_csv(request: HttpRequest, council_id: int) -> HttpResponse:
    """The journal as a CSV file, for the same people and with the same events as the page."""
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    response = HttpResponse(
        events_csv(visible_events(user, council)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="journal-conseil-{council.pk}.csv"'
    return response


@login_required
def decisions(request: HttpRequest, council_id: int) -> HttpResponse:
    """Follow-up of the decisions of plenary and restricted meetings."""
    user = current_user(request)
    council = access.access_council(user, council_id).obj
    status = request.GET.get("etat", DecisionStatus.OPEN)
    rows = access.plenary_decisions(council)
    if status in DecisionStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "councils/decisions.html",
        {"council": council, "decisions": rows, "status": status, "statuses": DecisionStatus},
    )


# Members and roles ---------------------------------------------------------------------------


@login_required
def member_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = CouncilMemberForm(
        request.POST or None,
        instance=CouncilMember(council=council),
        initial={"organisation": request.GET.get("organisation")},
    )
    if form.is_valid():
        with transaction.atomic():
            member = form.save()
            member.sync_titular()
            record(user, "created", member, council=council, changes=form_changes(form))
        messages.success(request, f"{member.organisation} est membre du conseil.")
        return redirect(council)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": council,
            "title": "Ajouter un membre",
            "aside_url": reverse("councils:organisation_add", args=[council.pk]),
            "aside_label": "L'organisation n'existe pas encore ? Créez-la",
        },
    )


@login_required
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    user = current_user(request)
    member = access.access_member(user, member_id, edit=True).obj
    form = CouncilMemberForm(request.POST or None, instance=member)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            member.sync_titular()
            record(user, "updated", member, council=member.council, changes=form_changes(form))
        return redirect(member.council)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": member.council,
            "title": f"Modifier {member.organisation}",
            "delete_url": reverse("councils:member_delete", args=[member.pk]),
        },
    )


@login_required
def member_delete(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access.access_member(current_user(request), member_id, edit=True).obj
    url = member.council.get_absolute_url()
    return confirm_delete(
        request,
        member,
        council=member.council,
        cancel_url=url,
        done_url=url,
        context={"council": member.council},
    )


@login_required
def organisation_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = OrganisationForm(request.POST or None)
    if form.is_valid():
        with transaction.atomic():
            organisation = form.save()
            record(user, "created", organisation, council=council, changes=form_changes(form))
        messages.success(request, f"{organisation} est créée ; ajoutez-la au conseil.")
        return redirect(
            reverse("councils:member_add", args=[council.pk]) + f"?organisation={organisation.pk}"
        )
    return render(
        request,
        "councils/form.html",
        {"form": form, "council": council, "title": "Nouvelle organisation partenaire"},
    )


@login_required
def role_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = RoleForm(request.POST or None, council=council)
    if form.is_valid():
        role = workflow.give_role(
            council, by=user, invite_from=settings.SITE_URL, **form.cleaned_data
        )
        messages.success(
            request,
            f"{role.user.email} a le rôle « {role.get_role_display()} » ; "
            "un message l'en a informé.",
        )
        return redirect(council)
    return render(
        request,
        "councils/form.html",
        {"form": form, "council": council, "title": "Donner un rôle à une personne"},
    )


@login_required
def role_delete(request: HttpRequest, role_id: int) -> HttpResponse:
    user = current_user(request)
    role = access.access_role(user, role_id, edit=True).obj
    council = role.council
    if role.user == user and role.role == Role.COORDINATOR:
        raise PermissionDenied("Vous ne pouvez pas retirer votre propre rôle de coordination.")
    if request.method == "POST":
        workflow.remove_role(role, by=user)
        messages.success(request, f"{role.user} n'a plus accès à {council}.")
        return redirect(council)
    seats = FormationMember.objects.filter(formation__council=council, user=role.user)
    dependants = [f"Siège dans « {seat.formation} »" for seat in seats.select_related("formation")]
    return render(
        request,
        "councils/confirm_delete.html",
        {
            "object": role,
            "kind": "rôle",
            "council": council,
            "cancel_url": council.get_absolute_url(),
            "dependants": dependants,
        },
    )


# Formations ----------------------------------------------------------------------------------


@login_required
def working_group_add(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access.access_council(user, council_id, edit=True).obj
    form = FormationForm(
        request.POST or None,
        instance=Formation(council=council, kind=FormationKind.WORKING_GROUP),
    )
    if form.is_valid():
        formation = workflow.create_working_group(
            form.instance, by=user, changes=form_changes(form)
        )
        messages.info(request, "Le groupe est créé. Signez sa charte pour accéder à son contenu.")
        return redirect("councils:charter", formation.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "council": council, "title": "Nouveau groupe de travail"},
    )


@login_required
def formation_detail(request: HttpRequest, formation_id: int) -> HttpResponse:
    user = current_user(request)
    granted = access.access_formation(user, formation_id)
    formation = granted.obj
    return render(
        request,
        "councils/formation_detail.html",
        {
            "formation": formation,
            "council": formation.council,
            "can_edit": granted.can_edit,
            "members": formation.members.select_related("user", "organisation"),
            "meetings": formation.meetings.all(),
        },
    )


@login_required
def formation_edit(request: HttpRequest, formation_id: int) -> HttpResponse:
    user = current_user(request)
    formation = access.access_formation(user, formation_id, edit=True).obj
    form = FormationForm(request.POST or None, instance=formation)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                user,
                "updated",
                formation,
                council=formation.council,
                formation=formation,
                changes=form_changes(form),
            )
            if "charter" in form.changed_data:
                withdrawn = workflow.change_charter(formation, by=user)
        if "charter" in form.changed_data:
            messages.warning(
                request,
                f"La charte a changé : {withdrawn} signature(s) retirée(s). Chaque membre, "
                "vous compris, doit signer le nouveau texte pour accéder au groupe.",
            )
            return redirect("councils:charter", formation.pk)
        return redirect(formation)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": formation.council,
            "formation": formation,
            "title": f"Modifier « {formation} »",
            "delete_url": reverse("councils:formation_delete", args=[formation.pk])
            if formation.is_working_group
            else None,
        },
    )


@login_required
def formation_delete(request: HttpRequest, formation_id: int) -> HttpResponse:
    formation = access.access_formation(current_user(request), formation_id, edit=True).obj
    if not formation.is_working_group:
        raise PermissionDenied("Les formations plénière et restreinte ne se suppriment pas.")
    return confirm_delete(
        request,
        formation,
        council=formation.council,
        formation=formation,
        cancel_url=formation.get_absolute_url(),
        done_url=formation.council.get_absolute_url(),
        context={"council": formation.council},
    )


@login_required
def formation_member_add(request: HttpRequest, formation_id: int) -> HttpResponse:
    user = current_user(request)
    formation = access.access_formation(user, formation_id, edit=True).obj
    form = FormationMemberForm(request.POST or None, instance=FormationMember(formation=formation))
    if form.is_valid():
        with transaction.atomic():
            seat = form.save()
            record(
                user,
                "member_added",
                formation,
                council=formation.council,
                formation=formation,
                changes={"membre": ["", str(seat.user)]},
            )
        return redirect(formation)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": formation.council,
            "formation": formation,
            "title": f"Ajouter un membre à « {formation} »",
        },
    )


@login_required
def formation_member_delete(request: HttpRequest, seat_id: int) -> HttpResponse:
    seat = access.access_formation_member(current_user(request), seat_id, edit=True).obj
    formation = seat.formation
    url = formation.get_absolute_url()
    return confirm_delete(
        request,
        seat,
        council=formation.council,
        formation=formation,
        cancel_url=url,
        done_url=url,
        context={"council": formation.council},
    )


@login_required
def charter(request: HttpRequest, formation_id: int) -> HttpResponse:
    user = current_user(request)
    formation, seat = access.access_charter(user, formation_id)
    if request.method == "POST" and seat.charter_signed_on is None:
        workflow.sign_charter(seat, by=user)
        messages.success(request, "Vous avez signé la charte : le groupe vous est ouvert.")
        return redirect(formation)
    return render(
        request,
        "councils/charter.html",
        {"formation": formation, "council": formation.council, "seat": seat},
    )
