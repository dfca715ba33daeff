"""The reader on tiny fixtures written in the exact official layouts, and every bad input."""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from crimestats.ssmsi import OUTPUT_SCHEMA, SsmsiFormatError, read_ssmsi, write_v2_communal

BOM = "\ufeff"
V1_COMMUNAL_HEADER = (
    "CODGEO_2023;annee;classe;unité.de.compte;valeur.publiée;faits;tauxpourmille;"
    "complementinfoval;complementinfotaux;POP;millPOP;LOG;millLOG"
)
V1_DEP_HEADER = (
    "classe;annee;Code.département;Code.région;unité.de.compte;millPOP;millLOG;faits;POP;LOG;"
    "tauxpourmille"
)
V2_COMMUNAL_HEADER = (
    "CODGEO_2025;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;est_diffuse;insee_pop;"
    "insee_pop_millesime;insee_log;insee_log_millesime;complement_info_nombre;complement_info_taux"
)
V2_DEP_HEADER = (
    "Code_departement;Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;"
    "insee_pop;insee_pop_millesime;insee_log;insee_log_millesime"
)

V1_COMMUNAL = "\n".join(
    [
        BOM + V1_COMMUNAL_HEADER,
        "01001;16;Coups et blessures volontaires;victime;ndiff;NA;NA;1,2;0,94;767;16;348,2;16",
        "01001;16;Vols de véhicules;véhicule;diff;0;0;NA;NA;767;16;348,2;16",
        "01004;22;Cambriolages de logement;infraction;diff;63;8,5;NA;NA;14257;22;7411,7;22",
        "2A004;22;Trafic de stupéfiants;Mis en cause;diff;41;0,6;NA;NA;68390;22;45300;22",
    ]
)
V2_COMMUNAL = "\n".join(
    [
        V2_COMMUNAL_HEADER,
        "01004;2024;Cambriolages de logement;Infraction;63;"
        '"8,5003";diff;14257;2021;7411;2021;NA;NA',
        '01004;2024;Vols avec armes;Infraction;NA;NA;ndiff;14257;2021;7411;2021;"1,4";"0,0780818"',
        '01004;2024;Vols de véhicule;Véhicule;0;"0";diff;14257;2021;7411;2021;NA;NA',
        # The fully quoted style also met in v2 files.
        '"75056";"2024";"Violences sexuelles";"Victime";"3800";"1,7441";"diff";"2133111";"2021";'
        '"1390000";"2021";NA;NA',
    ]
)
V2_DEP = "\n".join(
    [
        V2_DEP_HEADER,
        '01;84;2024;Homicides;Victime;5;"0,0078318";638425;2021;308491;2021',
        "2A;94;2024;Usage de stupéfiants (hors AFD);Mis en cause;NA;NA;160000;2021;120000;2021",
        '971;01;2024;Tentatives d\'homicide;Victime;0;"0";384239;2021;230000;2021',
    ]
)
V1_DEP = "\r\n".join(
    [
        BOM + V1_DEP_HEADER,
        "Coups et blessures volontaires;16;1;84;victime;16;16;1437;638425;308491,16;2,2508517",
        "Cambriolages de logement;2016;2B;94;infraction;16;16;1049;339384;206980,37;5,0681134",
    ]
)


def read_text(text: str, name: str = "fixture.csv") -> pl.DataFrame:
    return read_ssmsi(text.encode("utf-8"), source_name=name).data


def error_for(text: str | bytes, name: str = "fixture.csv") -> SsmsiFormatError:
    payload = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(SsmsiFormatError) as caught:
        read_ssmsi(payload, source_name=name)
    return caught.value


