// The pns console: a Slack-like page over the fake Slack's JSON API. No framework and no build step: it polls
// /console/state every 500 ms, re-renders only when the state changed, and posts clicks to /console/*.

const POLL_MS = 500;
const params = new URLSearchParams(location.search);
let me = params.get("user") || localStorage.getItem("pns.console.user") || "U0ALICE";
let state = null;
let lastStateJson = "";
let lastModalKey = null;
const fileCache = new Map();
const fieldErrors = {};

// ---------- tiny DOM helpers ----------

/** Creates an element: h("div", { class: "x", dataset: { testid: "y" }, onclick }, children…). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "html") el.innerHTML = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const decodeEntities = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function userName(id) {
  if (id === "U0PNSBOT") return "pns";
  const u = state?.users.find((x) => x.id === id);
  return u ? u.realName : id;
}

function usergroupHandle(id) {
  return id === "S0SRE" ? "sre" : id.toLowerCase();
}

// ---------- mrkdwn ----------

/** Inline formatting of a plain stretch of text that is already HTML-escaped. */
function inlineFormat(escaped) {
  // Slack formats *x*, _x_ and ~x~ only between non-word characters (so snake_case_names stay as they are).
  return escaped
    .replace(/(^|[^\w*])\*([^*\n]+?)\*(?=[^\w*]|$)/g, "$1<b>$2</b>")
    .replace(/(^|[^\w_])_([^_\n]+?)_(?=[^\w_]|$)/g, "$1<i>$2</i>")
    .replace(/(^|[^\w~])~([^~\n]+?)~(?=[^\w~]|$)/g, "$1<s>$2</s>");
}

/** Slack's <!date^…^format> tokens, roughly: enough to read a time in the console. */
function formatDate(when, format) {
  const tokens = {
    "{date_num}": () => when.toISOString().slice(0, 10),
    "{date}": () => when.toLocaleDateString(undefined, { month: "long", day: "numeric", year: "numeric" }),
    "{date_short}": () => when.toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" }),
    "{date_long}": () =>
      when.toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" }),
    "{date_pretty}": () => when.toLocaleDateString(),
    "{date_short_pretty}": () => when.toLocaleDateString(),
    "{date_long_pretty}": () => when.toLocaleDateString(),
    "{time}": () => when.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }),
    "{time_secs}": () => when.toLocaleTimeString(),
    "{ago}": () => `${Math.max(0, Math.round((Date.now() - when.getTime()) / 60000))} min ago`,
  };
  const out = format.replace(/\{[a-z_]+\}/g, (t) => (tokens[t] ? tokens[t]() : t));
  return out || when.toLocaleString();
}

/** One `<…>` token of Slack markup: mentions, usergroups, dates, channels, links. */
function angleToken(inner) {
  const [target, label] = inner.split("|", 2).concat([undefined]);
  if (target.startsWith("@")) return `<span class="mention">@${escapeHtml(userName(target.slice(1)))}</span>`;
  if (target.startsWith("!subteam^")) {
    const name = label ? decodeEntities(label) : `@${usergroupHandle(target.slice(9))}`;
    return `<span class="mention">${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, seconds, format = ""] = target.split("^");
    const when = new Date(Number(seconds) * 1000);
    const text = Number.isFinite(when.getTime())
      ? formatDate(when, decodeEntities(format))
      : decodeEntities(label || "");
    return `<time title="${escapeHtml(decodeEntities(label || ""))}">${escapeHtml(text)}</time>`;
  }
  if (target === "!here" || target === "!channel" || target === "!everyone") {
    return `<span class="mention">@${target.slice(1)}</span>`;
  }
  if (target.startsWith("#"))
    return `<span class="mention">#${escapeHtml(decodeEntities(label || target.slice(1)))}</span>`;
  const url = decodeEntities(target);
  if (/^(https?:|mailto:)/.test(url)) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noreferrer">${escapeHtml(decodeEntities(label || url))}</a>`;
  }
  return escapeHtml(`<${decodeEntities(inner)}>`);
}

