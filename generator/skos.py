"""The concept graph as a SKOS thesaurus, in Turtle or JSON-LD, written through rdflib.

The front matter maps onto SKOS one to one: ``title`` → ``skos:prefLabel``,
``aliases`` → ``skos:altLabel``, ``summary`` → ``skos:definition``,
``parent`` → ``skos:broader`` (and ``skos:narrower`` back), ``related`` →
``skos:related`` (except between a concept and one of its broader concepts,
which SKOS holds apart and the hierarchy already links). ``requires`` has
no SKOS term, so it is ``gg:requires`` in our own small vocabulary, declared
in every export as a sub-property of ``skos:related``, so that a tool that
knows only SKOS still sees a relation. Each tag is a ``skos:Collection`` of
its concepts (``skos:member``). Body links (``mentions``) are not SKOS
relations and are left out.

URIs come from a plan: ``--base-uri`` gives ``<base><key>``; a ``site_url``
in mkdocs.yml makes each concept's URI its page on the published site. rdflib
is an optional dependency (``glossgraph[skos]``), imported only here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import yaml
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from generator.errors import UsageError
from generator.model import EntityKey, Relation

SKOS_FORMATS: tuple[str, ...] = ("skos-ttl", "skos-jsonld")

VOCAB = "urn:glossgraph:vocab:"
"""Our vocabulary's namespace: a URN, because no web address is ours to promise."""

INSTALL_HINT = "pip install 'glossgraph[skos]'"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_BAD_URI_CHARS = frozenset(' <>"{}|\\^`')


