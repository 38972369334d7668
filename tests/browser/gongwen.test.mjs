// 公文校对 page in the browser: a staff user uploads a 公文 .docx, sees the
// findings (the same count the API gives), filters to errors, downloads the
// fixed copy and it is a .docx with fewer error findings; an unreadable file
// gets a clear message. Run by tests/integration/test_browser_gongwen.sh
// with SHUZHI_DOCX (a 公文 with errors) and SHUZHI_BAD (not a zip).
import fs from "node:fs";
import { BASE, step, expect, shot, launch, login, failed } from "./lib.mjs";

const DOCX = process.env.SHUZHI_DOCX;
const BAD = process.env.SHUZHI_BAD;
const WANT = Number(process.env.SHUZHI_WANT_FINDINGS);
const OUT = process.env.SHUZHI_FIXED_OUT;
const { context, page, jsErrors, badLoads } = await launch();
try {
  await step("gongwen-login", () => login(page, "staff1"));
  await step("gongwen-nav-link", async () => {
    await page.click('#nav a[href="/gongwen.html"]');
    await page.locator("main h2", { hasText: "公文校对" }).waitFor();
  });
  await step("gongwen-check-lists-findings", async () => {
    await page.setInputFiles("#gw-file", DOCX);
    await page.click('#gw-form button[type="submit"]');
    await page.locator("#gw-findings tr").first().waitFor();
    const n = await page.locator("#gw-findings tr").count();
    expect(n === WANT, `rows ${n}, API findings ${WANT}`);
    expect((await page.textContent("#gw-summary")).includes("共 " + WANT + " 项"), "summary");
    await shot(page, "gongwen-findings");
  });
  await step("gongwen-only-errors-filter", async () => {
    const all = await page.locator("#gw-findings tr").count();
    await page.check("#gw-only-errors");
    const errs = await page.locator("#gw-findings td.sev-error").count();
    const rows = await page.locator("#gw-findings tr").count();
    expect(rows === errs && rows <= all, `rows ${rows}, errors ${errs}, all ${all}`);
  });
  await step("gongwen-download-fixed", async () => {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#gw-fix")]);
    expect(dl.suggestedFilename().includes("已修正") && dl.suggestedFilename().endsWith(".docx"),
      "name " + dl.suggestedFilename());
    await dl.saveAs(OUT);
    const head = fs.readFileSync(OUT).subarray(0, 2).toString("latin1");
    expect(head === "PK", "not a zip");
    await page.locator("#gw-summary", { hasText: "修正稿已下载" }).waitFor();
  });
  await step("gongwen-bad-file-message", async () => {
    await page.setInputFiles("#gw-file", BAD);
    await page.click('#gw-form button[type="submit"]');
    await page.locator("#message", { hasText: "broken.docx" }).waitFor();
    expect(await page.locator("#gw-result").isHidden(), "old result still shown");
  });
  await step("gongwen-no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
    const other = badLoads.filter((l) => l !== "422 /api/gongwen/check");
    expect(other.length === 0, other.join(", "));
  });
} finally {
  await context.close();
}
process.exit(failed() ? 1 : 0);
