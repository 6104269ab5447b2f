"""The API's JSON parser: the standard one, refusing what would crash or poison a write later.

- Nesting deeper than `settings.API_JSON_MAX_DEPTH` (64) is a 400. Python's decoder recurses once per
  level: 50,000 nested arrays raised RecursionError (a 500). It still stops itself at the interpreter's
  recursion limit (caught here: a 400, cheaply, before most of the body is decoded); below that, the
  parsed data's containers are walked with an explicit stack, so the check itself cannot recurse. (A
  regex pre-scan of the raw text was measured at up to 1.8 s for an 8 MB body of escaped quotes.)
- A NUL character or a lone surrogate (`"\\u0000"`, `"\\ud800"`) in any string, key or value, is a
  400 naming the field: PostgreSQL refuses NUL in text and jsonb, UTF-8 cannot encode a lone
  surrogate, so such text would fail later in a database write, a hash or a stored answer.

Set as the default parser in `REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`.
"""

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


# Decoded JSON holds NUL or a lone surrogate only if the text escapes one or holds one (raw control
# characters are invalid JSON; UTF-8 text cannot hold a surrogate, but a charset such as
# raw_unicode_escape can): most bodies skip the walk over every string.
_BAD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_CONTAINERS = (dict, list)


def nested_deeper_than(data, limit):
    """True if arrays/objects in `data` nest more than `limit` levels: a loop over the levels, no recursion."""
    level = [data] if type(data) in _CONTAINERS else []
    for _depth in range(limit):
        below = []
        for value in level:
            below.extend([item for item in (value.values() if type(value) is dict else value) if type(item) in _CONTAINERS])
        if not below:
            return False
        level = below
    return bool(level)


def escape_bad_chars(text):
    """`text` with NUL and lone surrogates written as `\\uXXXX`, so it can be shown and stored."""
    return _BAD_CHAR.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _path(parent, step):
    if isinstance(step, int):
        return f"{parent}[{step}]"
    step = escape_bad_chars(step)
    return f"{parent}.{step}" if parent else step


def find_bad_text(data):
    """(path, top, char) of the first string (key or value) holding NUL or a lone surrogate, else None.

    `path` is where it is (`contacts[0].name`), `top` the top-level field it is under (`contacts`), the
    key of the API's error answer. Walks with an explicit stack: no recursion, whatever the depth.
    """
    stack = [("", None, data)]
    while stack:
        path, top, value = stack.pop()
        if isinstance(value, str):
            found = _BAD_CHAR.search(value)
            if found:
                return path, top, found.group()
        elif isinstance(value, dict):
            for key, item in value.items():
                here = _path(path, key)
                under = escape_bad_chars(key) if top is None else top
                found = _BAD_CHAR.search(key)
                if found:
                    return here, under, found.group()
                stack.append((here, under, item))
        elif isinstance(value, list):
            stack.extend((_path(path, n), top, item) for n, item in enumerate(value))
    return None


def bad_text_message(char):
    if char == "\x00":
        return _("Null characters are not allowed.")
    return _("Text must be valid Unicode: a lone surrogate (%(char)s) is not allowed.") % {"char": escape_bad_chars(char)}


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit and no NUL or lone surrogates in any string."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.decode(stream.read(), encoding)
        except (UnicodeDecodeError, ValueError) as exc:
            raise exceptions.ParseError(
                _("The request body is not valid %(encoding)s: %(reason)s") % {"encoding": encoding, "reason": exc}
            )
        limit = settings.API_JSON_MAX_DEPTH
        too_deep = exceptions.ParseError(_("JSON nested too deeply (more than %(max)d levels).") % {"max": limit})
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError:  # deeper than the interpreter's recursion limit (~1,000 levels)
            raise too_deep
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON parse error: %(reason)s") % {"reason": exc})
        if nested_deeper_than(data, limit):
            raise too_deep
        suspect = _BAD_ESCAPE.search(text) or _BAD_CHAR.search(text)  # the latter: an exotic charset's decoding
        bad = find_bad_text(data) if suspect else None
        if bad is not None:
            # Keyed by the top-level field, like every other error answer; a nested place is named in the message.
            path, top, char = bad
            message = bad_text_message(char)
            raise exceptions.ValidationError(
                {top or api_settings.NON_FIELD_ERRORS_KEY: [message if path == top else f"{path}: {message}"]}
            )
        return data
