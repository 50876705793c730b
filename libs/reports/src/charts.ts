/** Small server-rendered SVG charts for the SIM pack: no client library, printable, escaped. */

import { escapeHtml as esc } from '@beacon/core';
const PALETTE = ['#1d70b8', '#d4351c', '#00703c', '#f47738', '#4c2c92', '#b58840', '#d53880', '#28a197', '#505a5f', '#912b88'];

export interface Series {
  name: string;
  points: { x: string; y: number }[];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v)!;
}

/** One line per series over shared x labels (months), with a legend. */
export function lineChart(title: string, series: Series[], opts: { width?: number; height?: number; xLabel?: (x: string) => string } = {}): string {
  const W = opts.width ?? 760;
  const H = opts.height ?? 360;
  const m = { top: 40, right: 170, bottom: 50, left: 70 };
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.y))));
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const x = (i: number) => m.left + (xs.length <= 1 ? iw / 2 : (i * iw) / (xs.length - 1));
  const y = (v: number) => m.top + ih - (v / max) * ih;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const grid = ticks
    .map((v) => `<line x1="${m.left}" x2="${m.left + iw}" y1="${y(v)}" y2="${y(v)}" stroke="#b1b4b6" stroke-width="1"/><text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${Math.round(v).toLocaleString('en-GB')}</text>`)
    .join('');
  const step = Math.max(1, Math.ceil(xs.length / 12));
  const labels = xs.map((l, i) => (i % step === 0 ? `<text x="${x(i)}" y="${m.top + ih + 18}" text-anchor="middle" font-size="12">${esc(opts.xLabel ? opts.xLabel(l) : l)}</text>` : '')).join('');
  const lines = series
    .map((s, si) => {
      const colour = PALETTE[si % PALETTE.length];
      const pts = s.points.map((p) => `${x(xs.indexOf(p.x)).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${pts}"><title>${esc(s.name)}</title></polyline>
<rect x="${m.left + iw + 16}" y="${m.top + si * 20}" width="12" height="12" fill="${colour}"/><text x="${m.left + iw + 34}" y="${m.top + si * 20 + 11}" font-size="12">${esc(s.name)}</text>`;
    })
    .join('\n');
  return svg(W, H, title, `${grid}${labels}\n${lines}`);
}

/** Horizontal bars, e.g. subscribers per 1,000 residents by ward. */
export function barChart(title: string, bars: { label: string; value: number }[], opts: { width?: number; unit?: string } = {}): string {
  const W = opts.width ?? 760;
  const rowH = 22;
  const m = { top: 40, right: 70, bottom: 20, left: 220 };
  const H = m.top + m.bottom + bars.length * rowH;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const iw = W - m.left - m.right;
  const rows = bars
    .map((b, i) => {
      const y0 = m.top + i * rowH;
      const w = (b.value / max) * iw;
      return `<text x="${m.left - 8}" y="${y0 + 15}" text-anchor="end" font-size="12">${esc(b.label)}</text><rect x="${m.left}" y="${y0 + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#1d70b8"/><text x="${m.left + w + 6}" y="${y0 + 15}" font-size="12">${b.value.toLocaleString('en-GB')}${esc(opts.unit ?? '')}</text>`;
    })
    .join('\n');
  return svg(W, H, title, rows);
}

function svg(W: number, H: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="Arial, sans-serif" fill="#0b0c0c">
<title>${esc(title)}</title><rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="24" font-size="16" font-weight="bold">${esc(title)}</text>
${body}
</svg>`;
}
