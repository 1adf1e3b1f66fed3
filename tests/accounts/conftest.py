import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from motcua.org.services import load_units


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(db):
    """All 34 provinces and 3,321 communes (bulk-loaded: a fraction of a second)."""
    return load_units()


@pytest.fixture
def demo_tree(units):
    from motcua.org.demo import build_demo_agencies, build_historical_units

    build_historical_units()
    return build_demo_agencies()


# --- The demo VNeID provider, run as its own process for the OpenID Connect tests ----------------

TEST_CALLBACK = "http://testserver/tai-khoan/vneid/callback/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EidProvider:
    """``python -m motcua eid_provider`` on a free port, with its own database and keys."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "EID_PROVIDER_VAR_DIR": str(workdir),
            "EID_PROVIDER_DATABASE_URL": f"sqlite:///{workdir / 'eid_provider.sqlite3'}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.log = workdir / "provider.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        import requests

        command = [sys.executable, "-m", "motcua", "eid_provider", "--port", str(self.port)]
        command += ["--redirect-uri", TEST_CALLBACK]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the VNeID provider exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.base_url}/o/.well-known/jwks.json", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the VNeID provider did not answer: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def manage(self, *args: str) -> str:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "motcua.eid_provider.settings"}
        result = subprocess.run(
            [sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def add_identity(self, personal_id: str, name: str, **extra: str) -> None:
        args = ["add_eid_identity", "--personal-id", personal_id, "--name", name]
        for key, value in extra.items():
            args += [f"--{key.replace('_', '-')}", value]
        self.manage(*args)

    def rp_settings(self) -> dict[str, str]:
        from motcua.accounts.eid import provider_endpoints

        return provider_endpoints(self.base_url)

    def login(self, authorize_url: str, personal_id: str, password: str = "demo12345") -> str:
        """Play the citizen at the provider: follow the authorization request to the login
        page, log in, and return the URL the provider sends the browser back to."""
        import requests

        browser = requests.Session()
        response = browser.get(authorize_url, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        login_url = urljoin(authorize_url, response.headers["Location"])
        assert urlsplit(login_url).path == "/dang-nhap/"
        page = browser.get(login_url, timeout=10)
        assert page.status_code == 200
        assert "VNeID" in page.text and "môi trường thử nghiệm" in page.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        next_url = re.search(r'name="next" value="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        response = browser.post(
            login_url,
            data={
                "csrfmiddlewaretoken": token,
                "username": personal_id,
                "password": password,
                "next": next_url,
            },
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:2000]
        location = urljoin(login_url, response.headers["Location"])
        while location.startswith(self.base_url):
            response = browser.get(location, allow_redirects=False, timeout=10)
            assert response.status_code == 302, response.text[:2000]
            location = urljoin(location, response.headers["Location"])
        return location


@pytest.fixture(scope="session")
def eid_provider(tmp_path_factory):
    provider = EidProvider(tmp_path_factory.mktemp("eid_provider"))
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def eid(settings, eid_provider):
    """motcua pointed at the test provider (endpoints, issuer); an empty cache."""
    from django.core.cache import cache

    for name, value in eid_provider.rp_settings().items():
        setattr(settings, name, value)
    cache.clear()
    return eid_provider