/** The emoji shortcodes pns's messages use, drawn as Slack draws them; others stay as text. */
const EMOJI = {
  white_check_mark: "✅",
  hourglass_flowing_sand: "⏳",
  x: "❌",
  warning: "⚠️",
  no_entry: "⛔",
  heavy_minus_sign: "➖",
  heavy_plus_sign: "➕",
  wastebasket: "🗑️",
  arrows_counterclockwise: "🔄",
  alarm_clock: "⏰",
  rotating_light: "🚨",
  information_source: "ℹ️",
  large_orange_diamond: "🔶",
  ghost: "👻",
  boom: "💥",
  recycle: "♻️",
  page_facing_up: "📄",
  no_entry_sign: "🚫",
  mag: "🔍",
  hourglass: "⌛",
  grey_question: "❔",
  busts_in_silhouette: "👥",
};

function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}

/** Lines starting with `>` are quotes, as in Slack. */
function quotes(html) {
  return html.replace(/(^|<br>)&gt;\s?([^<]*)/g, '$1<span class="quote">$2</span>');
}

/** Text outside code: `<…>` tokens, then bold/italic/strike, emoji, quotes, newlines. */
function proseToHtml(text) {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(/<([^<>\s][^<>]*)>/g)) {
    out += inlineFormat(escapeHtml(decodeEntities(text.slice(last, m.index))));
    out += angleToken(m[1]);
    last = m.index + m[0].length;
  }
  out += inlineFormat(escapeHtml(decodeEntities(text.slice(last))));
  return quotes(emojify(out).replace(/\n/g, "<br>"));
}

