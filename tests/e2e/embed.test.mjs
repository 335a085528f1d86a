// Embedding: the example host page (www/host.html) mounts the calculator with a script, talks
// to the embed page in an iframe through postMessage, and calls the JS API. The host page is
// opened from another origin (localhost) than the app (127.0.0.1), as a vendor's docs would be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, newContext, nativeReport, root, server } from './harness.mjs';

const hostUrl = (params = '') => {
  const app = new URL(server.url);
  return `http://localhost:${app.port}/host.html?app=${encodeURIComponent(app.href)}${params}`;
};
const sample = path.join(root, 'www/sample-deals.csv');

async function openHost(t, params = '') {
  const context = await newContext(t);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  t.after(() => assert.deepEqual(errors, [], 'no page errors'));
  await page.goto(hostUrl(params));
  return page;
}

// The host page's buttons sit below the mounted calculator, which grows while its report
// renders: a click at where a button was can land on the iframe that moved into its place
// (seen on a loaded machine: the options were never sent, and the frame got no message). These
// tests are about the messages, so a button is pressed by dispatching its click to it.
const press = (page, selector) => page.locator(selector).dispatchEvent('click');

const frameOf = (page) => page.frames().find((f) => f.url().startsWith(`${new URL(server.url).origin}/embed.html`));

test('the mount script draws the calculator into the host element, themed and apart', async (t) => {
  const page = await openHost(t);
  const widget = page.locator('#widget');
  // The mounted app lives in the element's shadow root; locators reach into it.
  await widget.locator('#kpi-cards [data-kpi="win_rate"] .value').waitFor();
  await page.waitForFunction(() => document.querySelector('#widget').shadowRoot
    ?.querySelector('main')?.getAttribute('aria-busy') === 'false');
  assert.equal(await widget.locator('h1').count(), 0, 'no site header when embedded');
  // The host's settings: stage and goals as the attributes say.
  assert.equal(await widget.locator('#stage').inputValue(), 'expansion');
  // The sample's whole range is computed like the native engine computes it.
  await widget.locator('#period').selectOption('all');
  await page.waitForFunction(() => {
    const root = document.querySelector('#widget').shadowRoot;
    return root.querySelector('#period').value === 'all' && root.querySelector('main').getAttribute('aria-busy') === 'false';
  });
  const native = nativeReport(sample, '--stage', 'expansion', '--goal', 'grow_revenue', '--goal', 'keep_customers');
  const win = native.kpis.find((k) => k.id === 'win_rate').value;
  assert.equal(Number(await widget.locator('[data-kpi="win_rate"] .value').getAttribute('data-value')), win);
  assert.deepEqual(
    await widget.locator('#kpi-cards [data-kpi]').evaluateAll((els) => els.map((e) => e.dataset.kpi)),
    // The KPIs the data gives first, then those it cannot give yet, each in rank order.
    [true, false].flatMap((given) => native.recommendation
      .filter((r) => native.kpis.some((k) => k.id === r.id) === given).map((r) => r.id)),
  );
  // The theme reached the app, the host's own styles did not.
  const colours = await page.evaluate(() => {
    const root = document.querySelector('#widget').shadowRoot;
    const app = root.querySelector('.crm-kpi');
    return {
      accent: getComputedStyle(app).getPropertyValue('--accent').trim(),
      font: getComputedStyle(app).fontFamily,
      value: getComputedStyle(root.querySelector('.kpi-card .value')).color,
    };
  });
  assert.equal(colours.accent, '#0b7a53');
  assert.match(colours.font, /Georgia/);
  assert.notEqual(colours.value, 'rgb(204, 0, 0)', 'the host page\'s .value rule stays outside');
  await widget.screenshot({ path: path.join(artifacts, 'embed-mounted.png') });
  // The settings sit beside the results while the element is wide enough, and above them
  // in a narrow element of the same wide window; every card then fits within the element.
  const layout = () => page.evaluate(() => {
    const root = document.querySelector('#widget').shadowRoot;
    const box = (s) => root.querySelector(s).getBoundingClientRect();
    const host = document.querySelector('#widget').getBoundingClientRect();
    const cards = [...root.querySelectorAll('.kpi-card')].map((c) => c.getBoundingClientRect());
    return {
      beside: box('.side').right <= box('.results').left && box('.side').top < box('.results').bottom,
      above: box('.side').bottom <= box('.results').top,
      fit: cards.every((c) => c.left >= host.left && c.right <= host.right + 0.5),
    };
  });
  assert.ok(await page.evaluate(() => document.querySelector('#widget').getBoundingClientRect().width >= 1100));
  assert.deepEqual(await layout(), { beside: true, above: false, fit: true });
  await page.evaluate(() => { document.querySelector('#widget').style.width = '560px'; });
  await page.waitForFunction(() => !document.querySelector('#widget').shadowRoot.querySelector('.crm-kpi-root').classList.contains('wide'));
  assert.deepEqual(await layout(), { beside: false, above: true, fit: true });
  await widget.screenshot({ path: path.join(artifacts, 'embed-mounted-narrow.png') });
});

