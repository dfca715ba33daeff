"""Form bases that render with the French State design system (DSFR)."""

from typing import Any

from django import forms
from dsfr.forms import DsfrBaseForm


class DsfrFormMixin:
    """DSFR field classes, optional fields marked as the DSFR asks (not required ones)."""

    def get_context(self) -> dict[str, Any]:
        # DsfrBaseForm.get_context warns about a transitional setting at every render.
        context: dict[str, Any] = forms.Form.get_context(self)  # type: ignore[arg-type]  # the mixin is only mixed into forms (Form, ModelForm below)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class Form(DsfrFormMixin, DsfrBaseForm):  # type: ignore[misc]  # django-dsfr has no type hints: DsfrBaseForm is Any
    pass


class ModelForm(DsfrFormMixin, DsfrBaseForm, forms.ModelForm):  # type: ignore[misc, type-arg]  # DsfrBaseForm is Any (no type hints); ModelForm is generic in django-stubs only
    """A model form whose constraints also cover the fields the view sets on the instance.

    Django skips a unique constraint when one of its fields is not in the form; here the parent
    (`council`, `formation`...) is set by the view, so "added twice" is caught as a form error
    rather than as a database error.
    """

    scoped_fields: tuple[str, ...] = ()

    def _get_validation_exclusions(self) -> set[str]:
        exclusions: set[str] = super()._get_validation_exclusions()
        return exclusions - set(self.scoped_fields)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
