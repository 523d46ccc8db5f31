"""HTML documentation of the labatlas ontology, rendered with pyLODE, that works offline."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# Tags that make a browser fetch a resource when the page loads, with the attribute naming it.
_LOADING_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "embed": "src",
    "object": "data",
}
# <link> fetches only for these relations (plain hyperlinks and rel="alternate" do not).
_LOADING_LINK_RELATIONS = {"stylesheet", "icon", "preload", "modulepreload", "manifest"}


class DocsError(RuntimeError):
    """The documentation cannot be generated or would not work offline."""


class _ResourceCollector(HTMLParser):
    """Collect the URLs a browser would load from an HTML page (not the links a user follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            relations = set(values.get("rel", "").lower().split())
            if relations & _LOADING_LINK_RELATIONS and values.get("href"):
                self.urls.append(values["href"])
        elif tag in _LOADING_ATTRIBUTES and values.get(_LOADING_ATTRIBUTES[tag]):
            self.urls.append(values[_LOADING_ATTRIBUTES[tag]])


def loaded_resources(html: str) -> list[str]:
    """Return the URLs of the scripts, styles, images and frames an HTML page loads.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    list of str
        Each ``src``/``href`` the browser fetches on load, in page order.

    Examples
    --------
    >>> page = '<link rel="stylesheet" href="a.css"><a href="https://x.org">x</a>'
    >>> loaded_resources(page + '<script src="https://cdn.example/y.js"></script>')
    ['a.css', 'https://cdn.example/y.js']
    """
    collector = _ResourceCollector()
    collector.feed(html)
    collector.close()
    return collector.urls


def remote_resources(html: str) -> list[str]:
    """Return the resources an HTML page loads from another site (http, https or //host).

    Examples
    --------
    >>> remote_resources('<script src="/static/y.js"></script><img src="//cdn.example/i.png">')
    ['//cdn.example/i.png']
    """
    return [
        url
        for url in loaded_resources(html)
        if url.lower().startswith(("http://", "https://", "//"))
    ]


def ontology_html(ontology: Path) -> str:
    """Render an OWL ontology file as one self-contained HTML page with pyLODE (OntPub profile).

    Parameters
    ----------
    ontology : Path
        A Turtle (or other RDF) file holding an owl:Ontology.

    Returns
    -------
    str
        The page; it loads nothing from the network.

    Raises
    ------
    DocsError
        pyLODE cannot read the file, or its page would load a remote resource.
    """
    from rdflib import Graph

    # Parsed here because pyLODE prints parser errors and calls exit() on them.
    try:
        graph = Graph(bind_namespaces="core").parse(ontology)
    except Exception as err:  # rdflib's parsers raise BadSyntax, but also IndexError, ValueError
        raise DocsError(f"{ontology}: cannot read it as RDF ({err})") from err
    try:
        html = _ontpub()(ontology=graph).make_html()
    except (KeyError, ValueError, TypeError) as err:  # e.g. no owl:Ontology in the file
        raise DocsError(f"{ontology}: pyLODE cannot document it ({err})") from err
    remote = remote_resources(html)
    if remote:  # pyLODE 3.3.4 inlines its CSS; a later version might not
        raise DocsError(f"{ontology}: pyLODE's page would load {remote[0]} from the network")
    return html


def _ontpub() -> type:
    """pyLODE's OntPub class, imported without letting it reconfigure logging.

    pyLODE 3.3.4 calls ``logging.basicConfig(level=DEBUG)`` on import, which would make every
    later library log to stderr; the root logger is put back as it was.
    """
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode import OntPub

    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return OntPub


def write_ontology_docs(ontology: Path, folder: Path) -> Path:
    """Write the documentation page of `ontology` into `folder` as ``index.html``.

    Returns
    -------
    Path
        The page written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "index.html"
    page.write_text(ontology_html(ontology), encoding="utf-8")
    return page
