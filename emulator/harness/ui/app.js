// The inspector: reads the control plane, listens to /_emulator/feed, draws what the emulator did.
// Plain DOM, no library; text goes in through textContent only (bodies and messages are user data).
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token");
const KEPT_REQUESTS = 500;
const TRACK_NAMES = { 0: "Video", 1: "BGM", 7: "Title" };

const state = {
  overview: null,
  sessionId: null,
  session: null,
  requests: [],
  openRequest: null,
  faults: [],
  errors: [],
  openDetails: new Set(),
};

// -- small helpers ---------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function withToken(path) {
  if (!TOKEN) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
}

async function api(path, options = {}) {
  const headers = {};
  if (TOKEN) headers.Authorization = "Bearer " + TOKEN;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method: options.method || (options.body !== undefined ? "POST" : "GET"),
    headers,
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  const failed = body && typeof body.code === "number" && body.code !== 0 && "message" in body;
  if (!response.ok || failed) {
    const message = (body && (body.message || body.msg)) || `HTTP ${response.status}`;
    throw new Error(body && body.code ? `${message} (code ${body.code})` : message);
  }
  return body;
}

function problem(where, error) {
  $(where).textContent = error ? String(error.message || error) : "";
}

function iso(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

function span(seconds) {
  const s = Math.abs(Math.round(seconds));
  const parts = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];
  const out = [];
  let rest = s;
  for (const [size, unit] of parts) {
    if (rest >= size && out.length < 2) {
      out.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return out.length ? out.join(" ") : "0 s";
}

function pretty(text) {
  if (!text) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (_) {
    return text;
  }
}

const timers = new Map();
function soon(name, fn, ms = 150) {
  if (timers.has(name)) return;
  timers.set(name, setTimeout(() => {
    timers.delete(name);
    fn().catch((error) => problem("problem", error));
  }, ms));
}

// -- tabs ------------------------------------------------------------------------------------------------------

const TABS = ["overview", "session", "requests", "faults", "errors"];

function show(view) {
  for (const name of TABS) {
    const tab = $("tab-" + name);
    const selected = name === view;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(name).hidden = !selected;
  }
  if (location.hash !== "#" + view) history.replaceState(null, "", location.pathname + location.search + "#" + view);
}

function setUpTabs() {
  for (const name of TABS) {
    const tab = $("tab-" + name);
    tab.addEventListener("click", () => show(name));
    tab.addEventListener("keydown", (event) => {
      const i = TABS.indexOf(name);
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        const next = TABS[(i + step + TABS.length) % TABS.length];
        show(next);
        $("tab-" + next).focus();
        event.preventDefault();
      }
    });
  }
  const wanted = location.hash.slice(1);
  show(TABS.includes(wanted) ? wanted : "overview");
}

// -- overview --------------------------------------------------------------------------------------------------

async function loadOverview() {
  state.overview = await api("/_emulator/overview");
  drawOverview();
  const sessions = state.overview.sessions;
  if (!state.sessionId && sessions.length) {
    await pickSession(sessions[sessions.length - 1].id);
  }
}

function drawClock(clock) {
  $("clock-now").textContent = clock.iso || iso(clock.now);
  const input = $("clock-to");
  if (document.activeElement !== input) input.value = iso(clock.now).slice(0, 19);
  if (clock.mode) $("clock-mode").textContent = `(${clock.mode}${clock.scale && clock.scale !== 1 ? ", ×" + clock.scale : ""})`;
  if ("next_deadline" in clock) {
    $("clock-next").textContent = clock.next_deadline ? `next timer at ${iso(clock.next_deadline)}` : "no timers waiting";
  }
  if (state.overview) Object.assign(state.overview.clock, clock);
}

function drawOverview() {
  const o = state.overview;
  drawClock(o.clock);
  const now = o.clock.now;

  const users = o.users.map((u) => {
    const live = u.tokens.filter((t) => !t.revoked);
    const latest = live.length ? Math.max(...live.map((t) => t.expires_at)) : null;
    const expiry = latest === null ? "no token" : latest <= now ? `expired ${span(now - latest)} ago` : `in ${span(latest - now)}`;
    const ledger = h("details", { class: "ledger" },
      h("summary", { text: u.anonymous ? `${u.id} (anonymous)` : `${u.email} · ${u.plan} · ${u.id}` }),
      u.ledger.length
        ? h("table", {},
            h("thead", {}, h("tr", {}, h("th", { text: "When" }), h("th", { text: "What" }), h("th", { class: "num", text: "Credits" }), h("th", { class: "hide-narrow", text: "For" }), h("th", { class: "num hide-narrow", text: "Available after" }))),
            h("tbody", {}, u.ledger.slice().reverse().map((line) =>
              h("tr", {}, h("td", { class: "mono", text: iso(line.t) }), h("td", { text: line.what }),
                h("td", { class: "num", text: line.amount }), h("td", { class: "hide-narrow", text: line.why }), h("td", { class: "num hide-narrow", text: line.available })))))
        : h("p", { class: "empty", text: "no charges yet" }));
    return h("tr", {}, h("td", {}, ledger),
      h("td", { class: "num", text: u.available }), h("td", { class: "num hide-narrow", text: u.frozen }),
      h("td", { class: "num hide-narrow", text: u.total }), h("td", { class: "num", text: u.spent }),
      h("td", { class: "hide-narrow", text: expiry }));
  });
  $("users").replaceChildren(...(users.length ? users : [h("tr", {}, h("td", { colspan: 6, class: "empty", text: "no users yet: a client's first anonymous token makes one" }))]));

  const sessions = o.sessions.slice().reverse().map((s) =>
    h("tr", {}, h("td", { class: "mono", text: s.id }), h("td", { class: "hide-narrow", text: s.task_name }), h("td", { class: "num", text: s.turns }),
      h("td", {}, h("button", { type: "button", onclick: () => { pickSession(s.id); show("session"); }, "aria-label": `Open session ${s.id}`, text: "Open" }))));
  $("sessions").replaceChildren(...(sessions.length ? sessions : [h("tr", {}, h("td", { colspan: 4, class: "empty", text: "no sessions yet" }))]));

  drawMcp(o.oauth, o.mcp_sessions);

  const settings = Object.entries(o.settings).map(([key, value]) =>
    h("tr", {}, h("th", { class: "mono", text: key }), h("td", { class: "mono", text: typeof value === "object" && value !== null ? JSON.stringify(value) : String(value) })));
  $("settings").replaceChildren(...settings);
  $("journal-state").textContent = `request journal ${o.journal.enabled ? "on" : "off"} (${o.journal.kept} kept)`;

  const pick = $("session-pick");
  const chosen = state.sessionId;
  pick.replaceChildren(...(o.sessions.length
    ? o.sessions.slice().reverse().map((s) => h("option", { value: s.id, text: `${s.id} · ${s.task_name} · ${s.turns} turn${s.turns === 1 ? "" : "s"}` }))
    : [h("option", { value: "", text: "no sessions yet" })]));
  if (chosen) pick.value = chosen;

  const kinds = $("fault-kind");
  if (!kinds.options.length) {
    kinds.replaceChildren(...o.fault_kinds.map((k) => h("option", { value: k, text: k })));
    $("fault-code").replaceChildren(...o.codes.map((c) => h("option", { value: c.code, text: `${c.code} ${c.name}` })));
    showFaultFields();
  }
}

function drawMcp(oauth, sessions) {
  const names = new Map(oauth.clients.map((c) => [c.client_id, c.client_name || c.client_id]));
  $("oauth-clients").textContent = `${oauth.clients.length} registered client${oauth.clients.length === 1 ? "" : "s"}`;
  const grants = oauth.grants.slice().reverse().map((g) =>
    h("tr", {}, h("td", { text: names.get(g.client_id) || g.client_id }), h("td", { class: "mono", text: g.user_id }),
      h("td", { class: "hide-narrow mono", text: g.scopes.join(" ") }), h("td", { class: "num", text: g.access_tokens }),
      h("td", { class: "num hide-narrow", text: g.refresh_tokens }), h("td", { class: "num hide-narrow", text: g.refreshed }),
      h("td", { text: g.revoked ? "revoked" : "active" })));
  $("oauth-grants").replaceChildren(...(grants.length ? grants : [h("tr", {}, h("td", { colspan: 7, class: "empty", text: "no sign-ins yet" }))]));
  const rows = sessions.map((s) => {
    const calls = h("details", {}, h("summary", { class: "mono", text: s.session.slice(0, 12) }),
      h("table", {}, h("tbody", {}, s.calls.slice().reverse().map((c) =>
        h("tr", {}, h("td", { class: "num", text: c.n }), h("td", { class: "mono", text: iso(c.at) }), h("td", { class: "mono", text: c.tool }),
          h("td", { text: c.code ? `error ${c.code}` : "ok" }))))));
    return h("tr", {}, h("td", {}, calls), h("td", { class: "mono", text: s.user_id }), h("td", { class: "num", text: s.count }));
  });
  $("mcp-sessions").replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 3, class: "empty", text: "no tool calls yet" }))]));
}

