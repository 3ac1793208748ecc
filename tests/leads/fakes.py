"""Local HTTP servers that answer like the providers: Graph API, Apify-style actor runs, plain web pages.

Started by the tests on 127.0.0.1 (allowed through the outbound guard by
SCRAPER_ALLOWED_NETWORKS in the tests only); nothing reaches the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..serving import serving_thread


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None


Handler = Callable[[dict[str, str], Any], Reply]


class FakeServer:
    """Routes by (method, path); a route may be a queue of one-shot replies before its handler."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.prefix_routes: list[tuple[str, str, Callable[[str, dict, Any], Reply]]] = []
        self.queued: dict[tuple[str, str], list[Reply]] = defaultdict(list)
        self.calls: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return

            def _handle(self, method: str):
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with server.lock:
                    server.calls.append((method, parts.path, query))
                    queued = server.queued.get((method, parts.path))
                    reply = queued.pop(0) if queued else None
                if reply is None:
                    reply = server.dispatch(method, parts.path, query, body)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = serving_thread(self.httpd)

    def dispatch(self, method: str, path: str, query: dict, body: Any) -> Reply:
        handler = self.routes.get((method, path))
        if handler is not None:
            return handler(query, body)
        for route_method, prefix, prefix_handler in self.prefix_routes:
            if method == route_method and path.startswith(prefix):
                return prefix_handler(path[len(prefix) :], query, body)
        return Reply(404, {"error": {"message": "Unknown path"}})

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def count(self, method: str, path_prefix: str) -> int:
        with self.lock:
            return sum(1 for m, p, _ in self.calls if m == method and p.startswith(path_prefix))


# ---------------------------------------------------------------------------------------
# Instagram Graph API
# ---------------------------------------------------------------------------------------
class FakeGraphAPI(FakeServer):
    """ig_hashtag_search, {hashtag-id}/recent_media with `after` cursors, business discovery, token exchange."""

    APP_ID, APP_SECRET = "1234567890", "app-secret-value"
    TOKEN_LIFETIME = 5_184_000  # 60 days, as the Graph API answers `expires_in`

    def __init__(
        self,
        media_by_tag: dict[str, list[dict]] | None = None,
        accounts: dict[str, dict] | None = None,
        page_size: int = 2,
    ) -> None:
        super().__init__()
        self.media_by_tag = media_by_tag or {}
        self.accounts = accounts or {}
        self.page_size = page_size
        self.exchanges = 0
        self.routes[("GET", "/v21.0/ig_hashtag_search")] = self.hashtag_search
        self.routes[("GET", "/v21.0/oauth/access_token")] = self.exchange_token
        self.prefix_routes.append(("GET", "/v21.0/", self.node))

    def exchange_token(self, query, body) -> Reply:
        if query.get("grant_type") != "fb_exchange_token" or not query.get("fb_exchange_token"):
            return Reply(400, {"error": {"message": "Missing grant", "code": 100}})
        if (query.get("client_id"), query.get("client_secret")) != (self.APP_ID, self.APP_SECRET):
            return Reply(400, {"error": {"message": "Error validating client secret.", "code": 1}})
        self.exchanges += 1
        token = f"renewed-{self.exchanges}-{query['fb_exchange_token']}"
        return Reply(200, {"access_token": token, "token_type": "bearer", "expires_in": self.TOKEN_LIFETIME})

    @property
    def base_url(self) -> str:
        return f"{self.url}/v21.0"

    def hashtag_search(self, query, body) -> Reply:
        tag = query.get("q", "")
        if tag not in self.media_by_tag:
            return Reply(200, {"data": []})
        return Reply(200, {"data": [{"id": f"h-{tag}"}]})

    def node(self, rest: str, query: dict, body) -> Reply:
        if rest.endswith("/recent_media"):
            tag = rest.split("/")[0].removeprefix("h-")
            media = self.media_by_tag.get(tag, [])
            start = int(query.get("after") or 0)
            chunk = media[start : start + self.page_size]
            paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(media):
                paging["next"] = f"{self.base_url}/{rest}?after={start + len(chunk)}"
            return Reply(200, {"data": chunk, "paging": paging})
        fields = query.get("fields", "")
        if fields == "username":
            return Reply(200, {"id": rest, "username": "acme.shop"})
        if fields.startswith("business_discovery.username("):
            username = fields.split("(", 1)[1].split(")", 1)[0]
            account = self.accounts.get(username)
            if account is None:
                return Reply(400, {"error": {"message": "Invalid user id", "code": 110, "error_subcode": 2207013}})
            return Reply(200, {"business_discovery": {"username": username, **account}, "id": rest})
        return Reply(400, {"error": {"message": "Unsupported get request"}})


