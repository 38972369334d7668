// Browser test of the 演示文稿 page (web/slides.html): paste material, get the
// extractive outline, see the preview and its slide count, edit one line and
// see the count change, break a line and see the error against its line, pick
// a template (thumbnail colours follow), download the .pptx and check it is a
// zip with as many ppt/slides/slideN.xml as the preview counted; the model
// button is disabled with its hint when no model is configured; no JS errors.
// With SLIDES_MODEL_REPLY (the stand-in's reply=FILE, a model configured): the
// model's outline streams into the page and lands in the editor, and an answer
// that is not an outline falls back to the extractive outline, labelled.
// Run by tests/integration/test_browser_slides.sh.
import { readFileSync, writeFileSync } from "node:fs";
import { launch, login, step, expect, shot, failed, fail, BASE, T } from "./lib.mjs";

const MATERIAL = process.env.SLIDES_MATERIAL;
const REPLY = process.env.SLIDES_MODEL_REPLY;
const MODEL_OUTLINE = "% 标题: 模型拟定的汇报\n# 一、工作进展\n## 政务服务提速\n- 办理时限压缩三成\n" +
  "- 一网通办覆盖全部事项\n> 讲清提速的做法\n## 下一步\n- 推进数据共享\n";

async function modelSteps() {
  await step("slides-model-enabled", async () => {
    await page.goto(BASE + "/slides.html");
    await page.locator("#sl-template option").nth(2).waitFor({ state: "attached" });
    expect(!(await page.locator("#sl-model").isDisabled()), "model button disabled with a model");
  });
  await step("slides-model-streams-outline", async () => {
    writeFileSync(REPLY, MODEL_OUTLINE);
    await page.fill("#sl-text", readFileSync(MATERIAL, "utf8"));
    // record every text the stream box shows: the answer must arrive piece
    // by piece (a snapshot of a passing moment would depend on timing)
    await page.evaluate(() => {
      window.__streamSeen = new Set();
      const pre = document.getElementById("sl-stream");
      new MutationObserver(() => { if (pre.textContent) window.__streamSeen.add(pre.textContent); })
        .observe(pre, { childList: true, characterData: true, subtree: true });
    });
    await page.click("#sl-model");
    await until(async () => (await page.inputValue("#sl-outline")).includes("模型拟定的汇报"), "model outline");
    await shot(page, "slides-model-streamed");
    const pieces = await page.evaluate(() => window.__streamSeen.size);
    expect(pieces >= 2, "stream shown in " + pieces + " step(s)");
    expect((await page.textContent("#sl-source")).includes("模型生成"), await page.textContent("#sl-source"));
    // title, section, two content slides, closing
    expect(await countChanges(-1) === 5, "count " + await count());
  });
  await step("slides-model-invalid-falls-back", async () => {
    writeFileSync(REPLY, "好的，以下是大纲：\n## 页\n@layout fancy\n");
    await page.click("#sl-model");
    await until(async () => (await page.textContent("#sl-source")).includes("模型结果未采用"), "fallback notice");
    const text = await page.inputValue("#sl-outline");
    expect(text.includes("## ") && !text.includes("模型拟定的汇报") && !text.includes("fancy"), "outline not the extractive one");
    await page.locator(".sl-thumb").nth(3).waitFor();
  });
}
// Poll cond (async, page calls) every 100 ms for up to 20 s.
async function until(cond, what) {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting for " + what);
}
const { context, page, jsErrors, badLoads } = await launch();

// Entry names of a zip from its central directory (no dependencies).
function zipNames(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error("not a zip (no end of central directory)");
  const n = buf.readUInt16LE(eocd + 10);
  let off = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let k = 0; k < n; k++) {
    if (buf.readUInt32LE(off) !== 0x02014b50) throw new Error("bad central directory");
    const nl = buf.readUInt16LE(off + 28), xl = buf.readUInt16LE(off + 30), cl = buf.readUInt16LE(off + 32);
    names.push(buf.toString("utf8", off + 46, off + 46 + nl));
    off += 46 + nl + xl + cl;
  }
  return names;
}

const count = async () => Number(await page.locator("#sl-count").getAttribute("data-count"));
// wait until the preview shows a count different from `old` (a number)
async function countChanges(old) {
  await page.waitForFunction((o) => {
    const c = document.getElementById("sl-count").dataset.count;
    return c !== undefined && c !== "" && Number(c) !== o;
  }, old, { timeout: T });
  return count();
}

