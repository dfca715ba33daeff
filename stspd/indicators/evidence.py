"""Evidence files attached to a reported value: PDF, CSV, XLSX, PNG or JPEG, 10 MB at most.

The content is checked, not only the name: a file is what its first bytes say it is (an XLSX is a
zip holding a workbook; a CSV is text), and the name's extension must agree with it.
"""

from __future__ import annotations

import zipfile

from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {
    ".pdf": "pdf",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
ACCEPT = ",".join(EXTENSIONS)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
NAMES = {
    "pdf": "PDF",
    "csv": "CSV",
    "xlsx": "tableur XLSX",
    "png": "image PNG",
    "jpeg": "image JPEG",
}


def _is_xlsx(upload: UploadedFile[bytes]) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _is_text(head: bytes) -> bool:
    """Text in UTF-8 or Windows-1252 (Excel's CSV), with no NUL byte as binary files have."""
    if b"\x00" in head:
        return False
    try:
        head[:-4].decode("utf-8")  # a multi-byte character may be cut at the sample's end
    except UnicodeDecodeError:
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def detected_kind(upload: UploadedFile[bytes]) -> str:
    """ "pdf", "png", "jpeg", "xlsx", "csv", or "" when the content is none of them."""
    upload.seek(0)
    head = upload.read(65536)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if _is_xlsx(upload) else ""
    if head and _is_text(head):
        return "csv"
    return ""


def evidence_problem(upload: UploadedFile[bytes]) -> str:
    """Why the file is not an acceptable evidence file, or ""."""
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_BYTES:
        size = f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")
        return f"« {name} » pèse {size} Mo : le justificatif doit peser 10 Mo au plus."
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = EXTENSIONS.get(extension)
    if expected is None:
        return (
            f"« {name} » : seuls les fichiers PDF, CSV, XLSX, PNG et JPEG sont acceptés comme "
            "justificatif."
        )
    kind = detected_kind(upload)
    if kind != expected:
        found = f"un fichier {NAMES[kind]}" if kind else "un fichier d'un autre type"
        return (
            f"« {name} » porte l'extension {extension} mais son contenu est {found} : "
            "déposez un vrai PDF, CSV, XLSX, PNG ou JPEG."
        )
    return ""
