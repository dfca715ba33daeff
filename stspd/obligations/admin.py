from django.contrib import admin

from .models import StateRole


@admin.register(StateRole)
class StateRoleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in django-stubs only
    """The site admin gives the préfecture and national roles here."""

    list_display = ["user", "level", "departement"]
    list_filter = ["level"]
    autocomplete_fields = ["user"]
    search_fields = ["user__email", "user__last_name"]
