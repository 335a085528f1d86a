// Not a test: a measurement. Two builds of the page (A= and B=, each a dist/ directory) with
// the same file loaded, side by side in headless Chromium, taking turns at cycles of changes of
// mapping none of which is a change back (the workbook keeps the table the last change replaced,
// so a column left unused and given back would be put back): ROLE's column left unused, the
// name column left unused, ROLE given back, the name given back. Prints each step's time on
// screen and in the worker (medians and every round).
//   A=/tmp/dist-a B=dist node tests/e2e/remap-ab.mjs FILE   (ROLE=stage, ROUNDS=4,
//   PERIOD=all for the whole range or month for the month the page opens on)
import { openPage, timeChange } from './profile-page.mjs';
const file = process.argv[2];
const rounds = Number(process.env.ROUNDS || 4), role = process.env.ROLE || 'stage';
const builds = [];
for (const name of ['A', 'B']) {
  process.env.DIST = process.env[name];
  const p = await openPage('');
  await p.page.setInputFiles('#file-input', file);
  await p.page.waitForFunction((n) => (document.querySelector('#load-status')?.textContent || '').includes(n), file.split('/').pop(), { timeout: 300000 });
  await p.idle();
  if ((process.env.PERIOD || 'all') === 'all') { await p.page.selectOption('#period', 'all'); await p.idle(); }
  await p.page.waitForTimeout(1500);
  builds.push({ name, ...p, steps: {} });
}
const change = (page, column, value) => timeChange(page, { column, value });
const worker = async (page) => Number((await page.locator('#load-status .ms').textContent().catch(() => '')).replace(/[^\d.]/g, ''));
for (const b of builds) {
  b.col = await b.page.locator(`.mapping-table tbody tr[data-role="${role}"] th`).textContent();
  b.name_col = await b.page.locator('.mapping-table tbody tr[data-role="name"] th').textContent();
}
for (let r = 0; r < rounds; r++) {
  for (const b of (r % 2 ? [...builds].reverse() : builds)) {
    for (const [label, col, value] of [['unused', b.col, ''], ['name', b.name_col, ''], ['back', b.col, role], ['name back', b.name_col, 'name']]) {
      const ms = await change(b.page, col, value); await b.idle();
      (b.steps[label] ||= []).push([Math.round(ms), await worker(b.page)]);
      await b.page.waitForTimeout(1200);
    }
  }
}
const med = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const b of builds) {
  console.log(`${b.name} ${process.env[b.name]}:`);
  for (const [k, v] of Object.entries(b.steps)) console.log(`  ${k}: on screen med ${med(v.map((x) => x[0]))}, worker med ${med(v.map((x) => x[1]))}  ${JSON.stringify(v)}`);
  await b.close();
}
