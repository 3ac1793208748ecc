"""Selectors in parsel syntax, compiled once per job and applied to each page.

A selector is CSS with parsel's pseudo-elements (`h1.title::text`, `a::attr(href)`) or XPath
(starting with `/`, `./` or `(`, or prefixed `xpath:`). Each is translated once to an lxml
XPath object. A selector matching one value gives a string, several give a list, none gives
null.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from cssselect import SelectorError as CssSelectorError
from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
SCRIPTS = etree.XPath("count(//script)")
EMPTY_APP_ROOT = etree.XPath(
    "count(//body//*[(@id='root' or @id='app' or @id='__next' or @id='__nuxt' or @data-reactroot)][not(*)][not(normalize-space())])"
)
#: Below this much visible text a page with scripts is considered rendered by JavaScript.
SCRIPT_RENDERED_TEXT_CHARS = 200


class SelectorError(ValueError):
    pass


def is_xpath(expression: str) -> bool:
    return expression.strip().startswith(("xpath:", "/", "./", "("))


def to_xpath(expression: str) -> str:
    expression = expression.strip()
    if expression.startswith("xpath:"):
        return expression[len("xpath:") :].strip()
    if is_xpath(expression):
        return expression
    return css2xpath(expression.removeprefix("css:").strip())


@dataclass(frozen=True)
class CompiledSelector:
    name: str
    xpath: etree.XPath

    def values(self, root) -> list[str]:
        found = self.xpath(root)
        if not isinstance(found, list):  # count(), string(), boolean() XPath expressions
            text = str(found).strip() if found is not None else ""
            return [text] if text else []
        values = []
        for item in found:
            if isinstance(item, str):
                text = item.strip()
            elif isinstance(item, etree._Element):
                text = etree.tostring(item, encoding="unicode", method="html", with_tail=False).strip()
            else:
                text = str(item).strip()
            if text:
                values.append(text)
        return values


def compile_selectors(selectors: dict[str, str]) -> list[CompiledSelector]:
    compiled = []
    for name, expression in selectors.items():
        try:
            compiled.append(CompiledSelector(name, etree.XPath(to_xpath(expression))))
        except (CssSelectorError, etree.XPathError, ValueError, TypeError) as exc:
            raise SelectorError(f"{name}: not a valid CSS or XPath selector ({type(exc).__name__}).") from None
    return compiled


@dataclass
class PageData:
    data: dict
    matched: bool
    links: list[str]
    script_rendered: bool


def absolute(origin: str, base: str, href: str) -> str:
    """urljoin, with the two common cases (absolute URL, root-relative path) done by string ops."""
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return origin + href
    return urljoin(base, href)


def parse(html: str):
    """The lxml root of a page (parsel's parser: HTML, huge trees refused)."""
    return Selector(text=html or "<html></html>", type="html").root


def looks_script_rendered(root) -> bool:
    if not SCRIPTS(root):
        return False
    if EMPTY_APP_ROOT(root):
        return True
    visible = 0
    for text in VISIBLE_TEXT(root):
        visible += len(text.strip())
        if visible >= SCRIPT_RENDERED_TEXT_CHARS:
            return False
    return True


def extract(
    html: str, url: str, selectors: list[CompiledSelector], link_selectors: list[CompiledSelector] = ()
) -> PageData:
    root = parse(html)
    data, matched = {}, False
    for selector in selectors:
        values = selector.values(root)
        matched = matched or bool(values)
        data[selector.name] = values[0] if len(values) == 1 else (values or None)
    links = []
    if link_selectors:
        scheme_end = url.find("://")
        path_start = url.find("/", scheme_end + 3)
        origin = url[:path_start] if path_start != -1 else url
        for selector in link_selectors:
            links.extend(absolute(origin, url, href) for href in selector.values(root))
    return PageData(data, matched, links, script_rendered=not matched and looks_script_rendered(root))
