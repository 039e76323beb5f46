// Walk Beside player: scenarios, self-checks, reflections and self-care tools.
//
// One file, two hosts:
//  - JupyterLab: loaded by anywidget as an ES module (`export default { render }`); the model is
//    the live widget model and Python records progress.
//  - Offline HTML: inlined into a page after the payload; `mountStatic()` gives `render` a small
//    model that keeps state in the browser's localStorage. No network, no dependencies.
// All content is inserted with textContent, never innerHTML, so scenario text is always text.

const PRINCIPLES_NOTE = "SAMHSA trauma-informed principles";

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

let uid = 0;
const nextId = (prefix) => `wb-${prefix}-${++uid}-${Math.random().toString(36).slice(2, 7)}`;

function liveRegion() {
  return h("div", { class: "wb-visually-hidden", "aria-live": "polite", role: "status" });
}

function announce(region, text) {
  // Clear first so repeated identical messages are still read out.
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 30);
}

// ---------------------------------------------------------------- scenario

function scenarioPosition(data, path) {
  const nodes = new Map(data.nodes.map((n) => [n.id, n]));
  const endings = new Map(data.endings.map((e) => [e.id, e]));
  const steps = [];
  let current = data.nodes[0];
  for (const index of path) {
    const choice = current && current.choices[index];
    if (!choice) break;
    steps.push({ node: current, choice });
    if (endings.has(choice.goes_to)) return { steps, ending: endings.get(choice.goes_to), node: null };
    current = nodes.get(choice.goes_to);
  }
  return { steps, ending: null, node: current };
}

function renderScenario(model, el) {
  const data = model.get("payload");
  const titleId = nextId("title");
  const live = liveRegion();
  const root = h("section", { class: "wb wb-scenario", "aria-labelledby": titleId });
  const body = h("div", { class: "wb-body" });
  root.append(
    h("p", { class: "wb-kicker", text: "Practice scenario" }),
    h("h3", { class: "wb-title", id: titleId, text: data.title }),
    h("p", { class: "wb-composite", text: data.composite_note }),
    h("dl", { class: "wb-setup" },
      h("dt", { text: "Your mentee" }), h("dd", { text: data.setup.mentee }),
      h("dt", { text: "Matched for" }), h("dd", { text: data.setup.matched_for }),
      h("dt", { text: "Where you are" }), h("dd", { text: data.setup.where })),
    body,
    live,
  );
  el.replaceChildren(root);

  const state = () => Object.assign({ path: [], endings: [] }, model.get("state") || {});

  function update(next, focus) {
    model.set("state", next);
    model.save_changes();
    draw(focus);
  }

  function choose(index) {
    const s = state();
    const pos = scenarioPosition(data, s.path);
    const choice = pos.node.choices[index];
    const path = [...s.path, index];
    const after = scenarioPosition(data, path);
    const endings = after.ending && !s.endings.includes(after.ending.id) ? [...s.endings, after.ending.id] : s.endings;
    update({ ...s, path, endings }, true);
    announce(live, `You chose: ${choice.label} ${choice.consequence}`);
  }

  function draw(focus) {
    const s = state();
    const pos = scenarioPosition(data, s.path);
    const story = h("ol", { class: "wb-story", "aria-label": "The story so far" });
    for (const step of pos.steps) {
      story.append(h("li", { class: "wb-step" },
        h("p", { class: "wb-situation", text: step.node.situation }),
        step.node.mentee_says ? h("blockquote", { class: "wb-says" }, h("p", { text: step.node.mentee_says })) : null,
        h("p", { class: "wb-you-chose" }, h("strong", { text: "You chose: " }), step.choice.label),
        h("p", { class: "wb-consequence", text: step.choice.consequence })));
    }
    const focusId = nextId("now");
    let current;
    if (pos.ending) {
      const e = pos.ending;
      const outcome = { helpful: "How this went: this helped", mixed: "How this went: mixed", backfired: "How this went: this backfired" }[e.outcome] || "";
      current = h("div", { class: `wb-ending wb-outcome-${e.outcome}` },
        h("h4", { id: focusId, tabindex: "-1", text: `Ending: ${e.title}` }),
        h("p", { class: "wb-outcome", text: outcome }),
        h("p", { class: "wb-ending-story", text: e.story }),
        h("div", { class: "wb-debrief" },
          h("h5", { text: "Debrief: why it went this way" }),
          h("p", { text: e.debrief }),
          e.concepts && e.concepts.length ? h("p", { class: "wb-tags" }, h("strong", { text: "Ideas from this module: " }), e.concepts.join(", ")) : null,
          e.principles && e.principles.length ? h("p", { class: "wb-tags" }, h("strong", { text: `${PRINCIPLES_NOTE}: ` }), e.principles.join("; ")) : null));
    } else if (pos.node) {
      const n = pos.node;
      const groupLabel = nextId("q");
      current = h("div", { class: "wb-now" },
        h("h4", { id: focusId, tabindex: "-1", text: s.path.length ? "What happens next" : "The situation" }),
        h("p", { class: "wb-situation", text: n.situation }),
        n.mentee_says ? h("blockquote", { class: "wb-says" }, h("p", { text: n.mentee_says })) : null,
        h("p", { class: "wb-prompt", id: groupLabel, text: "What do you do?" }),
        h("div", { class: "wb-choices", role: "group", "aria-labelledby": groupLabel },
          n.choices.map((c, i) => h("button", { type: "button", class: "wb-choice", onclick: () => choose(i) }, c.label))));
    }
    const total = data.endings.length;
    const controls = h("div", { class: "wb-controls" },
      h("button", { type: "button", class: "wb-secondary", disabled: s.path.length === 0,
        onclick: () => { update({ ...s, path: s.path.slice(0, -1) }, true); announce(live, "Stepped back one choice."); } }, "Step back one choice"),
      h("button", { type: "button", class: "wb-secondary", disabled: s.path.length === 0,
        onclick: () => { update({ ...s, path: [] }, true); announce(live, "Started again from the beginning."); } }, "Start again"));
    const tally = h("p", { class: "wb-tally", text: `Endings you have reached: ${s.endings.filter((id) => data.endings.some((e) => e.id === id)).length} of ${total}. Try other choices to see where they lead.` });
    body.replaceChildren(pos.steps.length ? story : "", current || "", controls, tally);
    if (focus) {
      const target = body.querySelector(`#${focusId}`);
      if (target) target.focus();
    }
  }

  draw(false);
  model.on("change:state", () => draw(false));
}

