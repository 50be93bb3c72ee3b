/**
 * Headless Chromium for the workbench suite: Debian's (/usr/bin/chromium, never a downloaded browser),
 * one browser context per signed-in session, as two people at two desks.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
];
export const SCREENSHOTS = join(import.meta.dirname, "../../docs/console");

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface Desk {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for: the console must fetch nothing from elsewhere. */
  requests: string[];
  errors: string[];
}

/** A fresh context signed in through the development login as `login` in `role`. */
export async function signIn(browser: Browser, origin: string, login: string, role: string): Promise<Desk> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  // Every wait is on a condition; this bounds how long a condition that never comes is waited for.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${origin}/`);
  await page.selectOption("#dev-user", `${login} ${role}`);
  await page.click("#sign-in");
  await page.locator(`#session[data-login="${login}"][data-role="${role}"]`).waitFor();
  return { context, page, requests, errors };
}
