"""What waits for a person today — decisions, their own submissions in flight, tasks, messages — counted by
the apps that hold it, and shown by the home page and the dashboard (neither knows those apps).

Each app registers its counts in its own `nav.py` (imported at start-up by `CoreConfig.ready`):

    from core import worklist

    @worklist.counts("tasks_open", "tasks_overdue")
    def my_work(user):
        return {"tasks_open": …, "tasks_overdue": …}

A counter is a handful of COUNT queries, whatever the size of the data, and returns exactly the keys it
declared (another set is a programming error, raised, not shown as a wrong number).
"""

# "module.function" -> (keys, function), in registration order (the order of INSTALLED_APPS).
_COUNTERS = {}


def counts(*keys):
    """Register `fn(user) -> {key: count}` as an app's part of the worklist (decorator)."""

    def register(fn):
        for name, (other_keys, _fn) in _COUNTERS.items():
            if name != f"{fn.__module__}.{fn.__qualname__}" and set(keys) & set(other_keys):
                raise ValueError(
                    f"worklist keys {sorted(set(keys) & set(other_keys))} counted twice: {name} and {fn.__qualname__}"
                )
        _COUNTERS[f"{fn.__module__}.{fn.__qualname__}"] = (tuple(keys), fn)
        return fn

    return register


def worklist(user):
    """{key: count} of everything that waits for this person."""
    result = {}
    for keys, fn in _COUNTERS.values():
        values = fn(user)
        if set(values) != set(keys):
            raise ValueError(f"{fn.__module__}.{fn.__qualname__} returned {sorted(values)}, declared {sorted(keys)}")
        result.update(values)
    return result


def empty():
    """The worklist of someone who has none (a branch system's API key): every key, at zero."""
    return {key: 0 for keys, _fn in _COUNTERS.values() for key in keys}