@dataclass(frozen=True, slots=True)
class UriPlan:
    """How concept, tag and scheme URIs are made.

    ``pages`` is true when the base is the site's URL: a concept's URI is then
    its page (``concepts/<key>.html``, or ``concepts/<key>/`` with directory
    URLs) and a tag's URI its tag page.
    """

    base: str
    pages: bool = False
    directory_urls: bool = False

    def concept(self, key: EntityKey) -> str:
        """Return the URI of a concept."""
        if not self.pages:
            return self.base + key
        from generator.render.markdown import concept_path
        from generator.render.text import page_url

        return self.base + page_url(concept_path(key), self.directory_urls)

    def tag(self, tag: str) -> str:
        """Return the URI of a tag's collection."""
        from generator.render.text import page_url
        from generator.render.tree import tag_path

        path = tag_path(tag)
        if self.pages:
            return self.base + page_url(path, self.directory_urls)
        return self.base + path[: -len(".md")]


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What a SKOS export reads from mkdocs.yml."""

    site_name: str | None = None
    site_url: str | None = None
    directory_urls: bool = True  # MkDocs' own default


def uri_plan(base_uri: str | None, settings: SiteSettings, config: Path | None) -> UriPlan:
    """Return the plan from ``--base-uri``, else from ``site_url``; raise UsageError if neither."""
    if base_uri is not None:
        return UriPlan(_checked_base(base_uri, "--base-uri"))
    if settings.site_url:
        where = f"site_url in {config}" if config else "site_url"
        base = _checked_base(settings.site_url, where)
        return UriPlan(base, pages=True, directory_urls=settings.directory_urls)
    found = f"{config} has no site_url" if config else "there is no mkdocs.yml here"
    raise UsageError(
        f"a SKOS export needs a base for its URIs and {found}: "
        "give --base-uri URI (e.g. https://example.org/glossary/) or set site_url in mkdocs.yml"
    )


def _checked_base(text: str, where: str) -> str:
    parts = urlsplit(text)
    if not parts.scheme or not (parts.netloc or parts.path) or _BAD_URI_CHARS & set(text):
        raise UsageError(
            f"{where} {text!r} is not an absolute URI: expected one like https://example.org/glossary/"
        )
    return text if text.endswith(("/", "#", ":")) else text + "/"


def read_site_settings(config: Path) -> SiteSettings:
    """Return site_name, site_url and use_directory_urls from a mkdocs.yml, without MkDocs."""
    try:
        with config.open(encoding="utf-8") as handle:  # a YAML error names the file
            data = yaml.load(handle, Loader=_TolerantLoader)
    except OSError as error:
        raise UsageError(f"cannot read '{config}': {error.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read '{config}' as YAML: {error}") from None
    if not isinstance(data, Mapping):
        return SiteSettings()
    name, url, directory = (
        data.get("site_name"),
        data.get("site_url"),
        data.get("use_directory_urls"),
    )
    if url is not None and not isinstance(url, str):
        raise UsageError(f"site_url in {config} must be a URL, not {type(url).__name__} {url!r}")
    return SiteSettings(
        site_name=name if isinstance(name, str) else None,
        site_url=url if isinstance(url, str) and url.strip() else None,
        directory_urls=directory if isinstance(directory, bool) else True,
    )


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads ``!ENV`` as MkDocs does and other tags as nothing."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


# MkDocs' own reading of "!ENV VAR" and "!ENV [VAR, OTHER, default]".
_TolerantLoader.add_constructor("!ENV", construct_env_tag)
_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def export_skos(G: nx.MultiDiGraph, fmt: str, plan: UriPlan, title: str) -> str:
    """Return the graph as a SKOS concept scheme in ``fmt`` (``skos-ttl`` or ``skos-jsonld``)."""
    graph = skos_graph(G, plan, title)
    if fmt == "skos-ttl":
        return str(graph.serialize(format="turtle"))
    if fmt == "skos-jsonld":
        return _jsonld(graph)
    raise UsageError(f"unknown SKOS format {fmt!r}: expected one of {', '.join(SKOS_FORMATS)}")


def _rdflib() -> Any:
    try:
        import rdflib
    except ImportError:
        raise UsageError(f"SKOS export needs rdflib, which is missing: {INSTALL_HINT}") from None
    return rdflib


def skos_graph(G: nx.MultiDiGraph, plan: UriPlan, title: str) -> Any:
    """Return an ``rdflib.Graph`` with one ConceptScheme, its Concepts and tag Collections."""
    rdflib = _rdflib()
    from rdflib.namespace import RDF, RDFS, SKOS

    uri, literal = rdflib.URIRef, rdflib.Literal
    gg = rdflib.Namespace(VOCAB)
    graph = rdflib.Graph()
    for prefix, namespace in (("skos", SKOS), ("rdfs", RDFS), ("gg", gg)):
        graph.bind(prefix, namespace)
    scheme = uri(plan.base)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, literal(title)))
    _declare_requires(graph, gg.requires)
    tags: dict[str, list[EntityKey]] = {}
    for key, attrs in sorted(G.nodes(data=True)):
        concept = uri(plan.concept(key))
        _add_concept(graph, concept, scheme, attrs)
        for tag in attrs.get("tags") or ():
            tags.setdefault(str(tag), []).append(key)
        if not any(k == Relation.BROADER for _, _, k in G.out_edges(key, keys=True)):
            graph.add((concept, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, concept))
    predicates = {
        Relation.BROADER: SKOS.broader,
        Relation.RELATED: SKOS.related,
        Relation.REQUIRES: gg.requires,
    }
    lines = _hierarchy_lines(G)
    for u, v, kind in sorted(G.edges(keys=True)):
        if kind == Relation.RELATED and ((u, v) in lines or (v, u) in lines):
            continue  # SKOS keeps related apart from broader (S27); the hierarchy says it
        if kind in predicates:
            graph.add((uri(plan.concept(u)), predicates[kind], uri(plan.concept(v))))
            if kind == Relation.BROADER:
                graph.add((uri(plan.concept(v)), SKOS.narrower, uri(plan.concept(u))))
    _add_collections(graph, plan, tags)
    return graph


def _add_collections(graph: Any, plan: UriPlan, tags: Mapping[str, list[EntityKey]]) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    for tag, keys in sorted(tags.items()):
        collection = URIRef(plan.tag(tag))
        graph.add((collection, RDF.type, SKOS.Collection))
        graph.add((collection, SKOS.prefLabel, Literal(tag)))
        for key in keys:
            graph.add((collection, SKOS.member, URIRef(plan.concept(key))))


def _hierarchy_lines(G: nx.MultiDiGraph) -> set[tuple[str, str]]:
    """Return every (concept, ancestor) pair along ``broader`` edges."""
    parents: dict[str, list[str]] = {}
    for u, v, kind in G.edges(keys=True):
        if kind == Relation.BROADER:
            parents.setdefault(u, []).append(v)
    pairs: set[tuple[str, str]] = set()
    for start in parents:
        seen: set[str] = set()
        todo = list(parents[start])
        while todo:
            ancestor = todo.pop()
            if ancestor not in seen:  # a cycle (an error check reports) must not loop
                seen.add(ancestor)
                todo.extend(parents.get(ancestor, ()))
        pairs.update((start, ancestor) for ancestor in seen)
    return pairs


def _declare_requires(graph: Any, requires: Any) -> None:
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS, SKOS

    graph.add((requires, RDF.type, RDF.Property))
    graph.add((requires, RDFS.subPropertyOf, SKOS.related))
    graph.add((requires, RDFS.label, Literal("requires")))
    comment = "The subject concept builds on the object concept: learn the object first."
    graph.add((requires, RDFS.comment, Literal(comment)))


def _add_concept(graph: Any, concept: Any, scheme: Any, attrs: Mapping[str, Any]) -> None:
    from rdflib import Literal
    from rdflib.namespace import RDF, SKOS

    title = str(attrs.get("title") or "")
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, scheme))
    graph.add((concept, SKOS.prefLabel, Literal(title)))
    for alias in attrs.get("aliases") or ():
        # SKOS forbids one label as both preferred and alternative (S13).
        if str(alias) != title:
            graph.add((concept, SKOS.altLabel, Literal(str(alias))))
    summary = str(attrs.get("summary") or "")
    if summary:
        graph.add((concept, SKOS.definition, Literal(summary)))


def _jsonld(graph: Any) -> str:
    context = {"skos": _SKOS, "rdfs": _RDFS, "gg": VOCAB}
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    data = json.loads(text)
    # rdflib walks its store in hash order; sort so equal graphs give equal bytes.
    if isinstance(data.get("@graph"), list):
        data["@graph"] = sorted((_sorted_values(n) for n in data["@graph"]), key=_node_id)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _sorted_values(node: Any) -> Any:
    if isinstance(node, dict):
        return {name: _sorted_values(value) for name, value in node.items()}
    if isinstance(node, list):
        items = [_sorted_values(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return node


def _node_id(node: Any) -> str:
    return str(node.get("@id", "")) if isinstance(node, dict) else ""
