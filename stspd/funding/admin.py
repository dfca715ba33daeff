"""The site admin enters the funders, their programmes (dated labels), the yearly priorities and
the préfectures' calls for projects: data, not code, so that a new year needs no release."""

from django.contrib import admin

from .models import Call, Funder, Priority, Programme, ProgrammeLabel

# The classes below are generic in django-stubs only, not subscriptable at runtime.


class ProgrammeLabelInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProgrammeLabel
    extra = 1


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "budget_funder", "position"]
    search_fields = ["name", "code"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "kind"]
    list_filter = ["funder"]
    inlines = [ProgrammeLabelInline]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["label", "year", "funder", "position"]
    list_filter = ["year", "funder"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "departement", "year", "opens_on", "closes_on", "cap_percent"]
    list_filter = ["year", "funder"]
    filter_horizontal = ["programmes", "priorities"]
