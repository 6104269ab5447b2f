"""Read settings from the environment, failing loudly.

Every setting that can differ between machines comes through these helpers so that a
missing or malformed value stops start-up with a message naming the variable, instead of
surfacing later as an odd behaviour.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env(name, default=_MISSING):
    """Return the variable's value; without a default, a missing variable is an error."""
    value = os.environ.get(name)
    if value is None or value == "":
        # A secret can also be given as a file path (Docker/Kubernetes secrets): NAME_FILE.
        path = os.environ.get(f"{name}_FILE")
        if path:
            try:
                with open(path, encoding="utf-8") as fh:
                    return fh.read().strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE points to {path!r}, which cannot be read: {exc}") from exc
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name, default=_MISSING):
    raw = env(name, None if default is not _MISSING else _MISSING)
    if raw is None:
        return default
    if isinstance(raw, bool):
        return raw
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be true or false, not {raw!r}.")


def env_int(name, default=_MISSING):
    raw = env(name, None if default is not _MISSING else _MISSING)
    if raw is None:
        return default
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"The environment variable {name} must be an integer, not {raw!r}.") from exc


def env_list(name, default=_MISSING):
    raw = env(name, None if default is not _MISSING else _MISSING)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
