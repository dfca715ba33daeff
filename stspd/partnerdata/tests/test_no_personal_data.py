"""No person-level data in the partner-data tables (the same check as the observatory's).

Partners' files may name people (a logbook's « Nom du mis en cause », a telephone, a free-text
narrative): those columns are dropped when the file is read, before anything is stored. That is
tested where it happens, not again here:

- crimestats/tests/test_partner_files.py: `test_nominative_columns_are_dropped_and_said`,
  `test_person_headers_are_nominative`, `test_long_free_text_is_dropped` (the reader);
- stspd/partnerdata/tests/test_uploads.py: `test_the_whole_journey_from_file_to_records` (the
  deposit page says which column was dropped, the staged table holds no name, and the staged
  cells are deleted once the file is imported);
- stspd/partnerdata/tests/test_demo.py: every demo upload dropped its nominative column.

Here: every column of the app's models is listed with what it holds, and none names a person.
"""

from crimestats.partner_files import COORDINATE_DECIMALS
from stspd.observatory.tests.test_no_personal_data import check_no_personal_data

COLUMNS: dict[str, dict[str, str]] = {
    "partnerdata.localindicator": {
        "id": "key",
        "council": "the council that counts it",
        "label": "what is counted, e.g. Incivilités signalées à la police municipale",
        "unit": "the unit of count",
    },
    "partnerdata.source": {
        "id": "key",
        "council": "the council receiving the file",
        "organisation": "the partner organisation sending it (an organisation, not a person)",
        "kind": "kind of data (logbook, landlord, transport...)",
        "name": "the recurring file's name, e.g. Main courante de la police municipale",
        "mapping": "column roles -> headers and categories -> local indicators (no cell value "
        "but the categories of facts)",
        "created_at": "when the source was declared",
    },
    "partnerdata.upload": {
        "id": "key",
        "source": "the source of the file",
        "file_name": "the uploaded file's name",
        "sha256": "the file's checksum (a file is imported once)",
        "content_sha256": "the checksum of its parsed rows (the same rows are imported once): "
        "a hash, from which no cell can be read back",
        "uploaded_by": "who deposited the file: the platform's own audit metadata about its "
        "users, never a person the file is about",
        "uploaded_at": "when",
        "state": "staged, imported...",
        "table": "the file's cells between the steps of an import, nominative and free-text "
        "columns already dropped; deleted once imported",
        "mapping": "the column and category mapping used",
        "rows_total": "a count",
        "rows_imported": "a count",
        "rows_ignored": "a count",
        "facts_total": "a count",
        "dropped_columns": "the messages naming the headers of dropped columns (no cell)",
        "mentions_removed": "a count of names, addresses and phones replaced by [retiré]",
        "errors": "row errors of the last try: line, column, expectation",
        "imported_at": "when",
    },
    "partnerdata.record": {
        "id": "key",
        "upload": "the upload it came from",
        "source": "the source it came from",
        "indicator": "the local indicator counted",
        "day": "the day of the facts",
        "commune": "the commune of the facts",
        "lon": "where the facts happened, rounded to about 10 m (COORDINATE_DECIMALS): a "
        "place, not a doorstep",
        "lat": "idem",
        "count": "how many facts",
    },
}
LOOKS_PERSONAL_BUT_IS_NOT: dict[str, dict[str, str]] = {
    "partnerdata.source": {"name": "the name of a recurring file, not of a person"},
    "partnerdata.upload": {
        "file_name": "the name of a file, not of a person",
        "uploaded_by": "the platform's user who deposited the file (who did what, as in the "
        "event log), not someone the file is about",
    },
}


def test_partner_data_keeps_no_person_level_data() -> None:
    check_no_personal_data("partnerdata", COLUMNS, LOOKS_PERSONAL_BUT_IS_NOT)


def test_positions_are_rounded_to_a_place_not_a_doorstep() -> None:
    # 4 decimals of a degree: about 11 m in latitude, 7 m in longitude in Normandy.
    assert COORDINATE_DECIMALS <= 4
