"""Default pagination of API lists."""

from rest_framework.pagination import CursorPagination


class DefaultCursorPagination(CursorPagination):
    """Keyset pagination: page 10,000 costs what page 1 costs."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 1000
