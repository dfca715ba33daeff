from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from .forms import AdminLoginForm
from .models import LoginAttempt, Membership, Organisation, User
from .personal_data import erase

# The administration's login page is throttled and recorded like the site's.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_superuser", "erasure_requested_at"]
    list_filter = ["is_active", "is_superuser", "erasure_requested_at", "erased_at"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["erasure_requested_at", "erased_at"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "job_title")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Effacement", {"fields": ("erasure_requested_at", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ["erase_accounts"]

    @admin.action(description="Anonymiser les comptes sélectionnés (droit à l'effacement)")
    def erase_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = request.user
        assert isinstance(by, User)
        erased = 0
        for user in queryset.filter(erased_at__isnull=True).exclude(pk=by.pk):
            erase(user, by=by)
            erased += 1
        self.message_user(request, f"{erased} compte(s) anonymisé(s).", messages.SUCCESS)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    """The login history of every account, read-only."""

    list_display = ["at", "email", "ip", "succeeded", "throttled", "cleared"]
    list_filter = ["succeeded", "throttled", "cleared"]
    search_fields = ["email", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in django-stubs only, not subscriptable at runtime
    list_display = ["name", "kind"]
    search_fields = ["name"]


admin.site.register(Membership)
