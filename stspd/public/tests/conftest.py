import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Published reviews and stored documents are files: each test keeps its own."""
    settings.MEDIA_ROOT = tmp_path
