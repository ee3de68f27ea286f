/**
 * A self-contained API reference page (no CDN, no external renderer): it fetches our two OpenAPI documents and lists
 * every operation with its parameters, request body and responses. Kept dependency-free so /docs works offline.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ModelGuard API reference</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem 2rem; color: #1b1b1b; background: #fff; }
  h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #444; padding-bottom: .25rem; margin-top: 2.5rem; }
  details { border: 1px solid #767676; border-radius: 4px; margin: .5rem 0; }
  summary { cursor: pointer; padding: .5rem; font-family: ui-monospace, monospace; }
  summary:focus-visible { outline: 3px solid #005fcc; }
  .m { display: inline-block; min-width: 4.5rem; font-weight: 700; }
  .get { color: #00573f; } .post { color: #0b4f8a; } .put { color: #7a4100; } .delete { color: #a00000; }
  .body { padding: 0 1rem 1rem; } pre { background: #f3f3f3; padding: .5rem; overflow-x: auto; }
  table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: .2rem .5rem; text-align: left; }
</style>
</head>
<body>
<main>
<h1>ModelGuard API reference</h1>
<p>Machine-readable: <a href="/openapi.yaml">/openapi.yaml</a> (<a href="/openapi.json">JSON</a>) — the ECE 461 contract —
and <a href="/openapi/extensions.yaml">/openapi/extensions.yaml</a> (<a href="/openapi/extensions.json">JSON</a>) — ModelGuard extensions.</p>
<div id="specs" aria-live="polite">Loading…</div>
</main>
<script>
(function () {
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(title, spec) {
    var section = el('section');
    section.appendChild(el('h2', {}, title + ' — ' + (spec.info && spec.info.title) + ' ' + (spec.info && spec.info.version)));
    Object.keys(spec.paths || {}).forEach(function (path) {
      var item = spec.paths[path];
      ['get', 'put', 'post', 'delete'].forEach(function (method) {
        var op = item[method];
        if (!op) return;
        var d = el('details'); var s = el('summary');
        s.appendChild(el('span', { 'class': 'm ' + method }, method.toUpperCase()));
        s.appendChild(document.createTextNode(' ' + path + ' — ' + (op.summary || '')));
        d.appendChild(s);
        var b = el('div', { 'class': 'body' });
        if (op.description) b.appendChild(el('p', {}, op.description));
        var params = (item.parameters || []).concat(op.parameters || []);
        if (params.length) {
          var t = el('table'); var h = el('tr');
          ['name', 'in', 'required', 'description'].forEach(function (c) { h.appendChild(el('th', { scope: 'col' }, c)); });
          t.appendChild(h);
          params.forEach(function (p) {
            var r = el('tr');
            [p.name, p.in, String(!!p.required), p.description || ''].forEach(function (c) { r.appendChild(el('td', {}, c)); });
            t.appendChild(r);
          });
          b.appendChild(t);
        }
        if (op.requestBody) { b.appendChild(el('h3', {}, 'Request body')); b.appendChild(el('pre', {}, JSON.stringify(op.requestBody.content, null, 2))); }
        b.appendChild(el('h3', {}, 'Responses'));
        var ul = el('ul');
        Object.keys(op.responses || {}).forEach(function (code) { ul.appendChild(el('li', {}, code + ': ' + (op.responses[code].description || ''))); });
        b.appendChild(ul);
        d.appendChild(b);
        section.appendChild(d);
      });
    });
    return section;
  }
  Promise.all(['/openapi.json', '/openapi/extensions.json'].map(function (u) { return fetch(u).then(function (r) { return r.json(); }); }))
    .then(function (specs) {
      var root = document.getElementById('specs'); root.textContent = '';
      root.appendChild(render('Registry API', specs[0]));
      root.appendChild(render('Extensions', specs[1]));
    })
    .catch(function (e) { document.getElementById('specs').textContent = 'Could not load the specs: ' + e; });
})();
</script>
</body>
</html>
`;
