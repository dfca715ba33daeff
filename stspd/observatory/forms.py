from typing import Any

from stspd.core.forms import ModelForm

from .models import DiagnosticSection, Indicator


class DiagnosticSectionForm(ModelForm):
    class Meta:
        model = DiagnosticSection
        fields = ["title", "text", "indicator", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by(  # type: ignore[attr-defined]  # the stubs type form fields as Field; this one is a ModelChoiceField
            "retired", "label"
        )
        self.fields["position"].help_text = "Les sections s'affichent par ordre croissant."
