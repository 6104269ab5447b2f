import pytest


@pytest.fixture
def english():
    """Service messages checked in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield
