// A static server for dist/ on 127.0.0.1, for the browser tests and `scripts/serve.sh`.
// Records every request so tests can check that nothing else was asked for.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

export function serve(root, { port = 0, host = '127.0.0.1' } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${host}`);
    requests.push(url.pathname);
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403).end(); return; }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      // Trunk's hashed files never change (the hash is hex; leading zeros are dropped, so not
      // always 16 digits): cached, so the worker takes the page's module from the cache.
      // Everything else is fetched fresh.
      const hashed = /-[0-9a-f]{8,}(_bg)?\.(js|wasm|css)$/.test(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-store',
        // The app's files are public: a vendor's docs on another origin may load embed.js,
        // the API module and the workers' files (module scripts and wasm need CORS).
        'access-control-allow-origin': '*',
      });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(port, host, () => {
    const { port: p } = server.address();
    resolve({ url: `http://${host}:${p}/`, requests, close: () => new Promise((r) => server.close(r)) });
  }));
}

// `node server.mjs DIR PORT`: serve until stopped.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  serve(path.resolve(dir), { port: Number(port) }).then((s) => console.log(`serving ${dir} on ${s.url}`));
}
