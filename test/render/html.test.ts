/**
 * The sweep's HTML report: first as a string (escaping, completeness, self-containment), then as a
 * page rendered by a real headless Chromium (what people see: numbers, charts, filters, no script
 * injection, no network, no horizontal scrolling).
 *
 * Chromium is Debian's (`apt-get install chromium`, /usr/bin/chromium) driven by playwright-core.
 * Without it the browser tests skip with a notice, unless ECS_ADMISSION_REQUIRE_CHROMIUM=1 (CI),
 * then they fail. UPDATE_SAMPLES=1 also writes docs/sample-sweep-report.{html,png}.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES, type Finding, type Severity } from '../../src/core/types.js';
import { escapeHtml, renderHtmlReport } from '../../src/render/html/report.js';
import type { SweepReport } from '../../src/sweep/types.js';
import { HOSTILE_NAME, HOSTILE_OWNER, SECRET_VALUE, sampleReport } from '../sweep/sample-report.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.ECS_ADMISSION_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE_CHROMIUM = process.env.ECS_ADMISSION_REQUIRE_CHROMIUM === '1';
const UPDATE_SAMPLES = process.env.UPDATE_SAMPLES === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !REQUIRE_CHROMIUM) {
  console.warn(
    `\n  NOTICE: ${CHROMIUM} not found: the HTML report's browser tests are SKIPPED. Install it with apt-get install chromium (CI sets ECS_ADMISSION_REQUIRE_CHROMIUM=1 to fail instead).\n`,
  );
}

const hostile = sampleReport({ hostile: true });
const hostileHtml = renderHtmlReport(hostile);

interface Tag {
  name: string;
  attributes: [string, string | undefined][];
}

/**
 * Every tag of the page, parsed strictly: the page's own markup always double-quotes attribute values and escapes
 * `<`, `>` and `"` everywhere else, so any `<` or `>` left outside a tag means data became markup.
 */
