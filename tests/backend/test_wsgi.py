import gc

from django.urls import get_resolver


def test_the_wsgi_process_loads_every_view_then_freezes_what_it_loaded() -> None:
    import backend.wsgi  # noqa: F401, PLC0415 - importing it is the behaviour under test

    assert gc.get_freeze_count() > 0
    assert get_resolver().url_patterns
