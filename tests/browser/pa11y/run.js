// Runs pa11y (HTML_CodeSniffer, WCAG2AA) on many pages in one Chromium, signed in with the cookies given.
// Input on stdin: {"chromium": path, "cookies": [...Playwright cookies], "urls": [...]}.
// Output on stdout: [{"url": ..., "issues": [{code, message, selector, context}]}] (errors only).
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");

async function main() {
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await puppeteer.launch({
    executablePath: input.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  const results = [];
  try {
    const page = await browser.newPage();
    if (input.cookies.length) {
      await page.setCookie(...input.cookies.map(({ name, value, domain, path, httpOnly, secure, sameSite }) => (
        { name, value, domain, path, httpOnly, secure, sameSite: sameSite === "None" ? undefined : sameSite })));
    }
    for (const url of input.urls) {
      const result = await pa11y(url, {
        browser, page, standard: "WCAG2AA", runners: ["htmlcs"], includeWarnings: false, includeNotices: false,
        timeout: 60000,
      });
      results.push({ url, title: result.documentTitle, issues: result.issues.map(
        ({ code, message, selector, context }) => ({ code, message, selector, context })) });
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => { console.error(error); process.exit(1); });
