"""Uploads are recognised by content, not by name, and checked for integrity and size."""

import pytest

from motcua.dossiers.attachments import FileRejected, check_file
from tests.dossiers.files import image_bytes, pdf_bytes, upload


def test_a_real_pdf_is_accepted():
    checked = check_file(upload("giay-chung-sinh.pdf", pdf_bytes()))
    assert checked.content_type == "application/pdf" and checked.extension == ".pdf"
    assert len(checked.sha256) == 64


@pytest.mark.parametrize("fmt, mime", [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_real_photos_are_accepted(fmt, mime):
    assert check_file(upload("anh.bin", image_bytes(fmt))).content_type == mime


def test_a_photo_renamed_to_pdf_is_taken_for_what_it_is():
    checked = check_file(upload("giay.pdf", image_bytes("PNG")))
    assert checked.content_type == "image/png" and checked.extension == ".png"


def test_a_script_renamed_to_pdf_is_refused():
    with pytest.raises(FileRejected, match="PDF"):
        check_file(upload("giay.pdf", b"#!/bin/sh\nrm -rf /\n"))


def test_a_forged_pdf_header_is_refused():
    with pytest.raises(FileRejected):
        check_file(upload("giay.pdf", b"%PDF-1.7\nthis is not really a pdf" + b"x" * 100))


def test_a_truncated_png_is_refused():
    data = image_bytes("PNG")
    with pytest.raises(FileRejected):
        check_file(upload("anh.png", data[: len(data) // 2]))


def test_other_types_are_refused():
    import zipfile
    from io import BytesIO

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(FileRejected, match="PDF"):
        check_file(upload("giay.pdf", buffer.getvalue()))


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected):
        check_file(upload("a.pdf", b""))


def test_an_oversized_file_is_refused_without_reading_it_all():
    with pytest.raises(FileRejected, match="MB"):
        check_file(upload("a.pdf", pdf_bytes()), max_bytes=100)
