// Browser test of the shuzhi serve pages: headless Chromium driven by
// playwright-core. Run by tests/integration/test_browser.sh, which starts the
// server and passes SHUZHI_URL, SHUZHI_PW, SHUZHI_ARTIFACTS and a fresh
// SHUZHI_PROFILE. Prints "ok NAME" / "FAIL NAME: reason" lines; a failed step
// stops the steps that depend on it.
import { chromium } from "playwright-core";

const BASE = process.env.SHUZHI_URL;
const PW = process.env.SHUZHI_PW;
const ART = process.env.SHUZHI_ARTIFACTS || "tests/artifacts";
const PROFILE = process.env.SHUZHI_PROFILE;
const T = 10000; // per wait, ms

let failures = 0;
function ok(name) { console.log("ok " + name); }
function fail(name, why) {
  failures++;
  console.log("FAIL " + name + ": " + String(why).split("\n")[0].slice(0, 300));
}
// step NAME FN: run FN, print ok/FAIL; returns whether it passed.
async function step(name, fn) {
  try { await fn(); ok(name); return true; } catch (e) { fail(name, e.message || e); return false; }
}
function expect(cond, why) { if (!cond) throw new Error(why); }
const shot = (page, name) => page.screenshot({ path: `${ART}/browser-${name}.png`, fullPage: true });

const context = await chromium.launchPersistentContext(PROFILE, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  locale: "zh-CN",
  viewport: { width: 1280, height: 800 },
});
context.setDefaultTimeout(T);
const page = context.pages()[0] || await context.newPage();
const jsErrors = [];
page.on("pageerror", (e) => jsErrors.push(e.message));
// Console errors other than failed loads; failed loads are checked by URL
// below (the console only says "status of 404"); every page links /favicon.svg.
page.on("console", (m) => {
  if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) jsErrors.push(m.text());
});
const badLoads = [];
page.on("response", (r) => { if (r.status() >= 400) badLoads.push(r.status() + " " + new URL(r.url()).pathname); });

async function login(name, user) {
  return step(name, async () => {
    await page.goto(BASE + "/");
    expect((await page.title()).includes("登录"), "title " + (await page.title()));
    await page.fill('#login-form input[name="username"]', user);
    await page.fill('#login-form input[name="password"]', PW);
    await page.click('#login-form button[type="submit"]');
    await page.waitForURL("**/dashboard.html");
    await page.locator("main h2", { hasText: "工作台" }).waitFor();
    await page.locator("#me dd", { hasText: user }).first().waitFor();
  });
}

const stamp = String(Date.now() % 100000);
const DEPT = "测试处" + stamp;
const USER = "zhang" + stamp;
const DISPLAY = "张三" + stamp;