/** Slack mrkdwn to HTML: ```pre```, `code`, then prose. */
function mrkdwnToHtml(text) {
  return String(text)
    .split(/```/)
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escapeHtml(decodeEntities(part.replace(/^\n/, "")))}</pre>`;
      // The newline right after a closing ``` is swallowed by the block, as in Slack.
      // Inline code may sit inside bold or italic (`*Pod Security `restricted` refuses*` is bold around the code in
      // Slack), so code spans become placeholders while the prose is formatted, then go back in.
      const codes = [];
      const prose = (i > 0 ? part.replace(/^\n/, "") : part).replace(/`([^`\n]+)`/g, (_, c) => {
        codes.push(`<code>${escapeHtml(decodeEntities(c))}</code>`);
        return `\uE000${codes.length - 1}\uE001`;
      });
      return proseToHtml(prose).replace(/\uE000(\d+)\uE001/g, (_, n) => codes[Number(n)]);
    })
    .join("");
}

function textObject(t) {
  if (!t) return h("span");
  if (t.type === "plain_text") return h("span", {}, t.text);
  return h("span", { html: mrkdwnToHtml(t.text) });
}

// ---------- Block Kit ----------

/** What the user acts on: the message (channel + ts) the block sits in. */
function renderElement(el, ctx) {
  if (el.type === "button") {
    return h(
      "button",
      {
        class: `btn ${el.style || ""}`,
        type: "button",
        dataset: { testid: `button-${el.action_id}`, actionId: el.action_id },
        onclick: (ev) => act(ev.currentTarget, ctx, el, el.value),
      },
      el.text?.text ?? "button",
    );
  }
  if (el.type === "static_select" || el.type === "overflow") {
    const select = h("select", {
      class: "b-select",
      dataset: { testid: `select-${el.action_id}`, actionId: el.action_id },
      "aria-label": el.placeholder?.text || "Choose",
    });
    const current = ctx.selected?.[el.action_id] ?? el.initial_option?.value;
    select.append(
      h("option", { value: "", disabled: true, selected: current === undefined }, el.placeholder?.text || "Choose…"),
    );
    // Slack shows an option's description in grey under its text; a native <select> has one line per option, so
    // the description follows the text there, and the picked option's description shows under the menu.
    const all = [...(el.options || []), ...(el.option_groups || []).flatMap((g) => g.options || [])];
    const option = (o) =>
      h(
        "option",
        { value: o.value, selected: current === o.value, title: o.description?.text },
        o.description?.text ? `${o.text?.text ?? o.value} — ${o.description.text}` : (o.text?.text ?? o.value),
      );
    for (const o of el.options || []) select.append(option(o));
    for (const g of el.option_groups || []) {
      select.append(h("optgroup", { label: g.label?.text ?? "" }, (g.options || []).map(option)));
    }
    select.addEventListener("change", () => act(select, ctx, el, select.value));
    const picked = all.find((o) => o.value === current)?.description?.text;
    if (!all.some((o) => o.description?.text)) return select;
    return h(
      "span",
      { class: "b-select-wrap" },
      select,
      picked
        ? h("span", { class: "b-select-description", dataset: { testid: `description-${el.action_id}` } }, picked)
        : null,
    );
  }
  return h("span", { class: "b-unknown" }, `Unsupported element: ${el.type}`);
}

function richTextElements(elements) {
  return (elements || []).map((e) => {
    if (e.type === "text") {
      let node = h("span", {}, e.text);
      if (e.style?.code) node = h("code", {}, e.text);
      if (e.style?.bold) node = h("b", {}, node);
      if (e.style?.italic) node = h("i", {}, node);
      if (e.style?.strike) node = h("s", {}, node);
      return node;
    }
    if (e.type === "user") return h("span", { class: "mention" }, `@${userName(e.user_id)}`);
    if (e.type === "usergroup") return h("span", { class: "mention" }, `@${usergroupHandle(e.usergroup_id)}`);
    if (e.type === "link") return h("a", { href: e.url, target: "_blank", rel: "noreferrer" }, e.text || e.url);
    if (e.type === "emoji") return h("span", {}, `:${e.name}:`);
    return h("span", {}, e.text ?? "");
  });
}

function renderRichText(block) {
  return h(
    "div",
    { class: "b b-rich" },
    (block.elements || []).map((part) => {
      if (part.type === "rich_text_preformatted") return h("pre", {}, part.elements.map((e) => e.text ?? "").join(""));
      if (part.type === "rich_text_quote") return h("blockquote", {}, richTextElements(part.elements));
      if (part.type === "rich_text_list") {
        const tag = part.style === "ordered" ? "ol" : "ul";
        return h(
          tag,
          {},
          (part.elements || []).map((s) => h("li", {}, richTextElements(s.elements))),
        );
      }
      return h("div", { style: "white-space: pre-wrap" }, richTextElements(part.elements));
    }),
  );
}

function cellText(cell) {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "string") return cell;
  if (cell.type === "raw_text") return cell.text;
  if (cell.type === "rich_text") {
    return (cell.elements || [])
      .flatMap((s) => s.elements || [])
      .map((e) => e.text ?? (e.user_id ? `@${userName(e.user_id)}` : ""))
      .join("");
  }
  return cell.text ?? "";
}

function renderTable(block) {
  const rows = block.rows || [];
  const settings = block.column_settings || [];
  const cell = (tag, c, i) =>
    h(
      tag,
      { class: settings[i]?.is_wrapped ? "wrap" : "", style: `text-align: ${settings[i]?.align || "left"}` },
      cellText(c),
    );
  return h(
    "div",
    { class: "b table-wrap", dataset: { testid: "table" } },
    h(
      "table",
      { class: "b-table" },
      rows.length
        ? h(
            "thead",
            {},
            h(
              "tr",
              {},
              rows[0].map((c, i) => cell("th", c, i)),
            ),
          )
        : null,
      h(
        "tbody",
        {},
        rows.slice(1).map((r) =>
          h(
            "tr",
            {},
            r.map((c, i) => cell("td", c, i)),
          ),
        ),
      ),
    ),
  );
}

function renderInput(block) {
  const el = block.element || {};
  const id = `in-${block.block_id}-${el.action_id}`;
  const common = {
    id,
    dataset: { testid: `input-${el.action_id}`, actionId: el.action_id, blockId: block.block_id },
    placeholder: el.placeholder?.text,
    maxlength: el.max_length,
  };
  const field = el.multiline
    ? h("textarea", { ...common, rows: 4 }, el.initial_value || "")
    : h("input", { ...common, value: el.initial_value || "" });
  const error = fieldErrors[block.block_id];
  return h(
    "div",
    { class: "b b-input" },
    h(
      "label",
      { for: id },
      block.label?.text ?? "",
      block.optional ? h("span", { class: "optional" }, " (optional)") : null,
    ),
    field,
    block.hint ? h("div", { class: "hint" }, block.hint.text) : null,
    error ? h("div", { class: "field-error", dataset: { testid: "field-error" } }, error) : null,
  );
}

function renderBlock(block, ctx) {
  switch (block.type) {
    case "header":
      return h("div", { class: "b b-header" }, block.text?.text ?? "");
    case "section":
      return h(
        "div",
        { class: "b b-section" },
        h(
          "div",
          { class: "b-text" },
          block.text ? textObject(block.text) : null,
          block.fields ? h("div", { class: "b-fields" }, block.fields.map(textObject)) : null,
        ),
        block.accessory ? renderElement(block.accessory, ctx) : null,
      );
    case "context":
      return h(
        "div",
        { class: "b b-context" },
        (block.elements || []).map((e) =>
          e.type === "image" ? h("span", {}, `[${e.alt_text || "image"}]`) : textObject(e),
        ),
      );
    case "divider":
      return h("hr", { class: "b-divider" });
    case "actions":
      return h(
        "div",
        { class: "b b-actions" },
        (block.elements || []).map((e) => renderElement(e, ctx)),
      );
    case "rich_text":
      return renderRichText(block);
    case "table":
      return renderTable(block);
    case "input":
      return renderInput(block);
    case "image":
      return h("div", { class: "b b-context" }, `[image: ${block.alt_text || ""}]`);
    default:
      return h("div", { class: "b b-unknown" }, `Unsupported block: ${block.type}`);
  }
}

function renderBlocks(blocks, ctx) {
  // Slack draws a message's table at the bottom of the message, whatever its position.
  const tables = blocks.filter((b) => b.type === "table");
  return [...blocks.filter((b) => b.type !== "table"), ...tables].map((b) => renderBlock(b, ctx));
}

// ---------- messages ----------

const palette = ["#e8912d", "#2bac76", "#1264a3", "#cd2553", "#4a154b", "#36c5f0"];
function avatar(m) {
  const color = m.isBot
    ? "#611f69"
    : palette[[...(m.user || "?")].reduce((a, c) => a + c.charCodeAt(0), 0) % palette.length];
  return h("div", { class: "avatar", style: `background: ${color}` }, (m.author || "?").slice(0, 1).toUpperCase());
}

function fileCard(f) {
  const pre = h("pre", { dataset: { testid: "file-content" } }, fileCache.get(f.id) ?? "loading…");
  if (!fileCache.has(f.id)) {
    fileCache.set(f.id, "loading…");
    fetch(f.url_private)
      .then((r) => (r.ok ? r.text() : `could not load the file (HTTP ${r.status})`))
      .then((t) => {
        fileCache.set(f.id, t);
        lastStateJson = "";
      });
  }
  return h(
    "div",
    { class: "file", dataset: { testid: "file" } },
    h(
      "div",
      { class: "file-head" },
      h("span", { class: "file-name" }, f.title || f.name),
      h("span", { class: "file-size" }, `${f.size} bytes`),
      h("a", { href: f.url_private, download: f.name, dataset: { testid: "file-download" } }, "Download"),
    ),
    pre,
  );
}

function renderMessage(m) {
  const ctx = { channel: m.channel, ts: m.ts, selected: m.selected };
  const time = new Date(Number(m.ts) * 1000).toLocaleTimeString();
  // Slack shows `text` only when there are no blocks (it is then the notification fallback).
  const content = m.blocks?.length
    ? renderBlocks(m.blocks, ctx)
    : m.text
      ? [h("div", { class: "b", html: mrkdwnToHtml(m.text) })]
      : [];
  return h(
    "div",
    {
      class: `message${m.ephemeral ? " ephemeral" : ""}`,
      dataset: { testid: "message", ts: m.ts, ephemeral: m.ephemeral ? "true" : "false" },
    },
    avatar(m),
    h(
      "div",
      { class: "body" },
      h(
        "div",
        { class: "meta" },
        h("span", { class: "author" }, m.author),
        m.isBot ? h("span", { class: "app-badge" }, "APP") : null,
        h("span", { class: "time" }, time),
        m.edited ? h("span", { class: "edited" }, "(edited)") : null,
        m.ephemeral
          ? h("span", { class: "only-you", dataset: { testid: "ephemeral-label" } }, "Only visible to you")
          : null,
      ),
      content,
      (m.files || []).map(fileCard),
      m.replies?.length
        ? h(
            "div",
            { class: "thread", dataset: { testid: "thread" } },
            h("div", { class: "thread-count" }, `${m.replies.length} ${m.replies.length === 1 ? "reply" : "replies"}`),
            m.replies.map(renderMessage),
          )
        : null,
    ),
  );
}

// ---------- banners, confirm, modal ----------

function banner(text) {
  const el = h(
    "div",
    { class: "banner", role: "alert", dataset: { testid: "banner" } },
    h("span", {}, text),
    h("button", { class: "dismiss", type: "button", "aria-label": "Dismiss", onclick: () => el.remove() }, "×"),
  );
  document.querySelector("[data-testid=banners]").append(el);
}

/** Shows a confirm object as a real dialog; resolves true on confirm. */
function confirmDialog(confirm) {
  const overlay = document.querySelector("[data-testid=confirm-overlay]");
  return new Promise((resolve) => {
    const close = (answer) => {
      overlay.classList.add("hidden");
      overlay.replaceChildren();
      resolve(answer);
    };
    overlay.replaceChildren(
      h(
        "div",
        { class: "dialog", role: "dialog", "aria-modal": "true", dataset: { testid: "confirm" } },
        h("div", { class: "dialog-title" }, confirm.title?.text ?? "Are you sure?"),
        h("div", { class: "dialog-body" }, textObject(confirm.text)),
        h(
          "div",
          { class: "dialog-foot" },
          h(
            "button",
            { class: "btn", type: "button", dataset: { testid: "confirm-deny" }, onclick: () => close(false) },
            confirm.deny?.text ?? "Cancel",
          ),
          h(
            "button",
            {
              class: `btn ${confirm.style || "primary"}`,
              type: "button",
              dataset: { testid: "confirm-ok" },
              onclick: () => close(true),
            },
            confirm.confirm?.text ?? "Yes",
          ),
        ),
      ),
    );
    overlay.classList.remove("hidden");
    overlay.querySelector("[data-testid=confirm-ok]").focus();
  });
}

function renderModal(modal) {
  const overlay = document.querySelector("[data-testid=modal-overlay]");
  const key = modal ? `${modal.id}:${modal.hash}:${JSON.stringify(fieldErrors)}` : "";
  if (key === lastModalKey) return;
  lastModalKey = key;
  if (!modal) {
    overlay.classList.add("hidden");
    overlay.replaceChildren();
    return;
  }
  const typed = {};
  for (const el of overlay.querySelectorAll("[data-action-id]")) typed[el.dataset.actionId] = el.value;
  const submitBtn = modal.submit
    ? h("button", { class: "btn primary", type: "submit", dataset: { testid: "modal-submit" } }, modal.submit.text)
    : null;
  const form = h(
    "form",
    {
      class: "dialog",
      role: "dialog",
      "aria-modal": "true",
      dataset: { testid: "modal" },
      onsubmit: (ev) => submitModal(ev, modal),
    },
    h("div", { class: "dialog-title" }, modal.title?.text ?? ""),
    h("div", { class: "dialog-body" }, renderBlocks(modal.blocks || [], { modal: true })),
    h(
      "div",
      { class: "dialog-foot" },
      h(
        "button",
        { class: "btn", type: "button", dataset: { testid: "modal-close" }, onclick: () => closeModal(modal) },
        modal.close?.text ?? "Cancel",
      ),
      submitBtn,
    ),
  );
  overlay.replaceChildren(form);
  for (const el of overlay.querySelectorAll("[data-action-id]"))
    if (typed[el.dataset.actionId] !== undefined) el.value = typed[el.dataset.actionId];
  overlay.classList.remove("hidden");
  overlay.querySelector("textarea, input")?.focus();
}

// ---------- talking to the fake ----------

async function post(path, body) {
  try {
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({ ok: false, error: `The fake Slack answered HTTP ${res.status}.` }));
    if (!json.ok && json.error) banner(json.error);
    return json;
  } catch (err) {
    banner(`Could not reach the fake Slack: ${err.message}`);
    return { ok: false };
  } finally {
    refresh();
  }
}

async function act(control, ctx, el, value) {
  if (ctx.modal) return;
  if (el.confirm && !(await confirmDialog(el.confirm))) {
    if (control.tagName === "SELECT") control.value = ctx.selected?.[el.action_id] ?? "";
    return;
  }
  control.disabled = true;
  await post("/console/action", { user: me, channel: ctx.channel, ts: ctx.ts, actionId: el.action_id, value });
  control.disabled = false;
}

async function submitModal(ev, modal) {
  ev.preventDefault();
  const values = {};
  for (const el of ev.currentTarget.querySelectorAll("[data-action-id]")) values[el.dataset.actionId] = el.value;
  for (const k of Object.keys(fieldErrors)) delete fieldErrors[k];
  const res = await post("/console/submit", { user: me, viewId: modal.id, values });
  if (res.fieldErrors) Object.assign(fieldErrors, res.fieldErrors);
  lastModalKey = null;
  refresh();
}

function closeModal(modal) {
  for (const k of Object.keys(fieldErrors)) delete fieldErrors[k];
  post("/console/close", { user: me, viewId: modal.id });
}

// ---------- rendering the page ----------

function renderSidebar() {
  const switcher = document.querySelector("[data-testid=user-switcher]");
  if (switcher.options.length !== state.users.length) {
    switcher.replaceChildren(...state.users.map((u) => h("option", { value: u.id }, `${u.realName} (${u.id})`)));
  }
  switcher.value = me;
  const mine = state.users.find((u) => u.id === me);
  document.querySelector("[data-testid=me-title]").textContent = mine?.title ?? "";
  document
    .querySelector("[data-testid=channels]")
    .replaceChildren(
      ...state.channels.map((c) => h("li", { class: c.id === state.channel?.id ? "active" : "" }, `# ${c.name}`)),
    );
  document.querySelector("[data-testid=channel-name]").textContent = `# ${state.channel?.name ?? ""}`;
  const foot = document.querySelector("[data-testid=app-url]");
  foot.textContent = state.appUrl ? `App: ${state.appUrl}` : "No app URL set: start the dev server.";
  foot.classList.toggle("warn", !state.appUrl);
}

