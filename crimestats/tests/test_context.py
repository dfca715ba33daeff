"""The context parsers on small files written here in each source's exact layout."""

from __future__ import annotations

import doctest
import gzip
from pathlib import Path

import pytest

from crimestats import context
from crimestats.context import (
    ContextFormatError,
    ContextState,
    merge_former_communes,
    read_commune_zones,
    read_context,
)

FILOSOFI_HEADER = (
    "CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;TP60AGE121;D121;D921;RD21\n"
)


def write(tmp_path: Path, name: str, text: str, *, gz: bool = False, bom: bool = False) -> Path:
    path = tmp_path / name
    payload = ("\ufeff" if bom else "") + text
    data = payload.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def filosofi(tmp_path: Path, rows: str, **kwargs: bool) -> Path:
    return write(tmp_path, "cc_filosofi_2021_COM_geo2024.csv", FILOSOFI_HEADER + rows, **kwargs)


def by_key(parsed: context.ContextFile) -> dict[tuple[str, str], context.ContextValue]:
    return {(v.code, v.indicator): v for v in parsed.values}


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(context, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_filosofi_reads_decimal_commas_secret_cells_and_the_floor_of_the_poverty_rate(
    tmp_path: Path,
) -> None:
    path = filosofi(
        tmp_path,
        "76540;49611;90081;21330;51,0;23,0;32,0;9910;41760;4,2\n"
        "01001;346;895;25820;s;s;s;s;s;s\n"
        "78158;11000;27000;33210;80,0;5,0;6,0;16000;70000;4,4\n"
        "55039;nd;nd;nd;nd;nd;nd;nd;nd;nd\n",
        gz=True,
        bom=True,
    )
    parsed = read_context(path, "filosofi")
    assert (parsed.kind, parsed.edition, parsed.geography_year, parsed.rows_read) == (
        "filosofi",
        "2021",
        2024,
        4,
    )
    values = by_key(parsed)
    rouen = values["76540", "poverty_rate"]
    assert (rouen.value, rouen.state, rouen.period) == (23.0, ContextState.PUBLISHED, "2021")
    assert values["76540", "median_income"].value == 21330.0
    secret = values["01001", "poverty_rate"]
    assert (secret.value, secret.state) == (None, ContextState.SUPPRESSED)
    assert values["01001", "median_income"].state is ContextState.PUBLISHED
    # INSEE publishes a rate below 5 % as 5 %: "≤ 5 %", the 5 kept as the bound.
    floor = values["78158", "poverty_rate"]
    assert (floor.value, floor.state) == (5.0, ContextState.CENSORED)
    assert values["78158", "median_income"].state is ContextState.PUBLISHED
    assert values["55039", "poverty_rate"].state is ContextState.NOT_APPLICABLE
    assert values["55039", "median_income"].value is None


@pytest.mark.parametrize(
    ("rows", "line", "column", "detail"),
    [
        ("76540;1;2;21330;5;douze;1;1;1;1\n", 2, "TP6021", "nombre attendu, trouvé « douze »"),
        ("7654;1;2;21330;5;23,0;1;1;1;1\n", 2, "CODGEO", "code commune INSEE attendu"),
        ("76540;1;2;21330;5;23,0;1;1;1\n", 2, None, "10 colonnes attendues, 9 trouvées"),
        ("76540;1;2;;5;23,0;1;1;1;1\n", 2, "MED21", "trouvé « (vide) »"),
        ("76540;1;2;21330;5;3,0;1;1;1;1\n", 2, "TP6021", "sous le plancher de diffusion"),
        ("76540;1;2;21330;5;123,0;1;1;1;1\n", 2, "TP6021", "hors des bornes"),
        (
            "76540;1;2;21330;5;23,0;1;1;1;1\n76540;1;2;21330;5;23,0;1;1;1;1\n",
            3,
            "CODGEO",
            "figure déjà ligne 2",
        ),
    ],
)
def test_bad_filosofi_cells_name_their_line_and_column(
    tmp_path: Path, rows: str, line: int, column: str | None, detail: str
) -> None:
    with pytest.raises(ContextFormatError) as caught:
        read_context(filosofi(tmp_path, rows), "filosofi")
    assert (caught.value.line, caught.value.column) == (line, column)
    assert detail in str(caught.value)
    assert f"ligne {line}" in str(caught.value)


def test_another_sources_file_is_refused_with_its_columns_named(tmp_path: Path) -> None:
    sru = write(tmp_path, "sru.csv", "code_insee,label,rate_pct\n76540,Rouen,25.0\n")
    with pytest.raises(ContextFormatError) as caught:
        read_context(sru, "filosofi")
    assert caught.value.line == 1
    assert "séparateur « ; » attendu" in str(caught.value)
    with pytest.raises(ContextFormatError) as caught:
        read_context(sru, "ips")
    assert (caught.value.line, caught.value.column) == (1, "ips_max")
    assert "ce n'est pas un fichier « IPS des écoles (DEPP) »" in str(caught.value)
    ssmsi = write(tmp_path, "ssmsi.csv", "CODGEO_2025;annee;indicateur;nombre\n76540;2024;x;1\n")
    with pytest.raises(ContextFormatError, match="ce n'est pas un fichier Filosofi"):
        read_context(ssmsi, "filosofi")
    with pytest.raises(ContextFormatError, match="type de source inconnu"):
        read_context(sru, "cadastre")


def test_qpv_list_keeps_every_commune_of_a_neighbourhood_over_several(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qpv.csv",
        "code_qp,lib_qp,insee_com,n_communes,territoire,zone,statut_2024\n"
        "QN07619M,Les Hauts de Rouen,76540,1,076,metro,M\n"
        'QN07601I,Château Blanc,"76575;76540",2,076,metro,I\n'
        "QP97101N,Quartier,97101,1,971,outre-mer,N\n",
    )
    parsed = read_context(path, "qpv")
    assert [(q.code, q.communes, q.zone) for q in parsed.qpvs] == [
        ("QN07619M", ("76540",), "metro"),
        ("QN07601I", ("76575", "76540"), "metro"),
        ("QP97101N", ("97101",), "outre-mer"),
    ]
    assert parsed.edition == "2024"


def test_a_qpv_whose_count_of_communes_disagrees_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qpv.csv",
        "code_qp,lib_qp,insee_com,n_communes,territoire,zone,statut_2024\n"
        "QN07619M,Les Hauts de Rouen,76540,2,076,metro,M\n",
    )
    with pytest.raises(ContextFormatError) as caught:
        read_context(path, "qpv")
    assert (caught.value.line, caught.value.column) == (2, "n_communes")


