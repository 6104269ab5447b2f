import pytest


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked in English (the msgids); pages and the API pick the language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
