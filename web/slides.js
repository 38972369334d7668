// 演示文稿 page: material -> outline (rules, or the model streamed) -> edit
// -> live preview from the server's planner (/api/slides/preview, the same
// code that writes the .pptx) -> download. Server text enters with
// textContent only (el()).
import { el, api, upload, loadMe, showError, getCsrf } from "/app.js";

const $ = (id) => document.getElementById(id);
const HERO = new Set(["title", "section", "closing"]);
let templates = [];
let previewSeq = 0;
let previewTimer = null;

function template() {
  return templates.find((t) => t.id === $("sl-template").value) || templates[0];
}

function setSource(text) { $("sl-source").textContent = text; }

function setOutline(text, source) {
  $("sl-outline").value = text;
  setSource(source);
  schedulePreview(0);
}

function schedulePreview(delay) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, delay === undefined ? 300 : delay);
}

function requestBody() {
  const b = { outline: $("sl-outline").value, template: $("sl-template").value };
  const title = $("sl-title").value.trim();
  if (title) b.title = title;
  return b;
}

async function preview() {
  const seq = ++previewSeq;
  if (!$("sl-outline").value.trim()) {
    $("sl-thumbs").replaceChildren();
    $("sl-errors").replaceChildren();
    $("sl-count").textContent = "";
    return;
  }
  let deck;
  try {
    deck = await api("POST", "/api/slides/preview", requestBody());
  } catch (e) {
    if (seq === previewSeq) showError(e.message);
    return;
  }
  if (seq !== previewSeq) return; // a newer edit is on its way
  showError("");
  showErrors(deck.errors || []);
  $("sl-count").textContent = deck.errors && deck.errors.length ? "（大纲有误，未能预览）" : "共 " + deck.count + " 页";
  $("sl-count").dataset.count = deck.errors && deck.errors.length ? "" : String(deck.count);
  $("sl-thumbs").replaceChildren(...deck.slides.map(thumb));
}

function lineRange(text, n) {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const k = text.indexOf("\n", start);
    if (k < 0) return [text.length, text.length];
    start = k + 1;
  }
  const end = text.indexOf("\n", start);
  return [start, end < 0 ? text.length : end];
}

function showErrors(errors) {
  const ta = $("sl-outline");
  $("sl-errors").replaceChildren(...errors.map((e) => {
    const li = el("li", null, "sl-error");
    if (e.line) {
      const [a, b] = lineRange(ta.value, e.line);
      li.dataset.line = String(e.line);
      li.append(el("span", "第 " + e.line + " 行", "sl-lineno"), el("code", ta.value.slice(a, b) || "（空行）"));
      li.addEventListener("click", () => { ta.focus(); ta.setSelectionRange(a, b); });
    }
    li.append(el("span", e.message, "sl-errmsg"));
    return li;
  }));
}

function thumb(s) {
  const t = template();
  const c = t.colors;
  const hero = HERO.has(s.layout);
  const box = el("div", null, "sl-thumb sl-deco-" + t.decoration + (hero ? " sl-hero" : ""));
  box.dataset.layout = s.layout;
  box.style.background = hero ? "#" + c.hero_bg : "#fff";
  box.style.color = "#" + (hero ? c.hero_fg : c.body);
  box.style.borderTopColor = "#" + c.accent;
  const head = el("div", null, "sl-head");
  head.append(el("span", "第 " + s.index + " 页", "sl-no"), el("span", s.layout_label, "sl-layout"));
  if (s.part > 0) head.append(el("span", "续", "sl-tag"));
  else if (s.split) head.append(el("span", "内容较多，已拆分", "sl-tag"));
  if (s.notes) head.append(el("span", "备注", "sl-tag sl-notes"));
  const h = el("div", s.title, "sl-title");
  h.style.color = "#" + (hero ? c.hero_fg : c.title);
  box.append(head, h);
  if (s.items && s.items.length) {
    const ul = el("ul", null, "sl-items");
    for (const it of s.items.slice(0, 8)) {
      const li = el("li", it.text, "sl-l" + Math.max(0, it.level) + (it.level < 0 ? " sl-plain" : ""));
      if (hero) li.style.color = "#" + c.hero_sub;
      ul.append(li);
    }
    if (s.items.length > 8) ul.append(el("li", "……（共 " + s.items.length + " 条）", "sl-more"));
    box.append(ul);
  }
  if (s.table) {
    const tb = el("table", null, "sl-table");
    s.table.rows.slice(0, 5).forEach((r, i) => {
      const tr = el("tr");
      for (const cell of r.slice(0, 5)) {
        const td = el(i === 0 ? "th" : "td", cell);
        if (i === 0) { td.style.background = "#" + c.accent; td.style.color = "#fff"; }
        tr.append(td);
      }
      tb.append(tr);
    });
    box.append(tb);
  }
  if (s.chart && s.chart.series.length) {
    const ch = el("div", null, "sl-chart");
    const vals = s.chart.series[0].values;
    const max = Math.max(...vals.map((v) => Math.abs(v)), 1);
    vals.forEach((v, i) => {
      const bar = el("div", null, "sl-bar");
      bar.style.height = Math.max(4, Math.round(Math.abs(v) / max * 100)) + "%";
      bar.style.background = "#" + (i % 2 ? c.accent2 : c.accent);
      bar.title = (s.chart.categories[i] || "") + "：" + v;
      ch.append(bar);
    });
    box.append(ch);
  }
  if (s.image) box.append(el("div", "［图片］" + (s.image.alt || s.image.path), "sl-image"));
  if (s.source_line) box.title = "大纲第 " + s.source_line + " 行";
  return box;
}

