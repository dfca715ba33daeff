from django.contrib import admin
from django.urls import include, path

from stspd.api.api import api
from stspd.core.health import health
from stspd.home.views import home

urlpatterns = [
    path("", home, name="home"),
    path("sante/", health, name="health"),
    path("", include("stspd.core.legal_urls")),
    path("territoires/", include("stspd.councils.territory_urls")),
    path("comptes/", include("stspd.accounts.urls")),
    path("comptes/jetons/", include("stspd.api.token_urls")),
    path("observatoire/", include("stspd.observatory.urls")),
    path("public/", include("stspd.public.urls")),
    path("api/", api.urls),
    path("", include("stspd.councils.urls")),
    path("", include("stspd.partnerdata.urls")),
    path("", include("stspd.jobs.urls")),
    path("", include("stspd.strategy.urls")),
    path("", include("stspd.indicators.urls")),
    path("", include("stspd.steering.urls")),
    path("", include("stspd.funding.urls")),
    path("", include("stspd.evaluation.urls")),
    path("", include("stspd.surveys.urls")),
    path("", include("stspd.obligations.urls")),
    path("admin/", admin.site.urls),
]

# A refusal may carry the link that opens the door (a charter to sign).
handler403 = "stspd.core.refusals.permission_denied"
