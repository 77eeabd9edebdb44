"""A real FHIR R4 server for the tests: sekmet-fhir (test extra) on 127.0.0.1, a free port, a temp folder.

Use as fixtures: `from fhir_server import fhir_server, fhir_server_with_token`. Each yields a
`FhirServer` with `base_url` (".../fhir") and, for the second, the bearer `token` it demands.
The server writes only inside its temporary working folder and is stopped after the module.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 60.0


@dataclass
class FhirServer:
    base_url: str
    folder: Path
    token: str | None = None

    def get(self, path: str) -> dict:
        """GET base_url + path straight over HTTP (independent of the code under test)."""
        req = urllib.request.Request(self.base_url + path, headers={"Accept": "application/fhir+json"})
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=15) as resp:
            return json.loads(resp.read())

    def put(self, resource: dict) -> dict:
        data = json.dumps(resource).encode()
        req = urllib.request.Request(f"{self.base_url}/{resource['resourceType']}/{resource['id']}", data=data,
                                     method="PUT", headers={"Content-Type": "application/fhir+json"})
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=15) as resp:
            return json.loads(resp.read())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(folder: Path, token: str | None):
    pytest.importorskip("sekmet", reason="sekmet-fhir (test extra) is needed for the FHIR server tests")
    port = free_port()
    base = f"http://127.0.0.1:{port}/fhir"
    settings = {
        "base_url": base, "host": "127.0.0.1", "port": port, "data_dir": "data",
        "simulator": {"enabled": False}, "log_inbound": False,
        "server_auth": {"types": ["bearer"], "tokens": [token]} if token else {"types": ["none"]},
    }
    (folder / "settings.yaml").write_text(json.dumps(settings), encoding="utf-8")   # JSON is YAML
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEKMET_")}
    env["SEKMET_CONFIG"] = str(folder / "settings.yaml")
    log = open(folder / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sekmet.cli import app; app()", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError("the FHIR test server stopped at start:\n"
                               + (folder / "server.log").read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(f"{base}/metadata", timeout=2) as resp:
                if json.loads(resp.read()).get("fhirVersion") == "4.0.1":
                    break
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            proc.terminate()
            proc.wait(10)
            log.close()
            raise RuntimeError("the FHIR test server did not answer within a minute")
        time.sleep(0.2)
    return proc, log, FhirServer(base, folder, token)


def _stop(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    log.close()


@pytest.fixture(scope="module")
def fhir_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fhir-server")
    proc, log, server = _start(folder, None)
    try:
        yield server
    finally:
        _stop(proc, log)


@pytest.fixture(scope="module")
def fhir_server_with_token(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fhir-server-token")
    proc, log, server = _start(folder, "s3cret-token")
    try:
        yield server
    finally:
        _stop(proc, log)