// ---------------------------------------------------------------- self-check

function renderSelfCheck(model, el) {
  const data = model.get("payload");
  const titleId = nextId("title");
  const root = h("section", { class: "wb wb-self-check", "aria-labelledby": titleId });
  const tally = h("p", { class: "wb-tally", role: "status" });
  root.append(
    h("p", { class: "wb-kicker", text: "Check yourself (not graded)" }),
    h("h3", { class: "wb-title", id: titleId, text: "Self-check" }),
    data.intro ? h("p", { text: data.intro }) : null);
  const answers = () => Object.assign({}, (model.get("state") || {}).answers || {});

  data.questions.forEach((q, qi) => {
    const name = nextId(`q${qi}`);
    const legendId = nextId("legend");
    const feedback = h("div", { class: "wb-feedback", "aria-live": "polite" });
    const all = h("details", { class: "wb-all-feedback", hidden: true },
      h("summary", { text: "Why each option is or is not the best response" }),
      h("ul", {}, q.options.map((o) => h("li", {}, h("strong", { text: `${o.best ? "Best response" : "Not the best"}: ` }), `${o.text} — ${o.feedback}`))));
    const show = (index) => {
      const o = q.options[index];
      if (!o) return;
      feedback.replaceChildren(
        h("p", { class: o.best ? "wb-best" : "wb-not-best" },
          h("strong", { text: o.best ? "This is the strongest response. " : "There is a stronger response. " }), o.feedback));
      all.hidden = false;
    };
    const fieldset = h("fieldset", { class: "wb-question", "aria-describedby": legendId },
      h("legend", { id: legendId }, h("span", { class: "wb-qnum", text: `Question ${qi + 1} of ${data.questions.length}. ` }), q.prompt),
      q.options.map((o, oi) => {
        const id = nextId("opt");
        const input = h("input", { type: "radio", name, id, value: String(oi),
          onchange: () => {
            const next = answers();
            next[q.id] = oi;
            model.set("state", { ...(model.get("state") || {}), answers: next });
            model.save_changes();
            show(oi);
            updateTally();
          } });
        if (answers()[q.id] === oi) input.checked = true;
        return h("div", { class: "wb-option" }, input, h("label", { for: id, text: o.text }));
      }),
      feedback, all);
    root.append(fieldset);
    if (answers()[q.id] !== undefined) show(answers()[q.id]);
  });
  function updateTally() {
    const n = Object.keys(answers()).filter((id) => data.questions.some((q) => q.id === id)).length;
    tally.textContent = `You have answered ${n} of ${data.questions.length} questions.`;
  }
  root.append(tally);
  updateTally();
  el.replaceChildren(root);
}

