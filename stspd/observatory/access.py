"""Who may see which territory's observatory.

Recorded-crime figures are public open data: any signed-in person reads the observatory of any
commune or EPCI. A council's observatory page sits in the council's space, so it follows the
council's rule (any role in the council; an outsider gets 404). Partners' own data are another
matter (see stspd.partnerdata).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.core.ids import parse_id
from stspd.councils.access import Access, access_council
from stspd.territories.departements import main_departement
from stspd.territories.models import Commune, CommuneKind, Epci

from .figures import Territory
from .models import DiagnosticSection

KINDS = ("commune", "epci", "conseil")


def _territory(
    kind: str, key: str, name: str, members: list[Commune], council: object
) -> Territory:
    if not members:
        raise Http404("Ce territoire n'a aucune commune dans le référentiel.")
    code, dep_name = main_departement(members)
    return Territory(kind, key, name, members, code, dep_name, council)


def access_territory(user: User, kind: str, key: str) -> Territory:
    communes = Commune.objects.select_related("departement").order_by("-population", "code")
    if kind == "commune":
        commune = get_object_or_404(communes, code=key)
        return _territory(kind, key, commune.name, [commune], None)
    if kind == "epci":
        epci = get_object_or_404(Epci, siren=key)
        members = list(communes.filter(epci=epci, kind=CommuneKind.COMMUNE))
        return _territory(kind, key, epci.name, members, None)
    if kind == "conseil" and (council_id := parse_id(key)) is not None:
        council = access_council(user, council_id).obj
        members = list(communes.filter(pk__in=council.communes(), kind=CommuneKind.COMMUNE))
        return _territory(kind, key, council.name, members, council)
    raise Http404


def access_section(user: User, section_id: int, *, edit: bool = False) -> Access[DiagnosticSection]:
    """A diagnostic section follows its council's rule: any role reads, the coordinator edits."""
    section = get_object_or_404(
        DiagnosticSection.objects.select_related("diagnostic", "indicator"), pk=section_id
    )
    role = access_council(user, section.diagnostic.council_id, edit=edit).role
    return Access(section, role)