async function clockPost(body) {
  try {
    const clock = await api("/_emulator/clock", { body });
    drawClock(clock);
    problem("problem", null);
  } catch (error) {
    problem("problem", error);
  }
}

function setUpOverview() {
  $("clock-1m").addEventListener("click", () => clockPost({ advance: 60 }));
  $("clock-10m").addEventListener("click", () => clockPost({ advance: 600 }));
  $("clock-next-timer").addEventListener("click", () => clockPost({ next: true, timeout: 1 }));
  $("clock-set").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("clock-to").value;
    if (value) clockPost({ set: Date.parse(value + "Z") / 1000 });
  });
  let armed = null;
  $("reset").addEventListener("click", async () => {
    const button = $("reset");
    if (!armed) {
      button.textContent = "Click again to reset";
      armed = setTimeout(() => { armed = null; button.textContent = "Reset the emulator"; }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = "Reset the emulator";
    try {
      await api("/_emulator/reset", { body: {} });
    } catch (error) {
      problem("problem", error);
    }
  });
}

// -- session ---------------------------------------------------------------------------------------------------

async function pickSession(id) {
  state.sessionId = id || null;
  $("session-pick").value = id || "";
  await loadSession();
}

async function loadSession() {
  if (!state.sessionId) {
    state.session = null;
    drawSession();
    return;
  }
  try {
    state.session = await api(`/_emulator/sessions/${encodeURIComponent(state.sessionId)}`);
  } catch (error) {
    state.session = null;
    state.sessionId = null;
  }
  drawSession();
}

function drawSession() {
  const s = state.session;
  $("render").disabled = !s;
  if (!s) {
    $("session-facts").textContent = "";
    $("timeline").replaceChildren(h("p", { class: "empty", text: "pick a session" }));
    for (const id of ["uploads", "transcript", "renders"]) $(id).replaceChildren();
    return;
  }
  $("session-facts").textContent = `task ${s.task_id} · user ${s.user_id} · ${s.turns} turn${s.turns === 1 ? "" : "s"}${s.running ? " · agent working" : ""}`;
  drawTimeline(s.state.draft);
  drawUploads(s.uploads);
  drawTranscript(s.transcript);
  drawRenders(s.renders);
}

function segmentLabel(track, segment) {
  if (typeof segment.tx === "string") return segment.tx;
  const meta = segment.m || {};
  if (meta.name) return meta.name;
  if (typeof segment.src === "string") return segment.src.split("?")[0].split("/").pop();
  return TRACK_NAMES[track.tt] || `tt ${track.tt}`;
}

function tickStep(total) {
  for (const step of [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800]) if (total / step <= 12) return step;
  return 3600;
}

function drawTimeline(draft) {
  const tracks = draft && Array.isArray(draft.t) ? draft.t : [];
  if (!tracks.length) {
    $("timeline").replaceChildren(h("p", { class: "empty", text: "the draft is empty: no tracks yet" }));
    return;
  }
  let totalMs = typeof draft.d === "number" ? draft.d : 0;
  for (const track of tracks) for (const seg of track.sg || []) totalMs = Math.max(totalMs, (seg.st || 0) + (seg.d || 0));
  const total = Math.max(totalMs / 1000, 1);
  const pct = (ms) => `${(100 * ms) / 1000 / total}%`;
  const step = tickStep(total);
  const ticks = [];
  for (let t = 0; t <= total + 1e-9; t += step) {
    const tick = h("span", { class: "tick", text: `${t}s` });
    tick.style.left = `${(100 * t) / total}%`;
    ticks.push(tick);
  }
  const ruler = h("div", { class: "ruler", "aria-hidden": "true" }, h("span"), h("div", { class: "track" }, ticks));
  const lanes = tracks.map((track, i) => {
    const name = TRACK_NAMES[track.tt] || `tt ${track.tt}`;
    const segments = (track.sg || []).map((seg) => {
      const start = seg.st || 0;
      const length = seg.d || 0;
      const label = segmentLabel(track, seg);
      const facts = [`${label}`, `${(start / 1000).toFixed(1)}–${((start + length) / 1000).toFixed(1)} s`];
      const bar = h("div", { class: `segment tt-${track.tt}`, tabindex: 0 }, h("span", { class: "label", text: label }));
      if (typeof seg.v === "number") {
        facts.push(`volume ${Math.round(seg.v * 100)}%`);
        const vol = h("span", { class: "vol" });
        vol.style.height = `${Math.round(Math.min(1, seg.v) * 100)}%`;
        bar.append(vol);
      }
      for (const [key, side] of [["fi", "in"], ["fo", "out"]]) {
        if (typeof seg[key] === "number" && seg[key] > 0 && length > 0) {
          facts.push(`fade ${side} ${(seg[key] / 1000).toFixed(1)} s`);
          const fade = h("span", { class: `fade ${side}` });
          fade.style.width = `${Math.min(100, (100 * seg[key]) / length)}%`;
          bar.append(fade);
        }
      }
      bar.style.left = pct(start);
      bar.style.width = pct(length);
      bar.title = facts.join(" · ");
      bar.setAttribute("aria-label", `${name}: ${facts.join(", ")}`);
      return bar;
    });
    return h("div", { class: "lane", "data-tt": track.tt, role: "group", "aria-label": `${name} track ${i + 1}` },
      h("div", { class: "name", text: name, title: `track ${i + 1}, tt ${track.tt}` }), h("div", { class: "track" }, segments));
  });
  $("timeline").replaceChildren(h("div", { class: "timeline-inner" }, ruler, ...lanes,
    h("p", { class: "muted", text: `${(totalMs / 1000).toFixed(1)} s · ${draft.m && draft.m.width ? `${draft.m.width}×${draft.m.height}` : ""}` })));
}

function drawUploads(uploads) {
  if (!uploads.length) {
    $("uploads").replaceChildren(h("p", { class: "empty", text: "no uploads in this session" }));
    return;
  }
  $("uploads").replaceChildren(...uploads.map((u) => h("figure", { class: "upload" },
    u.thumb ? h("img", { src: withToken(`/_emulator/uploads/${encodeURIComponent(u.id)}/thumb`), alt: `first frame of ${u.filename}`, loading: "lazy" }) : null,
    h("figcaption", {},
      h("div", { class: "fname", text: u.filename, title: u.filename }),
      h("div", { class: "muted", text: [u.file_type, u.format, u.width ? `${u.width}×${u.height}` : null, u.duration ? `${u.duration.toFixed(1)} s` : null,
        u.fps ? `${u.fps} fps` : null, u.has_audio ? "audio" : null, `${(u.size / 1024).toFixed(0)} KiB`].filter(Boolean).join(" · ") })))));
}

function partsOf(event) {
  return (event && event.content && Array.isArray(event.content.parts)) ? event.content.parts : [];
}

function drawTranscript(entries) {
  const box = $("transcript");
  for (const el of box.querySelectorAll("details[data-key]")) {
    if (el.open) state.openDetails.add(el.dataset.key); else state.openDetails.delete(el.dataset.key);
  }
  if (!entries.length) {
    box.replaceChildren(h("p", { class: "empty", text: "no turns yet" }));
    return;
  }
  const turns = new Map();
  for (const entry of entries) {
    if (!turns.has(entry.turn)) turns.set(entry.turn, []);
    turns.get(entry.turn).push(entry);
  }
  const blocks = [];
  for (const [number, items] of turns) blocks.push(drawTurn(number, items));
  box.replaceChildren(...blocks);
}

function drawTurn(number, items) {
  const start = items[0].t;
  const last = items[items.length - 1].t;
  const end = Math.max(last, start + 1);
  const body = [];
  const calls = new Map();
  const marks = [];
  let ended = null;
  for (const item of items) {
    const at = ((item.t - start) / (end - start)) * 100;
    if (item.kind === "user") {
      body.push(h("div", { class: "bubble user", text: item.text || "(empty message)" }));
    } else if (item.kind === "heartbeat") {
      marks.push(["heartbeat", at, `heartbeat at +${(item.t - start).toFixed(1)} s`]);
    } else if (item.kind === "event") {
      const event = item.event || {};
      let kind = "event";
      if (event.error) {
        body.push(h("div", { class: "bubble agent error", role: "note", text: event.error }));
      }
      for (const part of partsOf(event)) {
        if (part.text && !event.partial) body.push(h("div", { class: "bubble agent", text: part.text }));
        if (part.functionCall) {
          kind = "call";
          const call = part.functionCall;
          const result = h("div", { class: "muted", text: "running…" });
          const row = h("details", { class: "tool", "data-key": call.id, open: state.openDetails.has(call.id) },
            h("summary", {}, `${call.name}(`, h("span", { class: "muted", text: Object.keys(call.args || {}).join(", ") }), ")  ", result),
            h("pre", { text: JSON.stringify(call.args || {}, null, 2) }));
          calls.set(call.id, { row, result });
          body.push(row);
        }
        if (part.functionResponse) {
          const answer = part.functionResponse;
          const found = calls.get(answer.id);
          const response = answer.response || {};
          const failed = response.status === "error";
          const text = failed ? `→ error ${response.code || ""} ${response.message || ""}` : "→ done";
          if (found) {
            found.result.textContent = text;
            found.result.className = failed ? "result-error" : "result-ok";
            found.row.append(h("pre", { text: JSON.stringify(response, null, 2) }));
          }
          const delta = event.actions && event.actions.stateDelta;
          if (found && delta && Object.keys(delta).length) {
            found.row.append(h("p", { class: "muted", text: `changed state: ${Object.keys(delta).join(", ")}` }));
          }
        }
      }
      marks.push([kind, at, `${kind === "call" ? "tool call" : event.partial ? "partial text" : "event"} at +${(item.t - start).toFixed(1)} s`]);
    } else if (item.kind === "end") {
      ended = item;
    }
  }
  if (ended && ended.silent) {
    body.push(h("p", { class: "muted", text: ended.changes.length ? "The agent said nothing; what it changed in the draft:" : "The agent said nothing and changed nothing." }));
  } else if (ended && ended.changes.length) {
    body.push(h("p", { class: "muted", text: "What this turn changed:" }));
  }
  if (ended && ended.changes.length) {
    body.push(h("ul", { class: "diff" }, ended.changes.map((c) =>
      h("li", { class: c.startsWith("added") ? "added" : c.startsWith("removed") ? "removed" : "", text: c }))));
  }
  const axis = h("div", { class: "axis", role: "img", "aria-label": `turn ${number}: its events and heartbeats over ${(last - start).toFixed(1)} s` },
    marks.map(([kind, at, label]) => {
      const mark = h("span", { class: `mark ${kind}`, title: label });
      mark.style.left = `${Math.min(99.7, at)}%`;
      return mark;
    }));
  const beats = marks.filter((m) => m[0] === "heartbeat").length;
  const caption = h("div", { class: "axis-caption", "aria-hidden": "true" }, h("span", { text: "0 s" }),
    h("span", { text: `${beats} heartbeat${beats === 1 ? "" : "s"}` }), h("span", { text: `${(last - start).toFixed(1)} s` }));
  const title = `Turn ${number} · ${iso(start)} · ${(last - start).toFixed(1)} s${ended ? "" : " · running"}`;
  return h("article", { class: "turn", "data-turn": number }, h("h3", { text: title }), ...body, axis, caption);
}

const players = new Map();
const RENDER_STAGE = { pending: 0, processing: 1, completed: 2, failed: 2, cancelled: 2 };

// Renders only move forward. A session fetch answered before the feed's latest progress may arrive after it;
// it must not take a finished render back to "processing".
const renderKey = (r) => `${r.session_id}/${r.id}`;

function newest(r) {
  const seen = players.get(renderKey(r))?.last;
  if (!seen) return r;
  const stage = (x) => RENDER_STAGE[x.status] ?? 0;
  if (stage(r) !== stage(seen)) return stage(r) > stage(seen) ? r : seen;
  return r.progress >= seen.progress ? r : seen;
}

function drawRenders(renders) {
  const box = $("renders");
  if (!renders.length) {
    box.replaceChildren(h("p", { class: "empty", text: "no renders yet" }));
    players.clear();
    return;
  }
  const kept = [];
  for (const shown of renders.slice().reverse()) {
    const r = newest(shown);
    let view = players.get(renderKey(r));
    if (!view || !box.contains(view.el)) {
      const bar = h("progress", { max: 100, value: r.progress, "aria-label": `render ${r.id} progress` });
      const text = h("span", { class: "status" });
      const el = h("div", { class: "render", "data-render": r.id }, h("div", { class: "row" }, h("strong", { text: r.id }), bar, text));
      view = { el, bar, text, video: null, last: players.get(renderKey(r))?.last };
      players.set(renderKey(r), view);
    }
    view.last = r;
    view.bar.value = r.progress;
    view.text.textContent = `${r.status} · ${r.progress}%${r.error ? " · " + r.error : ""}`;
    view.text.className = `status ${r.status === "failed" ? "bad" : r.status === "completed" ? "ok" : ""}`;
    if (r.status === "completed" && r.outputUrl && !view.video) {
      view.video = h("video", { controls: true, preload: "metadata", src: r.outputUrl, "aria-label": `rendered video ${r.id}` });
      view.el.append(view.video, h("a", { href: r.outputUrl, download: `${r.id}.mp4`, text: "Download MP4" }));
    }
    kept.push(view.el);
  }
  box.replaceChildren(...kept);
}

function setUpSession() {
  $("session-pick").addEventListener("change", (event) => pickSession(event.target.value));
  $("render").addEventListener("click", async () => {
    if (!state.sessionId) return;
    problem("render-problem", null);
    try {
      await api(`/_emulator/sessions/${encodeURIComponent(state.sessionId)}/render`, { body: { quality: $("render-quality").value } });
      await loadSession();
    } catch (error) {
      problem("render-problem", error);
    }
  });
}

// -- requests --------------------------------------------------------------------------------------------------

function filters() {
  return {
    route: $("f-route").value.trim(),
    status: $("f-status").value.trim(),
    code: $("f-code").value.trim(),
    session: $("f-session").value.trim(),
  };
}

function passes(entry, f) {
  return (!f.route || entry.path.includes(f.route))
    && (!f.status || String(entry.status) === f.status)
    && (!f.code || String(entry.code) === f.code)
    && (!f.session || (entry.session_id || "").includes(f.session));
}

function requestDetail(entry) {
  const headers = h("table", {}, h("tbody", {}, Object.entries(entry.headers || {}).map(([k, v]) => h("tr", {}, h("th", { class: "mono", text: k }), h("td", { class: "mono", text: v })))));
  const parts = [
    h("h3", { text: `${entry.method} ${entry.path}${entry.query ? "?" + entry.query : ""}` }),
    h("p", { class: "muted", text: `at ${iso(entry.time)} (emulator clock) · ${entry.body_bytes} bytes in · first byte ${entry.duration_ms ?? "–"} ms · done ${entry.total_ms ?? "–"} ms` }),
    h("h3", { text: "Request headers" }), headers,
  ];
  if (entry.request_body) parts.push(h("h3", { text: "Request body" }), h("pre", { text: pretty(entry.request_body) }));
  if (entry.frames) {
    parts.push(h("h3", { text: `Stream frames (${entry.frames.length})` }),
      h("ol", { class: "frames" }, entry.frames.map((f) => h("li", {}, h("span", { class: "at", title: "real time since the request · time on the emulator's clock", text: `+${f.ms} ms · +${f.clock_s} s` }), f.data))));
  } else if (entry.response_body) {
    parts.push(h("h3", { text: "Response body" }), h("pre", { text: pretty(entry.response_body) }));
  }
  return parts;
}

function drawRequests() {
  const f = filters();
  const rows = [];
  const shown = state.requests.filter((e) => passes(e, f));
  for (const entry of shown.slice().reverse()) {
    const open = state.openRequest === entry.id;
    const klass = `status-${String(entry.status || 5)[0]}`;
    rows.push(h("tr", { "data-id": entry.id },
      h("td", {}, h("button", { type: "button", class: "open", "aria-expanded": String(open), onclick: () => {
        state.openRequest = open ? null : entry.id;
        drawRequests();
      }, text: `${open ? "▾" : "▸"} ${entry.method} ${entry.path}` })),
      h("td", { class: `num ${klass}`, text: entry.status ?? "…" }),
      h("td", { class: `num ${entry.code ? "bad" : ""}`, text: entry.code ?? "" }),
      h("td", { class: "num hide-narrow", text: entry.total_ms ?? "" }),
      h("td", { class: "mono hide-narrow", text: entry.session_id || "" })));
    if (open) rows.push(h("tr", { class: "detail" }, h("td", { colspan: 5 }, requestDetail(entry))));
  }
  $("request-rows").replaceChildren(...(rows.length ? rows
    : [h("tr", {}, h("td", { colspan: 5, class: "empty", text: state.requests.length ? "no request matches the filters" : "no requests yet" }))]));
  $("count-requests").textContent = state.requests.length ? String(state.requests.length) : "";
}

async function loadRequests() {
  const body = await api("/_emulator/requests?limit=" + KEPT_REQUESTS);
  state.requests = body.requests;
  drawRequests();
}

function setUpRequests() {
  for (const id of ["f-route", "f-status", "f-code", "f-session"]) $(id).addEventListener("input", drawRequests);
  $("request-filter").addEventListener("submit", (event) => event.preventDefault());
  $("f-clear").addEventListener("click", () => {
    for (const id of ["f-route", "f-status", "f-code", "f-session"]) $(id).value = "";
    drawRequests();
  });
}

// -- faults ----------------------------------------------------------------------------------------------------

function faultMatches(f) {
  const parts = [f.method || "any method", f.route ? `path contains “${f.route}”` : "any path"];
  if (f.session_id) parts.push(`session ${f.session_id}`);
  if (f.client_id) parts.push(`client ${f.client_id}`);
  return parts.join(", ");
}

function faultDoes(f) {
  if (f.kind === "error") return `answer code ${f.code}${f.message ? ": " + f.message : ""}`;
  if (f.kind === "latency") return `hold ${f.latency_s} s`;
  if (f.kind === "drop_stream") return `cut the stream after ${f.after_events} frames`;
  if (f.kind === "stall_heartbeats") return "send no heartbeats";
  if (f.kind === "fail_render") return "fail the render";
  return f.kind;
}

async function loadFaults() {
  state.faults = (await api("/_emulator/faults")).faults;
  const rows = state.faults.map((f) => h("tr", { "data-fault": f.id },
    h("td", { class: "num", text: f.id }), h("td", { text: f.kind }), h("td", { text: faultMatches(f) }), h("td", { text: faultDoes(f) }),
    h("td", { class: "num", text: f.times - f.used }),
    h("td", {}, h("button", { type: "button", class: "danger", "aria-label": `Remove fault ${f.id}`, onclick: async () => {
      try {
        await api(`/_emulator/faults/${f.id}`, { method: "DELETE" });
        await loadFaults();
      } catch (error) {
        problem("fault-problem", error);
        await loadFaults();
      }
    }, text: "Remove" }))));
  $("fault-rows").replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 6, class: "empty", text: "no faults: every request is answered normally" }))]));
  $("count-faults").textContent = state.faults.length ? String(state.faults.length) : "";
}

