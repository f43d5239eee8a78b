// folio's search page. Plain script, no dependencies, nothing fetched but
// this server's own API. Document text is only ever inserted with
// textContent (through `el`); the one HTML inserted is the server's
// `snippet_html`, whose text the highlighter has escaped.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const FILTERS = [
    // facet name in the response, URL/API parameter, heading
    ["topic", "topic", "Topic"],
    ["author", "author", "Author"],
    ["year", "year", "Year"],
    ["language", "lang", "Language"],
    ["doc", "doc", "Document"],
    ["kind", "kind", "Kind"],
  ];
  const FORMATS = {
    pandoc: { format: "pandoc", label: "pandoc" },
    typst: { format: "typst", label: "Typst" },
    latex: { format: "latex", label: "LaTeX" },
    apa: { format: "text", style: "apa", label: "APA" },
    chicago: { format: "text", style: "chicago-author-date", label: "Chicago" },
    oscola: { format: "text", style: "oscola", label: "OSCOLA" },
  };
  const PAGE = 20;
  const FACET_SHOWN = 8;

  const state = { topics: {}, docs: {}, hits: [], total: 0, controller: null, generation: null, typing: null, open: new Set() };

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  async function getJSON(url, signal) {
    const r = await fetch(url, { signal, headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error((body && body.error && body.error.message) || `${r.status} ${r.statusText}`);
    return body;
  }

  // ---- URL state -------------------------------------------------------

  function params() {
    return new URLSearchParams(location.search);
  }

  function apiQuery(p, offset) {
    const q = new URLSearchParams();
    q.set("q", p.get("q") || "");
    for (const [, name] of FILTERS) for (const v of p.getAll(name)) q.append(name, v);
    q.set("limit", String(PAGE));
    if (offset) q.set("offset", String(offset));
    return q;
  }

  function setURL(p, push) {
    const s = p.toString();
    const url = s ? `/?${s}` : "/";
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  function toggleFilter(name, value) {
    const p = params();
    const values = p.getAll(name);
    p.delete(name);
    if (name === "year") {
      if (!values.includes(value)) p.set(name, value);
    } else {
      const next = values.includes(value) ? values.filter((v) => v !== value) : values.concat([value]);
      for (const v of next) p.append(name, v);
    }
    p.delete("read");
    setURL(p, true);
    search();
  }

  // ---- searching -------------------------------------------------------

  async function search(offset = 0) {
    const p = params();
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    $("results").setAttribute("aria-busy", "true");
    try {
      const res = await getJSON(`/api/search?${apiQuery(p, offset)}`, controller.signal);
      if (offset === 0) state.hits = [];
      state.hits = state.hits.concat(res.hits);
      state.total = res.total;
      render(res, p, offset);
    } catch (e) {
      if (e.name === "AbortError") return;
      $("summary").textContent = `Search failed: ${e.message}`;
      $("hits").replaceChildren();
    } finally {
      if (state.controller === controller) $("results").removeAttribute("aria-busy");
    }
  }

  function render(res, p, offset) {
    const q = p.get("q") || "";
    const shown = state.hits.length;
    $("summary").textContent = res.total === 0
      ? (q ? `No passages match “${q}”.` : "No passages match these filters.")
      : `${plural(res.total, "passage")}${q ? ` for “${q}”` : ""}; showing ${shown}.`;
    $("notes").replaceChildren(...res.notes.map((n) => el("li", {}, n)));
    const list = $("hits");
    if (offset === 0) list.replaceChildren();
    res.hits.forEach((h, i) => list.append(hitItem(h, offset + i)));
    $("more").hidden = shown >= res.total;
    renderFacets(res.facets, p);
    renderActive(p);
    loadCitations(res.hits);
  }

  function label(facet, value) {
    if (facet === "topic") return state.topics[value] ? state.topics[value].label : value;
    if (facet === "doc") return state.docs[value] || value;
    return value;
  }

  function hitItem(h, index) {
    const p = h.passage;
    const where = [p.citation.locator, p.section ? `“${p.section}”` : null, p.pages && p.pages.length ? `page ${p.pages.join("–")}` : null].filter(Boolean).join(" · ");
    const byline = [p.authors.map(shortName).join("; "), p.year].filter(Boolean).join(", ");
    const snippet = el("p", { class: "snippet" });
    // Escaped by the server's highlighter: text, with <mark> around the matches.
    snippet.innerHTML = h.snippet_html;
    const copy = el("button", { type: "button", class: "copy", "data-id": p.id, disabled: true, "aria-label": `Copy citation of ${p.title}` }, "Copy citation");
    copy.addEventListener("click", () => copyCitation(copy));
    const read = el("button", { type: "button", class: "read", "aria-label": `Read ${p.title} at this passage` }, "Read in document");
    read.addEventListener("click", () => openReader(p.id, p.doc, true));
    const item = el("li", { class: "hit", tabindex: "0", "data-id": p.id, "data-index": index, "aria-label": `${p.title}${byline ? ", " + byline : ""}` },
      el("h2", { class: "title" }, p.title || p.doc),
      el("p", { class: "meta" }, byline ? el("span", {}, byline) : null, where ? el("span", { class: "where" }, where) : null),
      snippet,
      el("div", { class: "chips" }, p.topics.map((t) => chip(t))),
      el("div", { class: "actions" }, copy, read, el("span", { class: "citation-preview", "aria-hidden": "true" })));
    return item;
  }

  function plural(n, noun) {
    return `${n} ${noun}${n === 1 ? "" : "s"}`;
  }

  function shortName(a) {
    const i = a.indexOf(",");
    return i > 0 ? a.slice(0, i) : a;
  }

  function chip(topic) {
    const t = state.topics[topic];
    const tip = t && t.description ? t.description : "";
    const id = `tip-${Math.random().toString(36).slice(2)}`;
    const b = el("button", { type: "button", class: "chip", "data-topic": topic, "aria-describedby": tip ? id : null, title: tip || null },
      label("topic", topic), tip ? el("span", { class: "tip", role: "tooltip", id }, tip) : null);
    b.addEventListener("click", () => toggleFilter("topic", topic));
    return b;
  }

  // ---- facets ----------------------------------------------------------

  function renderFacets(facets, p) {
    const groups = [];
    for (const [facet, param, heading] of FILTERS) {
      const counts = Object.entries(facets[facet] || {}).filter(([, n]) => n > 0);
      if (!counts.length) continue;
      counts.sort((a, b) => (facet === "year" ? b[0].localeCompare(a[0]) : b[1] - a[1] || a[0].localeCompare(b[0])));
      const active = p.getAll(param);
      const open = state.open.has(facet);
      const shown = open ? counts : counts.slice(0, FACET_SHOWN);
      const list = el("ul", { class: "facet-values" }, shown.map(([value, n]) => {
        const on = active.includes(value);
        const b = el("button", { type: "button", class: "facet", "aria-pressed": on ? "true" : "false", "data-facet": param, "data-value": value },
          el("span", { class: "facet-label" }, label(facet, value)), el("span", { class: "count", "aria-label": `${n} passages` }, String(n)));
        b.addEventListener("click", () => toggleFilter(param, value));
        return el("li", {}, b);
      }));
      const more = counts.length > FACET_SHOWN
        ? el("button", { type: "button", class: "facet-more", "aria-expanded": open ? "true" : "false", onclick: () => { open ? state.open.delete(facet) : state.open.add(facet); renderFacets(facets, params()); } }, open ? "Fewer" : `All ${counts.length}`)
        : null;
      groups.push(el("section", { class: "facet-group", "aria-labelledby": `facet-${facet}` }, el("h2", { id: `facet-${facet}` }, heading), list, more));
    }
    $("facet-groups").replaceChildren(...groups);
  }

  function renderActive(p) {
    const chips = [];
    for (const [facet, param, heading] of FILTERS) {
      for (const v of p.getAll(param)) {
        chips.push(el("button", { type: "button", class: "active-filter", "aria-label": `Remove filter ${heading}: ${label(facet, v)}`, onclick: () => toggleFilter(param, v) }, `${heading}: ${label(facet, v)} ✕`));
      }
    }
    $("active-filters").replaceChildren(...chips);
  }

  // ---- citations -------------------------------------------------------

  function citeURL(id) {
    const f = FORMATS[$("cite-format").value] || FORMATS.pandoc;
    const q = new URLSearchParams({ format: f.format });
    if (f.style) q.set("style", f.style);
    return `/api/cite/${encodeURIComponent(id)}?${q}`;
  }

  async function loadCitations(hits) {
    const format = $("cite-format").value;
    await Promise.all(hits.map(async (h) => {
      const button = document.querySelector(`.hit[data-id="${CSS.escape(h.passage.id)}"] .copy`);
      if (!button) return;
      try {
        const r = await fetch(citeURL(h.passage.id), { headers: { Accept: "text/plain" } });
        if (!r.ok) throw new Error(String(r.status));
        const text = (await r.text()).trim();
        if ($("cite-format").value !== format) return;
        button.dataset.citation = text;
        button.dataset.format = format;
        button.disabled = false;
        button.title = text;
        const preview = button.parentElement.querySelector(".citation-preview");
        if (preview) preview.textContent = text.split("\n")[0];
      } catch (e) {
        button.title = "The citation could not be loaded";
      }
    }));
  }

  async function copyCitation(button) {
    const text = button.dataset.citation;
    if (!text) return;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (e) {
      // Without a secure context (a LAN address), fall back to a selection.
      const area = el("textarea", { class: "visually-hidden", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      area.remove();
    }
    button.dataset.copied = ok ? "true" : "false";
    toast(ok ? `Copied: ${text.split("\n")[0]}` : "Copying failed: select the citation in the button's tooltip");
  }

  let toastTimer = null;
  function toast(message) {
    const t = $("toast");
    t.textContent = message;
    t.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => t.classList.remove("show"), 2500);
  }

  // ---- reader ----------------------------------------------------------

  async function openReader(id, doc, push) {
    const dialog = $("reader");
    try {
      const d = await getJSON(`/api/documents/${encodeURIComponent(doc)}`);
      const info = d.document;
      $("reader-title").textContent = info.title || info.key;
      $("reader-meta").textContent = [info.authors.map(shortName).join("; "), info.year, info.path].filter(Boolean).join(" · ");
      const body = [];
      let section = null;
      for (const p of d.passages) {
        const s = p.section_path.map((h) => (h.number ? `${h.number} ${h.text}` : h.text)).join(" › ");
        if (s && s !== section) body.push(el("h3", { class: "reader-section" }, s));
        section = s;
        const loc = [p.citation.locator, p.pages && p.pages.length ? `page ${p.pages.join("–")}` : null, p.kind !== "body" ? p.kind : null].filter(Boolean).join(" · ");
        body.push(el("div", { class: p.id === id ? "reader-passage current" : "reader-passage", id: `p-${p.id}`, tabindex: p.id === id ? "-1" : null },
          el("p", { class: "loc" }, loc), el("p", {}, p.text)));
      }
      $("reader-body").replaceChildren(...body);
      if (!dialog.open) dialog.showModal();
      const current = document.getElementById(`p-${id}`);
      if (current) {
        current.scrollIntoView({ block: "center" });
        current.focus({ preventScroll: true });
      }
      const p = params();
      p.set("read", id);
      setURL(p, push);
    } catch (e) {
      toast(`Cannot open the document: ${e.message}`);
    }
  }

  function closeReader() {
    const p = params();
    if (p.has("read")) {
      p.delete("read");
      setURL(p, false);
    }
    const id = $("reader").dataset.from;
    const hit = id && document.querySelector(`.hit[data-id="${CSS.escape(id)}"]`);
    if (hit) hit.focus();
  }

  // ---- status ----------------------------------------------------------

  async function pollStatus() {
    let delay = 5000;
    try {
      const s = await getJSON("/api/status");
      const line = $("build-status");
      const parts = [];
      if (s.building) {
        parts.push(s.building.total ? `Indexing: ${s.building.done} of ${s.building.total} documents…` : "Indexing…");
        delay = 1000;
      } else if (!s.ready) {
        parts.push("Opening the index…");
        delay = 1000;
      }
      if (!s.ready && !state.hits.length) {
        $("summary").textContent = s.last_build && s.last_build.error
          ? "The index could not be built (see above); fix the corpus and the server tries again when it changes."
          : "The index is being built: results appear here as soon as it can answer.";
      }
      if (s.ready && !s.building) {
        parts.push(`${plural(s.documents, "document")}, ${plural(s.passages, "passage")}${s.watching ? "; watching for changes" : ""}.`);
      }
      if (s.last_build && s.last_build.error) parts.push(`Last indexing failed: ${s.last_build.error}`);
      const text = parts.join(" ");
      if (line.dataset.text !== text) {
        line.dataset.text = text;
        line.replaceChildren(...[el("span", {}, text), problems(s.problems)].filter(Boolean));
        measureHeader();
      }
      if (s.ready && s.generation !== state.generation) {
        const first = state.generation === null;
        state.generation = s.generation;
        await loadLabels();
        if (!first || !state.hits.length) search();
      }
    } catch (e) {
      delay = 3000;
    }
    setTimeout(pollStatus, delay);
  }

  /** The sticky header's height, for the sticky sidebar and scrolling into view. */
  function measureHeader() {
    document.documentElement.style.setProperty("--header-h", `${document.querySelector(".top").offsetHeight}px`);
  }

  function problems(list) {
    if (!list || !list.length) return null;
    return el("details", { class: "problems" }, el("summary", {}, `${list.length} file${list.length === 1 ? "" : "s"} with problems`),
      el("ul", {}, list.map((w) => el("li", {}, el("code", {}, w.path), ": ", w.message))));
  }

  async function loadLabels() {
    try {
      const [t, d] = await Promise.all([getJSON("/api/topics"), getJSON("/api/documents")]);
      state.topics = Object.fromEntries(t.topics.map((x) => [x.id, x]));
      state.docs = Object.fromEntries(d.documents.map((x) => [x.key, x.title || x.key]));
    } catch (e) {
      // Labels are a nicety: ids show instead.
    }
  }

  // ---- keyboard --------------------------------------------------------

  function hits() {
    return Array.from(document.querySelectorAll(".hit"));
  }

  function onKey(e) {
    const target = e.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (e.key === "/" && !typing && !$("reader").open) {
      e.preventDefault();
      $("q").focus();
      $("q").select();
      return;
    }
    const list = hits();
    const hit = target.closest && target.closest(".hit");
    if (e.key === "ArrowDown" && (target === $("q") || hit)) {
      e.preventDefault();
      const i = hit ? list.indexOf(hit) + 1 : 0;
      if (list[i]) list[i].focus();
    } else if (e.key === "ArrowUp" && hit) {
      e.preventDefault();
      const i = list.indexOf(hit) - 1;
      if (i >= 0) list[i].focus();
      else $("q").focus();
    } else if (e.key === "Enter" && hit === target) {
      e.preventDefault();
      copyCitation(hit.querySelector(".copy"));
    } else if ((e.key === "r" || e.key === "R") && hit === target && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      $("reader").dataset.from = hit.dataset.id;
      hit.querySelector(".read").click();
    }
  }

  // ---- start -----------------------------------------------------------

  function start() {
    const p = params();
    $("q").value = p.get("q") || "";
    try {
      const saved = localStorage.getItem("folio.cite");
      if (saved && FORMATS[saved]) $("cite-format").value = saved;
    } catch (e) { /* no storage: the default format */ }
    $("q").addEventListener("input", () => {
      clearTimeout(state.typing);
      state.typing = setTimeout(() => {
        const p = params();
        const q = $("q").value;
        if (q) p.set("q", q); else p.delete("q");
        setURL(p, false);
        search();
      }, 120);
    });
    $("search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(state.typing);
      const p = params();
      p.set("q", $("q").value);
      setURL(p, true);
      search();
    });
    $("cite-format").addEventListener("change", () => {
      try { localStorage.setItem("folio.cite", $("cite-format").value); } catch (e) { /* ignore */ }
      for (const b of document.querySelectorAll(".copy")) { b.disabled = true; delete b.dataset.citation; }
      loadCitations(state.hits);
    });
    $("more").addEventListener("click", () => search(state.hits.length));
    $("filters-toggle").addEventListener("click", () => {
      const open = $("filters-toggle").getAttribute("aria-expanded") !== "true";
      $("filters-toggle").setAttribute("aria-expanded", String(open));
      document.body.classList.toggle("filters-open", open);
    });
    $("reader-close").addEventListener("click", () => $("reader").close());
    $("reader").addEventListener("close", closeReader);
    window.addEventListener("popstate", () => {
      $("q").value = params().get("q") || "";
      if ($("reader").open && !params().has("read")) $("reader").close();
      search();
    });
    document.addEventListener("keydown", onKey);
    measureHeader();
    window.addEventListener("resize", measureHeader);
    pollStatus();
    const read = p.get("read");
    if (read) {
      getJSON(`/api/passages/${encodeURIComponent(read)}`).then((s) => openReader(read, s.passage.doc, false)).catch((e) => toast(e.message));
    }
  }

  start();
})();
