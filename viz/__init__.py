"""Visualisation stage: interactive offline pages and static figures of the graph.

Empty until the visualisation issue lands; the package exists so the layout matches
the data flow of DESIGN.md.
"""
