// labatlas page: draws the view with vis-network, and wires the legend filters, the search
// and the details panel. Every text from the corpus reaches the page as JSON data and is put
// into the document with textContent (or vis-network's plain-text tooltips), never as HTML.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("atlas-data").textContent);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const edgesOf = new Map(data.nodes.map((n) => [n.id, []]));
  for (const e of data.edges) {
    edgesOf.get(e.from).push(e);
    if (e.to !== e.from) edgesOf.get(e.to).push(e);
  }
  const INITIATIVES = new Set(data.families.Initiative);
  const ACTORS = new Set(data.families.Actor);

  // ---------- small DOM helpers (text only) ----------
  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }
  function fold(text) {
    return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
  }
  function confidence(value) {
    return Number(value).toFixed(2);
  }

  // ---------- vis data ----------
  function nodeColor(n) {
    if (data.colorBy === "community") {
      return data.communityColors[String(n.community)] || data.otherCommunityColor;
    }
    return (data.classes[n.cls] || data.unknownClass).color;
  }
  function nodeTooltip(n) {
    const lines = [n.label, n.cls + " · " + n.degree + " relation" + (n.degree === 1 ? "" : "s")];
    if (n.aliases.length) lines.push("also: " + shorten(n.aliases.slice(0, 5).join("; "), 160));
    if (n.community !== null) lines.push("community " + n.community);
    return lines.join("\n");
  }
  function edgeTooltip(e) {
    const first = e.evidence.length ? "\n“" + shorten(e.evidence[0].sentence, 220) + "”" : "";
    const count = e.evidence.length + " sentence" + (e.evidence.length === 1 ? "" : "s");
    return byId.get(e.from).label + " —" + e.predicate + "→ " + byId.get(e.to).label +
      "\nconfidence " + confidence(e.confidence) + " · " + count + first;
  }
  function visNode(n) {
    const style = data.classes[n.cls] || data.unknownClass;
    const color = nodeColor(n);
    const centre = n.id === data.centre;
    return {
      id: n.id,
      label: shorten(n.label, 36),
      title: nodeTooltip(n),
      shape: style.shape,
      value: n.value,
      x: n.x,
      y: n.y,
      borderWidth: centre ? 4 : 1,
      color: {
        background: color, border: "#333333",
        highlight: { background: color, border: "#000000" },
        hover: { background: color, border: "#000000" },
      },
      cls: n.cls,
    };
  }
  function visEdge(e) {
    const style = data.predicates[e.predicate] || data.unknownPredicate;
    const edge = {
      id: e.id,
      from: e.from,
      to: e.to,
      title: edgeTooltip(e),
      width: style.width,
      dashes: style.dashes.length ? style.dashes : false,
      color: { color: style.color, highlight: style.color, hover: style.color, opacity: 0.9 },
      predicate: e.predicate,
    };
    if (e.parallel > 0) {
      // Parallel relations between one pair: fixed curves (no extra physics bodies).
      const side = e.parallel % 2 ? "curvedCW" : "curvedCCW";
      edge.smooth = { enabled: true, type: side, roundness: 0.2 * Math.ceil(e.parallel / 2) };
    }
    return edge;
  }

  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));

  // ---------- filters ----------
  const classOn = new Set(Object.keys(data.classCounts));
  const predicateOn = new Set(Object.keys(data.predicateCounts));
  let minDegree = 0;
  let shownNodes = new Set(byId.keys());

  // Nodes of the ticked classes with at least `minDegree` relations of the ticked kinds to
  // other shown nodes: removing a node can take a neighbour below the minimum, so repeat.
  function computeShown() {
    let shown = new Set(data.nodes.filter((n) => classOn.has(n.cls)).map((n) => n.id));
    const kept = data.edges.filter((e) => predicateOn.has(e.predicate));
    for (;;) {
      const degree = new Map();
      for (const e of kept) {
        if (!shown.has(e.from) || !shown.has(e.to)) continue;
        degree.set(e.from, (degree.get(e.from) || 0) + 1);
        degree.set(e.to, (degree.get(e.to) || 0) + 1);
      }
      const next = new Set([...shown].filter((id) => (degree.get(id) || 0) >= minDegree));
      if (next.size === shown.size) return shown;
      shown = next;
    }
  }
  const nodeView = new vis.DataView(nodes, { filter: (n) => shownNodes.has(n.id) });
  const edgeView = new vis.DataView(edges, {
    filter: (e) => predicateOn.has(e.predicate) && shownNodes.has(e.from) && shownNodes.has(e.to),
  });
  function updateCounts() {
    const counts = document.getElementById("counts");
    const total = data.nodes.length + " nodes and " + data.edges.length + " relations";
    counts.textContent = nodeView.length === data.nodes.length && edgeView.length === data.edges.length
      ? total
      : "Showing " + nodeView.length + " of " + data.nodes.length + " nodes and " +
        edgeView.length + " of " + data.edges.length + " relations";
  }
  function applyFilters() {
    shownNodes = computeShown();
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
  }
  for (const box of document.querySelectorAll("input[data-class]")) {
    box.addEventListener("change", () => {
      if (box.checked) classOn.add(box.dataset.class); else classOn.delete(box.dataset.class);
      applyFilters();
    });
  }
  for (const box of document.querySelectorAll("input[data-predicate]")) {
    box.addEventListener("change", () => {
      if (box.checked) predicateOn.add(box.dataset.predicate);
      else predicateOn.delete(box.dataset.predicate);
      applyFilters();
    });
  }
  const minDegreeInput = document.getElementById("min-degree");
  minDegreeInput.addEventListener("input", () => {
    minDegree = Math.max(0, parseInt(minDegreeInput.value, 10) || 0);
    applyFilters();
  });
  document.getElementById("show-all").addEventListener("click", () => {
    for (const box of document.querySelectorAll("input[data-class]")) {
      box.checked = true; classOn.add(box.dataset.class);
    }
    for (const box of document.querySelectorAll("input[data-predicate]")) {
      box.checked = true; predicateOn.add(box.dataset.predicate);
    }
    minDegree = 0; minDegreeInput.value = "0";
    applyFilters();
  });

  // ---------- the network ----------
  const container = document.getElementById("graph");
  const options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 42 },
    nodes: {
      borderWidthSelected: 3,
      font: { size: 13, face: "system-ui, DejaVu Sans, sans-serif", color: "#1d1d1d",
        strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: {
        min: 7, max: 34,
        label: { enabled: true, min: 12, max: 28, maxVisible: 30, drawThreshold: 8 },
      },
    },
    edges: {
      smooth: false,
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      selectionWidth: 2,
      hoverWidth: 0.8,
    },
    interaction: {
      hover: true, tooltipDelay: 120, multiselect: false, keyboard: false,
      hideEdgesOnDrag: data.big, hideEdgesOnZoom: data.big,
    },
    physics: data.physics ? {
      enabled: true,
      solver: "barnesHut",
      barnesHut: { gravitationalConstant: -3200, centralGravity: 0.8, springLength: 80,
        springConstant: 0.05, damping: 0.5, avoidOverlap: 0.5 },
      stabilization: { enabled: true, iterations: 220, updateInterval: 50, fit: true },
      minVelocity: 1.0,
    } : false,
  };
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  const physicsBox = document.getElementById("physics");
  const atlas = {
    network, nodes, edges, nodeView, edgeView, data,
    stable: false, stableAt: null, select: focusNode,
  };
  window.atlas = atlas;

  function markStable() {
    if (atlas.stable) return;
    atlas.stable = true;
    atlas.stableAt = performance.now();
    document.body.dataset.stable = "true";
  }
  if (data.physics) {
    // Settle once, then stand still until the reader asks for physics again.
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: { enabled: false } });
      physicsBox.checked = false;
      network.fit({ animation: false });
      network.once("afterDrawing", markStable);
      network.redraw();
    });
  } else {
    network.fit({ animation: false });
    network.once("afterDrawing", markStable);
    network.redraw();
  }
  physicsBox.addEventListener("change", () => {
    network.setOptions({ physics: physicsBox.checked
      ? { enabled: true, solver: "barnesHut", stabilization: { enabled: false } }
      : { enabled: false } });
  });
  document.getElementById("fit").addEventListener("click", () => network.fit());

  // ---------- details panel ----------
  const details = document.getElementById("details");

  function source(ev) {
    const doc = data.documents[ev.document] || { title: "", file: "", lines: "" };
    const parts = [doc.title || ev.document];
    if (doc.file) parts.push(doc.file + (doc.lines ? ", lines " + doc.lines : ""));
    parts.push("rule " + ev.rule, "confidence " + confidence(ev.confidence));
    return el("p", "source", "— " + parts.join(" · "));
  }
  function evidenceList(edge) {
    const list = el("ol", "evidence");
    for (const ev of edge.evidence) {
      list.append(el("li", null, el("blockquote", null, ev.sentence), source(ev)));
    }
    return list;
  }
  function nodeButton(id) {
    const button = el("button", null, byId.get(id).label);
    button.type = "button";
    button.addEventListener("click", () => focusNode(id));
    return button;
  }
  function hiddenNote(shown) {
    return shown ? null : el("p", "hidden-note", "Hidden by the current filters.");
  }
  function ties(id) {
    const groups = { Initiatives: [], Actors: [], "Places, methods, groups, events": [] };
    const seen = new Set();
    for (const e of edgesOf.get(id)) {
      const other = e.from === id ? e.to : e.from;
      if (seen.has(other) || other === id) continue;
      seen.add(other);
      const cls = byId.get(other).cls;
      const group = INITIATIVES.has(cls) ? "Initiatives"
        : ACTORS.has(cls) ? "Actors" : "Places, methods, groups, events";
      groups[group].push(other);
    }
    const section = el("div", "ties-section");
    for (const [name, ids] of Object.entries(groups)) {
      if (!ids.length) continue;
      ids.sort((a, b) => byId.get(a).label.localeCompare(byId.get(b).label));
      section.append(el("h4", null, "Tied to " + name.toLowerCase() + " (" + ids.length + ")"));
      const list = el("ul", "ties");
      for (const other of ids) list.append(el("li", null, nodeButton(other)));
      section.append(list);
    }
    return section;
  }
  function relationBlock(edge, id) {
    const outgoing = edge.from === id;
    const other = byId.get(outgoing ? edge.to : edge.from).label;
    const head = outgoing
      ? "→ " + edge.predicate + " → " + other
      : "← " + edge.predicate + " ← " + other;
    return el("div", "relation",
      el("div", "head", head + " (" + confidence(edge.confidence) + ")"),
      evidenceList(edge));
  }
  function showNode(id) {
    const n = byId.get(id);
    const facts = el("dl", null,
      el("dt", null, "Class"), el("dd", "cls", n.cls),
      el("dt", null, "Label"), el("dd", "label", n.label),
      el("dt", null, "Also known as"), el("dd", "aliases", n.aliases.join("; ") || "—"),
      el("dt", null, "Relations"), el("dd", null, String(n.degree)));
    if (n.betweenness !== null) {
      facts.append(el("dt", null, "Betweenness"), el("dd", null, n.betweenness.toFixed(4)));
    }
    if (n.community !== null) {
      facts.append(el("dt", null, "Community"), el("dd", null, String(n.community)));
    }
    facts.append(el("dt", null, "IRI"), el("dd", "iri", n.id));
    const relations = el("div", "relations", el("h4", null, "Evidence (" + edgesOf.get(id).length +
      " relation" + (edgesOf.get(id).length === 1 ? "" : "s") + ")"));
    for (const edge of edgesOf.get(id)) relations.append(relationBlock(edge, id));
    const parts = [el("h3", null, n.label), hiddenNote(shownNodes.has(id)), facts, ties(id),
      relations];
    details.replaceChildren(...parts.filter((part) => part !== null));
    details.dataset.kind = "node";
    details.dataset.id = id;
    details.scrollTop = 0;
  }
  function showEdge(id) {
    const e = edgeById.get(id);
    const facts = el("dl", null,
      el("dt", null, "Subject"), el("dd", null, nodeButton(e.from)),
      el("dt", null, "Predicate"), el("dd", "predicate", e.predicate),
      el("dt", null, "Object"), el("dd", null, nodeButton(e.to)),
      el("dt", null, "Confidence"), el("dd", null, confidence(e.confidence)));
    details.replaceChildren(
      el("h3", null, byId.get(e.from).label + " —" + e.predicate + "→ " + byId.get(e.to).label),
      facts, el("h4", null, "Evidence (" + e.evidence.length + ")"), evidenceList(e));
    details.dataset.kind = "edge";
    details.dataset.id = id;
    details.scrollTop = 0;
  }
  function focusNode(id) {
    if (!byId.has(id)) return;
    if (shownNodes.has(id)) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    }
    showNode(id);
  }
  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // ---------- search ----------
  const searchInput = document.getElementById("search");
  const results = document.getElementById("search-results");
  const names = data.nodes.map((n) => ({
    id: n.id, keys: [n.label, ...n.aliases].map(fold),
  }));
  function matches(query) {
    const q = fold(query.trim());
    if (!q) return [];
    const found = [];
    for (const entry of names) {
      const at = Math.min(...entry.keys.map((k) => { const i = k.indexOf(q); return i < 0 ? 1e9 : i; }));
      if (at < 1e9) found.push([at, byId.get(entry.id).label, entry.id]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    return found.slice(0, 12).map((f) => f[2]);
  }
  function renderResults() {
    const ids = matches(searchInput.value);
    results.replaceChildren(...ids.map((id) => {
      const button = el("button", null, byId.get(id).label + " ",
        el("small", null, "(" + byId.get(id).cls + ")"));
      button.type = "button";
      button.addEventListener("click", () => focusNode(id));
      return el("li", null, button);
    }));
    if (searchInput.value.trim() && !ids.length) results.replaceChildren(el("li", "hint", "No match."));
    return ids;
  }
  searchInput.addEventListener("input", renderResults);
  searchInput.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const ids = renderResults();
    if (ids.length) focusNode(ids[0]);
  });

  updateCounts();
  if (data.centre) showNode(data.centre);
})();