def test_social_housing_and_school_index_per_commune(tmp_path: Path) -> None:
    sru = write(
        tmp_path, "sru.csv", "code_insee,label,rate_pct\n76540,Rouen,25.0\n71085,Change,157.0\n"
    )
    parsed = read_context(sru, "sru")
    assert [(v.code, v.indicator, v.value, v.period) for v in parsed.values] == [
        ("76540", "social_housing_rate", 25.0, "2024"),
        ("71085", "social_housing_rate", 157.0, "2024"),  # the source's own anomaly, kept
    ]
    ips = write(
        tmp_path,
        "ips.csv",
        "code_insee,ips_max,ips_median,ips_min,school_count\n01004,119.5,99.9,86.7,4\n",
    )
    (value,) = read_context(ips, "ips").values
    assert (value.indicator, value.value, value.period) == ("school_ips_median", 99.9, "2024-2025")
    bad = write(
        tmp_path,
        "ips2.csv",
        "code_insee,ips_max,ips_median,ips_min,school_count\n01004,1,n/a,1,4\n",
    )
    with pytest.raises(ContextFormatError) as caught:
        read_context(bad, "ips")
    assert (caught.value.line, caught.value.column) == (2, "ips_median")


def test_unemployment_by_zone_and_the_commune_table(tmp_path: Path) -> None:
    rates = write(
        tmp_path,
        "chomage.csv",
        "ze2020,libelle,2025-T3,2025-T4\n2815,Rouen,8.6,8.9\n"
        'FR,"France (hors Mayotte), national",7.6,7.7\n',
    )
    parsed = read_context(rates, "chomage")
    assert parsed.edition == "2025-T3 à 2025-T4"
    assert {(v.geo_level, v.code, v.period): v.value for v in parsed.values} == {
        ("zone_emploi", "2815", "2025-T3"): 8.6,
        ("zone_emploi", "2815", "2025-T4"): 8.9,
        ("france", "FR", "2025-T3"): 7.6,
        ("france", "FR", "2025-T4"): 7.7,
    }
    assert parsed.names["2815"] == "Rouen"
    zones = write(tmp_path, "ze.csv", "code_insee,ze2020\n76540,2815\n76351,2813\n")
    assert read_commune_zones(zones) == {"76540": "2815", "76351": "2813"}
    bad = write(tmp_path, "ze2.csv", "code_insee,ze2020\n76540,28\n")
    with pytest.raises(ContextFormatError) as caught:
        read_commune_zones(bad)
    assert (caught.value.line, caught.value.column) == (2, "ze2020")
    no_quarter = write(tmp_path, "c.csv", "ze2020,libelle,2025\n2815,Rouen,8.9\n")
    with pytest.raises(ContextFormatError, match="aucune colonne de trimestre"):
        read_context(no_quarter, "chomage")


def test_a_merged_communes_rate_is_unknown_not_summed() -> None:
    values = [
        context.ContextValue("commune", code, "median_income", "2021", value, state)
        for code, value, state in [
            ("76358", 21070.0, ContextState.PUBLISHED),
            ("76455", 21300.0, ContextState.PUBLISHED),
            ("76540", 21330.0, ContextState.PUBLISHED),
        ]
    ]
    merged, met = merge_former_communes(values, {"76358": "76455"})
    assert met == {"76358": "76455"}
    result = {v.code: v for v in merged}
    assert set(result) == {"76455", "76540"}
    assert (result["76455"].value, result["76455"].state) == (None, ContextState.UNKNOWN)
    assert "76358, 76455" in result["76455"].note
    assert result["76540"].value == 21330.0


def test_an_empty_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ContextFormatError, match="le fichier est vide"):
        read_context(write(tmp_path, "vide.csv", ""), "sru")
    with pytest.raises(ContextFormatError, match="aucune ligne de données"):
        read_context(write(tmp_path, "entete.csv", "code_insee,label,rate_pct\n"), "sru")