def test_v1_communal_file_with_bom_decimal_comma_and_ndiff_is_read() -> None:
    parsed = read_ssmsi(
        V1_COMMUNAL.encode(),
        source_name="donnee-data.gouv-2022-geographie2023-produit-le2023-07-17.csv",
    )
    assert (parsed.schema_version, parsed.geo_level, parsed.cog_year) == (1, "commune", 2023)
    assert parsed.production_date == date(2023, 7, 17)
    assert parsed.last_data_year == 2022
    assert parsed.file_format == "csv"
    assert parsed.data.schema == OUTPUT_SCHEMA
    rows = parsed.data.rows(named=True)
    assert rows[0]["state"] == "suppressed"
    assert rows[0]["count"] is None and rows[0]["rate_per_1000"] is None
    assert rows[1]["indicator"] == "Vols de véhicule"
    assert (rows[1]["state"], rows[1]["count"]) == ("zero", 0)
    assert rows[2]["year"] == 2022
    assert rows[2]["rate_per_1000"] == 8.5
    assert (rows[2]["denominator_kind"], rows[2]["dwellings"]) == ("dwellings", 7412)
    assert (rows[3]["geo_code"], rows[3]["unit"]) == ("2A004", "mis en cause")


def test_suppressed_value_ignores_the_departement_complement() -> None:
    row = read_text(V2_COMMUNAL).row(1, named=True)
    assert row["state"] == "suppressed"
    assert row["count"] is None
    assert row["rate_per_1000"] is None


def test_v2_communal_quoted_decimal_comma_and_fully_quoted_rows() -> None:
    data = read_text(V2_COMMUNAL)
    assert data.get_column("rate_per_1000").to_list() == [8.5003, None, 0.0, 1.7441]
    assert data.get_column("state").to_list() == ["published", "suppressed", "zero", "published"]
    assert data.row(3, named=True)["geo_code"] == "75056"
    assert data.row(3, named=True)["population"] == 2133111


def test_departement_files_pad_codes_and_treat_na_as_suppressed() -> None:
    data = read_text(V2_DEP)
    assert data.get_column("geo_code").to_list() == ["01", "2A", "971"]
    assert data.get_column("geo_level").unique().to_list() == ["departement"]
    assert data.get_column("state").to_list() == ["published", "suppressed", "zero"]
    v1 = read_text(V1_DEP)
    assert v1.get_column("geo_code").to_list() == ["01", "2B"]
    assert v1.get_column("year").to_list() == [2016, 2016]
    assert v1.get_column("dwellings").to_list() == [308491, 206980]


def test_lower_case_and_unaccented_header_of_a_resaved_file() -> None:
    text = V1_DEP.replace(V1_DEP_HEADER, V1_DEP_HEADER.lower().replace("é", "e"))
    assert read_text(text).height == 2


def test_regional_file_is_recognised() -> None:
    header = (
        "Code_region;annee;indicateur;unite_de_compte;nombre;taux_pour_mille;insee_pop;"
        "insee_pop_millesime;insee_log;insee_log_millesime"
    )
    text = f'{header}\n6;2024;Homicides;Victime;12;"0,0401";299348;2021;90000;2021\n'
    parsed = read_ssmsi(text.encode(), source_name="donnee-reg-data.gouv-2024-geographie2025.csv")
    assert (parsed.geo_level, parsed.cog_year) == ("region", 2025)
    assert parsed.data.get_column("geo_code").to_list() == ["06"]


def test_codgeo_suffix_gives_the_cog_year() -> None:
    for year in (2024, 2026):
        text = V2_COMMUNAL.replace("CODGEO_2025", f"CODGEO_{year}")
        assert read_ssmsi(text.encode(), source_name="x.csv").cog_year == year


def test_gzip_and_parquet_are_recognised_by_content(tmp_path: Path) -> None:
    gz = tmp_path / "communes.csv.gz"
    gz.write_bytes(gzip.compress(V2_COMMUNAL.encode()))
    from_gz = read_ssmsi(gz)
    assert (from_gz.file_format, from_gz.source_name) == ("csv.gz", "communes.csv.gz")
    frame = pl.read_csv(io.BytesIO(V2_COMMUNAL.encode()), separator=";", infer_schema=False)
    frame = frame.with_columns(pl.col("annee").cast(pl.Int32), pl.col("insee_pop").cast(pl.Int64))
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    from_parquet = read_ssmsi(
        buffer.getvalue(), source_name="donnee-comm-data.gouv-parquet.parquet"
    )
    assert from_parquet.file_format == "parquet"
    assert from_parquet.data.equals(from_gz.data)


