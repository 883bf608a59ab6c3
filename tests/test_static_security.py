"""bandit over the project's own code: a finding fails the suite unless its line silences that one check, by id,
and says why (`# nosec B308  # reason`). The scan itself is checked too, so a broken invocation cannot pass."""

import json
import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PATHS = ["asfportal", "companies", "procurement", "placements", "policies", "scripts", "manage.py"]
EXCLUDED = "*/migrations/*,*/tests/*"
# One or more check ids, then the reason after a second "#": bandit reads every word after "nosec" up to the next
# "#" as a check name, so the reason must come after it.
JUSTIFIED = re.compile(r"# nosec (B\d{3})(, B\d{3})*  # \w.{9,}$")


def _bandit(*paths: str, cwd: Path = PROJECT_DIR) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", *paths, "-x", EXCLUDED, "-f", "json", "-q"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def _findings(report: dict) -> list[str]:
    return [
        f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}) {r['issue_text']}\n"
        f"    {r['code'].strip()}"
        for r in report["results"]
    ]


def test_bandit_finds_nothing_that_is_not_justified_on_its_line():
    returncode, report = _bandit(*PATHS)
    findings = _findings(report)
    print("\n".join(findings) or "bandit: no findings")
    assert report["errors"] == [], report["errors"]
    # The scan covered the code: every app's services and the core (a wrong path or exclusion would scan nothing).
    scanned = set(report["metrics"]) - {"_totals"}
    for module in ("asfportal/core/audit.py", "companies/services.py", "procurement/services/tenders.py",
                   "placements/services.py", "policies/services.py", "scripts/bench.py"):  # fmt: skip
        assert module in scanned, f"bandit did not scan {module}"
    assert not any("/migrations/" in name for name in scanned)
    assert findings == [], (
        "bandit findings: fix them, or justify each with `# nosec BXXX  # reason` on its line"
    )
    assert returncode == 0


def test_the_scan_reports_what_it_should(tmp_path):
    """The same invocation on a file with a known problem finds it: the check is not silently switched off."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "risky.py").write_text(
        "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n"
    )
    returncode, report = _bandit("app", cwd=tmp_path)
    assert returncode == 1
    assert "B602" in {r["test_id"] for r in report["results"]}, _findings(report)


def test_every_nosec_names_the_checks_it_silences_and_why():
    sloppy = []
    for path in PATHS:
        files = [PROJECT_DIR / path] if path.endswith(".py") else (PROJECT_DIR / path).rglob("*.py")
        for file in files:
            if "migrations" in file.parts or "tests" in file.parts:
                continue
            for number, line in enumerate(file.read_text().splitlines(), start=1):
                if "nosec" in line and not JUSTIFIED.search(line):
                    sloppy.append(f"{file.relative_to(PROJECT_DIR)}:{number}: {line.strip()}")
    assert sloppy == [], "Write `# nosec BXXX  # reason` (the check id, then why it is safe):\n" + "\n".join(
        sloppy
    )
