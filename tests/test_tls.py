"""`gridbase serve --ssl-certfile/--ssl-keyfile` serves the API over TLS itself."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.helpers import eventually
from tests.server import free_port


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_serve_speaks_tls_with_the_given_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    port = free_port()
    env = dict(os.environ, GRIDBASE_DATA_DIR=str(tmp_path / "data"), GRIDBASE_DATABASE_URL="")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gridbase",
            "serve",
            "--port",
            str(port),
            "--ssl-certfile",
            str(cert),
            "--ssl-keyfile",
            str(key),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"https://127.0.0.1:{port}"

    def answers() -> requests.Response | None:
        assert process.poll() is None, "server exited"
        try:
            return requests.post(
                f"{url}/api/user/token-auth/",
                json={"email": "a@b.c", "password": "x"},
                headers={"Connection": "close"},
                verify=str(cert),
                timeout=2,
            )
        except requests.ConnectionError:
            return None

    try:
        response = eventually(answers, timeout=30)
        assert response.status_code == 401
        assert response.json()["error"] == "ERROR_INVALID_CREDENTIALS"
    finally:
        process.terminate()
        process.wait(timeout=30)
