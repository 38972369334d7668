// Shared pieces of the browser tests (tests/browser/*.test.mjs): launch
// headless Debian Chromium through playwright-core with a fresh profile,
// ok/FAIL lines, steps, screenshots, JS-error and HTTP-error capture, login.
// Environment (set by the tests/integration/test_browser*.sh scripts):
// SHUZHI_URL, SHUZHI_PW, SHUZHI_ARTIFACTS, SHUZHI_PROFILE.
import { chromium } from "playwright-core";

export const BASE = process.env.SHUZHI_URL;
export const PW = process.env.SHUZHI_PW;
export const ART = process.env.SHUZHI_ARTIFACTS || "tests/artifacts";
export const T = 30000; // per wait, ms (a loaded machine with sanitizer builds is slow)

let failures = 0;
export function ok(name) { console.log("ok " + name); }
export function fail(name, why) {
  failures++;
  console.log("FAIL " + name + ": " + String(why).split("\n")[0].slice(0, 300));
}
export function failed() { return failures; }
// step NAME FN: run FN, print ok/FAIL; returns whether it passed.
export async function step(name, fn) {
  try { await fn(); ok(name); return true; } catch (e) { fail(name, e.message || e); return false; }
}
export function expect(cond, why) { if (!cond) throw new Error(why); }
export const shot = (page, name) => page.screenshot({ path: `${ART}/browser-${name}.png`, fullPage: true });

// A persistent context on SHUZHI_PROFILE with one page; jsErrors collects
// page errors and console errors other than failed loads, badLoads every
// HTTP status >= 400 as "STATUS /path".
export async function launch() {
  const context = await chromium.launchPersistentContext(process.env.SHUZHI_PROFILE, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    locale: "zh-CN",
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(T);
  const page = context.pages()[0] || await context.newPage();
  const jsErrors = [];
  const badLoads = [];
  page.on("pageerror", (e) => jsErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) jsErrors.push(m.text());
  });
  page.on("response", (r) => { if (r.status() >= 400) badLoads.push(r.status() + " " + new URL(r.url()).pathname); });
  return { context, page, jsErrors, badLoads };
}

// Log in through the login form as user (password SHUZHI_PW); lands on 工作台.
export async function login(page, user) {
  await page.goto(BASE + "/");
  expect((await page.title()).includes("登录"), "title " + (await page.title()));
  await page.fill('#login-form input[name="username"]', user);
  await page.fill('#login-form input[name="password"]', PW);
  await page.click('#login-form button[type="submit"]');
  await page.waitForURL("**/dashboard.html");
  await page.locator("#me dd", { hasText: user }).first().waitFor();
}

export async function logout(page) {
  await page.click("#logout");
  await page.waitForURL(BASE + "/");
}
