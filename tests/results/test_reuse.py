"""A signed result goes into the citizen's data store and can be reused in a later dossier."""

import pytest
from django.core.files.storage import default_storage

from motcua.dossiers import services

pytestmark = pytest.mark.django_db


def test_a_result_is_offered_and_reused_then_the_file_survives(result, version, citizen):
    later, _ = services.start_draft(version=version, applicant=citizen)
    assert [r.pk for r in services.reusable_results(citizen)] == [result.pk]
    attachment = services.reuse_result(
        dossier=later, document_code="giay-chung-sinh", result_id=result.pk, actor=citizen
    )
    assert attachment.reused and attachment.reused_result == result and attachment.sha256 == result.sha256
    services.remove_attachment(dossier=later, attachment_id=attachment.pk)
    assert default_storage.exists(result.file.name)  # the result keeps its file


def test_someone_elses_result_cannot_be_reused(result, version, other_citizen):
    from motcua.dossiers.attachments import FileRejected

    theirs, _ = services.start_draft(version=version, applicant=other_citizen)
    with pytest.raises(FileRejected):
        services.reuse_result(
            dossier=theirs, document_code="giay-chung-sinh", result_id=result.pk, actor=other_citizen
        )
