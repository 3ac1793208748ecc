"""What a crawl does, read from a web job: start URL, selectors, limits and politeness.

`parse_config` is the one validator of a job's `config` (the API's serializer calls it), so
a stored job always has a config the engine understands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .extract import SelectorError, compile_selectors, is_xpath

PRIORITIES = {"low": -1, "normal": 0, "high": 1}
PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}

#: Defaults by priority: pages fetched at once, at once per host, seconds between requests to a host.
POLITENESS = {
    -1: {"concurrency": 4, "per_host": 2, "delay": 0.5},
    0: {"concurrency": 16, "per_host": 8, "delay": 0.0},
    1: {"concurrency": 32, "per_host": 32, "delay": 0.0},
}

MAX_SELECTORS = 50
MAX_SELECTOR_LENGTH = 500


@dataclass(frozen=True)
class Option:
    kind: type
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""


def _options() -> dict[str, Option]:
    return {
        "max_pages": Option(int, 10, 1, settings.SCRAPER_MAX_PAGES, "Pages fetched at most (the start page included)."),
        "follow_links": Option(bool, False, help="Follow links to pages of the same site."),
        "max_depth": Option(int, 5, 0, 50, "Link hops from the start page."),
        "next_page": Option(str, "", help="Selector of the next-page link, followed even without follow_links."),
        "link_selector": Option(str, "a::attr(href)", help="Selector of the links to follow."),
        "respect_robots": Option(bool, True, help="Honour robots.txt (RFC 9309)."),
        "concurrency": Option(int, None, 1, 64, "Pages fetched at once (default from priority)."),
        "per_host": Option(int, None, 1, 64, "Requests at once to one host (default from priority)."),
        "delay": Option(float, None, 0, 60, "Seconds between two requests to one host (default from priority)."),
        "timeout": Option(
            float, settings.OUTBOUND_TIMEOUT_SECONDS, 1, settings.OUTBOUND_TIMEOUT_SECONDS, "Seconds per request."
        ),
        "retries": Option(int, 2, 0, 5, "Retries of a failed or throttled request."),
        "use_proxies": Option(bool, True, help="Rotate through the platform's active proxies when there are any."),
        "render_wait_ms": Option(int, 0, 0, 10_000, "Browser engine: extra wait after the page loads."),
        "wait_for": Option(str, "", help="Browser engine: CSS selector to wait for before extracting."),
    }


def option_docs() -> dict[str, str]:
    return {name: option.help for name, option in _options().items()}


def parse_config(raw: Any) -> dict[str, Any]:
    """Validated config with defaults filled in. Raises ValueError({key: message})."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError({"config": "Must be an object."})
    options = _options()
    errors: dict[str, str] = {}
    unknown = sorted(set(raw) - set(options))
    if unknown:
        errors["config"] = f"Unknown keys: {', '.join(unknown[:10])}."
    config: dict[str, Any] = {}
    for name, option in options.items():
        value = raw.get(name, option.default)
        if value is None:
            config[name] = None
            continue
        if option.kind is bool:
            if not isinstance(value, bool):
                errors[name] = "Must be true or false."
                continue
        elif option.kind in (int, float):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (option.kind is int and value != int(value))
            ):
                errors[name] = f"Must be a{'n integer' if option.kind is int else ' number'}."
                continue
            value = option.kind(value)
            if (option.minimum is not None and value < option.minimum) or (
                option.maximum is not None and value > option.maximum
            ):
                errors[name] = f"Must be between {option.minimum:g} and {option.maximum:g}."
                continue
        elif option.kind is str:
            if not isinstance(value, str) or len(value) > MAX_SELECTOR_LENGTH:
                errors[name] = f"Must be a string of at most {MAX_SELECTOR_LENGTH} characters."
                continue
            if value and name in ("next_page", "link_selector"):
                try:
                    compile_selectors({name: value})
                except SelectorError as exc:
                    errors[name] = str(exc)
                    continue
        config[name] = value
    if errors:
        raise ValueError(errors)
    return config


