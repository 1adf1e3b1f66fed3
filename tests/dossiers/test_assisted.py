"""Assisted submission: the citizen stays the applicant, the helper is recorded, the dossier is marked."""

import re

import pytest

from motcua.dossiers.models import Dossier
from tests.factories import CitizenFactory, OfficerRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_otp(settings):
    settings.MOTCUA_OFFICER_OTP_REQUIRED = False  # the TOTP step is tested in tests/accounts


@pytest.fixture
def helper(tree):
    return OfficerRoleFactory(agency=tree["commune_pc"], role="community_helper").user


def post(client, **values):
    page = client.get("/ho-tro-nop/").content.decode()
    token = re.search(r'name="start_token" value="([0-9a-f]+)"', page).group(1)
    return client.post("/ho-tro-nop/", {"start_token": token, **values})


def test_a_helper_starts_a_dossier_for_an_existing_citizen(client, helper, version, citizen):
    client.force_login(helper)
    response = post(client, personal_id="080195000002", procedure="1.001193")
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant == citizen and dossier.helper == helper and dossier.assisted
    assert client.get(response["Location"]).status_code == 200  # the helper fills the form in


def test_a_citizen_without_an_account_is_registered_without_a_password(client, helper, version):
    client.force_login(helper)
    post(
        client,
        personal_id="072090000001",
        full_name="Nguyễn Văn An",
        phone="0901234567",
        procedure="1.001193",
    )
    dossier = Dossier.objects.get()
    assert dossier.applicant.personal_id == "072090000001" and not dossier.applicant.has_usable_password()


def test_the_citizen_sees_the_assisted_dossier_as_theirs(client, helper, version, citizen):
    client.force_login(helper)
    post(client, personal_id="080195000002", procedure="1.001193")
    client.force_login(citizen)
    assert "có hỗ trợ" in client.get("/ho-so/").content.decode()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"personal_id": "12345", "procedure": "1.001193"}, "personal_id"),
        ({"personal_id": "080195000002", "procedure": "9.999999"}, "procedure"),
        ({"personal_id": "072090000009", "procedure": "1.001193"}, "full_name"),
    ],
)
def test_bad_input_is_shown_beside_the_field(client, helper, version, citizen, values, field):
    client.force_login(helper)
    response = post(client, **values)
    assert response.status_code == 400
    assert f'href="#{field}"' in response.content.decode()
    assert not Dossier.objects.exists()


def test_people_who_are_not_helpers_cannot_use_it(client, version):
    client.force_login(CitizenFactory())
    assert client.get("/ho-tro-nop/").status_code == 404


def test_submission_records_the_helper(helper, version, citizen, tree):
    from motcua.dossiers import services
    from motcua.dossiers.assisted import start_assisted
    from tests.dossiers.files import pdf_bytes, upload

    dossier = start_assisted(
        helper=helper, personal_id="080195000002", full_name="", phone="", procedure_code="1.001193"
    )
    services.set_receiving_agency(dossier=dossier, agency=tree["one_stop"])
    services.save_answers(
        dossier=dossier, answers={"ho_ten": "Trần Thị Bình", "ngay_sinh": "1995-03-12", "ten_tre": "K"}
    )
    services.add_attachment(
        dossier=dossier, document_code="giay-chung-sinh", uploaded=upload("a.pdf", pdf_bytes()), actor=helper
    )
    services.choose_payment(dossier=dossier, at_desk=True)
    submitted = services.submit(dossier=dossier, actor=helper)
    event = submitted.events.get(action="submit")
    assert event.actor == helper and event.data["assisted_by"] == helper.pk
    assert submitted.applicant == citizen