# ---------------------------------------------------------------------------------------
# Hosted scraper (Apify-style)
# ---------------------------------------------------------------------------------------
class FakeActorAPI(FakeServer):
    """POST acts/{actor}/runs → run; actor-runs/{id} RUNNING → SUCCEEDED/FAILED; datasets/{id}/items paging."""

    def __init__(
        self,
        datasets_by_identifier: dict[str, list[dict]],
        *,
        polls_before_done: int = 2,
        fail_identifiers: frozenset[str] = frozenset(),
        item_delay: float = 0.0,
    ) -> None:
        super().__init__()
        self.datasets_by_identifier = datasets_by_identifier
        self.polls_before_done = polls_before_done
        self.fail_identifiers = fail_identifiers
        self.item_delay = item_delay
        self.runs: dict[str, dict] = {}
        self.inputs: list[dict] = []
        self.prefix_routes.append(("POST", "/v2/acts/", self.start_run))
        self.prefix_routes.append(("POST", "/v2/actor-tasks/", self.start_run))
        self.prefix_routes.append(("GET", "/v2/actor-runs/", self.get_run))
        self.prefix_routes.append(("GET", "/v2/datasets/", self.dataset_items))
        self.routes[("GET", "/v2/users/me")] = lambda query, body: Reply(200, {"data": {"id": "u1", "username": "me"}})

    @property
    def base_url(self) -> str:
        return f"{self.url}/v2"

    @staticmethod
    def identifier_of(run_input: dict) -> str:
        for key in ("usernames", "hashtags", "postUrls"):
            if run_input.get(key):
                return run_input[key][0]
        return run_input["startUrls"][0]["url"].rsplit("/", 1)[1]

    def start_run(self, rest: str, query, body) -> Reply:
        with self.lock:
            self.inputs.append(body)
            run_id = f"run{len(self.runs) + 1}"
            self.runs[run_id] = {"identifier": self.identifier_of(body), "polls": 0}
        return Reply(201, {"data": {"id": run_id, "status": "READY", "defaultDatasetId": f"ds-{run_id}"}})

    def get_run(self, run_id: str, query, body) -> Reply:
        run = self.runs[run_id]
        run["polls"] += 1
        status = "RUNNING"
        if run["polls"] > self.polls_before_done:
            status = "FAILED" if run["identifier"] in self.fail_identifiers else "SUCCEEDED"
        return Reply(200, {"data": {"id": run_id, "status": status, "defaultDatasetId": f"ds-{run_id}"}})

    def dataset_items(self, rest: str, query, body) -> Reply:
        run_id = rest.split("/")[0].removeprefix("ds-")
        items = self.datasets_by_identifier.get(self.runs[run_id]["identifier"], [])
        offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 100)
        return Reply(200, items[offset : offset + limit], delay=self.item_delay)


def follower_items(prefix: str, count: int, *, with_email_every: int = 2, followers: int = 5000) -> list[dict]:
    """Dataset items in the shape of the usual followers actor."""
    return [
        {
            "username": f"{prefix}_{index}",
            "full_name": f"{prefix.title()} {index}",
            "biography": f"Creator {index}"
            + (f" · mail me at {prefix}{index}@example.com" if index % with_email_every == 0 else ""),
            "followers_count": followers + index,
            "follows_count": 100,
            "is_verified": index % 10 == 0,
            "is_business_account": index % 3 == 0,
        }
        for index in range(count)
    ]