async function extract() {
  const text = $("sl-text").value;
  if (!text.trim()) { showError("请先粘贴材料"); return; }
  showError("");
  const r = await api("POST", "/api/slides/outline-text", { text });
  setOutline(r.outline, "规则提取的大纲（未使用模型），共 " + r.slides + " 张内容页，可直接修改");
}

// The model writes the outline: SSE queued/delta/done/error.
async function modelOutline() {
  const text = $("sl-text").value;
  if (!text.trim()) { showError("请先粘贴材料"); return; }
  showError("");
  const btn = $("sl-model");
  const pre = $("sl-stream");
  btn.disabled = true;
  pre.hidden = false;
  pre.textContent = "";
  setSource("正在请求模型……");
  try {
    const res = await fetch("/api/slides/outline-text", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": getCsrf() },
      body: JSON.stringify({ text, use_model: true }),
    });
    const type = res.headers.get("Content-Type") || "";
    if (!type.startsWith("text/event-stream")) {
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error((data.error && data.error.message) || "请求失败（" + res.status + "）");
      setOutline(data.outline, (data.notice || "规则提取的大纲") + "，可直接修改");
      pre.hidden = true;
      return;
    }
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    let done = null;
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buf += dec.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        let ev = null, data = null;
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) ev = line.slice(7);
          else if (line.startsWith("data: ")) data = JSON.parse(line.slice(6));
        }
        if (ev === "queued") setSource("排队等待模型，第 " + data.position + " 位……");
        else if (ev === "delta") { setSource("模型正在撰写大纲……"); pre.textContent += data.text; }
        else if (ev === "done") done = data;
        else if (ev === "error") throw new Error(data.message || "模型出错");
      }
    }
    if (!done) throw new Error("模型连接中断");
    if (done.fallback) {
      setOutline(done.outline, "模型结果未采用：" + done.reason + "；已改用规则提取的大纲");
    } else {
      setOutline(done.outline, "模型生成的大纲（已按大纲格式校验），共 " + done.slides + " 张内容页，可直接修改");
      pre.hidden = true;
    }
  } catch (e) {
    showError(e.message);
    setSource("");
  } finally {
    btn.disabled = false;
  }
}

async function fromFile() {
  const f = $("sl-file").files[0];
  if (!f) return;
  showError("");
  try {
    const r = await upload("/api/slides/outline", f);
    setOutline(r.outline, "从 " + f.name + " 规则提取的大纲（未使用模型），可直接修改");
  } catch (e) {
    showError(e.message);
  }
}

function fileName(disp) {
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disp || "");
  try { return m ? decodeURIComponent(m[1]) : "slides.pptx"; } catch (e) { return "slides.pptx"; }
}

async function render() {
  showError("");
  const btn = $("sl-render");
  btn.disabled = true;
  try {
    const res = await fetch("/api/slides/render", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": getCsrf() },
      body: JSON.stringify(requestBody()),
    });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      if (data.errors) showErrors(data.errors);
      throw new Error((data.error && data.error.message) || "生成失败（" + res.status + "）");
    }
    const blob = await res.blob();
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = fileName(res.headers.get("Content-Disposition"));
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    setSource("已生成 " + a.download + "（" + res.headers.get("X-Slides-Count") + " 页）");
  } catch (e) {
    showError(e.message);
  } finally {
    btn.disabled = false;
  }
}

async function main() {
  await loadMe();
  const t = await api("GET", "/api/slides/templates");
  templates = t.templates;
  const sel = $("sl-template");
  for (const x of templates) {
    const o = el("option", x.name);
    o.value = x.id;
    sel.append(o);
  }
  sel.value = t.default;
  const mb = $("sl-model");
  if (!t.model) {
    mb.disabled = true;
    $("sl-model-hint").textContent = "未配置模型：可用“提取大纲”按规则生成";
  }
  const guard = (fn) => () => Promise.resolve(fn()).catch((e) => showError(e.message));
  $("sl-extract").addEventListener("click", guard(extract));
  mb.addEventListener("click", guard(modelOutline));
  $("sl-file").addEventListener("change", guard(fromFile));
  $("sl-outline").addEventListener("input", () => schedulePreview());
  sel.addEventListener("change", () => schedulePreview(0));
  $("sl-title").addEventListener("input", () => schedulePreview());
  $("sl-render").addEventListener("click", guard(render));
}

main().catch((e) => showError(e.message));
