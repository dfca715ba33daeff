"""The one check every uploaded file goes through: its type (CSV, XLSX or PDF) by name AND by
content, its size, and for a spreadsheet, that it is not a zip bomb.

A file is what its first bytes say it is: a PDF starts with "%PDF-", an XLSX is a zip holding a
workbook, a CSV is text. An XLSX is checked from its zip directory before any library inflates
it: the sizes its entries declare, their compression ratio and their number. The declared sizes
are enough: Python's zipfile never inflates an entry past its declared size (and checks its CRC),
so openpyxl cannot be made to read more than what is checked here.
"""

import io
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings

from crimestats.french import number

KINDS = {".csv": "csv", ".xlsx": "xlsx", ".pdf": "pdf"}
NAMES = {"csv": "CSV", "xlsx": "tableur XLSX", "pdf": "PDF"}

# A workbook of a partner's year of records inflates to a few tens of megabytes.
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_ENTRIES = 10_000
# Sheets of repeated rows compress well (10 to 50 times); a bomb compresses a thousand times.
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM = 1024 * 1024  # small entries (styles, empty sheets) may compress anyhow
XLSX_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


class UploadRefused(ValueError):
    """The file is refused; the message says why, in French, for the person who sent it."""


def _size(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def _size_text(size: int) -> str:
    """A size as a French reader writes it: "818 octets", "12,5 ko", "1 056,0 Mo"."""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{number(size / 1024, 1)} ko"
    return f"{number(size / 1024 / 1024, 1)} Mo"


def is_text(head: bytes) -> bool:
    """UTF-8 or Windows-1252 text (Excel's CSV), with no NUL byte as binary files have."""
    if not head or b"\x00" in head:
        return False
    try:
        head[:-4].decode("utf-8")  # a multi-byte character may be cut at the sample's end
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def xlsx_problem(data: IO[bytes]) -> str:
    """Why the zip is not a safe workbook, or "". Reads only the zip's directory."""
    try:
        with zipfile.ZipFile(data) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "le fichier n'est pas un classeur XLSX lisible (archive zip abîmée)"
    if len(entries) > XLSX_MAX_ENTRIES:
        return f"le classeur contient {len(entries)} éléments, c'est anormal"
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return "l'archive zip ne contient pas de classeur Excel"
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > XLSX_RATIO_FROM and entry.file_size > XLSX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            return (
                f"« {entry.filename} » se décompresserait en {_size_text(entry.file_size)} "
                f"pour {_size_text(entry.compress_size)} : c'est une bombe de décompression"
            )
        if entry.compress_type not in XLSX_METHODS:
            return "le classeur est compressé d'une manière qu'Excel n'utilise pas"
    if total > XLSX_MAX_UNCOMPRESSED:
        return (
            f"le classeur se décompresserait en {_size_text(total)}, plus que les "
            f"{XLSX_MAX_UNCOMPRESSED // 1024 // 1024} Mo admis"
        )
    return ""


def detected_kind(upload: IO[bytes]) -> str:
    """ "pdf", "xlsx", "csv", "zip" (a zip that is no safe workbook) or "" (anything else)."""
    upload.seek(0)
    head = upload.read(65536)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if is_text(head):
        return "csv"
    return ""


def upload_problem(
    upload: Any, *, kinds: Iterable[str] = ("csv", "xlsx", "pdf"), max_bytes: int | None = None
) -> str:
    """Why `upload` (an UploadedFile, or any named binary file) is refused, or "" if it is fine.

    `kinds` narrows the accepted types; `max_bytes` defaults to STSPD_MAX_UPLOAD_BYTES.
    """
    kinds = tuple(kinds)
    name = str(getattr(upload, "name", "") or "fichier").rsplit("/", 1)[-1]
    limit = settings.STSPD_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    size = _size(upload)
    accepted = ", ".join(NAMES[kind] for kind in kinds)
    if size > limit:
        return (
            f"« {name} » pèse {_size_text(size)} : le fichier doit peser "
            f"{_size_text(limit)} au plus."
        )
    if size == 0:
        return f"« {name} » est vide."
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = KINDS.get(extension)
    if expected is None or expected not in kinds:
        return f"« {name} » : seuls les fichiers {accepted} sont acceptés ici."
    kind = detected_kind(upload)
    if kind == "zip" and expected == "xlsx":
        upload.seek(0)
        problem = xlsx_problem(upload)
        upload.seek(0)
        return f"« {name} » est refusé : {problem}." if problem else ""
    if kind != expected:
        found = f"un fichier {NAMES[kind]}" if kind in NAMES else "un fichier d'un autre type"
        return (
            f"« {name} » n'est pas un {NAMES[expected]} malgré son extension {extension} : "
            f"son contenu est {found}."
        )
    return ""


def check_upload(upload: Any, **options: Any) -> None:
    """`upload_problem` as an exception: raise UploadRefused with the reason."""
    if problem := upload_problem(upload, **options):
        raise UploadRefused(problem)
