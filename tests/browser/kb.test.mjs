// 知识库 and the portal's streamed answer in a real browser
// (tests/integration/test_browser_kb.sh starts the server with the stand-in
// model). KB_PHASE=main: the admin creates a public kb, uploads a document
// (KB_DOC) and sees it listed with its metadata; on the portal a question
// shows the results first, then the model's answer streams in; a citation
// opens its article. KB_PHASE=outage (the stand-in stopped): the answer is
// the extractive one, labelled 摘录式回答（未使用模型）.
import { BASE, launch, step, expect, login, shot, failed, fail } from "./lib.mjs";

const { context, page, jsErrors, badLoads } = await launch();
const phase = process.env.KB_PHASE || "main";
const DOC = process.env.KB_DOC;
const Q = "企业开办全流程办理时限";

async function ask() {
  await page.goto(BASE + "/portal.html");
  await page.fill("#q", Q);
  await page.click('#portal-form button[type="submit"]');
  await page.locator("#results li").first().waitFor();
}

try {
  if (phase === "main") {
    await login(page, "admin");
    await step("kb-nav-and-create", async () => {
      await page.click('#nav a:has-text("知识库")');
      await page.waitForURL("**/kb.html");
      await page.fill("#kb-name", "政务公开");
      await page.selectOption("#kb-vis", "public");
      await page.click('#kb-create button[type="submit"]');
      await page.locator("#kb-title", { hasText: "政务公开" }).waitFor();
      await page.locator("#kbs tr", { hasText: "政务公开" }).waitFor();
    });
    await step("kb-upload-shows-progress-and-doc", async () => {
      await page.setInputFiles("#kb-file", DOC);
      await page.locator("#kb-progress", { hasText: "写入" }).waitFor();
      const tr = page.locator("#docs tr", { hasText: "办事指南.md" });
      await tr.waitFor();
      const text = await tr.textContent();
      expect(text.includes("企业开办一网通办服务指南") && text.includes("政办发〔2024〕17号"), "metadata: " + text);
      expect(/写入 [1-9]\d* 个分块/.test(await page.textContent("#kb-progress")), "no chunk count");
      await shot(page, "kb");
    });
    await step("kb-reindex-job-progress-to-done", async () => {
      // a job on the server (202): the page polls it until it is done
      await page.click("#kb-reindex");
      try {
        await page.locator("#kb-progress", { hasText: "索引已重建" }).waitFor();
      } catch (e) {
        throw new Error("progress: " + (await page.textContent("#kb-progress")) + " / message: " +
          (await page.textContent("#message")));
      }
      const t = await page.textContent("#kb-progress");
      expect(/已处理 1 个文件/.test(t) && t.includes("未变 1"), "reindex counts: " + t);
      expect(!(await page.isDisabled("#kb-reindex")), "reindex button left disabled");
    });
    await step("portal-results-first-then-answer-streams", async () => {
      await ask();
      // the stand-in answers slowly: the results are there before the answer ends
      const kind = await page.getAttribute("#answer", "data-kind");
      expect(kind !== "model-done", "results came only after the whole answer");
      expect((await page.textContent("#results")).includes("企业开办"), "upload not found");
      await page.locator('#answer[data-kind="model"], #answer[data-kind="model-done"]').waitFor();
      await page.locator('#answer[data-kind="model-done"]').waitFor({ timeout: 30000 });
      const answer = await page.textContent("#answer-text");
      expect(answer.includes("根据规定"), "model text missing: " + answer);
      expect(!answer.includes("[99]"), "out-of-range citation shown");
      expect(!(await page.textContent("#answer-note")).includes("未使用模型"), "model answer labelled extractive");
      await shot(page, "portal-model");
    });
    await step("portal-citation-opens-article", async () => {
      await page.click("#answer-text a.cite >> nth=0");
      const full = page.locator("#results li.flash pre.fulltext");
      await full.waitFor();
      expect((await full.textContent()).length > 10, "article text empty");
    });
  } else {
    await step("portal-outage-extractive-labelled", async () => {
      await ask();
      await page.locator('#answer[data-kind="extractive"]').waitFor({ timeout: 30000 });
      expect((await page.textContent("#answer-note")).includes("摘录式回答（未使用模型）"), "not labelled");
      await page.locator("#answer-text a.cite").first().waitFor();
      await shot(page, "portal-outage");
    });
  }
  await step("kb-" + phase + "-no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
    expect(badLoads.length === 0, [...new Set(badLoads)].join(", "));
  });
} catch (e) {
  fail("browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
