"""manage.py import_treaty_chart: idempotent, atomic, and precise about bad rows."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from octopus.accounts.models import AuditEntry
from octopus.treaties.models import ActionKind, Origin, TreatyAction

HEADER = "State,Signature,Ratification or accession,Entry into force,Notes\n"


def run_import(tmp_path, body, treaty=185):
    chart = tmp_path / "chart.csv"
    chart.write_text(HEADER + body, encoding="utf-8")
    out = io.StringIO()
    call_command("import_treaty_chart", str(chart), treaty=treaty, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot():
    return list(TreatyAction.objects.order_by("pk").values()), AuditEntry.objects.count()


@pytest.mark.django_db
def test_import_adds_and_changes_actions_and_says_what(tmp_path):
    out = run_import(
        tmp_path,
        "Kenya,,2025-03-03 a,2025-07-01,Accession deposited\n"
        "Ireland,28/02/2002,,,\n"  # unchanged signature
        "South Africa,,15/01/2024,,\n",
    )

    assert "added    Kenya: Accession 2025-03-03" in out
    assert "added    Kenya: Entry into force 2025-07-01" in out
    assert "3 added, 0 changed, 1 unchanged." in out
    kenya_accession = TreatyAction.objects.get(country__iso2="KE", treaty__number=185, kind=ActionKind.ACCEDED)
    assert kenya_accession.origin == Origin.IMPORT
    assert kenya_accession.note == "Accession deposited"
    assert TreatyAction.objects.get(country__iso2="ZA", treaty__number=185, kind=ActionKind.RATIFIED).date == (
        datetime.date(2024, 1, 15)
    )


@pytest.mark.django_db
def test_import_corrects_a_date_and_audits_before_and_after(tmp_path):
    albania_signature = TreatyAction.objects.get(country__iso2="AL", treaty__number=185, kind=ActionKind.SIGNED)

    out = run_import(tmp_path, "Albania,24/11/2001,20/06/2002,01/07/2004,\n")

    assert "changed  Albania: Signature 2001-11-24" in out
    assert "1 changed, 2 unchanged" in out
    albania_signature.refresh_from_db()
    assert albania_signature.date == datetime.date(2001, 11, 24)
    entry = AuditEntry.objects.filter(action="treaties.action.corrected", object_id=str(albania_signature.pk)).get()
    assert (entry.before["date"], entry.after["date"]) == ("2001-11-23", "2001-11-24")


@pytest.mark.django_db
def test_importing_the_same_chart_twice_changes_nothing_the_second_time(tmp_path):
    body = "Kenya,,2025-03-03 a,2025-07-01,\n"
    run_import(tmp_path, body)
    before = snapshot()

    out = run_import(tmp_path, body)

    assert "0 added, 0 changed, 2 unchanged." in out
    assert snapshot() == before


GOOD_FIRST_ROW = "Kenya,,2025-03-03 a,,\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Atlantis,23/11/2001,,,", "Line 3, State: unknown State “Atlantis”."),
        ("Ireland,2001-13-01,,,", "Line 3, signature: “2001-13-01” is not a date"),
        ("Ireland,30/02/2002,,,", "Line 3, signature: “30/02/2002” is not a date"),
        (
            "Ireland,28/02/2002,01/02/2020,01/01/2020,",
            "Line 3, entry into force: entry into force (2020-01-01) is before ratification",
        ),
        (
            "Ireland,28/02/2002,01/02/2001,,",
            "Line 3, ratification or accession: ratification (2001-02-01) is before signature (2002-02-28).",
        ),
        (
            "Ireland,,,01/01/2020,",
            "Line 3, entry into force: entry into force (2020-01-01) without a ratification or accession.",
        ),
        ("Ireland,01/01/2099,,,", "Line 3, signature: the signature date 2099-01-01 is in the future."),
        ("Kenya,,2025-03-03 a,,", "Line 3, State: Kenya is already on line 2."),
        # Consistent on its line, but Albania's recorded entry into force (2004-07-01) would precede it.
        (
            "Albania,,01/08/2004,,",
            "Line 3, ratification or accession: Entry into force (2004-07-01) cannot come before the ratification",
        ),
    ],
)
def test_a_bad_row_names_its_line_and_reason_and_nothing_changes(tmp_path, row, message):
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run_import(tmp_path, GOOD_FIRST_ROW + row + "\n")

    assert message in str(error.value)
    assert "Nothing was changed." in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_chart_without_the_expected_columns_is_refused(tmp_path):
    chart = tmp_path / "chart.csv"
    chart.write_text("Country,Date\nKenya,2025-01-01\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing: signature, ratification or accession, entry into force"):
        call_command("import_treaty_chart", str(chart), treaty=185, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_an_unknown_treaty_is_refused(tmp_path):
    chart = tmp_path / "chart.csv"
    chart.write_text(HEADER, encoding="utf-8")

    with pytest.raises(CommandError, match="No treaty CETS 999 is held"):
        call_command("import_treaty_chart", str(chart), treaty=999, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db
def test_the_same_chart_under_another_source_changes_nothing(tmp_path):
    chart = tmp_path / "chart.csv"
    chart.write_text(HEADER + "Kenya,,2025-03-03 a,2025-07-01,\n", encoding="utf-8")
    call_command("import_treaty_chart", str(chart), treaty=185, source="Chart of May", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()

    call_command("import_treaty_chart", str(chart), treaty=185, source="Chart of June", stdout=out)

    assert "0 added, 0 changed, 2 unchanged." in out.getvalue()
    assert snapshot() == before


@pytest.mark.django_db
def test_moving_a_ratification_and_its_entry_into_force_together_is_accepted(tmp_path):
    out = run_import(tmp_path, "Albania,23/11/2001,20/06/2005,01/10/2005,\n")

    assert "2 changed, 1 unchanged." in out
    dates = dict(TreatyAction.objects.filter(country__iso2="AL", treaty__number=185).values_list("kind", "date"))
    assert dates[ActionKind.RATIFIED] == datetime.date(2005, 6, 20)
    assert dates[ActionKind.IN_FORCE] == datetime.date(2005, 10, 1)


@pytest.mark.django_db
def test_an_empty_signature_cell_keeps_a_recorded_ratification_a_ratification(tmp_path):
    japan = TreatyAction.objects.get(country__iso2="JP", treaty__number=185, kind=ActionKind.RATIFIED)

    run_import(tmp_path, f"Japan,,{japan.date:%d/%m/%Y},,\n")

    assert TreatyAction.objects.get(pk=japan.pk).kind == ActionKind.RATIFIED


@pytest.mark.django_db
def test_the_acting_user_must_be_allowed_to_import(tmp_path, user_for):
    user_for("donor")
    chart = tmp_path / "chart.csv"
    chart.write_text(HEADER + "Kenya,,2025-03-03 a,,\n", encoding="utf-8")

    with pytest.raises(CommandError, match="may not import treaty charts"):
        call_command("import_treaty_chart", str(chart), treaty=185, user="donor@example.org", stdout=io.StringIO())
    assert not TreatyAction.objects.filter(country__iso2="KE", kind=ActionKind.ACCEDED).exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_changes(tmp_path):
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run_import(
            tmp_path,
            "Atlantis,23/11/2001,,,\n"
            "Kenya,,2025-03-03 a,,\n"
            "Ireland,2001-13-01,,01/01/2020,\n"  # two errors on one line: each named by its column
            "Albania,,01/08/2004,,\n",
        )

    assert str(error.value).splitlines()[1:] == [
        "Line 2, State: unknown State “Atlantis”.",
        "Line 4, signature: “2001-13-01” is not a date (use YYYY-MM-DD or DD/MM/YYYY).",
        "Line 4, entry into force: entry into force (2020-01-01) without a ratification or accession.",
        "Line 5, ratification or accession: Entry into force (2004-07-01) cannot come before the ratification or "
        "accession (2004-08-01).",
        "Nothing was changed.",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_an_xlsx_chart_is_imported_like_a_csv_one(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["State", "Signature", "Ratification or accession", "Entry into force", "Notes"])
    sheet.append(["Kenya", None, "2025-03-03 a", datetime.date(2025, 7, 1), "Accession deposited"])
    chart = tmp_path / "chart.xlsx"
    workbook.save(chart)
    out = io.StringIO()

    call_command("import_treaty_chart", str(chart), treaty=185, stdout=out, stderr=io.StringIO())

    assert "2 added, 0 changed, 0 unchanged." in out.getvalue()
    assert TreatyAction.objects.get(country__iso2="KE", treaty__number=185, kind=ActionKind.IN_FORCE).date == (
        datetime.date(2025, 7, 1)
    )
