"""The hot-spot map of a council's partners' data."""

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stspd.accounts.current import current_user
from stspd.councils.access import access_council

from . import maps
from .forms import MapFilterForm
from .models import Record


@login_required
def hotspot_map(request: HttpRequest, council_id: int) -> HttpResponse:
    """Kernel density and Getis-Ord Gi* of the council's geocoded partner facts, filtered by
    local indicator and period; the significant hot cells are listed in a table too."""
    council = access_council(current_user(request), council_id).obj
    form = MapFilterForm(request.GET or None, council=council)
    records = Record.objects.filter(source__council=council, lon__isnull=False, lat__isnull=False)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read shows no figures rather than unfiltered ones.
        records = records.none()
    elif form.is_bound:
        if indicator := form.cleaned_data["indicator"]:
            records = records.filter(indicator=indicator)
        if start := form.cleaned_data["start"]:
            records = records.filter(day__gte=start)
        if end := form.cleaned_data["end"]:
            records = records.filter(day__lte=end)
    rows = np.array(list(records.values_list("lon", "lat", "count")), dtype=np.float64)
    rows = rows.reshape(-1, 3)
    result = maps.hotspots(rows[:, 0], rows[:, 1], rows[:, 2])
    return render(
        request,
        "partnerdata/hotspot_map.html",
        {
            "council": council,
            "form": form,
            "facts": int(rows[:, 2].sum()),
            "cells": result["cells"],
            "hot": result["hot"],
            "max_density": result["max_density"],
            "problem": result["problem"],
            "communes": maps.commune_outlines(council),
            "cell_size": int(maps.CELL_SIZE),
            "bandwidth": int(maps.BANDWIDTH),
            "levels": list(maps.LEVELS.values()),
        },
    )