function parseTags(html: string): Tag[] {
  const tags: Tag[] = [];
  const body = html.replace(/^<!doctype html>/i, '').replace(/<(style|script)>[\s\S]*?<\/\1>/g, '<$1></$1>');
  const stray = body.replace(
    /<(\/?)([a-z][a-z0-9-]*)((?:\s+[a-z][a-z0-9:-]*(?:="[^"<>]*")?)*)\s*\/?>/gi,
    (_, closing: string, name: string, attributes: string) => {
      if (!closing)
        tags.push({
          name: name.toLowerCase(),
          attributes: [...attributes.matchAll(/([a-z][a-z0-9:-]*)(?:="([^"]*)")?/gi)].map((m) => [m[1]!.toLowerCase(), m[2]]),
        });
      return '';
    },
  );
  expect(stray).not.toMatch(/[<>]/);
  return tags;
}

/**
 * The little of the DOM the page functions below use: the project compiles without the DOM library (Node code), and
 * these functions run in the browser, where `globalThis` is the window.
 */
interface DomElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}
interface Browserish {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  getComputedStyle(element: DomElement): { color: string };
}
const horizontalOverflow = (): number => {
  const { documentElement } = (globalThis as unknown as Browserish).document;
  return documentElement.scrollWidth - documentElement.clientWidth;
};

const findings = (report: SweepReport): Finding[] => report.resources.flatMap((r) => r.result.findings);
const counting = (report: SweepReport): Finding[] => findings(report).filter((f) => !f.exception);
const outcomes = (report: SweepReport) => report.resources.flatMap((r) => r.plan?.outcomes ?? []);
const countOf = (report: SweepReport, severity: Severity): number => counting(report).filter((f) => f.severity === severity).length;

describe('renderHtmlReport: the HTML text', () => {
  it('escapes what comes from data: a resource name or tag cannot become markup', () => {
    expect(hostileHtml).not.toContain(HOSTILE_NAME);
    expect(hostileHtml).not.toContain(HOSTILE_OWNER);
    expect(hostileHtml).toContain(escapeHtml(HOSTILE_NAME));
    expect(hostileHtml).toContain(escapeHtml(HOSTILE_OWNER));
    const tags = parseTags(hostileHtml);
    expect(tags.filter((t) => t.name === 'img')).toEqual([]);
    // The page's own script, and no other; no event handler attribute anywhere.
    expect(tags.filter((t) => t.name === 'script')).toHaveLength(1);
    expect(tags.flatMap((t) => t.attributes).filter(([name]) => name.startsWith('on'))).toEqual([]);
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('shows every finding, the excepted one with its reason and expiry, and never an environment value', () => {
    const all = findings(hostile);
    expect(all.length).toBeGreaterThan(20);
    expect(hostileHtml.match(/<tr class="finding/g)).toHaveLength(all.length);
    for (const f of all) {
      expect(hostileHtml).toContain(escapeHtml(f.message));
      expect(hostileHtml).toContain(`<code class="rule">${escapeHtml(f.ruleId)}</code>`);
    }
    const excepted = all.filter((f) => f.exception);
    expect(excepted).toHaveLength(1);
    expect(hostileHtml.match(/<tr class="finding excepted"/g)).toHaveLength(1);
    expect(hostileHtml).toContain(escapeHtml(excepted[0]!.exception!.reason));
    expect(hostileHtml).toContain('until <time datetime="2027-01-31">2027-01-31</time>');
    expect(hostileHtml).not.toContain(SECRET_VALUE);
  });

  it('says what enforcement would do, in sentences', () => {
    const html = renderHtmlReport(sampleReport());
    expect(html).toContain('Would deregister payments-api:41');
    expect(html).toContain('Would roll service payments-api back to payments-api:40');
    expect(html).toContain('Would update service edge-gateway (public IP disabled, ECS Exec disabled)');
    expect(html).toContain('Would delete task set ecs-svc/7361840295172630458 of service payments-api');
    expect(html).toContain('Would stop task 4f6c1e2a9b3d4e5f8a7b6c5d4e3f2a1b');
    expect(html).toContain('cannot roll search-indexer back: none of the 1 other ACTIVE revisions of search-indexer passes the deny rules');
  });

  it('shows the accounts and regions that could not be read, prominently', () => {
    const [failure] = hostile.failures;
    expect(hostileHtml).toMatch(/<section class="failures" role="alert"/);
    expect(hostileHtml.match(/<li class="failure">/g)).toHaveLength(1);
    expect(hostileHtml.indexOf('class="failures"')).toBeLessThan(hostileHtml.indexOf('class="summary"'));
    expect(hostileHtml).toContain('1 account and region could not be read');
    for (const text of [failure!.account, failure!.region, failure!.operation!, failure!.code, failure!.message])
      expect(hostileHtml).toContain(escapeHtml(text));
    expect(renderHtmlReport({ ...hostile, failures: [] })).not.toContain('class="failures"');
  });

  it('is self-contained: no stylesheet, script or image to fetch; links only to the AWS console and within the page', () => {
    const tags = parseTags(hostileHtml);
    expect(tags.filter((t) => ['link', 'img', 'iframe', 'object', 'embed', 'base', 'image', 'use', 'source', 'video', 'audio'].includes(t.name))).toEqual([]);
    expect(tags.filter((t) => t.attributes.some(([name]) => ['src', 'srcset', 'xlink:href', 'action', 'formaction', 'style'].includes(name)))).toEqual([]);
    expect(hostileHtml).not.toMatch(/@import|url\(/i);
    const hrefs = tags.flatMap((t) => t.attributes.filter(([name]) => name === 'href').map(([, value]) => value ?? ''));
    expect(hrefs.length).toBeGreaterThan(10);
    for (const href of hrefs) expect(href).toMatch(/^(#r\d+|https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/ecs\/v2\/)/);
    expect(hostileHtml).toContain(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/core/services/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/health?region=eu-west-1',
    );
    expect(hostileHtml).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/);
  });

  it('is deterministic and renders an empty sweep', () => {
    expect(renderHtmlReport(sampleReport({ hostile: true }))).toBe(hostileHtml);
    const empty: SweepReport = {
      ...hostile,
      resources: [],
      failures: [],
      counts: { accounts: 1, regions: 1, clusters: 0, services: 0, taskSets: 0, tasks: 0, taskDefinitions: 0 },
    };
    const html = renderHtmlReport(empty);
    expect(html).toContain('No findings');
    expect(html).not.toContain('<tr class="finding');
  });
});

if (!HAVE_CHROMIUM && REQUIRE_CHROMIUM) {
  // A failing test, not a failing hook: CI's "N passed, N failed" line counts tests.
  it('renderHtmlReport: the page in headless Chromium needs Chromium (ECS_ADMISSION_REQUIRE_CHROMIUM=1)', () => {
    throw new Error(`${CHROMIUM} not found, and ECS_ADMISSION_REQUIRE_CHROMIUM=1: install it with apt-get install -y chromium`);
  });
}

describe.skipIf(!HAVE_CHROMIUM)('renderHtmlReport: the page in headless Chromium', { tags: ['chromium'] }, () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const requests: string[] = [];

  const write = (name: string, html: string): string => {
    const file = join(dir, name);
    writeFileSync(file, html);
    return pathToFileURL(file).href;
  };
  const visibleRows = () => page.locator('tr.finding:visible').count();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-admission-html-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on('requestfailed', (request) => failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? '?'}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(write('hostile.html', hostileHtml), { waitUntil: 'load' });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the right numbers on the summary cards', async () => {
    const value = (metric: string) => page.locator(`[data-metric="${metric}"] .value`).innerText();
    for (const s of SEVERITIES) expect(await value(`severity-${s}`), s).toBe(String(countOf(hostile, s)));
    expect(countOf(hostile, 'critical')).toBeGreaterThan(0);
    const verdicts = (v: string) => hostile.resources.filter((r) => r.plan?.verdict === v).length;
    expect(await value('verdict-deny')).toBe(String(verdicts('deny')));
    expect(await value('verdict-flag')).toBe(String(verdicts('flag')));
    expect(await value('verdict-pass')).toBe(String(hostile.resources.length - verdicts('deny') - verdicts('flag')));
    const actions = (type: string) => outcomes(hostile).filter((o) => o.action.type === type);
    expect(await value('deregister')).toBe(String(actions('deregisterTaskDefinition').length));
    expect(await value('rollback')).toBe(
      String(actions('updateService').filter((o) => o.action.type === 'updateService' && o.action.changes.taskDefinition).length),
    );
    expect(await value('delete-task-set')).toBe('1');
    expect(await value('stop-task')).toBe('1');
    expect(await page.locator('[data-metric="resources"]').innerText()).toBe(String(hostile.resources.length));
    await expect.poll(() => page.locator('[data-metric="failures"]').isVisible()).toBe(true);
    expect(await page.locator('[data-metric="failures"]').innerText()).toContain('AccessDeniedException');
  });

  it('draws the charts as SVG: visible, labelled, one bar per rule', async () => {
    // Each chart is drawn twice, wide and compact (phones); CSS shows one.
    expect(await page.locator('svg.chart').count()).toBe(6);
    const charts = page.locator('svg.chart:visible');
    expect(await charts.count()).toBe(3);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(20);
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await chart.locator('title').first().textContent()).toMatch(/^Findings that count, by /);
    }
    const rules = new Map<string, number>();
    for (const f of counting(hostile)) rules.set(f.ruleId, (rules.get(f.ruleId) ?? 0) + 1);
    const bars = page.locator('svg[data-chart="chart-rule"]:visible g.bar');
    expect(await bars.count()).toBe(rules.size);
    const drawn = await bars.evaluateAll((gs: DomElement[]) =>
      gs.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-count')), g.getBoundingClientRect().width] as const),
    );
    expect(new Map(drawn.map(([label, count]) => [label, count]))).toEqual(rules);
    // Sorted: most findings first; every bar has a visible width.
    expect(drawn.map(([, count]) => count)).toEqual([...drawn.map(([, count]) => count)].sort((a, b) => b - a));
    for (const [, , width] of drawn) expect(width).toBeGreaterThan(0);
    // The count is written next to each bar.
    expect(await bars.first().locator('text.count').textContent()).toContain(String(drawn[0]![1]));
    const owners = await page
      .locator('svg[data-chart="chart-owner"]:visible g.bar')
      .evaluateAll((gs: DomElement[]) => gs.map((g) => g.getAttribute('data-label')));
    expect(owners).toEqual(expect.arrayContaining(['payments', 'search', 'platform', 'unknown', HOSTILE_OWNER]));
  });

  it('lists every finding in a visible row, and shows the hostile name as text without running it', async () => {
    expect(await visibleRows()).toBe(findings(hostile).length);
    // Readable: no text drawn in the white of the cards.
    const colors = await page
      .locator('.resource .message, .resource .rule, .resource .meta dd, .resource .action-text')
      .evaluateAll((els: DomElement[]) => els.map((e) => (globalThis as unknown as Browserish).getComputedStyle(e).color));
    expect(colors.length).toBeGreaterThan(findings(hostile).length);
    expect(colors.filter((c) => c === 'rgb(255, 255, 255)')).toEqual([]);
    await expect.poll(() => page.getByText(HOSTILE_NAME, { exact: true }).first().isVisible()).toBe(true);
    expect(await page.locator('h3').filter({ hasText: HOSTILE_NAME }).count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  it('filters by severity and by text in the browser', async () => {
    const total = findings(hostile).length;
    const critical = findings(hostile).filter((f) => f.severity === 'critical').length;
    const filter = page.locator('#filters');
    expect(await filter.isVisible()).toBe(true);
    await filter.locator('input[value="critical"]').uncheck();
    expect(await visibleRows()).toBe(total - critical);
    expect(await page.locator('#shown').innerText()).toBe(`${total - critical} of ${total} findings`);
    // Resources left without a visible finding are hidden as a whole.
    expect(await page.locator('.resource:visible').count()).toBe(
      hostile.resources.filter((r) => r.result.findings.some((f) => f.severity !== 'critical')).length,
    );
    await filter.locator('input[value="critical"]').check();
    expect(await visibleRows()).toBe(total);

    await filter.locator('#show-excepted').uncheck();
    expect(await visibleRows()).toBe(total - 1);
    await filter.locator('#show-excepted').check();

    await page.locator('#search').fill('no-public-ip');
    expect(await visibleRows()).toBe(findings(hostile).filter((f) => f.ruleId === 'no-public-ip').length);
    await page.locator('#search').fill('PAYMENTS');
    const payments = hostile.resources.filter((r) => r.plan?.resource.owner === 'payments').flatMap((r) => r.result.findings);
    expect(await visibleRows()).toBe(payments.length);
    expect(await page.locator('.resource:visible .owner').allInnerTexts()).toEqual(expect.arrayContaining(['payments']));
    expect(new Set(await page.locator('.resource:visible .owner').allInnerTexts())).toEqual(new Set(['payments']));
    await page.locator('#search').fill('payments critical 111122223333');
    const inAccount = hostile.resources.filter((r) => r.plan?.resource.owner === 'payments' && r.account === '111122223333').flatMap((r) => r.result.findings);
    expect(await visibleRows()).toBe(inAccount.filter((f) => f.severity === 'critical').length);
    await page.locator('#search').fill('nothing matches this');
    expect(await visibleRows()).toBe(0);
    expect(await page.locator('#no-match').isVisible()).toBe(true);
    await page.locator('#search').fill('');
    expect(await visibleRows()).toBe(total);
  });

  it('fits 1280 pixels without horizontal scrolling (and a phone too)', async () => {
    const overflow = () => page.evaluate(horizontalOverflow);
    expect(await overflow()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflow()).toBe(0);
    // On a phone the compact charts (labels above the bars) replace the wide ones, at full size.
    const compact = page.locator('svg.chart-compact:visible');
    expect(await compact.count()).toBe(3);
    expect(await page.locator('svg.chart-wide:visible').count()).toBe(0);
    for (const chart of await compact.all()) expect((await chart.boundingBox())!.width).toBeGreaterThan(300);
    await page.setViewportSize({ width: 1280, height: 900 });
    // Printed: no filter bar, every finding.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await visibleRows()).toBe(findings(hostile).length);
    await page.emulateMedia({ media: 'screen' });
  });

  it('loads nothing, logs no error, and the sample looks right (screenshot)', async () => {
    const clean = sampleReport();
    const html = renderHtmlReport(clean);
    await page.goto(write('sample.html', html), { waitUntil: 'load' });
    expect(await page.evaluate(horizontalOverflow)).toBe(0);
    const shot = join(tmpdir(), 'ecs-admission-sample-sweep-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (UPDATE_SAMPLES) {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(join(ROOT, 'docs/sample-sweep-report.html'), html);
      // The top of the page (summary, charts, worst offenders): the full page is a 2 MB image.
      await page.screenshot({ path: join(ROOT, 'docs/sample-sweep-report.png'), clip: { x: 0, y: 0, width: 1280, height: 1800 } });
    }
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
    expect(requests).toHaveLength(2);
    expect(dialogs).toEqual([]);
  });
});
