"""GeoDjango's PostGIS backend, with its connection health check skipped for a connection that
answered a moment ago.

Django checks a reused connection at the start of every request with a `SELECT 1`, one more
round trip for each. A connection that answered a statement within the last
`HEALTH_CHECK_BYPASS_S` is taken as alive, as connection pools do (HikariCP's aliveness bypass
window, 500 ms by default); one idle for longer is still checked, and replaced if the server
dropped it. The cost: a connection the server drops inside that window (a restart) fails the
next request that uses it, as without health checks; Django then checks it on the request
after, and replaces it.
"""

import time
from collections.abc import Callable
from typing import Any

from django.contrib.gis.db.backends.postgis.base import DatabaseWrapper as PostGISDatabaseWrapper

HEALTH_CHECK_BYPASS_S = 0.5


class DatabaseWrapper(PostGISDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_answered_at: float | None = None
        self.execute_wrappers.append(self._note_answer)

    def _note_answer(
        self, execute: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        result = execute(sql, params, many, context)
        self.last_answered_at = time.monotonic()
        return result

    def connect(self) -> None:
        self.last_answered_at = None
        super().connect()

    def close_if_health_check_failed(self) -> None:
        answered = self.last_answered_at
        if (
            self.connection is not None
            and answered is not None
            and time.monotonic() - answered < HEALTH_CHECK_BYPASS_S
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
