"""The Open Contracting Partnership's data review library (libcoveocds) run over our open data, offline.

libcoveocds reads the standard from a ZIP and fetches every declared extension (extension.json, its release-schema
patch and codelists) with `requests`. Here every HTTP request is answered by a transport adapter from the copies
vendored beside this file (`ocds_extensions/<name>/`, as the extension registry publishes them at the versions we
declare) and from `tests/data/ocds/` (OCDS 1.1.5); any other URL is refused without touching the network. So a
declared extension that is not vendored, or an URL that does not match our pinned version, shows up as an
invalid extension, as it would for anyone running the validator.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path

import requests
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response

from procurement.ocds import EXTENSION_VERSIONS

HERE = Path(__file__).resolve().parent
EXTENSIONS_DIR = HERE / "ocds_extensions"
STANDARD_DIR = HERE.parent / "data" / "ocds"
STANDARD_URL = "https://standard.open-contracting.org/schema/1__1__5/"
CODELISTS_URL = "https://raw.githubusercontent.com/open-contracting/standard/1.1/schema/codelists/"
EXTENSION_URL = re.compile(
    r"^https://raw\.githubusercontent\.com/open-contracting-extensions/(?P<repo>ocds_\w+_extension)/"
    r"(?P<version>[^/]+)/(?P<path>.+)$"
)
ARCHIVE_URL = re.compile(
    r"^https://github\.com/open-contracting-extensions/(?P<repo>ocds_\w+_extension)/archive/(?P<version>[^/]+)\.zip$"
)
# The repository and folder of each extension we declare (procurement.ocds.EXTENSION_VERSIONS pins the version).
FOLDERS = {
    "ocds_lots_extension": "lots",
    "ocds_enquiry_extension": "enquiries",
    "ocds_legalBasis_extension": "legalBasis",
    "ocds_otherRequirements_extension": "otherRequirements",
    "ocds_contractTerms_extension": "contractTerms",
}


class OfflineFetches(Exception):
    """An HTTP request the offline review cannot answer from vendored files."""


class VendoredFiles(BaseAdapter):
    """A requests transport adapter that answers from files on disk, and 404s every URL it does not know."""

    requested: list[str]

    def __init__(self):
        super().__init__()
        self.requested = []

    def _folder(self, repo: str, version: str) -> Path | None:
        # Only the version we declare is vendored: any other version (a branch, an older tag) is not found.
        if repo in FOLDERS and EXTENSION_VERSIONS.get(FOLDERS[repo]) == version:
            return EXTENSIONS_DIR / FOLDERS[repo]
        return None

    def _body(self, url: str) -> bytes | None:
        if match := ARCHIVE_URL.match(url):
            # The extension registry reads an extension from its repository's archive, as GitHub serves it.
            folder = self._folder(match["repo"], match["version"])
            return _archive(folder, f"{match['repo']}-{match['version']}") if folder else None
        path = self._path(url)
        return path.read_bytes() if path is not None and path.is_file() else None

    def _path(self, url: str) -> Path | None:
        if url.startswith(STANDARD_URL):
            return STANDARD_DIR / url.removeprefix(STANDARD_URL)
        if url.startswith(CODELISTS_URL):
            return STANDARD_DIR / "codelists" / url.removeprefix(CODELISTS_URL)
        if match := EXTENSION_URL.match(url):
            folder = self._folder(match["repo"], match["version"])
            return folder / match["path"] if folder else None
        return None

    def send(self, request: PreparedRequest, **kwargs) -> Response:
        self.requested.append(request.url)
        body = self._body(request.url)
        response = Response()
        response.url, response.request = request.url, request
        if body is not None:
            response.status_code, response.reason = 200, "OK"
            response.raw = io.BytesIO(body)
        else:
            response.status_code, response.reason = 404, "Not Found"
            response.raw = io.BytesIO(b"")
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def _archive(folder: Path, root: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{root}/", "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{root}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def standard_zip() -> bytes:
    """The OCDS 1.1.5 standard as the ZIP libcoveocds expects (its schema/ folder), built from the vendored files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for path in sorted(STANDARD_DIR.rglob("*")):
            if path.is_file() and path.suffix in (".json", ".csv"):
                archive.write(path, f"standard-1__1__5/schema/{path.relative_to(STANDARD_DIR).as_posix()}")
    return buffer.getvalue()


def review(package: dict, monkeypatch) -> dict:
    """libcoveocds's result for a release or record package, every HTTP fetch answered from vendored files."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    with offline(monkeypatch) as adapter:
        config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
        result = ocds_json_output(json_data=json.loads(json.dumps(package)), lib_cove_ocds_config=config)
    result["requested"] = adapter.requested
    return result


@contextmanager
def offline(monkeypatch):
    """Every session requests makes (requests.get, and the extension registry's cached session) sends through the
    vendored-files adapter: nothing reaches the network."""
    from ocdsextensionregistry import util

    adapter = VendoredFiles()
    with monkeypatch.context() as patch:
        patch.setattr(requests.Session, "get_adapter", lambda self, url: adapter)
        patch.setattr(util, "session", _fresh_session(util))
        yield adapter


def _fresh_session(util):
    # The registry's module-level session caches responses in memory for the whole process: a plain session per
    # review keeps one test's answers (or a broken copy) from leaking into the next.
    session = requests.Session()
    session.headers.update(util.session.headers)
    return session


def problems(result: dict) -> dict:
    """What the review found wrong, by kind; empty kinds left out, so a clean package gives {}."""
    found = {
        "validation_errors": result.get("validation_errors"),
        "additional_fields": [
            item["path"] + "/" + item["field"] for item in result.get("additional_fields") or []
        ],
        "additional_checks": result.get("additional_checks"),
        "invalid_extension": (result.get("extensions") or {}).get("invalid_extension"),
        "additional_closed_codelist_values": result.get("additional_closed_codelist_values"),
        "additional_open_codelist_values": result.get("additional_open_codelist_values"),
    }
    return {kind: value for kind, value in found.items() if value}
