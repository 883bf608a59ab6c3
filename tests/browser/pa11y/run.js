// Runs pa11y (HTML_CodeSniffer, WCAG2AA) on many pages in one Chromium: each visitor's pages in a browser context
// of its own, signed in with that visitor's cookies.
// Input on stdin: {"chromium": path, "visitors": [{"role": ..., "cookies": [...Playwright cookies], "urls": [...]}]}.
// Output on stdout: [{"role": ..., "url": ..., "title": ..., "issues": [{code, message, selector, context}]}]
// (errors only).
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

const OPTIONS = { standard: "WCAG2AA", runners: ["htmlcs"], includeWarnings: false, includeNotices: false };

async function main() {
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  // One Chromium for every visitor: a launch costs seconds, a context (its own cookies) next to nothing.
  const browser = await puppeteer.launch({
    executablePath: input.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  const results = [];
  try {
    for (const visitor of input.visitors) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      if (visitor.cookies.length) {
        await page.setCookie(...visitor.cookies.map(({ name, value, domain, path, httpOnly, secure, sameSite }) => (
          { name, value, domain, path, httpOnly, secure, sameSite: sameSite === "None" ? undefined : sameSite })));
      }
      for (const url of visitor.urls) {
        // The portal's pages are whole when they have loaded (server-rendered; no content arrives later), so the
        // page is opened here and checked at "load", rather than by pa11y's own goto, which waits for half a
        // second of network silence (networkidle2) on every page.
        await page.goto(url, { waitUntil: "load", timeout: 60000 });
        const result = await pa11y(url, { ...OPTIONS, browser, page, ignoreUrl: true, timeout: 60000 });
        results.push({ role: visitor.role, url: page.url(), title: result.documentTitle, issues: result.issues.map(
          ({ code, message, selector, context }) => ({ code, message, selector, context })) });
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => { console.error(error); process.exit(1); });
