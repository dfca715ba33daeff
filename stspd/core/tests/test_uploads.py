"""The shared upload check: type by name and content, size, and XLSX zip bombs."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from stspd.core.uploads import UploadRefused, check_upload, upload_problem

DATA = Path(__file__).parent / "data"


def workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "catégorie"])
    sheet.append(["2026-01-01", "tapage"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def deflate_bomb(uncompressed: int) -> bytes:
    """A workbook-looking zip whose sheet is `uncompressed` bytes of zeros, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"\0" * (1 << 20)
            for _ in range(uncompressed >> 20):
                sheet.write(chunk)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_real_csv_xlsx_and_pdf_pass(settings) -> None:  # type: ignore[no-untyped-def]
    assert upload_problem(upload("faits.csv", "date;catégorie\n2026-01-01;tapage\n".encode())) == ""
    assert upload_problem(upload("faits.xlsx", workbook_bytes())) == ""
    assert upload_problem(upload("délibération.pdf", b"%PDF-1.7\n...")) == ""


def test_a_csv_in_windows_1252_passes() -> None:
    assert upload_problem(upload("faits.csv", "dégradation;été\n".encode("cp1252"))) == ""


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("faits.exe", b"MZ\x90\x00", "seuls les fichiers CSV, tableur XLSX, PDF sont acceptés"),
        ("faits", b"a;b\n", "seuls les fichiers"),
        ("faits.csv", b"%PDF-1.4 ...", "son contenu est un fichier PDF"),
        ("faits.pdf", b"date;categorie\n", "son contenu est un fichier CSV"),
        ("faits.xlsx", b"date;categorie\n", "son contenu est un fichier CSV"),
        ("faits.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "un fichier d'un autre type"),
        ("faits.xlsx", b"PK\x03\x04 not really a zip", "archive zip abîmée"),
        ("faits.csv", b"", "est vide"),
    ],
)
def test_type_is_checked_by_name_and_content(name: str, data: bytes, reason: str) -> None:
    assert reason in upload_problem(upload(name, data))


def test_a_zip_that_is_no_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    assert "ne contient pas de classeur Excel" in upload_problem(upload("a.xlsx", out.getvalue()))


def test_kinds_narrow_what_a_place_accepts() -> None:
    problem = upload_problem(upload("plan.xlsx", workbook_bytes()), kinds=("pdf",))
    assert problem == "« plan.xlsx » : seuls les fichiers PDF sont acceptés ici."


def test_size_limit_comes_from_the_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.STSPD_MAX_UPLOAD_BYTES = 1024
    problem = upload_problem(upload("faits.csv", b"a;b\n" * 1000))
    assert problem == "« faits.csv » pèse 3,9 ko : le fichier doit peser 1,0 ko au plus."
    settings.STSPD_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    assert upload_problem(upload("faits.csv", b"a;b\n" * 1000)) == ""


def test_the_committed_zip_bomb_is_a_few_kilobytes_that_inflate_to_over_a_gigabyte() -> None:
    """data/bombe.xlsx is a real bomb, not a lying header: its sheet is 1,056 MiB of zeros
    compressed with bzip2 (a method zipfile and so openpyxl inflate), written by
    `zipfile.ZipFile.open(info, "w", force_zip64=True)` in 16 MiB chunks. Inflating even its
    first bytes takes seconds, so only its directory is read here."""
    data = (DATA / "bombe.xlsx").read_bytes()
    assert len(data) < 4096
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size == 1056 * 1024 * 1024
        assert sheet.compress_type == zipfile.ZIP_BZIP2


def test_an_xlsx_zip_bomb_is_refused_before_any_library_opens_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    problem = upload_problem(upload("bombe.xlsx", (DATA / "bombe.xlsx").read_bytes()))
    assert "bombe de décompression" in problem
    assert "1\u202f056,0 Mo" in problem
    with pytest.raises(UploadRefused, match="bombe de décompression"):
        check_upload(upload("bombe.xlsx", (DATA / "bombe.xlsx").read_bytes()))


def test_a_deflated_bomb_is_refused_by_its_ratio() -> None:
    data = deflate_bomb(64 << 20)  # 64 MB of zeros in about 64 KB
    assert len(data) < 100_000
    assert "bombe de décompression" in upload_problem(upload("faits.xlsx", data))


def test_a_workbook_declaring_too_much_in_total_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(out.getvalue())
    # A lying central directory: a stored entry claiming 300 MB (its real size is 11 bytes).
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (300 << 20).to_bytes(4, "little")
    data[directory + 20 : directory + 24] = (300 << 20).to_bytes(4, "little")
    assert "plus que les 200 Mo admis" in upload_problem(upload("faits.xlsx", bytes(data)))


def test_too_many_entries_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(10_001):
            archive.writestr(f"xl/{index}", b"")
    assert "10002 éléments" in upload_problem(upload("faits.xlsx", out.getvalue()))


def test_the_partner_upload_form_refuses_the_zip_bomb(world, login) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from stspd.partnerdata.models import Upload
    from stspd.partnerdata.tests.helpers import make_source

    source = make_source(world)
    client = login(world.coordinator)
    bomb = SimpleUploadedFile("bombe.xlsx", (DATA / "bombe.xlsx").read_bytes())
    response = client.post(
        reverse("partnerdata:upload_create", kwargs={"source_id": source.pk}), {"file": bomb}
    )
    assert "bombe de décompression" in response.content.decode()
    assert not Upload.objects.exists()
