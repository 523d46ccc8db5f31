"""A real Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1, started for the module."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from labatlas.queries.format import term_text

VIRTUOSO = shutil.which("virtuoso-t")

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
"""


@dataclass(frozen=True)
class Virtuoso:
    http: str  # http://127.0.0.1:{port}

    @property
    def endpoint(self) -> str:
        return self.http + "/sparql-auth"

    @property
    def graph_store(self) -> str:
        return self.http + "/sparql-graph-crud-auth"


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/sparql?" + urlencode({"query": "ASK {}"}), timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A fresh Virtuoso with its own database folder and ports; stopped after the module."""
    if VIRTUOSO is None:
        missing = "virtuoso-t is not installed (.ci/install-system-deps.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Virtuoso(f"http://127.0.0.1:{http_port}")
    try:
        deadline = time.monotonic() + 60
        while not _ready(server.http):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Virtuoso did not start: {(folder / 'virtuoso.log').read_text()}")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def comparable_rows(rows: tuple[tuple[object, ...], ...]) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of lexical forms; concatenated lists compared as sets."""

    def cell(value: object) -> str:
        text = "" if value is None else term_text(value) if not isinstance(value, str) else value
        if " | " in text:
            return " | ".join(sorted(text.split(" | ")))
        return _number(text)

    return sorted(tuple(cell(v) for v in row) for row in rows)


def _number(text: str) -> str:
    """Decimals as Virtuoso and Oxigraph write them differ in form (0.5, 5.0e-1), not value."""
    if re.fullmatch(r"-?\d+\.\d*(e-?\d+)?|-?\d+e-?\d+", text, re.IGNORECASE):
        return f"{float(text):.6g}"
    return text
