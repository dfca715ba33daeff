"""The project's URLs and the floor's (see floor_settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from stspd.urls import urlpatterns as project_urls

FLOOR_PATH = "bench/plancher/"


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path(FLOOR_PATH, floor), *project_urls]
