// @ts-check
// RSS over time, one polyline per service, as a small hand-written SVG (no plotting dependency). Points are
// thinned to at most ~300 per line so a 5-minute run stays a few KiB when committed.
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];

/**
 * @param {Array<{ t: number } & Record<string, number>>} samples
 * @param {string[]} names
 * @param {string} title
 */
export function rssPlotSvg(samples, names, title) {
  const W = 720;
  const H = 360;
  const L = 56;
  const R = 120;
  const T = 30;
  const B = 40;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const values = samples.flatMap((s) => names.map((n) => s[n]).filter(Number.isFinite));
  const yMax = Math.ceil(Math.max(50, ...values) / 50) * 50;
  const x = (t) => (L + (t / tMax) * (W - L - R)).toFixed(1);
  const y = (v) => (T + (1 - v / yMax) * (H - T - B)).toFixed(1);
  const step = Math.max(1, Math.ceil(samples.length / 300));
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${L}" y="18" font-size="13">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v)}" text-anchor="end" dy="4">${v}</text>`);
  }
  const tTick = tMax > 120 ? 60 : tMax > 20 ? 10 : 5;
  for (let t = 0; t <= tMax; t += tTick) out.push(`<text x="${x(t)}" y="${H - B + 16}" text-anchor="middle">${t}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">seconds</text>`);
  out.push(`<text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">RSS (MiB)</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
  names.forEach((name, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = samples.filter((s, j) => Number.isFinite(s[name]) && (j % step === 0 || j === samples.length - 1)).map((s) => `${x(s.t)},${y(s[name])}`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    out.push(`<line x1="${W - R + 10}" x2="${W - R + 28}" y1="${T + 10 + i * 16}" y2="${T + 10 + i * 16}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${W - R + 32}" y="${T + 14 + i * 16}">${escape(name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function escape(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
