"""Pagination: keyset for API lists, a capped count for list pages."""

import binascii
import datetime
import re
from base64 import b64decode
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import Cursor, CursorPagination

from core.parsers import find_bad_text


class DefaultCursorPagination(CursorPagination):
    """Keyset pagination: page 10,000 costs what page 1 costs.

    The cursor comes back from the client, so it is input like any other: bad base64, an unknown
    shape or a position that is not a value of the ordering field (`p=abc` for an id, a date out of
    range, a huge integer, a NUL) is a 400 naming `cursor` — DRF's own answer was a 404 for some of
    these and a 500 (a ValueError or a database error in the keyset filter) for the others.

    `page_size` is input like any other: a value that is not a positive whole number is a 400 naming
    it (DRF silently served the default page size instead); above `max_page_size` it is capped.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_cursor_message = _("Invalid cursor: use the next or previous link of an earlier page.")

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def _invalid(self):
        return exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            # validate=True: DRF's decoder silently dropped characters outside base64.
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(querystring, keep_blank_values=True, strict_parsing=bool(querystring))
            offset = int(tokens.get("o", ["0"])[0])
            if offset < 0:
                raise ValueError(offset)
            reverse = tokens.get("r", ["0"])[0]
            if reverse not in ("0", "1"):
                raise ValueError(reverse)
            position = tokens.get("p", [None])[0]
        except (TypeError, ValueError, binascii.Error):  # UnicodeError is a ValueError
            raise self._invalid()
        if position is not None:
            self._check_position(position)
        return Cursor(offset=min(offset, self.offset_cutoff), reverse=reverse == "1", position=position)

    def _ordering_field(self):
        """The model field of the first ordering key (the one the position holds), or None."""
        name = self.ordering[0].lstrip("-")  # DRF allows no "__" lookups here
        meta = self._model._meta
        try:
            field = meta.pk if name == "pk" else meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return field.target_field if field.is_relation else field

    def _check_position(self, position):
        """The position must be a value the ordering field can hold, or the keyset filter fails."""
        if find_bad_text(position) is not None:
            raise self._invalid()
        field = self._ordering_field()
        if field is None:  # an annotation: nothing to check against (no list orders by one today)
            return
        try:
            value = field.to_python(position)
            field.run_validators(value)  # integer range of the column, decimal digits, text length
            if isinstance(value, datetime.datetime):
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                value.astimezone(datetime.UTC)  # year 9999 with an offset overflows in the database adapter
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise self._invalid()

    invalid_page_size_message = _("Enter a whole number of at least 1 (at most %(max)d are served).")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":  # as with every query parameter, empty means not given
            return self.page_size
        size = int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else 0
        if size < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [self.invalid_page_size_message % {"max": self.max_page_size}]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class CappedPaginator(Paginator):
    """A list page's paginator whose count stops at `cap` rows: counting a region's 120,000 customers
    exactly cost more than the whole page at national scale (and grew with the data), while nobody pages
    past a few hundred pages — they filter. Counts up to the cap are exact; above it the page says
    "10,000+" (`capped`) and offers the first cap ÷ page-size pages. The count is one bounded statement
    (COUNT over a LIMIT cap + 1 subquery), the same work whatever the size of the table."""

    cap = 10_000

    @cached_property
    def count(self):
        counted = self.object_list[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False
