"""Default pagination of API lists."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    """Keyset pagination: page 10,000 costs what page 1 costs.

    `page_size` is input like any other: a value that is not a positive whole number is a 400 naming
    it (DRF silently served the default page size instead); above `max_page_size` it is capped.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 1000
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
