"""What changed between two versions of a plan: the text (a unified diff), the target lines (value,
and each child's and month's value), the actions and the budget lines.

Input: a version's content — {"title", "body", "targets", "actions", "budget"} as frozen in
PlanVersion.lines (see plans.selectors.plan_lines). Output is plain data for the review template and
the API:

    {"title": None | {"old", "new"},
     "body": [unified diff lines without the file header],
     "targets": {"added": [line], "removed": [line], "changed": [{"key", "metric", "metric_label", "period",
                  "old", "new", "split_method": None | {"old", "new"},
                  "children": [{"name", "old", "new"}], "months": [{"month", "old", "new"}]}]},
     "actions": {"added": [...], "removed": [...], "changed": [{"key", "old": line, "new": line, "fields": [...]}]},
     "budget": {"added": [...], "removed": [...], "changed": [...]},
     "empty": bool}

A value missing on one side reads None (a child added or dropped, a month not split before).
"""

import difflib
from decimal import Decimal

from plans.choices import Metric


def _number(value):
    return None if value is None else Decimal(str(value))


def _target_key(line):
    return f"{line['metric']} {line['period']}"


def _keyed(lines, key_of):
    """Lines by key; a repeated key gets " #2", " #3"… so every line stays distinct."""
    result, counts = {}, {}
    for line in lines:
        key = key_of(line)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > 1:
            key = f"{key} #{counts[key]}"
        result[key] = line
    return result


def _value_changes(old_rows, new_rows, *, key, name):
    old = {row[key]: row for row in old_rows}
    new = {row[key]: row for row in new_rows}
    changes = []
    for k in list(old) + [k for k in new if k not in old]:
        a = _number(old[k]["value"]) if k in old else None
        b = _number(new[k]["value"]) if k in new else None
        if a != b:
            changes.append({name: (new.get(k) or old.get(k)).get("name", k) if name == "name" else k, "old": a, "new": b})
    return changes


def _diff_targets(old_lines, new_lines):
    old, new = _keyed(old_lines, _target_key), _keyed(new_lines, _target_key)
    added = [new[k] for k in new if k not in old]
    removed = [old[k] for k in old if k not in new]
    changed = []
    for k in new:
        if k not in old:
            continue
        a, b = old[k], new[k]
        children = _value_changes(a.get("children", []), b.get("children", []), key="id", name="name")
        months = _value_changes(a.get("months", []), b.get("months", []), key="month", name="month")
        method = None
        if (a.get("split_method") or "") != (b.get("split_method") or ""):
            method = {"old": a.get("split_method") or "", "new": b.get("split_method") or ""}
        value_changed = _number(a["value"]) != _number(b["value"])
        if value_changed or children or months or method:
            changed.append(
                {
                    "key": k,
                    "metric": b["metric"],
                    "metric_label": str(Metric(b["metric"]).label) if b["metric"] in Metric.values else b["metric"],
                    "period": b["period"],
                    "old": _number(a["value"]),
                    "new": _number(b["value"]),
                    "value_changed": value_changed,
                    "split_method": method,
                    "children": children,
                    "months": months,
                }
            )
    return {"added": added, "removed": removed, "changed": changed}


def _diff_rows(old_lines, new_lines, *, key_of, fields):
    old, new = _keyed(old_lines, key_of), _keyed(new_lines, key_of)
    changed = []
    for k in new:
        if k in old:
            differing = [f for f in fields if str(old[k].get(f, "")) != str(new[k].get(f, ""))]
            if differing:
                changed.append({"key": k, "old": old[k], "new": new[k], "fields": differing})
    return {
        "added": [new[k] for k in new if k not in old],
        "removed": [old[k] for k in old if k not in new],
        "changed": changed,
    }


def body_diff(old, new):
    """Unified diff lines of two texts (one line of context), without the file header."""
    lines = list(difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=1))
    return lines[2:]


def diff_versions(old, new):
    """The difference from version content `old` to `new` (see the module docstring)."""
    title = None if (old.get("title") or "") == (new.get("title") or "") else {"old": old.get("title"), "new": new.get("title")}
    result = {
        "title": title,
        "body": body_diff(old.get("body"), new.get("body")),
        "targets": _diff_targets(old.get("targets", []), new.get("targets", [])),
        "actions": _diff_rows(
            old.get("actions", []), new.get("actions", []), key_of=lambda row: row["what"], fields=("owner", "due_on", "notes")
        ),
        "budget": _diff_rows(
            old.get("budget", []),
            new.get("budget", []),
            key_of=lambda row: row["category"],
            fields=("amount", "note"),
        ),
    }
    result["empty"] = not (
        result["title"]
        or result["body"]
        or any(result[group][part] for group in ("targets", "actions", "budget") for part in ("added", "removed", "changed"))
    )
    return result
