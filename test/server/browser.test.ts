/**
 * The "done when", in a real headless Chromium (Debian's, driven by
 * playwright-core): sign in, upload a malicious and a benign checkpoint
 * through the web UI, see the first held in quarantine with its explanation
 * and the second published as signed safetensors. On each configuration;
 * screenshots go to build/test-output/registry/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../helpers.js';
import { BENIGN, MALICIOUS, PASSWORD, POSTGRES, REDIS, S3, startRegistry, type Backend, type Harness } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'build/test-output/registry');
/** A hang guard for the pipeline under a loaded machine, not a performance assertion. */
const PIPELINE_WAIT_MS = 600_000;

function browserSuite(backend: Backend): void {
  describe(`registry web UI in Chromium (${backend})`, { skip: existsSync(CHROMIUM) ? false : 'Debian chromium is not installed' }, () => {
    let h: Harness;
    let browser: Browser;
    let page: Page;
    const cspErrors: string[] = [];
    before(async () => {
      mkdirSync(SHOTS, { recursive: true });
      h = await startRegistry(backend);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage();
      // Hang guards for a loaded machine (the whole suite runs in parallel), not performance assertions.
      page.setDefaultTimeout(PIPELINE_WAIT_MS);
      page.setDefaultNavigationTimeout(PIPELINE_WAIT_MS);
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
    });
    after(async () => {
      await browser.close().catch(() => undefined);
      await h.destroy();
    });

    it('sends an anonymous visitor to sign in, and signs in', async (t) => {
      await page.goto(`${h.url}/`);
      assert.match(page.url(), /\/login$/);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent), 'Skip to content');
      await page.fill('#name', 'uploader1');
      await page.fill('#password', PASSWORD);
      await page.press('#password', 'Enter');
      await page.waitForURL(`${h.url}/`);
      assert.match((await page.textContent('header')) ?? '', /uploader1 \(uploader\)/);
      const shot = join(SHOTS, `${backend}-1-signed-in.png`);
      await page.screenshot({ path: shot });
      t.diagnostic(`screenshot: ${shot}`);
    });

    async function uploadThroughUi(model: string, file: string): Promise<void> {
      await page.goto(`${h.url}/upload`);
      await page.fill('#model', model);
      await page.setInputFiles('#file', file);
      await page.click('button[type=submit]:has-text("Upload")');
      await page.waitForURL(`${h.url}/m/uploader1/${model}`, { timeout: PIPELINE_WAIT_MS });
    }

    it('holds a malicious checkpoint in quarantine with its explanation', async (t) => {
      await uploadThroughUi('evil', MALICIOUS);
      await page.waitForSelector('.artifact.state-quarantined', { timeout: PIPELINE_WAIT_MS });
      assert.match((await page.textContent('[data-testid=reason]')) ?? '', /^malicious: /);
      const findings = (await page.textContent('table.findings')) ?? '';
      assert.match(findings, /malicious/);
      assert.match(findings, /Why|Technique/);
      assert.equal(await page.locator('.files a').count(), 0);
      const shot = join(SHOTS, `${backend}-2-quarantined.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
    });

    it('publishes a benign checkpoint as signed safetensors', async (t) => {
      await uploadThroughUi('good', BENIGN);
      await page.waitForSelector('.artifact.state-published', { timeout: PIPELINE_WAIT_MS });
      assert.match((await page.textContent('[data-testid=conversion]')) ?? '', /done → clean__state-dict-zip\.safetensors/);
      assert.match((await page.textContent('[data-testid=signature]')) ?? '', /^signed/);
      const files = await page.locator('.files a').allTextContents();
      assert.deepEqual(files.sort(), ['clean__state-dict-zip.safetensors', 'model.sig', 'modelguard-scan.sig']);
      assert.match((await page.textContent('details pre')) ?? '', /"verdict": "clean"/);
      const shot = join(SHOTS, `${backend}-3-published.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
    });

    it('lists both with their badges, and the CSP held (no inline code needed)', async (t) => {
      await page.goto(`${h.url}/`);
      const rows = await page.locator('tbody tr').allTextContents();
      assert.ok(rows.some((r) => r.includes('uploader1/evil') && r.includes('quarantined')));
      assert.ok(rows.some((r) => r.includes('uploader1/good') && r.includes('published')));
      assert.deepEqual(cspErrors, []);
      const shot = join(SHOTS, `${backend}-4-list.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${shot}`);
    });
  });
}

browserSuite('embedded');
if (POSTGRES !== undefined) browserSuite('postgres');
// PostgreSQL + Redis + a worker process, with blobs in S3 when .ci/run started an S3 server too.
if (POSTGRES !== undefined && REDIS !== undefined) browserSuite(S3 === undefined ? 'redis' : 'scaled');
