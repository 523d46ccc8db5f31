"""labatlas: a knowledge graph of public innovation labs, built from case texts."""

__version__ = "0.1.0"

# Absolute, not relative: pytest imports this file by path when the checkout's folder name is
# not a Python identifier (a clone in "labatlas-ci/"), and a relative import has no parent there.
from labatlas.atlas import Atlas, open_atlas

__all__ = ["Atlas", "open_atlas"]
