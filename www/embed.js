// crm-kpi for a host's page: mounts the calculator into every element with a `data-crm-kpi`
// attribute, each in its own shadow root (the page's styles and the calculator's stay apart).
//
//   <div data-crm-kpi data-lang="zh" data-stage="expansion" data-goals="keep_customers"></div>
//   <script type="module" src="https://your.site/crm-kpi/embed.js"></script>
//
// Or by hand: `import { mount } from '…/embed.js'; mount(element, { lang: 'zh' })`.
// The build writes the module's hashed file names in place of the __APP_…__ marks.
const base = new URL('./', import.meta.url);
const js = new URL('__APP_JS__', base).href;
const wasm = new URL('__APP_WASM__', base).href;
const css = new URL('__APP_CSS__', base).href;
// The module reads these to find its worker, its formats worker and its sample; they also
// tell it not to draw itself over the host's page.
globalThis.crmKpiAssets = { base: base.href, js, wasm };

const app = await import(js);
await app.default({ module_or_path: wasm });

const SETTINGS = ['lang', 'stage', 'goals', 'kpis', 'period', 'targets', 'theme', 'sample'];

/** The settings of an element's `data-…` attributes (or of an object) as a query string. */
function query(settings) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) q.set(key, value.join(','));
    else if (typeof value === 'object') q.set(key, Object.entries(value).map(([k, v]) => `${k}:${v}`).join(';'));
    else q.set(key, String(value));
  }
  return q.toString();
}

/** Draw the calculator into `element` with `settings` (an object, or a query string). */
export function mount(element, settings = {}) {
  if (element.shadowRoot?.querySelector('.crm-kpi-root')) return;
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = css;
  const root = document.createElement('div');
  root.className = 'crm-kpi-root';
  shadow.append(link, root);
  // Settings beside the results only where the element is wide enough for both, whatever
  // the window's width: a host may give the calculator a narrow column of a wide page.
  if (globalThis.ResizeObserver) {
    new ResizeObserver(([entry]) => root.classList.toggle('wide', entry.contentRect.width >= 1100)).observe(root);
  }
  app.mount(root, typeof settings === 'string' ? settings : query(settings));
}

for (const element of document.querySelectorAll('[data-crm-kpi]')) {
  const settings = {};
  for (const key of SETTINGS) {
    if (element.dataset[key] !== undefined) settings[key] = element.dataset[key];
  }
  mount(element, settings);
}
