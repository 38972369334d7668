// 政策问答 (the public portal): the classic results come at once from
// /api/portal/search; the answer streams in on top from /api/portal/answer
// (EventSource): model text with [n] citations to the results shown, or the
// extractive answer labelled 摘录式回答（未使用模型） when no model answers.
// The model's reasoning is never sent to the page. Text from the server
// only ever goes in with textContent (el()).
import { el, button, highlighted, showError } from "/app.js";

const form = document.getElementById("portal-form");
const q = document.getElementById("q");
const fv = document.getElementById("f-validity");
const fc = document.getElementById("f-category");
const answerText = document.getElementById("answer-text");
const answerNote = document.getElementById("answer-note");
let page = 1, last = null, stream = null, fallback = null, asked = "";

function cite(n) {
  const li = document.getElementById("r-" + n);
  if (!li) { page = 1; return search().then(() => cite(n)); }
  const full = li.querySelector(".fulltext");
  if (full) full.hidden = false;
  li.classList.add("flash");
  li.scrollIntoView({ block: "center" });
  setTimeout(() => li.classList.remove("flash"), 1500);
}

// Append text, turning [n] into links to result n.
function appendAnswer(text) {
  for (const part of text.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m) {
      const a = el("a", part, "cite");
      a.href = "#r-" + m[1];
      a.addEventListener("click", (ev) => { ev.preventDefault(); cite(Number(m[1])); });
      answerText.append(a);
    } else if (part) answerText.append(part);
  }
}

// The streamed text so far, re-linked (a "[1" "2]" split across deltas).
let streamed = "";
function showStreamed() { answerText.replaceChildren(); appendAnswer(streamed); }

function showExtractive(text, note) {
  answerText.replaceChildren();
  appendAnswer(text);
  answerNote.textContent = note || "";
  document.getElementById("answer").dataset.kind = "extractive";
}

function answer(qs) {
  if (stream) stream.close();
  streamed = "";
  const box = document.getElementById("answer");
  box.hidden = false;
  box.dataset.kind = "pending";
  answerText.replaceChildren(el("span", "正在生成回答…", "hint"));
  answerNote.textContent = "";
  const es = new EventSource("/api/portal/answer?" + qs);
  stream = es;
  let ended = false;
  const end = () => { ended = true; es.close(); if (stream === es) stream = null; };
  es.addEventListener("status", () => {
    if (!streamed) answerText.replaceChildren(el("span", "模型正在分析资料…", "hint"));
  });
  es.addEventListener("delta", (ev) => {
    streamed += JSON.parse(ev.data).text;
    box.dataset.kind = "model";
    showStreamed();
  });
  es.addEventListener("extractive", (ev) => {
    const d = JSON.parse(ev.data);
    showExtractive(d.text, d.replace ? "模型回答中断。" + d.note : d.note);
  });
  es.addEventListener("done", (ev) => {
    const d = JSON.parse(ev.data);
    if (d.kind === "model") {
      answerNote.textContent = "由模型根据下方检索到的原文生成，方括号内为出处编号，请以原文为准。";
      box.dataset.kind = "model-done";
    }
    end();
  });
  // The stream broke before it ended (rate limit, network): the extractive
  // answer that came with the results, labelled. Never an error page.
  es.onerror = () => {
    if (ended) return;
    end();
    if (fallback && !streamed) showExtractive(fallback.text, fallback.note);
    else if (streamed) answerNote.textContent = "回答传输中断，请以下方原文为准。";
  };
}

async function search() {
  showError("");
  const qs = new URLSearchParams({ q: q.value, page: String(page) });
  if (fv.value) qs.set("validity", fv.value);
  if (fc.value) qs.set("category", fc.value);
  history.replaceState(null, "", "?q=" + encodeURIComponent(q.value));
  let j;
  try {
    const res = await fetch("/api/portal/search?" + qs, { credentials: "same-origin" });
    j = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((j.error && j.error.message) || "查询失败，请稍后再试");
  } catch (e) {
    showError(e.message || "网络异常，请稍后再试");
    return false;
  }
  last = j;
  fallback = j.answer;
  const cats = new Set([...fc.options].map((o) => o.value));
  for (const c of j.categories) if (!cats.has(c)) fc.append(el("option", c));
  document.getElementById("results-card").hidden = false;
  document.getElementById("total").textContent = "共 " + j.total + " 条";
  const mode = document.getElementById("mode");
  mode.textContent = j.mode === "hybrid" ? "（语义＋关键词检索）" : j.mode === "bm25" ? "（仅关键词检索）" : "";
  mode.title = j.mode_note || "";
  document.getElementById("results").replaceChildren(...j.results.map((r) => {
    const li = el("li");
    li.id = "r-" + r.n;
    const head = el("div");
    head.append(el("strong", "[" + r.n + "] " + r.title + (r.article ? " " + r.article : "")));
    if (r.validity) head.append(el("span", r.validity, "badge" + (r.validity === "已修改" ? " old" : r.validity === "已废止" ? " void" : "")));
    li.append(head, el("div", [r.category, r.heading].filter(Boolean).join(" · "), "meta"), highlighted("p", r.snippet, r.spans));
    const full = el("pre", r.text, "fulltext");
    full.hidden = true;
    li.append(button("展开原文", () => { full.hidden = !full.hidden; }, "secondary"), full);
    return li;
  }));
  const pages = Math.max(1, Math.ceil(j.total / 10));
  document.getElementById("pageinfo").textContent = "第 " + j.page + " / " + pages + " 页";
  document.getElementById("prev").disabled = j.page <= 1;
  document.getElementById("next").disabled = j.page >= pages;
  return true;
}

// A new question (or new filters): results first, then the answer streams.
async function ask() {
  page = 1;
  const qs = new URLSearchParams({ q: q.value });
  if (fv.value) qs.set("validity", fv.value);
  if (fc.value) qs.set("category", fc.value);
  if (!(await search())) return;
  if (last.total === 0) {
    if (stream) stream.close();
    document.getElementById("answer").hidden = false;
    showExtractive(last.answer.text, last.answer.note);
    return;
  }
  if (qs.toString() !== asked || !stream) answer(qs);
  asked = qs.toString();
}

form.addEventListener("submit", (ev) => { ev.preventDefault(); asked = ""; ask(); });
fv.addEventListener("change", () => { if (last) ask(); });
fc.addEventListener("change", () => { if (last) ask(); });
document.getElementById("prev").addEventListener("click", () => { page--; search(); });
document.getElementById("next").addEventListener("click", () => { page++; search(); });
const params = new URLSearchParams(location.search);
if (params.get("q")) { q.value = params.get("q"); ask(); }
