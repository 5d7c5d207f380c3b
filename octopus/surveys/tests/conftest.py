"""A questionnaire built through the services as the secretariat would build it, with a question of every type."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from octopus.accounts.models import Role
from octopus.countries.models import Country
from octopus.surveys import services
from octopus.surveys.models import Purpose, QuestionType
from octopus.testing.factories import UserFactory
from octopus.testing.helpers import make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_bytes(part: str) -> bytes:
    """The smallest Office archive: a zip holding the part that tells Word (word/document.xml) from Excel."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<root/>")
    return out.getvalue()


def docx_bytes() -> bytes:
    return office_bytes("word/document.xml")


def xlsx_bytes() -> bytes:
    return office_bytes("xl/workbook.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def staff(db):
    return make_user(Role.TCY_SECRETARIAT)


@pytest.fixture
def focal(db):
    return make_user(Role.FOCAL_POINT)


@pytest.fixture
def colleague(db):
    """A second focal point of the same country."""
    return UserFactory(email="colleague@example.ge", role=Role.FOCAL_POINT, country_code="GE")


def build_questionnaire(staff, *, code="tcy-round-3"):
    questionnaire = services.create_questionnaire(
        user=staff,
        code=code,
        title="Assessment of Articles 16 and 17",
        purpose=Purpose.ASSESSMENT,
        opens_on=datetime.date(2026, 12, 1),
        closes_on=datetime.date(2027, 2, 28),
    )
    preservation = services.add_section(questionnaire, user=staff, title="Expedited preservation", article="185/16")
    services.add_question(
        preservation,
        user=staff,
        code="law",
        text="Which law provides for preservation?",
        type=QuestionType.TEXT,
        required=True,
    )
    services.add_question(
        preservation,
        user=staff,
        code="compliance",
        text="Level of implementation",
        type=QuestionType.COMPLIANCE,
        required=True,
    )
    services.add_question(
        preservation,
        user=staff,
        code="orders",
        text="Preservation orders issued in 2025",
        type=QuestionType.NUMBER,
        min_value=0,
        max_value=1000,
    )
    services.add_question(
        preservation, user=staff, code="in_force", text="Is the law in force?", type=QuestionType.YES_NO
    )
    statistics = services.add_section(questionnaire, user=staff, title="Authorities", article="185/17")
    services.add_question(
        statistics,
        user=staff,
        code="authority",
        text="Who orders preservation?",
        type=QuestionType.CHOICE,
        choices=[{"value": "prosecutor", "label": "Prosecutor"}, {"value": "judge", "label": "Judge"}],
    )
    services.add_question(
        statistics,
        user=staff,
        code="channels",
        text="Channels used",
        type=QuestionType.MULTI_CHOICE,
        choices=["24/7 network", "MLA", "Direct request"],
    )
    services.add_question(
        statistics,
        user=staff,
        code="legislation",
        text="Attach the law",
        type=QuestionType.FILE,
        file_types=["pdf", "docx"],
        max_file_size=1024,
    )
    return questionnaire


@pytest.fixture
def questionnaire(staff):
    questionnaire = build_questionnaire(staff)
    return services.open_questionnaire(questionnaire, user=staff)


@pytest.fixture
def georgia(db):
    return Country.objects.get(iso2="GE")


@pytest.fixture
def response(questionnaire, georgia, focal):
    return services.start_response(questionnaire, country=georgia, user=focal)


COMPLETE = {"law": "Criminal Procedure Code, Art. 136", "compliance": "largely", "orders": 12, "in_force": True}