try {
  await step("login-page-renders", async () => {
    await page.goto(BASE + "/");
    await page.locator("#login-form").waitFor();
    await shot(page, "login");
  });
  await step("login-wrong-password-message", async () => {
    await page.fill('#login-form input[name="username"]', "admin");
    await page.fill('#login-form input[name="password"]', "Wrong-pass-99");
    await page.click('#login-form button[type="submit"]');
    await page.locator("#message", { hasText: "用户名或密码错误" }).waitFor();
    expect(page.url().endsWith("/"), "left the login page: " + page.url());
  });
  const adminIn = await login("admin-login-to-dashboard", "admin");
  if (adminIn) {
    await step("dashboard-shows-admin", async () => {
      await page.locator("#who", { hasText: "管理员" }).waitFor();
      for (const t of ["用户与部门", "审计日志"]) await page.locator("#links a", { hasText: t }).waitFor();
      await shot(page, "dashboard-admin");
    });
    const onAdmin = await step("open-admin-page", async () => {
      await page.click('#links a:has-text("用户与部门")');
      await page.waitForURL("**/admin.html");
      await page.locator("#users tr", { hasText: "admin" }).first().waitFor();
      await page.locator("#nav a[aria-current=page]", { hasText: "用户与部门" }).waitFor();
    });
    let deptMade = false;
    if (onAdmin) {
      deptMade = await step("create-department", async () => {
        await page.fill('#dept-form input[name="name"]', DEPT);
        await page.click('#dept-form button[type="submit"]');
        await page.locator("#depts tr", { hasText: DEPT }).waitFor();
        expect(await page.inputValue('#dept-form input[name="name"]') === "", "form not reset");
        expect((await page.textContent("#message")).trim() === "", "error: " + await page.textContent("#message"));
      });
      await step("create-user", async () => {
        expect(deptMade, "no department to put the user in");
        await page.fill('#user-form input[name="username"]', USER);
        await page.fill('#user-form input[name="display_name"]', DISPLAY);
        await page.selectOption('#user-form select[name="role"]', "staff");
        await page.selectOption('#user-form select[name="department_id"]', { label: DEPT });
        await page.fill('#user-form input[name="password"]', PW);
        await page.click('#user-form button[type="submit"]');
        const tr = page.locator("#users tr", { hasText: USER });
        await tr.waitFor();
        const text = await tr.textContent();
        for (const want of [DISPLAY, "工作人员", DEPT, "正常"]) expect(text.includes(want), `row lacks ${want}: ${text}`);
        await shot(page, "admin");
      });
      await step("duplicate-department-error", async () => {
        await page.fill('#dept-form input[name="name"]', DEPT);
        await page.click('#dept-form button[type="submit"]');
        await page.waitForFunction(() => document.getElementById("message").textContent.trim() !== "");
        expect((await page.locator("#depts tr", { hasText: DEPT }).count()) === 1, "department listed twice");
      });
    }
    const onAudit = await step("open-audit-page", async () => {
      await page.click('#nav a:has-text("审计日志")');
      await page.waitForURL("**/audit.html");
      await page.locator("#verify.ok", { hasText: "哈希链完整" }).waitFor();
      await page.locator("#entries tr").first().waitFor();
    });
    if (onAudit) {
      await step("audit-shows-dept-add", async () => {
        await page.locator("#entries tr", { hasText: "dept.add" }).filter({ hasText: "user:admin" })
          .filter({ hasText: DEPT }).first().waitFor();
      });
      await step("audit-shows-user-add", async () => {
        await page.locator("#entries tr", { hasText: "user.add" }).filter({ hasText: "user:admin" })
          .filter({ hasText: USER }).first().waitFor();
      });
      await step("audit-shows-logins", async () => {
        await page.locator("#entries tr", { hasText: "user.login_failed" }).first().waitFor();
        await page.locator("#entries tr", { hasText: "user.login" }).filter({ hasText: "user:admin" }).first().waitFor();
        await shot(page, "audit");
      });
      await step("audit-filter-by-action", async () => {
        await page.fill('#audit-form input[name="action"]', "user.add");
        await page.click('#audit-form button[type="submit"]');
        await page.waitForFunction(() => {
          const rows = [...document.querySelectorAll("#entries tr")];
          return rows.length > 0 && rows.every((r) => r.cells[3].textContent === "user.add");
        });
        expect((await page.getAttribute("#csv", "href")).includes("action=user.add"), "CSV link not filtered");
      });
    }
    await step("admin-logout", async () => {
      await page.click("#logout");
      await page.waitForURL(BASE + "/");
      await page.locator("#login-form").waitFor();
      await page.goto(BASE + "/dashboard.html");
      await page.waitForURL(BASE + "/"); // 401 sends the page back to 登录
    });
  }

  const staffIn = await login("staff-login-to-dashboard", "staff1");
  if (staffIn) {
    await step("staff-dashboard-no-admin-links", async () => {
      await page.locator("#who", { hasText: "工作人员" }).waitFor();
      await page.locator("#links li").first().waitFor();
      expect(await page.locator('#nav a:has-text("用户与部门"), #links a:has-text("用户与部门")').count() === 0,
        "admin link shown to staff");
      await shot(page, "dashboard-staff");
    });
    await step("staff-api-token-create-and-revoke", async () => {
      const name = "脚本" + stamp;
      await page.fill('#token-form input[name="name"]', name);
      await page.fill('#token-form input[name="days"]', "30");
      await page.click('#token-form button[type="submit"]');
      await page.locator("#new-token", { hasText: "szt_" }).waitFor();
      const tr = page.locator("#tokens tr", { hasText: name });
      await tr.filter({ hasText: "有效" }).waitFor();
      const secret = (await page.textContent("#new-token")).match(/szt_[0-9a-f]{64}/)[0];
      const me = await page.evaluate(async (t) => (await fetch("/api/me", { headers: { Authorization: "Bearer " + t } })).status, secret);
      expect(me === 200, "token did not authenticate: " + me);
      expect(!(await tr.textContent()).includes(secret), "secret shown in the list");
      await shot(page, "dashboard-tokens");
      await tr.locator("button", { hasText: "撤销" }).click();
      await tr.filter({ hasText: "已撤销" }).waitFor();
      const after = await page.evaluate(async (t) => (await fetch("/api/me", { headers: { Authorization: "Bearer " + t } })).status, secret);
      expect(after === 401, "revoked token still works: " + after);
    });
    await step("staff-admin-page-says-forbidden", async () => {
      await page.goto(BASE + "/admin.html");
      await page.locator("#forbidden", { hasText: "无权访问此页面" }).waitFor();
      expect(await page.locator("#user-form, #dept-form").count() === 0, "admin forms shown to staff");
      await shot(page, "admin-denied");
    });
    await step("staff-logout", async () => {
      await page.click("#logout");
      await page.waitForURL(BASE + "/");
    });
  }
  await step("no-js-errors", async () => {
    expect(jsErrors.length === 0, jsErrors.join(" | "));
  });
  await step("no-unexpected-http-errors", async () => {
    // expected: wrong password, logged-out /api/me, duplicate department, staff /api/users
    const expected = new Set(["401 /api/login", "401 /api/me", "409 /api/departments", "403 /api/users"]);
    const other = badLoads.filter((l) => !expected.has(l));
    expect(other.length === 0, [...new Set(other)].join(", "));
  });
} catch (e) {
  fail("browser-run", e.stack || e);
} finally {
  await context.close();
}
process.exit(failures ? 1 : 0);
