"""The adoption page: where the strategy stands, how it got there, and the next steps' forms."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.councils.enums import FormationKind

from . import adoption
from .access import access_strategy, check_strategy
from .adoption_forms import AdoptForm, DeliberationForm, MeetingMoveForm, MoveForm, SignatureForm
from .enums import Status, Vote
from .models import Deliberation, MemberVote, Strategy
from .workflow import (
    MOVES_BY_NAME,
    WorkflowError,
    adopted_version_number,
    available_moves,
    get_move,
)

FORMS = {
    "debate": MeetingMoveForm,
    "adopt": AdoptForm,
    "deliberate": DeliberationForm,
    "sign": MoveForm,
    "enforce": MoveForm,
    "revise": MoveForm,
    "close": MoveForm,
}
EXPLANATIONS = {
    "debate": "Le conseil, en formation plénière, a débattu des priorités et adopté les axes : "
    "à partir du diagnostic, avant la rédaction du projet (le projet ira ensuite aux "
    "partenaires), ou sur le projet déjà relu.",
    "adopt": "Le conseil adopte la version de travail, qui est figée : c'est elle qui sera "
    "délibérée puis signée.",
    "deliberate": "Le conseil municipal ou communautaire approuve la version adoptée.",
    "sign": "Les signatures déjà enregistrées valent signature de la version adoptée ; "
    "d'autres partenaires pourront encore signer ensuite.",
    "enforce": "La stratégie signée entre en vigueur : son suivi commence.",
    "revise": "Une révision (avenant) rouvre le contenu à la modification ; la nouvelle version "
    "devra être adoptée à nouveau, délibérée et signée.",
    "close": "La stratégie arrive à son terme : elle ne pourra plus être révisée.",
}


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data; an empty submission (a step with no comment) is still a submission."""
    return request.POST if request.method == "POST" else None


@login_required
def adoption_page(request: HttpRequest, strategy_id: int) -> HttpResponse:
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    transitions = strategy.transitions.select_related("by", "meeting").prefetch_related(
        Prefetch("votes", MemberVote.objects.select_related("member__organisation"))
    )
    is_coordinator = granted.can_edit
    moves = [
        {"move": move, "url": move_url(strategy, move.name)} for move in available_moves(strategy)
    ]
    tallies = {
        row["transition"]: row
        for row in MemberVote.objects.filter(transition__strategy=strategy)
        .values("transition")
        .annotate(
            votes_for=Count("pk", filter=Q(vote=Vote.FOR)),
            votes_against=Count("pk", filter=Q(vote=Vote.AGAINST)),
            abstentions=Count("pk", filter=Q(vote=Vote.ABSTAIN)),
        )
    }
    return render(
        request,
        "strategy/adoption/adoption.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "is_coordinator": is_coordinator,
            "moves": moves if is_coordinator else [],
            "history": [{"transition": t, "tally": tallies.get(t.pk)} for t in transitions],
            "deliberations": strategy.deliberations.all(),
            "signatures": strategy.signatures.select_related("organisation"),
            "can_sign": strategy.status in adoption.SIGNING_STATUSES and is_coordinator,
            "adopted_version": adopted_version_number(strategy)
            if strategy.transitions.filter(target=Status.ADOPTED).exists()
            else None,
        },
    )


def move_url(strategy: Strategy, name: str) -> str:
    if name == "review":
        return reverse("strategy:review_open", args=[strategy.pk])
    return reverse("strategy:adoption_move", args=[strategy.pk, name])


def run_move(strategy: Strategy, name: str, form: Any, user: User) -> None:
    data = form.cleaned_data
    if name == "debate":
        adoption.debate(strategy, meeting=data["meeting"], comment=data["comment"], by=user)
    elif name == "adopt":
        adoption.adopt(
            strategy,
            meeting=data["meeting"],
            mode=data["mode"],
            votes=form.votes(),
            comment=data["comment"],
            by=user,
        )
    elif name == "deliberate":
        adoption.deliberate(
            strategy,
            assembly=data["assembly"],
            held_on=data["held_on"],
            number=data["number"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            abstentions=data["abstentions"],
            document=data["document"],
            comment=data["comment"],
            by=user,
        )
    else:
        adoption.move(strategy, name, comment=data["comment"], by=user)


@login_required
def adoption_move(request: HttpRequest, strategy_id: int, move: str) -> HttpResponse:
    """One step's form. A step the current state does not allow shows why, with no form."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    if move == "review":
        return redirect("strategy:review_open", strategy.pk)
    if move not in FORMS:
        raise Http404
    refusal = ""
    try:
        get_move(strategy, move)
    except WorkflowError as error:
        refusal = str(error)
    form = FORMS[move](posted(request), request.FILES or None, strategy=strategy)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            run_move(strategy, move, form, user)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            strategy.refresh_from_db()
            messages.success(
                request,
                f"Étape enregistrée : la stratégie est « {strategy.get_status_display()} ».",
            )
            return redirect("strategy:adoption", strategy.pk)
    return render(
        request,
        "strategy/adoption/move.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "move": MOVES_BY_NAME[move],
            "explanation": EXPLANATIONS[move],
            "form": form,
            "refusal": refusal,
            "plenary": strategy.council.formations.filter(kind=FormationKind.PLENARY).first()
            if move in ("debate", "adopt")
            else None,
            "signatures": strategy.signatures.filter(
                version_number=adopted_version_number(strategy)
            ).select_related("organisation")
            if move == "sign"
            else None,
        },
    )


@login_required
def signature_add(request: HttpRequest, strategy_id: int) -> HttpResponse:
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    refusal = ""
    if strategy.status not in adoption.SIGNING_STATUSES:
        refusal = (
            f"La stratégie est « {strategy.get_status_display()} » : les signatures "
            "s'enregistrent une fois la délibération votée."
        )
    form = SignatureForm(posted(request), strategy=strategy)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            adoption.add_signature(strategy, by=user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La signature est enregistrée.")
            return redirect(reverse("strategy:adoption", args=[strategy.pk]) + "#signatures")
    return render(
        request,
        "strategy/adoption/signature.html",
        {"strategy": strategy, "council": strategy.council, "form": form, "refusal": refusal},
    )


@login_required
def deliberation_document(request: HttpRequest, deliberation_id: int) -> FileResponse:
    deliberation = get_object_or_404(
        Deliberation.objects.select_related("strategy__council"), pk=deliberation_id
    )
    check_strategy(current_user(request), deliberation.strategy)
    if not deliberation.document:
        raise Http404
    try:
        handle = deliberation.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"deliberation-{deliberation.number}.pdf",
    )