// ---------------------------------------------------------------- reflection

function renderReflection(model, el) {
  const data = model.get("payload");
  const id = nextId("reflection");
  const status = h("p", { class: "wb-saved", role: "status", "aria-live": "polite" });
  const area = h("textarea", { id, rows: "6", class: "wb-textarea", spellcheck: "true" });
  let timer = null;
  const save = () => {
    clearTimeout(timer);
    model.send({ type: "save", key: data.key, text: area.value });
  };
  area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 600); status.textContent = "Typing…"; });
  area.addEventListener("blur", save);
  model.on("msg:custom", (msg) => {
    if (!msg || msg.key !== data.key) return;
    if (msg.type === "loaded" && !area.value) area.value = msg.text || "";
    if (msg.type === "saved") status.textContent = `Saved on this computer at ${new Date().toLocaleTimeString()}.`;
    if (msg.type === "error") status.textContent = msg.text;
  });
  const root = h("section", { class: "wb wb-reflection" },
    h("p", { class: "wb-kicker", text: "Private reflection" }),
    h("label", { for: id, class: "wb-prompt", text: data.prompt }),
    h("p", { class: "wb-private", text: "Only you can see this. It is saved on this computer only: it is never sent, collected, graded or included in any export." }),
    area, status,
    model.download ? h("button", { type: "button", class: "wb-secondary", onclick: () => model.download() }, "Download my reflections") : null);
  el.replaceChildren(root);
  model.send({ type: "load", key: data.key });
}

// ---------------------------------------------------------------- self-care check-in

