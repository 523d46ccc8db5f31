"""labatlas: a knowledge graph of public innovation labs, built from case texts."""

__version__ = "0.1.0"
