from django.contrib import admin

from .models import Council, CouncilMember, CouncilRole


class CouncilRoleInline(admin.TabularInline):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    model = CouncilRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    """The operator reassigns a council's coordination here; its content stays in the app,
    where working groups keep their confidentiality."""

    list_display = ["name", "kind", "coordinator"]
    search_fields = ["name"]
    fields = ["name", "president", "coordinator"]
    inlines = [CouncilRoleInline]
    autocomplete_fields = ["coordinator"]


admin.site.register(CouncilMember)
