"""The demo CA, signing and verifying PDFs."""

from __future__ import annotations

import os

import pytest

from motcua.results import ca, signing


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Kết quả thử nghiệm Tây Ninh</p>").write_pdf()


@pytest.fixture(scope="module")
def signed_pdf():
    return signing.sign_pdf(_pdf(), reason="Thử", location="Tây Ninh", signer_name="Cán bộ")


def test_demo_ca_is_created_once_and_reused(signing_dir):
    before = {p.name: p.stat().st_mtime_ns for p in signing_dir.iterdir()}
    assert {"demo-ca.pem", "signer.p12", "passphrase.txt"} <= set(before)
    assert ca.ensure_demo_ca() == signing_dir
    after = {p.name: p.stat().st_mtime_ns for p in signing_dir.iterdir()}
    assert before == after
    assert oct(os.stat(signing_dir / "signer.p12").st_mode & 0o777) == "0o600"


def test_setup_signing_command_is_idempotent(signing_dir):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    p12 = (signing_dir / "signer.p12").read_bytes()
    call_command("setup_signing", stdout=out)
    assert "UBND tỉnh Tây Ninh (demo)" in out.getvalue()
    assert (signing_dir / "signer.p12").read_bytes() == p12


def test_lazy_creation_in_an_empty_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(tmp_path / "new"))
    config = ca.signing_config()
    assert config.demo and config.pkcs12_path.exists()


def test_signature_is_intact_valid_and_trusted(signed_pdf):
    outcome = signing.verify_pdf(signed_pdf)
    assert outcome.intact and outcome.valid and outcome.trusted, outcome.message
    assert "UBND tỉnh Tây Ninh (demo)" in outcome.signer_subject
    assert outcome.signed_at is not None


def test_one_changed_byte_breaks_integrity(signed_pdf):
    tampered = bytearray(signed_pdf)
    tampered[300] ^= 0x01
    outcome = signing.verify_pdf(bytes(tampered))
    assert not outcome.intact and not outcome.ok


def test_not_a_pdf_and_unsigned_pdf():
    assert not signing.verify_pdf(b"hello").ok
    outcome = signing.verify_pdf(_pdf())
    assert not outcome.ok and outcome.message


def test_untrusted_when_roots_are_another_ca(signed_pdf, tmp_path, monkeypatch):
    other = ca.ensure_demo_ca(tmp_path / "other")
    monkeypatch.setenv("MOTCUA_SIGNING_PKCS12", str(ca.signing_dir() / "signer.p12"))
    monkeypatch.setenv("MOTCUA_SIGNING_PASSPHRASE", (ca.signing_dir() / "passphrase.txt").read_text().strip())
    monkeypatch.setenv("MOTCUA_SIGNING_TRUST_ROOTS", str(other / "demo-ca.pem"))
    outcome = signing.verify_pdf(signed_pdf)
    assert outcome.intact and not outcome.trusted


def test_configured_certificate_with_a_wrong_passphrase_fails_clearly(monkeypatch):
    monkeypatch.setenv("MOTCUA_SIGNING_PKCS12", str(ca.signing_dir() / "signer.p12"))
    monkeypatch.setenv("MOTCUA_SIGNING_PASSPHRASE", "wrong")
    with pytest.raises(signing.SigningError) as exc:
        signing.sign_pdf(_pdf(), reason="x", location="y", signer_name="z")
    assert exc.value.message


def test_signing_and_checking_work_inside_a_running_event_loop():
    """Under an ASGI server (or beside a browser driver) the calling thread already runs a loop."""
    import asyncio
    import threading

    outcome = {}

    async def inside():
        pdf = signing.sign_pdf(_pdf(), reason="Kết quả", location="Tây Ninh", signer_name="Cán bộ")
        return signing.verify_pdf(pdf)

    def in_a_fresh_thread():  # a thread of its own, so asyncio.run works whatever the test runner does
        outcome["ok"] = asyncio.run(inside()).ok

    thread = threading.Thread(target=in_a_fresh_thread)
    thread.start()
    thread.join(timeout=120)
    assert outcome == {"ok": True}
