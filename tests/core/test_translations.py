"""The Swedish catalogue is complete: every msgid in the code is in it, translated and not fuzzy."""

import shutil
import subprocess
import sys

import polib

from tests.conftest import PROJECT_DIR

CATALOGUE = PROJECT_DIR / "asfportal" / "locale" / "sv" / "LC_MESSAGES" / "django.po"
SOURCES = ["asfportal", "companies", "procurement", "placements", "policies", "templates", "manage.py"]


def test_swedish_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    problems = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert problems == []


def test_swedish_catalogue_contains_every_string_in_the_code(tmp_path):
    # makemessages on a copy of the sources, so a string added without updating the catalogue is caught.
    for name in SOURCES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(tmp_path / "asfportal" / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    missing = sorted(e.msgid for e in extracted if (e.msgctxt, e.msgid) not in committed)
    assert missing == []
