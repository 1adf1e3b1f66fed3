"""An agency's own system, reached over HTTPS with a shared HMAC secret (contract: docs/linked.md).

POST {url}/linked-dossiers
X-Motcua-Signature: sha256=<HMAC-SHA256 of the body with the shared secret>
{"reference": "<stage dossier code>", "application": "<application code>", "procedure": "1.004222",
 "agency": "002.08.40.H53", "due_at": "…", "data": {...}, "documents": [{"document_code", "name",
 "content_type", "sha256", "content_base64"}], "callback_url": "https://…/api/v1/linked/callbacks"}

201/202 {"reference": "<their reference>"}   anything else: DispatchError (retried later)
"""

from __future__ import annotations

import json

import requests

from motcua.linked.ports import SIGNATURE_HEADER, AgencyConnector, DispatchError, register, sign


@register("http")
class HttpConnector(AgencyConnector):
    def dispatch(self, *, payload):
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, self.conf.secret)}
        try:
            response = requests.post(
                self.conf.url.rstrip("/") + "/linked-dossiers",
                data=body,
                headers=headers,
                timeout=self.conf.timeout,
            )
        except requests.RequestException as exc:
            raise DispatchError(f"no answer ({type(exc).__name__})") from exc
        if response.status_code not in (200, 201, 202):
            raise DispatchError(f"HTTP {response.status_code}")
        try:
            reference = str(response.json()["reference"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DispatchError("the answer has no reference") from exc
        if not reference or len(reference) > 100:
            raise DispatchError("the answer's reference is empty or too long")
        return reference