function renderMessages() {
  const list = document.querySelector("[data-testid=messages]");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(
    ...(state.messages.length
      ? state.messages.map(renderMessage)
      : [h("div", { class: "empty" }, "No messages yet. Type /pns help below.")]),
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
  // Whose view is on screen: tests wait for it after switching user.
  list.dataset.user = state.me;
}

let refreshes = 0;
let drawn = 0;

async function refresh() {
  const asked = ++refreshes;
  const user = me;
  try {
    const res = await fetch(`/console/state?user=${encodeURIComponent(user)}`);
    const text = await res.text();
    // A poll that was in flight when the user switched (or one overtaken by a newer poll) must not draw over the
    // newer view: otherwise Bob would see Alice's private messages for half a second.
    if (user !== me || asked < drawn) return;
    drawn = asked;
    // Re-render only on change, so open selects and the modal keep what the user is doing.
    if (text !== lastStateJson) {
      lastStateJson = text;
      state = JSON.parse(text);
      renderSidebar();
      if (!document.activeElement?.matches?.("select.b-select")) renderMessages();
      else lastStateJson = "";
    }
    if (state) renderModal(state.modal);
  } catch {
    // The fake may be restarting; the next poll tries again.
  }
}

document.querySelector("[data-testid=user-switcher]").addEventListener("change", (ev) => {
  me = ev.target.value;
  localStorage.setItem("pns.console.user", me);
  lastStateJson = "";
  lastModalKey = null;
  refresh();
});

document.querySelector("[data-testid=composer-form]").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = document.querySelector("[data-testid=composer]");
  const text = input.value.trim();
  if (!text) return;
  if (!text.startsWith("/")) {
    banner("This console only sends slash commands: try /pns help.");
    return;
  }
  const form = ev.currentTarget;
  form.classList.add("busy");
  input.disabled = true;
  const res = await post("/console/command", { user: me, channel: state?.channel?.id ?? "C0OPS", text });
  input.disabled = false;
  form.classList.remove("busy");
  if (res.ok) input.value = "";
  input.focus();
});

refresh();
setInterval(refresh, POLL_MS);
