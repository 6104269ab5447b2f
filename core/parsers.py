"""The API's JSON parser: the standard one, refusing what would crash or poison a write later.

- Nesting deeper than `settings.API_JSON_MAX_DEPTH` (64) is a 400 before the body is decoded: Python's
  decoder recurses once per level and 50,000 nested arrays blew the stack (a 500). The depth is
  counted by a loop over the brackets outside strings, so the check itself cannot recurse.
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

# A JSON string literal (the unrolled form: linear time, no backtracking); what is left outside
# them are the structural characters whose depth we count.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


def json_depth_exceeds(text, limit):
    """True if `text` nests arrays/objects more than `limit` levels deep (iterative, stops early)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


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
    key of the API's error answer. Walks with an explicit stack; the depth is already bounded, but no
    recursion is needed anyway.
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
            raise exceptions.ParseError(_("The request body is not valid %(encoding)s: %(reason)s") % {"encoding": encoding, "reason": exc})
        limit = settings.API_JSON_MAX_DEPTH
        if json_depth_exceeds(text, limit):
            raise exceptions.ParseError(_("JSON nested too deeply (more than %(max)d levels).") % {"max": limit})
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError:  # cannot happen below the limit; kept so that no input ever 500s
            raise exceptions.ParseError(_("JSON nested too deeply (more than %(max)d levels).") % {"max": limit})
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON parse error: %(reason)s") % {"reason": exc})
        bad = find_bad_text(data)
        if bad is not None:
            # Keyed by the top-level field, like every other error answer; a nested place is named in the message.
            path, top, char = bad
            message = bad_text_message(char)
            raise exceptions.ValidationError(
                {top or api_settings.NON_FIELD_ERRORS_KEY: [message if path == top else f"{path}: {message}"]}
            )
        return data
