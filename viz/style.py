"""How classes and predicates look, in the interactive page and in the figures.

Each class has a shape per family (initiative, actor, place, beneficiary group, method,
event) and a colour whose grey value differs from the others of its family, so a figure
printed in greyscale still tells the classes apart. Each predicate has its own pair of dash
pattern and line width for the same reason; colour only repeats what the dashes say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from labatlas.loaders.model import ACTOR_CLASSES, INITIATIVE_CLASSES


@dataclass(frozen=True)
class ClassStyle:
    """How the nodes of one class are drawn.

    ``shape`` is a vis-network shape name, ``marker`` the matplotlib marker of the same shape.
    """

    color: str
    shape: str
    marker: str
    family: str


@dataclass(frozen=True)
class PredicateStyle:
    """How the edges of one predicate are drawn; ``dashes`` empty means a solid line."""

    color: str
    dashes: tuple[int, ...]
    width: float


_FAMILY_SHAPES: dict[str, tuple[str, str]] = {
    "Initiative": ("diamond", "D"),
    "Actor": ("dot", "o"),
    "Place": ("square", "s"),
    "BeneficiaryGroup": ("triangleDown", "v"),
    "Method": ("triangle", "^"),
    "Event": ("star", "*"),
}

# Colours picked so that, within a family, grey values (ITU-R 601 luma) are at least 0.08 apart.
_CLASS_COLORS: dict[str, str] = {
    "Lab": "#b62d20",
    "Programme": "#f3a166",
    "LocalAuthority": "#0b3165",
    "StateBody": "#582b96",
    "Company": "#8e5419",
    "Association": "#2aa753",
    "ResearchBody": "#49a9d8",
    "Network": "#e189b5",
    "Foundation": "#abd88b",
    "Person": "#ebe1ae",
    "Place": "#9e9e9e",
    "BeneficiaryGroup": "#f7d366",
    "Method": "#663489",
    "Event": "#ed5927",
}

PREDICATE_STYLES: dict[str, PredicateStyle] = {
    "fundedBy": PredicateStyle("#1a7f3c", (), 2.6),
    "foundedBy": PredicateStyle("#b62d20", (), 1.4),
    "operatedBy": PredicateStyle("#0b3165", (7, 3), 2.2),
    "hasPartner": PredicateStyle("#2f7fb8", (3, 3), 2.0),
    "hasBeneficiary": PredicateStyle("#c98a00", (9, 3, 2, 3), 1.4),
    "usesMethod": PredicateStyle("#663489", (1, 3), 1.4),
    "locatedIn": PredicateStyle("#8c8c8c", (4, 4), 0.9),
    "inspiredBy": PredicateStyle("#d6307a", (11, 3), 1.8),
    "diffusedTo": PredicateStyle("#d6307a", (11, 3, 2, 3, 2, 3), 1.8),
    "memberOf": PredicateStyle("#8e5419", (3, 7), 1.4),
    "participatedIn": PredicateStyle("#5b7f00", (6, 2, 1, 2), 1.1),
}
UNKNOWN_PREDICATE_STYLE = PredicateStyle("#555555", (2, 5), 1.0)
UNKNOWN_CLASS_STYLE = ClassStyle("#ffffff", "dot", "o", "Other")

# For the communities view: twelve colours for the largest communities, then grey.
COMMUNITY_COLORS: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#ad494a",
    "#637939",
)
OTHER_COMMUNITY_COLOR = "#c7c7c7"


def class_family(entity_class: str) -> str:
    """Return the family of a class: Initiative, Actor, or the class itself.

    Examples
    --------
    >>> class_family("Foundation"), class_family("Lab"), class_family("Place")
    ('Actor', 'Initiative', 'Place')
    """
    if entity_class in INITIATIVE_CLASSES:
        return "Initiative"
    if entity_class in ACTOR_CLASSES:
        return "Actor"
    return entity_class


def class_style(entity_class: str) -> ClassStyle:
    """Return the style of a class (a white dot for a class outside the contract).

    Examples
    --------
    >>> class_style("Lab").shape
    'diamond'
    >>> class_style("NotAClass") == UNKNOWN_CLASS_STYLE
    True
    """
    if entity_class not in _CLASS_COLORS:
        return UNKNOWN_CLASS_STYLE
    family = class_family(entity_class)
    shape, marker = _FAMILY_SHAPES[family]
    return ClassStyle(_CLASS_COLORS[entity_class], shape, marker, family)


def predicate_style(predicate: str) -> PredicateStyle:
    """Return the style of a predicate (a sparse dotted grey for an unknown one).

    Examples
    --------
    >>> predicate_style("fundedBy").dashes
    ()
    """
    return PREDICATE_STYLES.get(predicate, UNKNOWN_PREDICATE_STYLE)


def grey_value(color: str) -> float:
    """Return the grey value (0 black … 1 white) a ``#rrggbb`` colour prints as.

    Examples
    --------
    >>> grey_value("#000000"), grey_value("#ffffff")
    (0.0, 1.0)
    """
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return round(0.299 * red + 0.587 * green + 0.114 * blue, 4)


def community_color(number: int) -> str:
    """Return the colour of the community ranked `number` (1 = largest).

    Examples
    --------
    >>> community_color(1), community_color(99)
    ('#1f77b4', '#c7c7c7')
    """
    if 1 <= number <= len(COMMUNITY_COLORS):
        return COMMUNITY_COLORS[number - 1]
    return OTHER_COMMUNITY_COLOR


def legend_order(found: Iterable[str], known: Sequence[str]) -> list[str]:
    """Names in the order of `known`, then any others alphabetically.

    Examples
    --------
    >>> legend_order({"Place", "Zeta", "Lab"}, ("Lab", "Programme", "Place"))
    ['Lab', 'Place', 'Zeta']
    """
    present = set(found)
    return [name for name in known if name in present] + sorted(present - set(known))
