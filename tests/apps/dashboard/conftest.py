"""A live server over a generated world, and Debian's chromium driven by Playwright.

The world is built once per module, committed (the server thread reads it through its own
connection), and flushed at the end, as pytest-django does after a transactional test. The
tests carry the `django_db` mark so that pytest-django sets the test database up.

Playwright's sync API runs an event loop in the test's thread, where Django then refuses
database calls: the browser is started for each test after the database fixtures, and the
world is built before it and flushed after it.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, StorageState, StorageStateCookie, sync_playwright

from apps.regions import selectors as region_selectors
from tests.apps.dashboard.browser import CHROMIUM_ARGS, DESKTOP, Dashboard, chromium_path
from tests.apps.dashboard.world import World, world_build

E2E_SETTINGS = {
    # Enough authors a day for régions to show figures with a few thousand mentions; Corse
    # and some départements stay suppressed.
    "INSIGHTS_MIN_AUTHORS": 3,
    "WHITENOISE_USE_FINDERS": True,
}


@dataclass(frozen=True)
class LiveWorld:
    url: str
    world: World
    session: StorageState  # of a signed-in staff user


def artifacts_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "dashboard"
    return Path(os.environ.get("DASHBOARD_ARTIFACTS_DIR", default))


def _staff_session(world: World, url: str) -> StorageState:
    client = Client()
    client.force_login(User.objects.get(username=world.username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = url.split("//", 1)[1].split(":", 1)[0]
    session_cookie = StorageStateCookie(name=settings.SESSION_COOKIE_NAME, value=cookie.value,
                                        domain=host, path="/")  # fmt: skip
    return StorageState(cookies=[session_cookie], origins=[])


@pytest.fixture(scope="module")
def live_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveWorld]:
    vendored = Path(settings.BASE_DIR) / "var" / "vendor" / "maplibre" / "maplibre-gl.mjs"
    if not vendored.is_file():
        pytest.fail(f"{vendored} is missing: run `make setup` (it installs it from npm).")
    name = connection.settings_dict["NAME"]
    if not str(name).startswith("test_"):
        pytest.fail(f"Refusing to build the e2e world in {name!r}: mark the tests django_db.")
    with django_db_blocker.unblock(), override_settings(**E2E_SETTINGS):
        server = None
        try:
            world = world_build()
            server = _start_server()
            url = f"http://{server.host}:{server.port}"
            yield LiveWorld(url=url, world=world, session=_staff_session(world, url))
        finally:
            if server is not None:
                server.terminate()
            call_command("flush", interactive=False, verbosity=0)
            # The flush restarts the ids, and the server thread filled this process's cache of
            # region labels by id: the next tests' regions would get this world's labels.
            with region_selectors._region_labels_lock:
                region_selectors._region_labels.clear()


def _no_static_handler(app: Any) -> Any:
    return app


def _start_server() -> LiveServerThread:
    """Django's live server, static files left to the WhiteNoise middleware as in production
    (from the finders here, so that tests need no `collectstatic`)."""
    server = LiveServerThread("127.0.0.1", static_handler=_no_static_handler)  # type: ignore[arg-type]
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


@pytest.fixture
def browser(live_world: LiveWorld) -> Iterator[Browser]:
    executable = chromium_path()
    if not Path(executable).is_file():
        pytest.fail("Debian's chromium is missing: run `make setup` (scripts/setup.sh).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_dashboard(browser: Browser, live_world: LiveWorld, **options: Any) -> Any:
    context = browser.new_context(storage_state=live_world.session, **options)
    return context, Dashboard(context.new_page(), live_world.url, artifacts_dir())


@pytest.fixture
def dashboard(browser: Browser, live_world: LiveWorld) -> Iterator[Dashboard]:
    """A 1280 by 800 page of a signed-in staff user; the test fails on any console error."""
    context, board = open_dashboard(browser, live_world, viewport=DESKTOP)
    yield board
    context.close()
    assert not board.errors, f"console errors: {board.errors}"
