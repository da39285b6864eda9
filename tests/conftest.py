import pytest


@pytest.fixture(scope="session")
def detector():
    from unspin.api import get_detector

    return get_detector()