function renderCheckIn(model, el) {
  const data = model.get("payload");
  const scale = data.scale;
  const titleId = nextId("title");
  const answers = {};
  const result = h("div", { class: "wb-feedback", "aria-live": "polite" });
  const history = h("div", { class: "wb-history" });
  const form = h("form", { class: "wb-checkin-form", onsubmit: (ev) => { ev.preventDefault(); submit(); } });
  const groups = (data.items || []).concat(data.positive_items || []);
  groups.forEach((item, i) => {
    const name = nextId(`ci${i}`);
    const legend = nextId("legend");
    form.append(h("fieldset", { class: "wb-question", "aria-describedby": legend },
      h("legend", { id: legend, text: item.text }),
      h("div", { class: "wb-scale" }, scale.map((label, value) => {
        const id = nextId("sc");
        return h("span", { class: "wb-option" },
          h("input", { type: "radio", name, id, value: String(value), onchange: () => { answers[item.id] = value; } }),
          h("label", { for: id, text: label }));
      }))));
  });
  form.append(h("button", { type: "submit", class: "wb-choice" }, "See my check-in"));

  function band(total, key = "bands") {
    return (data[key] || []).find((b) => total >= b.min && total <= b.max);
  }
  function submit() {
    const missing = groups.filter((item) => answers[item.id] === undefined).length;
    if (missing) { result.replaceChildren(h("p", { text: `Please answer every statement (${missing} left). There are no right or wrong answers.` })); return; }
    const total = (data.items || []).reduce((sum, item) => sum + answers[item.id], 0);
    const positive = (data.positive_items || []).reduce((sum, item) => sum + answers[item.id], 0);
    const b = band(total);
    const entry = { date: new Date().toISOString().slice(0, 10), total, positive, answers: { ...answers } };
    model.send({ type: "save-check-in", key: data.key, entry });
    result.replaceChildren(
      h("p", {}, h("strong", { text: `Your total today: ${total} of ${(data.items || []).length * (scale.length - 1)}. ` }), b ? b.text : ""),
      data.positive_items && data.positive_items.length ? h("p", {}, h("strong", { text: `The good side of this work: ${positive} of ${data.positive_items.length * (scale.length - 1)}. ` }), (band(positive, "positive_bands") || {}).text || "") : null,
      h("p", { class: "wb-private", text: data.not_a_measure }));
  }
  model.on("msg:custom", (msg) => {
    if (!msg || msg.key !== data.key || msg.type !== "check-in-history") return;
    const rows = msg.entries || [];
    history.replaceChildren(rows.length
      ? h("table", { class: "wb-table" },
          h("caption", { text: "Your earlier check-ins (stored only on this computer)" }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Date" }), h("th", { scope: "col", text: "Total" }), h("th", { scope: "col", text: "Good side" }))),
          h("tbody", {}, rows.map((r) => h("tr", {}, h("td", { text: r.date }), h("td", { text: String(r.total) }), h("td", { text: String(r.positive ?? "") })))))
      : h("p", { text: "No earlier check-ins yet. Come back in a few weeks and compare." }));
  });
  el.replaceChildren(h("section", { class: "wb wb-check-in", "aria-labelledby": titleId },
    h("p", { class: "wb-kicker", text: "Private check-in" }),
    h("h3", { class: "wb-title", id: titleId, text: data.title || "How am I doing?" }),
    data.intro ? h("p", { text: data.intro }) : null,
    h("p", { class: "wb-private", text: "Your answers are stored only on this computer. They are never sent, collected or exported." }),
    form, result, history));
  model.send({ type: "load-check-ins", key: data.key });
}

// ---------------------------------------------------------------- self-care plan

function renderPlan(model, el) {
  const data = model.get("payload");
  const titleId = nextId("title");
  const areas = {};
  const status = h("p", { class: "wb-saved", role: "status", "aria-live": "polite" });
  const save = () => {
    const plan = Object.fromEntries(Object.entries(areas).map(([k, a]) => [k, a.value]));
    model.send({ type: "save-plan", key: data.key, plan });
  };
  const sections = data.sections.map((s) => {
    const id = nextId("plan");
    const area = h("textarea", { id, rows: "4", class: "wb-textarea", onblur: save });
    areas[s.id] = area;
    return h("div", { class: "wb-plan-section" },
      h("label", { for: id, class: "wb-prompt", text: s.title }),
      h("p", { text: s.prompt }),
      s.examples && s.examples.length ? h("p", { class: "wb-examples", text: `For example: ${s.examples.map((x) => x.replace(/[.\s]+$/, "")).join("; ")}.` }) : null,
      area);
  });
  model.on("msg:custom", (msg) => {
    if (!msg || msg.key !== data.key) return;
    if (msg.type === "plan-loaded") for (const [k, v] of Object.entries(msg.plan || {})) if (areas[k] && !areas[k].value) areas[k].value = v;
    if (msg.type === "plan-saved") status.textContent = `Plan saved on this computer at ${new Date().toLocaleTimeString()}.`;
  });
  el.replaceChildren(h("section", { class: "wb wb-plan", "aria-labelledby": titleId },
    h("p", { class: "wb-kicker", text: "My self-care plan" }),
    h("h3", { class: "wb-title", id: titleId, text: data.title || "My self-care plan" }),
    h("p", { class: "wb-private", text: "Private: saved only on this computer. Print it or keep it somewhere you will see it." }),
    sections,
    h("div", { class: "wb-controls" },
      h("button", { type: "button", class: "wb-choice", onclick: save }, "Save my plan"),
      h("button", { type: "button", class: "wb-secondary", onclick: () => printPlan(data, areas) }, "Print my plan")),
    status));
  model.send({ type: "load-plan", key: data.key });
}

function printPlan(data, areas) {
  const win = window.open("", "_blank");
  if (!win) { window.print(); return; }
  const doc = win.document;
  doc.title = data.title || "My self-care plan";
  doc.body.append(h("h1", { text: doc.title }));
  for (const s of data.sections) {
    doc.body.append(h("h2", { text: s.title }), h("p", { text: areas[s.id].value || "—" }));
  }
  win.print();
}

// ---------------------------------------------------------------- hosts

const RENDERERS = { scenario: renderScenario, self_check: renderSelfCheck, reflection: renderReflection, check_in: renderCheckIn, plan: renderPlan };

function render({ model, el }) {
  const kind = (model.get("payload") || {}).kind;
  const renderer = RENDERERS[kind];
  if (!renderer) { el.textContent = `Walk Beside: unknown activity type ${kind}.`; return; }
  renderer(model, el);
}

// A model for pages with no kernel: state lives in localStorage, messages are answered here.
function staticModel(payload) {
  const store = (() => { try { const k = "__wb_test__"; localStorage.setItem(k, k); localStorage.removeItem(k); return localStorage; } catch (e) { return null; } })();
  const memory = {};
  const read = (key, fallback) => { try { const v = store ? store.getItem(key) : memory[key]; return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; } };
  const write = (key, value) => { const v = JSON.stringify(value); if (store) { try { store.setItem(key, v); return true; } catch (e) { /* full or blocked */ } } memory[key] = v; return !!store; };
  const stateKey = `walkbeside:${payload.kind}:${payload.key}`;
  const listeners = {};
  let state = read(stateKey, {});
  const emit = (event, msg) => (listeners[event] || []).forEach((cb) => setTimeout(() => cb(msg), 0));
  const model = {
    get: (name) => (name === "payload" ? payload : name === "state" ? state : undefined),
    set: (name, value) => { if (name === "state") state = value; },
    save_changes: () => { write(stateKey, state); },
    on: (event, cb) => { (listeners[event] = listeners[event] || []).push(cb); },
    send: (msg) => {
      const key = `walkbeside:reflection:${msg.key}`;
      if (msg.type === "load") emit("msg:custom", { type: "loaded", key: msg.key, text: read(key, "") });
      if (msg.type === "save") emit("msg:custom", write(key, msg.text) ? { type: "saved", key: msg.key } : { type: "error", key: msg.key, text: "This browser is not keeping your words (private mode?). Use 'Download my reflections' before you close the page." });
      if (msg.type === "load-check-ins") emit("msg:custom", { type: "check-in-history", key: msg.key, entries: read(`walkbeside:check-in:${msg.key}`, []) });
      if (msg.type === "save-check-in") { const all = read(`walkbeside:check-in:${msg.key}`, []); all.push(msg.entry); write(`walkbeside:check-in:${msg.key}`, all); emit("msg:custom", { type: "check-in-history", key: msg.key, entries: all }); }
      if (msg.type === "load-plan") emit("msg:custom", { type: "plan-loaded", key: msg.key, plan: read(`walkbeside:plan:${msg.key}`, {}) });
      if (msg.type === "save-plan") { write(`walkbeside:plan:${msg.key}`, msg.plan); emit("msg:custom", { type: "plan-saved", key: msg.key }); }
    },
  };
  if (payload.kind === "reflection") model.download = () => downloadReflections(read);
  return model;
}

function downloadReflections(read) {
  const lines = ["My Walk Beside reflections", `Saved ${new Date().toLocaleString()}`, ""];
  document.querySelectorAll("[data-walkbeside]").forEach((mount) => {
    const payload = JSON.parse(mount.getAttribute("data-walkbeside"));
    if (payload.kind !== "reflection") return;
    lines.push(payload.prompt, read(`walkbeside:reflection:${payload.key}`, "") || "(not written yet)", "");
  });
  const blob = new Blob([lines.join("\n")], { type: "text/plain" });
  const link = h("a", { href: URL.createObjectURL(blob), download: "my-walk-beside-reflections.txt" });
  document.body.append(link);
  link.click();
  link.remove();
}

// Mount every not-yet-mounted activity on an offline page. Safe to call more than once.
function mountStatic(scope) {
  (scope || document).querySelectorAll("[data-walkbeside]:not([data-wb-mounted])").forEach((mount) => {
    mount.setAttribute("data-wb-mounted", "");
    // The printable text version stays for print; on screen the live player replaces it.
    if (mount.parentElement && mount.parentElement.classList.contains("wb-activity")) mount.parentElement.classList.add("wb-js");
    const payload = JSON.parse(mount.getAttribute("data-walkbeside"));
    render({ model: staticModel(payload), el: mount });
  });
}

globalThis.WalkBeside = { render, mountStatic };

export default { render };