function showFaultFields() {
  const kind = $("fault-kind").value;
  for (const label of document.querySelectorAll("#fault-form [data-kind]")) label.hidden = label.dataset.kind !== kind;
}

function setUpFaults() {
  $("fault-kind").addEventListener("change", showFaultFields);
  $("fault-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const kind = form.get("kind");
    const spec = { kind, times: Number(form.get("times") || 1) };
    for (const key of ["route", "method", "session_id", "client_id"]) {
      const value = String(form.get(key) || "").trim();
      if (value) spec[key] = value;
    }
    if (kind === "error") {
      spec.code = Number(form.get("code"));
      const message = String(form.get("message") || "").trim();
      if (message) spec.message = message;
    }
    if (kind === "latency") spec.latency_s = Number(form.get("latency_s") || 0);
    if (kind === "drop_stream") spec.after_events = Number(form.get("after_events") || 0);
    problem("fault-problem", null);
    try {
      await api("/_emulator/faults", { body: spec });
      await loadFaults();
    } catch (error) {
      problem("fault-problem", error);
    }
  });
}

// -- errors ----------------------------------------------------------------------------------------------------

async function loadErrors() {
  state.errors = (await api("/_emulator/errors")).errors;
  const items = state.errors.slice().reverse().map((e) => h("details", { class: "tool" },
    h("summary", {}, h("strong", { text: e.path || "" }), ` ${e.error || ""}`, e.count > 1 ? h("span", { class: "muted", text: ` ×${e.count}` }) : null),
    h("pre", { text: e.traceback || JSON.stringify(e, null, 2) })));
  $("error-list").replaceChildren(...(items.length ? items : [h("p", { class: "empty", text: "none: the server has caught no exception" })]));
  $("count-errors").textContent = state.errors.length ? String(state.errors.length) : "";
}

