"""Partners' files: reading CSV and XLSX, dropping nominative columns, checking every row."""

from __future__ import annotations

import datetime
import doctest
import io

import openpyxl
import pytest

from crimestats import partner_files
from crimestats.french import number
from crimestats.partner_files import (
    ColumnMapping,
    PartnerFileError,
    RowError,
    Table,
    Territory,
    read_csv,
    read_partner_file,
    validate,
)

SQUARE = {"type": "Polygon", "coordinates": [[[1, 49], [1.1, 49], [1.1, 49.1], [1, 49.1], [1, 49]]]}
TERRITORY = Territory(
    communes={"76540": "Rouen", "76575": "Saint-Étienne-du-Rouvray"},
    shapes={"76540": SQUARE},
    postal_codes={"76000": ["76540"], "76800": ["76575"]},
)
MAPPING = ColumnMapping(date="Date", category="Nature", commune="Commune", count="Nombre")
CATEGORIES = {"Tapage": 1, "Dépôt sauvage": 2, "Autre": None}


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_docstring_examples_run() -> None:
    assert doctest.testmod(partner_files).failed == 0


def test_semicolon_csv_with_bom_and_decimal_comma() -> None:
    data = "\ufeffDate;Nature;Nombre\n01/03/2026;Tapage;2\n".encode()
    table = read_csv(data)
    assert table.headers == ["Date", "Nature", "Nombre"]
    assert table.rows == [(2, ["01/03/2026", "Tapage", "2"])]
    assert table.notices == []


def test_comma_csv_with_quoted_decimal_comma() -> None:
    table = read_csv(b'Date,Nature,lon,lat\n2026-03-01,Tapage,"1,05","49,05"\n')
    assert table.rows == [(2, ["2026-03-01", "Tapage", "1,05", "49,05"])]


def test_latin1_file_is_read_with_a_notice() -> None:
    table = read_csv("Date;Nature\n01/03/2026;Dépôt sauvage\n".encode("latin-1"))
    assert table.rows[0][1] == ["01/03/2026", "Dépôt sauvage"]
    assert "Windows-1252" in table.notices[0]


def test_wrong_separator_is_refused_naming_the_header_line() -> None:
    with pytest.raises(PartnerFileError, match=r"ligne 1.*point-virgule"):
        read_csv(b"Date|Nature|Nombre\n01/03/2026|Tapage|1\n")


def test_a_pdf_or_a_zip_is_not_a_csv() -> None:
    with pytest.raises(PartnerFileError, match="pas un CSV"):
        read_csv(b"%PDF-1.7 ...")
    with pytest.raises(PartnerFileError, match=r"seuls les fichiers \.csv et \.xlsx"):
        read_partner_file(b"x", "rapport.pdf")


def test_duplicate_headers_are_refused() -> None:
    with pytest.raises(PartnerFileError, match=r"deux colonnes « date » \(A et C\)"):
        read_csv(b"Date;Nature;date\n1;2;3\n")


def test_empty_rows_are_skipped_but_line_numbers_kept() -> None:
    table = read_csv(b"Date;Nature\n\n;\n01/03/2026;Tapage\n")
    assert table.rows == [(4, ["01/03/2026", "Tapage"])]


def test_xlsx_dates_and_numbers_become_text() -> None:
    data = xlsx([["Date", "Nature", "Nombre"], [datetime.datetime(2026, 3, 1), "Tapage", 3]])
    table = read_partner_file(data, "main-courante.XLSX")
    assert table.rows == [(2, ["2026-03-01", "Tapage", "3"])]


def test_xlsx_with_merged_header_cells_names_them() -> None:
    data = xlsx([["Faits", None, "Lieu"], ["01/03/2026", "Tapage", "Rouen"]], merge="A1:B1")
    with pytest.raises(PartnerFileError, match=r"fusionnées \(A1:B1\)"):
        read_partner_file(data, "f.xlsx")