def test_blank_trailing_lines_are_not_rows() -> None:
    assert read_text(V2_DEP + "\n\n\n").height == 3


def test_write_v2_communal_writes_the_official_layout(tmp_path: Path) -> None:
    data = read_text(V2_COMMUNAL)
    path = tmp_path / "out.csv"
    write_v2_communal(data, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == V2_COMMUNAL_HEADER
    assert lines[1] == (
        '01004;2024;Cambriolages de logement;Infraction;63;"8,5003000";diff;14257;NA;7411;NA;NA;NA'
    )
    assert lines[2] == "01004;2024;Vols avec armes;Infraction;NA;NA;ndiff;14257;NA;7411;NA;NA;NA"
    assert lines[3].split(";")[4:7] == ["0", '"0,0000000"', "diff"]


def test_write_v2_communal_round_trips_through_gzip(tmp_path: Path) -> None:
    data = read_text(V1_COMMUNAL)
    path = tmp_path / "out.csv.gz"
    write_v2_communal(data, path, cog_year=2023)
    raw = gzip.decompress(path.read_bytes()).decode()
    assert raw.startswith("CODGEO_2023;annee;indicateur;")
    again = read_ssmsi(path)
    assert again.schema_version == 2
    assert again.data.equals(data)


def test_write_v2_communal_refuses_a_lost_count(tmp_path: Path) -> None:
    data = read_text(V2_COMMUNAL).with_columns(count=pl.lit(None, pl.Int64))
    with pytest.raises(ValueError, match="nombre manquant"):
        write_v2_communal(data, tmp_path / "x.csv")


# Bad inputs: each message names the line (header = line 1) and the column.


def test_comma_separated_file_is_refused_at_line_1() -> None:
    error = error_for(V2_DEP.replace(";", ","))
    assert error.line == 1
    assert "ligne 1" in str(error) and "séparateur « ; » attendu" in str(error)
    assert "« , »" in str(error)


def test_truncated_gzip_is_refused_with_the_line_where_it_stops() -> None:
    body = "\n".join([V2_DEP_HEADER] + [V2_DEP.splitlines()[1]] * 2000).encode()
    payload = gzip.compress(body)
    error = error_for(payload[: len(payload) // 2], name="communes.csv.gz")
    assert error.line is not None and 1 < error.line <= 2001
    assert "gzip tronqué" in str(error) and f"ligne {error.line}" in str(error)


def test_unknown_label_names_line_and_column() -> None:
    text = V1_COMMUNAL.replace("Vols de véhicules", "Vols de trottinettes")
    error = error_for(text)
    assert (error.line, error.column) == (3, "classe")
    assert "ligne 3, colonne « classe »" in str(error)
    assert "Vols de trottinettes" in str(error)


def test_non_numeric_count_names_line_and_column() -> None:
    error = error_for(V2_DEP.replace(";5;", ";cinq;"))
    assert (error.line, error.column) == (2, "nombre")
    assert "ligne 2, colonne « nombre » : nombre entier attendu" in str(error)
    assert "« cinq »" in str(error)


def test_negative_count_names_line_and_column() -> None:
    error = error_for(V1_COMMUNAL.replace(";diff;63;", ";diff;-63;"))
    assert (error.line, error.column) == (4, "faits")
    assert "positif ou nul attendu" in str(error)


def test_decimal_count_is_refused() -> None:
    error = error_for(V1_COMMUNAL.replace(";diff;63;", ";diff;6,5;"))
    assert (error.line, error.column) == (4, "faits")


def test_published_flag_without_count_is_refused() -> None:
    error = error_for(V2_COMMUNAL.replace(";63;", ";NA;"))
    assert (error.line, error.column) == (2, "nombre")
    assert "valeur diffusée" in str(error)


def test_unknown_publication_flag_is_refused() -> None:
    error = error_for(V1_COMMUNAL.replace(";ndiff;", ";secret;"))
    assert (error.line, error.column) == (2, "valeur.publiée")
    assert "« diff », « ndiff »" in str(error)


def test_non_numeric_rate_population_and_year_are_refused() -> None:
    assert error_for(V2_DEP.replace('"0,0078318"', "haut")).column == "taux_pour_mille"
    assert error_for(V2_DEP.replace(";638425;", ";beaucoup;")).column == "insee_pop"
    error = error_for(V2_DEP.replace("01;84;2024", "01;84;24e"))
    assert (error.line, error.column) == (2, "annee")


def test_bad_geography_code_is_refused() -> None:
    error = error_for(V2_COMMUNAL.replace("01004;2024;Vols avec", "1O04;2024;Vols avec"))
    assert (error.line, error.column) == (3, "CODGEO_2025")


def test_unit_that_contradicts_the_label_table_is_refused() -> None:
    error = error_for(V2_DEP.replace("Homicides;Victime", "Homicides;Infraction"))
    assert (error.line, error.column) == (2, "unite_de_compte")
    assert "« victime » attendue" in str(error)


def test_duplicate_row_names_both_lines() -> None:
    lines = V2_DEP.splitlines()
    error = error_for("\n".join([*lines, lines[1].replace(";5;", ";6;")]))
    assert error.line == 5
    assert "en double de la ligne 2" in str(error)
    assert error.column is not None and "Code_departement" in error.column


def test_a_duplicate_right_after_its_twin_in_an_ordered_file_is_found() -> None:
    """Ordered files skip the hashing of every key: a repeated row there is still found."""
    lines = V2_COMMUNAL.splitlines()
    ordered = [lines[0], *sorted(lines[1:4])]
    error = error_for(
        "\n".join([*ordered[:3], ordered[2].replace(";NA;NA;", ";7;NA;"), *ordered[3:]])
    )
    assert error.line == 4
    assert "en double de la ligne 3" in str(error)


def test_two_digit_and_four_digit_years_of_the_same_row_are_duplicates() -> None:
    text = V1_DEP + "\r\n" + V1_DEP.splitlines()[1].replace(";16;1;", ";2016;01;")
    assert error_for(text).line == 4


def test_file_of_another_dataset_lists_the_expected_columns() -> None:
    text = (
        "Identifiant;Indicateur;Sous_indicateur;Declinaison;Statistique;Unite_de_compte;"
        "Zone_geographique;Periodicite;Correction;Unite_temps;Valeurs\n"
        "0001;Actes de vandalisme;Contre la voiture;Non Renseigné;Nombre;Atteintes;"
        "France métropolitaine;Annuelle;Non Renseigné;2006;1602000.0\n"
    )
    error = error_for(text)
    assert error.line == 1
    assert "en-tête non reconnu" in str(error)
    assert V2_COMMUNAL_HEADER in str(error) and V1_DEP_HEADER in str(error)


def test_missing_required_column_is_named() -> None:
    text = V2_DEP.replace(";nombre;", ";nb;")
    error = error_for(text)
    assert (error.line, error.column) == (1, "nombre")
    assert "colonne(s) obligatoire(s) manquante(s)" in str(error)
    without_flag = V1_COMMUNAL.replace(";valeur.publiée;", ";publiee;")
    assert error_for(without_flag).column == "valeur.publiée"


def test_row_with_extra_fields_names_its_line() -> None:
    lines = V2_DEP.splitlines()
    error = error_for("\n".join([*lines[:2], lines[2] + ";en trop", lines[3]]))
    assert error.line == 3
    assert "11 champs" in str(error)


def test_non_utf8_file_names_the_line() -> None:
    payload = V2_DEP.encode("cp1252")
    error = error_for(payload)
    assert error.line == 3
    assert "UTF-8" in str(error)


def test_empty_file_is_refused() -> None:
    assert error_for(b"").line == 1
