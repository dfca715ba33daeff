"""The sweep: every observatory page of every territory, as a person would follow them.

For each commune, EPCI and council given, the sweep opens the territory's page, then every link
of that page to an indicator page and to a CSV download, and every CSV link of each indicator
page. A page fails when it answers anything but 200, or when its visible text holds words a
French page never shows (an English error, a Python `None`, a `nan`): a crash the error page
hides, or a value that leaked unformatted.
"""

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client

from stspd.territories.models import Commune, CommuneKind, Epci

# Words that never belong in a French page's visible text. Case matters: "None" and "nan" are
# Python's spellings of a missing value ("Nantes" does not match: whole words only).
FOREIGN_WORDS = re.compile(
    r"\b(Traceback|Exception|Error|Server Error|Not Found|None|nan|NaN|inf|-inf|Infinity|"
    r"undefined|null|True|False)\b"
)
LINK = re.compile(r'href="(/observatoire/(?:commune|epci|conseil)/[^"]+)"')


class _VisibleText(HTMLParser):
    """The text a person reads: everything but scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def foreign_words(text: str) -> list[str]:
    return sorted(set(FOREIGN_WORDS.findall(text)))


@dataclass
class Failure:
    url: str
    status: int
    words: list[str]

    def __str__(self) -> str:
        words = f" ; mots étrangers à une page française : {', '.join(self.words)}"
        return f"{self.url} : réponse {self.status}" + (words if self.words else "")


@dataclass
class SweepReport:
    territories: int = 0
    pages: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        lines = [
            f"Territoires parcourus : {self.territories}",
            f"Pages ouvertes : {self.pages} en {self.seconds:.1f} s "
            f"({self.pages_per_second:.1f} pages par seconde)",
            f"Pages en échec : {len(self.failures)}",
        ]
        lines += [f"  {failure}" for failure in self.failures[:50]]
        if len(self.failures) > 50:
            lines.append(f"  … et {len(self.failures) - 50} autres")
        return "\n".join(lines)


def territory_urls(
    communes: Iterable[str] = (), epcis: Iterable[str] = (), councils: Iterable[int] = ()
) -> Iterator[str]:
    yield from (f"/observatoire/commune/{code}/" for code in communes)
    yield from (f"/observatoire/epci/{siren}/" for siren in epcis)
    yield from (f"/observatoire/conseil/{pk}/" for pk in councils)


def communes_of(departements: Iterable[str]) -> list[str]:
    return list(
        Commune.objects.filter(departement__code__in=list(departements), kind=CommuneKind.COMMUNE)
        .order_by("code")
        .values_list("code", flat=True)
    )


def epcis_of(departements: Iterable[str]) -> list[str]:
    """The EPCI with a member commune in one of the départements (an EPCI may straddle two)."""
    return list(
        Epci.objects.filter(communes__departement__code__in=list(departements))
        .distinct()
        .order_by("siren")
        .values_list("siren", flat=True)
    )


def sweep(
    client: Client,
    urls: Iterable[str],
    *,
    follow: tuple[str, ...] | None = None,
    progress: Callable[[int], None] | None = None,
) -> SweepReport:
    """Open each territory page, then every observatory link it shows (indicator pages, CSV
    downloads), then the CSV links of each indicator page. With `follow`, only the links whose
    path after the territory's starts with one of its items (`("csv/",)`: the downloads)."""
    report = SweepReport()
    started = time.perf_counter()
    for start in urls:
        report.territories += 1
        seen = {start}
        queue = [start]
        while queue:
            url = queue.pop(0)
            response = client.get(url)
            report.pages += 1
            body = response.content.decode("utf-8", "replace")
            is_html = response["Content-Type"].startswith("text/html")
            words = foreign_words(visible_text(body) if is_html else body)
            if response.status_code != 200 or words:
                report.failures.append(Failure(url, response.status_code, words))
                continue
            if not is_html:
                continue
            for link in LINK.findall(body):
                link = link.replace("&amp;", "&")
                wanted = follow is None or link[len(start) :].startswith(follow)
                if link.startswith(start) and wanted and link not in seen:
                    seen.add(link)
                    queue.append(link)
        if progress is not None:
            progress(report.territories)
    report.seconds = time.perf_counter() - started
    return report