def parse_selectors(raw: Any) -> dict[str, str]:
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError({"selectors": "Must be an object of name: selector."})
    if len(raw) > MAX_SELECTORS:
        raise ValueError({"selectors": f"At most {MAX_SELECTORS} selectors."})
    for name, expression in raw.items():
        if not isinstance(name, str) or not 0 < len(name) <= 100:
            raise ValueError({"selectors": "Names must be strings of 1 to 100 characters."})
        if not isinstance(expression, str) or not 0 < len(expression) <= MAX_SELECTOR_LENGTH:
            raise ValueError({"selectors": f"{name}: a selector is a string of 1 to {MAX_SELECTOR_LENGTH} characters."})
    try:
        compile_selectors(raw)
    except SelectorError as exc:
        raise ValueError({"selectors": str(exc)}) from None
    return dict(raw)


ATTRIBUTE_NAME = re.compile(r"[A-Za-z_:][\w:.-]*")
CSS_ATTRIBUTE = re.compile(r"^(?P<selector>.+?)::attr\((?P<attribute>[^()]+)\)$")
XPATH_ATTRIBUTE = re.compile(r"^(?P<selector>.+?)/@(?P<attribute>[A-Za-z_:][\w:.-]*)$")


def selector_expression(selector: str, attribute: str = "") -> str:
    """One parsel selector from a CSS or XPath selector and the attribute to read (blank: the element or text)."""
    selector, attribute = selector.strip(), attribute.strip()
    if not attribute:
        return selector
    if not ATTRIBUTE_NAME.fullmatch(attribute):
        raise ValueError(f"“{attribute}” is not an attribute name.")
    if is_xpath(selector):
        return f"{selector}/@{attribute}"
    return f"{selector}::attr({attribute})"


def split_selector(expression: str) -> tuple[str, str]:
    """The reverse of `selector_expression`, for editing: ("a.more", "href") from "a.more::attr(href)"."""
    pattern = XPATH_ATTRIBUTE if is_xpath(expression) else CSS_ATTRIBUTE
    match = pattern.match(expression.strip())
    return (match["selector"], match["attribute"]) if match else (expression, "")


def selector_error(name: str, expression: str) -> str | None:
    """Why one named selector is refused by `parse_selectors`, or None."""
    try:
        parse_selectors({name: expression})
    except ValueError as exc:
        return next(iter(exc.args[0].values()))
    return None


@dataclass
class CrawlSpec:
    job_id: int
    url: str
    engine: str
    selectors: dict[str, str]
    max_pages: int
    follow_links: bool
    max_depth: int
    next_page: str
    link_selector: str
    respect_robots: bool
    concurrency: int
    per_host: int
    delay: float
    timeout: float
    retries: int
    render_wait_ms: int
    wait_for: str
    max_seconds: float
    max_bytes: int
    proxies: list[str] = field(default_factory=list)
    user_agent: str = ""

    @classmethod
    def for_job(cls, job, proxies: list[str] | None = None) -> CrawlSpec:
        config = parse_config(job.config)
        politeness = POLITENESS.get(max(-1, min(1, job.priority)), POLITENESS[0])
        return cls(
            job_id=job.pk,
            url=job.url,
            engine=job.engine,
            selectors=dict(job.selectors or {}) or {"title": "title::text"},
            max_pages=config["max_pages"],
            follow_links=config["follow_links"],
            max_depth=config["max_depth"],
            next_page=config["next_page"],
            link_selector=config["link_selector"],
            respect_robots=config["respect_robots"],
            concurrency=config["concurrency"] or politeness["concurrency"],
            per_host=config["per_host"] or politeness["per_host"],
            delay=politeness["delay"] if config["delay"] is None else config["delay"],
            timeout=config["timeout"],
            retries=config["retries"],
            render_wait_ms=config["render_wait_ms"],
            wait_for=config["wait_for"],
            max_seconds=settings.SCRAPER_JOB_MAX_SECONDS,
            max_bytes=settings.SCRAPER_JOB_MAX_BYTES,
            proxies=list(proxies or []) if config["use_proxies"] else [],
            user_agent=settings.SCRAPER_USER_AGENT,
        )
