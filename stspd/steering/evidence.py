"""Evidence files attached to a reported value: PDF, CSV, XLSX, PNG or JPEG, 10 MB at most.

The content is checked, not only the name: a file is what its first bytes say it is, and the
name's extension must agree with it. PDF, CSV and XLSX go through the project's upload check
(stspd.core.uploads, which also refuses zip bombs); images are checked here by their signature.
"""

from __future__ import annotations

from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile

from stspd.core.uploads import is_text, upload_problem, xlsx_problem

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
IMAGES = {"png", "jpeg"}
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


def detected_kind(upload: File[bytes]) -> str:
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
        upload.seek(0)
        problem = xlsx_problem(upload)
        upload.seek(0)
        return "" if problem else "xlsx"
    if is_text(head):
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
    if expected not in IMAGES:
        # PDF, CSV and XLSX go through the project's one upload check (zip bombs included).
        return upload_problem(upload, kinds=("csv", "xlsx", "pdf"), max_bytes=MAX_BYTES)
    kind = detected_kind(upload)
    if kind != expected:
        found = f"un fichier {NAMES[kind]}" if kind else "un fichier d'un autre type"
        return (
            f"« {name} » porte l'extension {extension} mais son contenu est {found} : "
            "déposez un vrai PDF, CSV, XLSX, PNG ou JPEG."
        )
    return ""