// -- the feed --------------------------------------------------------------------------------------------------

async function loadAll() {
  await Promise.all([loadOverview(), loadRequests(), loadFaults(), loadErrors()]);
  await loadSession();
}

function onRequest(entry) {
  if (state.requests.some((e) => e.id === entry.id)) return;
  state.requests.push(entry);
  if (state.requests.length > KEPT_REQUESTS) state.requests.splice(0, state.requests.length - KEPT_REQUESTS);
  soon("requests", async () => drawRequests(), 100);
  soon("overview", loadOverview);
  if (state.faults.length) soon("faults", loadFaults);
  if (!state.sessionId || !entry.session_id || entry.session_id === state.sessionId) soon("session", loadSession);
}

function connect() {
  const feed = new EventSource(withToken("/_emulator/feed"));
  const on = (kind, fn) => feed.addEventListener(kind, (message) => fn(JSON.parse(message.data)));
  on("hello", () => {
    $("live").className = "on";
    $("live").textContent = "live";
    loadAll().catch((error) => problem("problem", error));
  });
  on("request", onRequest);
  on("turn", (entry) => {
    if (entry.session_id === state.sessionId && state.session) {
      state.session.transcript.push(entry);
      soon("transcript", async () => drawTranscript(state.session.transcript), 50);
    } else if (!state.sessionId) {
      soon("overview", loadOverview);
    }
  });
  on("state", (data) => { if (data.session_id === state.sessionId) soon("session", loadSession); });
  on("renders", (renders) => {
    if (state.session) drawRenders(renders.filter((r) => r.session_id === state.sessionId));
    if (renders.some((r) => r.status === "completed")) soon("overview", loadOverview);
  });
  on("clock", drawClock);
  on("credits", () => soon("overview", loadOverview));
  on("mcp", () => soon("overview", loadOverview));
  on("oauth", () => soon("overview", loadOverview));
  on("faults", () => soon("faults", loadFaults));
  on("caught", () => soon("errors", loadErrors));
  on("reset", () => {
    state.sessionId = null;
    state.session = null;
    state.requests = [];
    players.clear();
    loadAll().catch((error) => problem("problem", error));
  });
  feed.onerror = () => {
    $("live").className = "off";
    $("live").textContent = "reconnecting…";
  };
}

document.addEventListener("DOMContentLoaded", () => {
  setUpTabs();
  setUpOverview();
  setUpSession();
  setUpRequests();
  setUpFaults();
  connect();
});
