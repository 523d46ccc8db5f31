"""labatlas: a knowledge graph of public innovation labs, built from case texts."""

from .atlas import Atlas, open_atlas

__version__ = "0.1.0"
__all__ = ["Atlas", "open_atlas"]
