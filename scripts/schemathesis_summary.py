"""Summarise schemathesis JUnit reports (scripts/schemathesis): one line per failing operation and
problem, grouped by check, so a long run's failures read at a glance. Exits 1 if any failed.

    .venv/bin/python scripts/schemathesis_summary.py REPORT.xml [...]
"""

import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

# "- ST108 Response violates schema" starts a problem; its first indented line says what exactly.
PROBLEM = re.compile(r"^- (ST\d+ .+?)(?: \(\d+ violations?\))?$")
STATUS = re.compile(r"^\[(\d{3})\]")
SCHEMA_AT = re.compile(r"^\s+Schema at (\S+?):?$")


def problems(text):
    """(problem title, first detail line, schema location, status) for each problem in a failure's text."""
    found = []
    current = None
    status = ""
    for line in text.splitlines():
        match = PROBLEM.match(line)
        if match:
            current = {"title": match.group(1), "detail": "", "where": ""}
            found.append(current)
            continue
        match = STATUS.match(line)
        if match:
            status = match.group(1)
            current = None
            continue
        if current is None:
            continue
        match = SCHEMA_AT.match(line)
        if match:
            if match.group(1) not in current["where"]:
                current["where"] += (", " if current["where"] else "") + match.group(1)
        elif line.strip() and not current["detail"]:
            current["detail"] = line.strip()
    return [(p["title"], p["detail"], p["where"], status) for p in found]


def main(paths):
    by_check = defaultdict(set)
    tested = failed = 0
    missing = [path for path in paths if not Path(path).exists()]
    for path in missing:
        by_check["no report"].add(f"{Path(path).stem:9} schemathesis wrote no report: see its output above")
    for path in paths:
        if path in missing:
            continue
        run = Path(path).stem
        for case in ET.parse(path).getroot().iter("testcase"):
            tested += 1
            failures = case.findall("failure") + case.findall("error")
            if failures:
                failed += 1
            for failure in failures:
                text = failure.text or failure.get("message", "")
                for title, detail, where, status in problems(text) or [(failure.get("message", "error"), "", "", "")]:
                    line = f"{run:9} {case.get('name')}"
                    line += f" [{status}]" if status else ""
                    line += f": {detail[:160]}" if detail else ""
                    line += f"  (at {where})" if where else ""
                    by_check[title].add(line)
    print()
    print("=" * 30, "schemathesis summary", "=" * 30)
    if not by_check:
        print(f"all {tested} operation runs conform.")
        return 0
    print(f"{failed} of {tested} operation runs failed ({', '.join(Path(p).stem for p in paths)}):")
    for title in sorted(by_check):
        print(f"\n{title} — {len(by_check[title])}")
        for line in sorted(by_check[title]):
            print(f"  {line}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
