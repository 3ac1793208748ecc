"""Local HTTP servers that tests start in a thread of their own."""

from __future__ import annotations

import threading
from socketserver import BaseServer

# serve_forever() looks for a shutdown request this often; its default (0.5 s) would add up to
# half a second to the teardown of every test that starts a server.
POLL_SECONDS = 0.02


def serving_thread(server: BaseServer) -> threading.Thread:
    """A daemon thread that serves `server` until `server.shutdown()`; not started yet."""
    return threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True)
