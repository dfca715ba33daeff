"""Forms of the dashboard: the strategy's status settings and a meeting prepared from it."""

from typing import Any

from django import forms

from stspd.core.forms import ModelForm
from stspd.councils.forms import MeetingForm
from stspd.councils.models import Council, Formation, Meeting
from stspd.strategy.models import Strategy

from .dashboard import FOLLOWED_FORMATIONS


class StatusSettingsForm(ModelForm):
    class Meta:
        model = Strategy
        fields = ["status_method", "status_tolerance", "stale_periods"]
        widgets = {"status_method": forms.RadioSelect}


class AgendaForm(MeetingForm):
    """A plenary or restricted meeting whose agenda the dashboard drafted (editable)."""

    class Meta(MeetingForm.Meta):
        model = Meeting
        fields = ["formation", "starts_at", "place", "agenda"]

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["formation"]
        field.queryset = Formation.objects.filter(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            council=council, kind__in=FOLLOWED_FORMATIONS
        ).order_by("kind")
        field.empty_label = None  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
        field.help_text = (
            "Formation plénière ou restreinte : un groupe de travail est confidentiel et ne "
            "reçoit pas l'ordre du jour du tableau de bord."
        )
        self.fields["agenda"].widget.attrs["rows"] = 18
        self.fields["agenda"].help_text = (
            "Proposé à partir des objectifs en retard ou à surveiller, des fiches action en "
            "retard et des décisions en attente : modifiez-le librement avant d'enregistrer."
        )
