"""Schemathesis hooks: authenticate every call the way each vendor documents it.

OneAccess gets `Authorization: Bearer` from the client-credentials token endpoint, DataArts
`X-Auth-Token` from the IAM token endpoint, and EnOS `apim-accesstoken`, `apim-timestamp` and a
per-request `apim-signature` over the exact body bytes. Credentials default to the embedded
mock's own (made-up) ones; the same variables point it at a staging server.
"""

import hashlib
import json
import os
import time

import requests
import schemathesis

BASE = os.environ.get("CONTRACT_BASE_URL", "http://127.0.0.1:18080").rstrip("/")
OA_ID = os.environ.get("OA_CLIENT_ID", "ch-all")
OA_SECRET = os.environ.get("OA_CLIENT_SECRET", "mock-secret-all-7f3a9c")
IAM_USER = os.environ.get("IAM_USER", "ch-iam-user")
IAM_PASSWORD = os.environ.get("IAM_PASSWORD", "mock-iam-password-88d1")
IAM_DOMAIN = os.environ.get("IAM_DOMAIN", "ch-domain")
ENOS_KEY = os.environ.get("ENOS_APP_KEY", "ch-enos-app")
ENOS_SECRET = os.environ.get("ENOS_APP_SECRET", "mock-enos-secret-2b71f0")


def sha256(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()


@schemathesis.auth(refresh_interval=600, retry_on=[])
class VendorAuth:
    def get(self, case, ctx):
        oa = requests.post(
            f"{BASE}/api/v2/tenant/token",
            data={"grant_type": "client_credentials", "client_id": OA_ID, "client_secret": OA_SECRET},
            timeout=10,
        ).json()["access_token"]
        iam = requests.post(
            f"{BASE}/v3/auth/tokens",
            json={"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": IAM_USER, "password": IAM_PASSWORD, "domain": {"name": IAM_DOMAIN}}}}}},
            timeout=10,
        ).headers["X-Subject-Token"]
        ts = int(time.time() * 1000)
        enos = requests.post(
            f"{BASE}/apim-token-service/v2.0/token/get",
            json={"appKey": ENOS_KEY, "timestamp": ts,
                  "encryption": sha256(ENOS_KEY.encode(), str(ts).encode(), ENOS_SECRET.encode())},
            timeout=10,
        ).json()["data"]["accessToken"]
        return {"oneaccess": oa, "iam": iam, "enos": enos}

    def set(self, case, data, ctx):
        headers = case.headers if case.headers is not None else {}
        path = case.operation.path
        if path.startswith("/api/v2/tenant/"):
            headers["Authorization"] = f"Bearer {data['oneaccess']}"
        elif path.startswith("/app-portal-service/"):
            try:
                # The requests transport sends JSON bodies as json.dumps(body).
                body = json.dumps(case.body).encode("utf-8")
            except TypeError:
                body = b""
            ts = str(int(time.time() * 1000))
            headers["apim-accesstoken"] = data["enos"]
            headers["apim-timestamp"] = ts
            headers["apim-signature"] = sha256(data["enos"].encode(), body, ts.encode(), ENOS_SECRET.encode())
        else:
            headers["X-Auth-Token"] = data["iam"]
        case.headers = headers