try {
  await login(page, "staff1");
  let n0 = 0;
  if (REPLY) {
    await modelSteps();
    await step("slides-no-js-errors", async () => { expect(jsErrors.length === 0, jsErrors.join(" | ")); });
    await step("slides-no-http-errors", async () => { expect(badLoads.length === 0, badLoads.join(", ")); });
    await context.close();
    process.exit(failed() ? 1 : 0);
  }
  await step("slides-nav", async () => {
    await page.click('#nav a:has-text("演示文稿")');
    await page.waitForURL("**/slides.html");
    await page.locator("#sl-template option").nth(2).waitFor({ state: "attached" });
  });
  await step("slides-model-disabled-without-model", async () => {
    expect(await page.locator("#sl-model").isDisabled(), "model button enabled without a model");
    expect((await page.textContent("#sl-model-hint")).includes("未配置模型"), "no 未配置模型 hint");
  });
  await step("slides-paste-outline-preview", async () => {
    await page.fill("#sl-text", readFileSync(MATERIAL, "utf8"));
    await page.click("#sl-extract");
    await page.waitForFunction(() => document.getElementById("sl-outline").value.includes("## "));
    expect((await page.textContent("#sl-source")).includes("规则提取"), "source not labelled");
    n0 = await countChanges(-1);
    const thumbs = await page.locator(".sl-thumb").count();
    expect(n0 > 3 && thumbs === n0, `count ${n0}, thumbnails ${thumbs}`);
    await shot(page, "slides-preview");
  });
  await step("slides-edit-line-updates-preview", async () => {
    // turn the last "- " bullet line into a new "## " slide: one more slide
    const text = await page.inputValue("#sl-outline");
    const lines = text.split("\n");
    let k = lines.length - 1;
    while (k >= 0 && !lines[k].startsWith("- ")) k--;
    expect(k >= 0, "no bullet line");
    lines[k] = "## 新增的一页：" + lines[k].slice(2);
    await page.fill("#sl-outline", lines.join("\n"));
    const n1 = await countChanges(n0);
    expect(n1 === n0 + 1, `count ${n0} -> ${n1}`);
    await page.locator(".sl-thumb .sl-title", { hasText: "新增的一页" }).first().waitFor();
    n0 = n1;
  });
  await step("slides-error-against-line", async () => {
    const good = await page.inputValue("#sl-outline");
    await page.fill("#sl-outline", good + "\n@layout 不存在的版式\n");
    const err = page.locator("#sl-errors li").first();
    await err.waitFor();
    const line = good.split("\n").length + 1;
    expect(await err.getAttribute("data-line") === String(line), "error line " + await err.getAttribute("data-line") + " want " + line);
    expect((await err.textContent()).includes("未知版式"), await err.textContent());
    await shot(page, "slides-error");
    await page.fill("#sl-outline", good);
    await page.waitForFunction(() => document.querySelectorAll("#sl-errors li").length === 0);
    expect(await countChanges(-1) === n0, "count after fixing");
  });
  await step("slides-template-colours", async () => {
    const bg = () => page.locator('.sl-thumb[data-layout="title"]').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    const before = await bg();
    await page.selectOption("#sl-template", "keji");
    await page.waitForFunction((b) => {
      const e = document.querySelector('.sl-thumb[data-layout="title"]');
      return e && getComputedStyle(e).backgroundColor !== b;
    }, before);
    expect(await bg() === "rgb(11, 31, 58)", "keji title background " + await bg());
  });
  await step("slides-download-pptx", async () => {
    await page.fill("#sl-title", "福田区数字政府汇报");
    await countChanges(-1);
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#sl-render")]);
    expect(dl.suggestedFilename() === "福田区数字政府汇报.pptx", "file name " + dl.suggestedFilename());
    const path = await dl.path();
    const names = zipNames(readFileSync(path));
    const slides = names.filter((x) => /^ppt\/slides\/slide\d+\.xml$/.test(x)).length;
    expect(names.includes("[Content_Types].xml"), "no [Content_Types].xml");
    expect(slides === n0, `pptx has ${slides} slides, preview said ${n0}`);
    await page.waitForFunction(() => document.getElementById("sl-source").textContent.includes("已生成"));
  });
  await step("slides-no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
  });
  await step("slides-no-http-errors", async () => {
    expect(badLoads.length === 0, [...new Set(badLoads)].join(", "));
  });
} catch (e) {
  fail("slides-browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
