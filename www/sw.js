// crm-kpi's service worker: keeps the app's own files so the page opens without a network.
// It caches only this site's files, never data (the data never leaves the page anyway).
// The build writes the version and the file lists in place of the __…__ marks: FILES are
// kept at install, LATER (the formats worker) once the page has fetched them.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const LATER = __LATER__;
const CACHE = `crm-kpi-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('crm-kpi-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Pages: the network first (a new version shows at once), the kept copy offline.
    event.respondWith(fetch(request).catch(async () =>
      (await caches.match(request, { ignoreSearch: true })) ?? caches.match('index.html')));
    return;
  }
  // The app's files: the kept copy first (hashed names never change), else the network,
  // keeping a copy of a file kept only once used.
  event.respondWith(caches.match(request, { ignoreSearch: true }).then(async (hit) => {
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && LATER.some((f) => url.pathname.endsWith(`/${f}`))) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((c) => c.put(url.pathname, copy)));
    }
    return response;
  }));
});