def test_xlsx_other_sheet_by_name() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Notes"])
    other = workbook.create_sheet("Données")
    other.append(["Date", "Nature"])
    other.append(["01/03/2026", "Tapage"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_partner_file(buffer.getvalue(), "f.xlsx", sheet="Données")
    assert table.headers == ["Date", "Nature"]
    with pytest.raises(PartnerFileError, match="pas de feuille « Bilan »"):
        read_partner_file(buffer.getvalue(), "f.xlsx", sheet="Bilan")


def test_a_csv_renamed_xlsx_is_refused() -> None:
    with pytest.raises(PartnerFileError, match="pas un classeur Excel"):
        read_partner_file(b"Date;Nature\n", "f.xlsx")


def test_nominative_columns_are_dropped_and_said() -> None:
    data = (
        "Date;Nature;Nom du mis en cause;Téléphone;Commune;Observations\n"
        "01/03/2026;Tapage;X;06 12 34 56 78;Rouen;Jean DUPONT\n"
        "02/03/2026;Tapage;Y;0612345678;Rouen;DURAND Marie\n"
    ).encode()
    table = read_partner_file(data, "f.csv")
    assert table.headers == ["Date", "Nature", "Commune"]
    assert table.dropped[0].message == (
        "colonne « Nom du mis en cause » ignorée : les données nominatives ne sont pas conservées"
    )
    assert [d.header for d in table.dropped] == ["Nom du mis en cause", "Téléphone", "Observations"]
    assert "DUPONT" not in str(table.as_json())


@pytest.mark.parametrize(
    "header",
    ["Nom", "Prénom", "Victime", "Auteur des faits", "E-mail", "Date de naissance", "Domicile"],
)
def test_person_headers_are_nominative(header: str) -> None:
    assert partner_files.nominative_reason(header) is not None


@pytest.mark.parametrize(
    "header", ["Nom de la commune", "Nature des faits", "Adresse", "Date", "Ligne de bus"]
)
def test_place_and_fact_headers_are_kept(header: str) -> None:
    assert partner_files.nominative_reason(header, ["Rouen", "Tapage"]) is None


def test_long_free_text_is_dropped() -> None:
    text = "Appel pour un différend de voisinage au troisième étage, intervention de la patrouille"
    assert "texte libre" in (partner_files.nominative_reason("Résumé", [text, text]) or "")


def table(*rows: str) -> Table:
    return read_csv(("Date;Nature;Commune;Nombre\n" + "\n".join(rows) + "\n").encode())


def test_valid_rows_become_facts() -> None:
    result = validate(
        table("01/03/2026;Tapage;Rouen;2", "2026-03-02;dépôt SAUVAGE;76575;"),
        MAPPING,
        CATEGORIES,
        TERRITORY,
    )
    assert result.errors == []
    assert [(f.line, f.day.isoformat(), f.category, f.commune, f.count) for f in result.facts] == [
        (2, "2026-03-01", "Tapage", "76540", 2),
        (3, "2026-03-02", "Dépôt sauvage", "76575", 1),
    ]
    assert result.total == 3


def test_every_row_error_is_listed_with_line_column_value_and_expectation() -> None:
    result = validate(
        table(
            "31/02/2026;Tapage;Rouen;1",
            "01/03/2026;Rodéo;Rouen;1",
            "01/03/2026;Tapage;Le Havre;-2",
            "01/03/2026;Tapage;Rouen;1",
        ),
        MAPPING,
        CATEGORIES,
        TERRITORY,
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [
        (2, "Date", "31/02/2026"),
        (3, "Nature", "Rodéo"),
        (4, "Commune", "Le Havre"),
        (4, "Nombre", "-2"),
    ]
    assert "jj/mm/aaaa" in result.errors[0].expected
    assert "catégorie inconnue" in result.errors[1].expected
    assert "territoire du conseil" in result.errors[2].expected
    assert "positif" in result.errors[3].expected
    assert len(result.facts) == 1


@pytest.mark.parametrize("raw", ["1e300", "99999999999", "100001", "1e6"])
def test_a_count_above_the_plausible_maximum_is_an_error_naming_the_maximum(raw: str) -> None:
    result = validate(
        table("01/03/2026;Tapage;Rouen;2", f"02/03/2026;Tapage;Rouen;{raw}"),
        MAPPING,
        CATEGORIES,
        TERRITORY,
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [(3, "Nombre", raw)]
    assert f"au plus {number(100_000)} faits par ligne" in result.errors[0].expected
    assert [f.count for f in result.facts] == [2]


def test_the_largest_plausible_count_is_accepted() -> None:
    result = validate(table("01/03/2026;Tapage;Rouen;100000"), MAPPING, CATEGORIES, TERRITORY)
    assert result.errors == [] and result.total == 100_000


def test_a_file_whose_facts_add_up_past_the_maximum_names_the_lines_past_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partner_files, "MAX_FACTS_PER_FILE", 250_000)
    rows = [f"0{day}/03/2026;Tapage;Rouen;100000" for day in range(1, 5)]
    result = validate(table(*rows), MAPPING, CATEGORIES, TERRITORY)
    # Every row past the maximum is listed, from the one that crosses it.
    assert [(e.line, e.column) for e in result.errors] == [(4, "Nombre"), (5, "Nombre")]
    assert f"{number(250_000)} faits au plus par fichier" in result.errors[0].expected


def test_ignored_categories_are_counted_not_imported() -> None:
    result = validate(table("01/03/2026;Autre;Rouen;1"), MAPPING, CATEGORIES, TERRITORY)
    assert result.facts == [] and result.ignored_rows == 1 and result.errors == []


def test_future_dates_are_refused() -> None:
    result = validate(
        table("01/03/2030;Tapage;Rouen;1"),
        MAPPING,
        CATEGORIES,
        TERRITORY,
        today=datetime.date(2026, 11, 28),
    )
    assert result.errors[0].expected == "une date entre le 01/01/2000 et le 28/11/2026"


def coordinates(*rows: str) -> Table:
    return read_csv(("Date;Nature;lon;lat\n" + "\n".join(rows) + "\n").encode())


def test_coordinates_outside_the_territory_are_errors() -> None:
    territory = Territory(communes={"76540": "Rouen"}, shapes={"76540": SQUARE})
    mapping = ColumnMapping(date="Date", category="Nature", lon="lon", lat="lat")
    result = validate(
        coordinates("01/03/2026;Tapage;1,05;49,05", "01/03/2026;Tapage;2,5;49,05"),
        mapping,
        CATEGORIES,
        territory,
    )
    assert result.errors == [
        RowError(
            3,
            "lon",
            "2.5 ; 49.05",
            "des coordonnées situées dans le territoire du conseil (position hors du territoire)",
        )
    ]
    assert result.facts[0].commune == "76540"


def test_coordinates_in_a_commune_without_outline_are_not_verified() -> None:
    mapping = ColumnMapping(date="Date", category="Nature", lon="lon", lat="lat")
    result = validate(coordinates("01/03/2026;Tapage;5;45"), mapping, CATEGORIES, TERRITORY)
    assert result.errors == []
    assert result.unverified_positions == 1
    assert "Contour de la commune inconnu (Saint-Étienne-du-Rouvray)" in result.notices[0]
    assert "position non vérifiée" in result.notices[0]


def test_projected_coordinates_are_refused() -> None:
    mapping = ColumnMapping(date="Date", category="Nature", lon="lon", lat="lat")
    result = validate(
        coordinates("01/03/2026;Tapage;561234;6925000"), mapping, CATEGORIES, TERRITORY
    )
    assert [e.column for e in result.errors] == ["lon", "lat"]


def test_address_gives_the_commune_by_postal_code_or_name() -> None:
    data = b"Date;Nature;Lieu\n01/03/2026;Tapage;12 rue Jeanne d'Arc 76000\n"
    data += b"01/03/2026;Tapage;place de l'Eglise, Saint-Etienne-du-Rouvray\n"
    data += b"01/03/2026;Tapage;rue de Paris, Lyon\n"
    mapping = ColumnMapping(date="Date", category="Nature", address="Lieu")
    result = validate(read_csv(data), mapping, CATEGORIES, TERRITORY)
    assert [f.commune for f in result.facts] == ["76540", "76575"]
    assert [(e.line, e.column) for e in result.errors] == [(4, "Lieu")]


def test_a_mapping_naming_a_missing_column_is_refused() -> None:
    with pytest.raises(PartnerFileError, match=r"« Quand » .*n'existe pas"):
        validate(
            table("01/03/2026;Tapage;Rouen;1"),
            ColumnMapping(date="Quand", category="Nature"),
            CATEGORIES,
            TERRITORY,
        )


def test_table_round_trips_through_json() -> None:
    original = read_partner_file(
        "Date;Nature;Prénom\n01/03/2026;Tapage;Léa\n".encode("latin-1"), "f.csv"
    )
    again = Table.from_json(original.as_json())
    assert again == original


def test_a_row_with_several_errors_has_them_all_listed() -> None:
    territory = Territory(communes={"76540": "Rouen"}, shapes={"76540": SQUARE})
    mapping = ColumnMapping(date="Date", category="Nature", commune="Commune", lon="lon", lat="lat")
    data = b"Date;Nature;Commune;lon;lat\nhier;Tapage;Le Havre;0,1;49,49\n"
    result = validate(read_csv(data), mapping, CATEGORIES, territory)
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "Date"),
        (2, "Commune"),
        (2, "lon"),
    ]
    assert result.facts == []


def test_the_fingerprint_is_of_the_content_not_of_the_bytes() -> None:
    """Line endings, encoding, byte-order mark, blank lines and quoting change the bytes of a
    re-saved file, not its rows."""
    text = (
        "Date;Nature;Commune;Nombre\n01/03/2026;Dépôt sauvage;Rouen;2\n02/03/2026;Tapage;Rouen;1\n"
    )
    variants = [
        text.encode(),
        text.replace("\n", "\r\n").encode("cp1252"),
        ("\ufeff" + text.replace("Tapage", '"Tapage"') + "\n\n").encode(),
        xlsx([row.split(";") for row in text.splitlines()]),
    ]
    names = ["a.csv", "b.csv", "c.csv", "d.xlsx"]
    prints = {read_partner_file(v, n).fingerprint() for v, n in zip(variants, names, strict=True)}
    assert len(prints) == 1
    other = read_partner_file(text.replace(";2\n", ";3\n").encode(), "e.csv")
    assert other.fingerprint() not in prints
