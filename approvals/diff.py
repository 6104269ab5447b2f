"""What changed between two snapshots of a matter: the generic "since the previous version" view.

A snapshot is JSON (dicts, lists, scalars). The diff walks both trees and reports, per place, what was
added, removed or changed. Lists of records are matched by a key they all carry (`id`, `code`, `key`,
`name`, `month`, `period`, `unit`), so a re-ordered or extended list shows as the rows that really
changed; other lists are compared item by item (scalars as sets: which values came in or went out).
"""

from dataclasses import asdict, dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
MATCH_KEYS = ("id", "code", "key", "name", "month", "period", "unit", "staff")
# A diff longer than this is cut (the page says so): a snapshot rewritten from scratch is not a diff.
MAX_CHANGES = 500


@dataclass(frozen=True)
class Change:
    path: str
    kind: str
    old: Any = None
    new: Any = None

    def as_dict(self):
        return asdict(self)


def _join(path, part):
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


def _match_key(old, new):
    items = [*old, *new]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in MATCH_KEYS:
        values = [item.get(key) for item in items if key in item]
        if len(values) != len(items) or not all(isinstance(v, (str, int)) for v in values):
            continue
        if len({repr(v) for v in (item[key] for item in old)}) == len(old) and len({repr(item[key]) for item in new}) == len(new):
            return key
    return None


def _hashable(value):
    return isinstance(value, (str, int, float, bool)) or value is None


def _walk(old, new, path, out):
    if len(out) >= MAX_CHANGES:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                out.append(Change(_join(path, key), REMOVED, old=old[key]))
        for key in new:
            if key not in old:
                out.append(Change(_join(path, key), ADDED, new=new[key]))
            else:
                _walk(old[key], new[key], _join(path, key), out)
        return
    if isinstance(old, list) and isinstance(new, list):
        key = _match_key(old, new)
        if key is not None:
            before = {repr(item[key]): item for item in old}
            after = {repr(item[key]): item for item in new}
            for ident, item in before.items():
                label = f"{path}[{key}={item[key]}]"
                if ident not in after:
                    out.append(Change(label, REMOVED, old=item))
                else:
                    _walk(item, after[ident], label, out)
            for ident, item in after.items():
                if ident not in before:
                    out.append(Change(f"{path}[{key}={item[key]}]", ADDED, new=item))
            return
        if all(_hashable(v) for v in [*old, *new]):
            old_set, new_set = list(dict.fromkeys(old)), list(dict.fromkeys(new))
            if set(old_set) == set(new_set) and old != new:
                out.append(Change(path, CHANGED, old=old, new=new))  # same items, other order or repeats
                return
            for value in old_set:
                if value not in new_set:
                    out.append(Change(path, REMOVED, old=value))
            for value in new_set:
                if value not in old_set:
                    out.append(Change(path, ADDED, new=value))
            return
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                out.append(Change(_join(path, index), REMOVED, old=old[index]))
            elif index >= len(old):
                out.append(Change(_join(path, index), ADDED, new=new[index]))
            else:
                _walk(old[index], new[index], _join(path, index), out)
        return
    if old != new:
        out.append(Change(path or "·", CHANGED, old=old, new=new))


def snapshot_diff(old, new):
    """The changes from snapshot `old` to snapshot `new` (both JSON values), in reading order."""
    out = []
    _walk(old if old is not None else {}, new if new is not None else {}, "", out)
    return out[:MAX_CHANGES]


def diff_of(request):
    """The diff of an approval request against its previous version, or None for a first version."""
    previous = request.previous
    if previous is None:
        return None
    return snapshot_diff(previous.snapshot, request.snapshot)


def show(value):
    """A short readable text of a JSON value for the page (records as `key: value` pairs)."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show(v) for v in value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
