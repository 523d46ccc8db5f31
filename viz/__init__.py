"""Visualisation stage: interactive offline pages and static figures of the graph.

`labatlas viz` writes one self-contained HTML page (`page.render_page`, `page.store_page`);
`labatlas figure` a static SVG, PNG or PDF (`figure.write_figure`); `views.build_view` chooses
what either draws.
"""