test('the JS API analyzes, recommends and lists the catalogue as plain JSON', async (t) => {
  const page = await openHost(t);
  await page.waitForFunction(() => window.crmKpiApi);
  await press(page, '#api-run');
  // The host page's CSV: Acme and Initech won, Globex lost, Umbrella open.
  assert.match(await page.locator('#api-result').textContent(), /^win rate 0\.6666666666666666\n\["win_rate",/);
  const out = await page.evaluate(() => {
    const api = window.crmKpiApi;
    const report = api.analyze([{ name: 'a.csv', data: 'Deal Name,Amount,Deal Stage,Create Date,Close Date\nA,100,Closed Won,2024-01-02,2024-01-20\nB,50,Closed Lost,2024-01-03,2024-02-21\n' }],
      { period: '2024-01', lang: 'zh', kpis: ['revenue', 'win_rate'] });
    let bad;
    try { api.analyze('a,b\n1,2\n', { stage: 'huge' }); } catch (e) { bad = String(e.message ?? e); }
    const rec = api.recommend('startup', ['grow_revenue'], ['amount', 'stage', 'closed_at', 'created_at']);
    const cat = api.catalogue('zh');
    return {
      json: JSON.stringify(report) === JSON.stringify(JSON.parse(JSON.stringify(report))),
      period: report.period,
      shown: report.recommendation.map((r) => r.id),
      revenue: report.kpis.find((k) => k.id === 'revenue').value,
      winRate: report.kpis.find((k) => k.id === 'win_rate').value,
      lang: report.lang,
      bad,
      rec: rec.map((r) => [r.id, r.computable]),
      catalogue: cat.length,
      catalogueRevenue: cat.find((k) => k.id === 'revenue').name,
      version: api.version(),
    };
  });
  assert.ok(out.json, 'the report is plain JSON data');
  assert.equal(out.period, '2024-01');
  assert.deepEqual(out.shown, ['revenue', 'win_rate']);
  assert.equal(out.revenue, 100);
  assert.equal(out.winRate, 1, 'only A closed in January');
  assert.equal(out.lang, 'zh');
  assert.match(out.bad, /stage "huge"/);
  assert.ok(out.rec.length >= 5 && out.rec.length <= 10, `${out.rec.length} recommended`);
  assert.deepEqual(out.rec.find(([id]) => id === 'win_rate'), ['win_rate', true]);
  const catalogue = await import('node:fs').then((fs) => fs.readFileSync(path.join(root, 'src/engine/catalogue.rs'), 'utf8'));
  assert.equal(out.catalogue, (catalogue.match(/^\s+kpi!\("/gm) || []).length, 'every KPI of the catalogue');
  assert.equal(out.catalogueRevenue, '销售额');
  assert.match(out.version, /^\d+\.\d+\.\d+$/);
});

test('the iframe talks to its host through postMessage, and only to the allowed origin', async (t) => {
  const page = await openHost(t);
  const received = () => page.evaluate(() => window.received);
  const results = async () => (await received()).filter((m) => m.type === 'crm-kpi:result');
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:ready'));
  // The sample's first result, for its last complete month.
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:result' && m.result.period !== 'all'));
  const first = (await results()).at(-1).result;
  assert.equal(first.format, 'crm-kpi-kpis/1');
  assert.deepEqual(first.files, ['sample-deals.csv']);
  assert.match(first.period, /^\d{4}-\d{2}$/);

  // Options: Chinese, mature, one goal, two KPIs chosen by the host.
  await press(page, '#send-options');
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:result' && m.result.lang === 'zh'
    && m.result.stage === 'mature' && m.result.shown.join() === 'win_rate,revenue'));
  const frame = frameOf(page);
  assert.equal(await frame.locator('#stage').inputValue(), 'mature');
  assert.deepEqual(await frame.locator('#kpi-cards [data-kpi]').evaluateAll((els) => els.map((e) => e.dataset.kpi)), ['win_rate', 'revenue']);
  assert.match(await frame.locator('.hint.chosen').textContent(), /本页面设定的指标/);

  // Data: the host's CSV replaces the sample; its whole range is two won of three closed.
  await press(page, '#send-data');
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:result' && m.result.files[0] === 'posted.csv'));
  await frame.locator('#period').selectOption('all');
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:result'
    && m.result.files[0] === 'posted.csv' && m.result.period === 'all'));
  const posted = (await results()).filter((m) => m.result.period === 'all' && m.result.files[0] === 'posted.csv').at(-1).result;
  assert.equal(posted.kpis.find((k) => k.id === 'win_rate').value, 2 / 3);
  assert.equal(posted.kpis.find((k) => k.id === 'revenue').value, 2700);

  // Data that is not a table (a PDF) gets an error back, in the page's language; the
  // host's CSV stays loaded and on screen.
  await page.evaluate((origin) => document.getElementById('frame').contentWindow.postMessage({
    type: 'crm-kpi:load-data', files: [{ name: 'report.pdf', data: '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n' }],
  }, origin), new URL(server.url).origin);
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:error'));
  assert.equal((await received()).find((m) => m.type === 'crm-kpi:error').message,
    '“report.pdf”是 PDF 文档，不是 CSV 或电子表格文件。请从 CRM 导出 CSV 或 Excel 文件后再加载。');
  assert.match(await frame.locator('.error p').textContent(), /report\.pdf/);
  assert.match(await frame.locator('#load-status').textContent(), /posted\.csv/);
  assert.equal(await frame.locator('[data-kpi="win_rate"] .value').textContent(), '66.7 %');
  assert.equal((await results()).at(-1).result.files[0], 'posted.csv');

  // A message the page does not know gets an error back, naming it.
  await page.evaluate((origin) => document.getElementById('frame').contentWindow.postMessage({ type: 'crm-kpi:dance' }, origin), new URL(server.url).origin);
  await page.waitForFunction(() => window.received.some((m) => m.type === 'crm-kpi:error' && /dance/.test(m.message)));
  assert.match((await received()).filter((m) => m.type === 'crm-kpi:error').at(-1).message, /unknown message type "crm-kpi:dance"/);
  await page.screenshot({ path: path.join(artifacts, 'embed-host.png'), fullPage: false });
});

test('a page not on the allowlist is ignored: no answer, no change', async (t) => {
  // The iframe is told to trust only another site; this host page is not it.
  const page = await openHost(t, `&allow=${encodeURIComponent('https://docs.example.com')}`);
  const frame = await (async () => {
    await page.waitForFunction(() => document.getElementById('frame').src);
    for (;;) {
      const f = frameOf(page);
      if (f) return f;
      await page.waitForTimeout(50);
    }
  })();
  await frame.locator('#kpi-cards').waitFor();
  // Polled on a timer, not on animation frames: Chromium draws no frames for a frame of
  // another site that is out of view, as this one is below the mounted calculator, and the
  // page is still busy drawing the sections below its cards when they appear.
  await frame.waitForFunction(() => document.querySelector('main')?.getAttribute('aria-busy') === 'false', null, { polling: 100 });
  const before = await frame.locator('#kpi-cards [data-kpi]').evaluateAll((els) => els.map((e) => e.dataset.kpi));
  await press(page, '#send-options');
  await press(page, '#send-data');
  await page.waitForTimeout(1500);
  assert.deepEqual(await page.evaluate(() => window.received), [], 'nothing is posted to this page');
  assert.equal(await frame.locator('#stage').inputValue(), 'startup');
  assert.equal(await frame.locator('.crm-kpi').getAttribute('lang'), 'en');
  assert.equal(await frame.locator('html').getAttribute('lang'), 'en');
  assert.deepEqual(await frame.locator('#kpi-cards [data-kpi]').evaluateAll((els) => els.map((e) => e.dataset.kpi)), before);
});
