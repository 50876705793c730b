// Small charts as SVG built with DOM APIs. Each chart has a text equivalent: a <title> for
// screen readers, and the numbers are always also shown as text or in a table beside it.
import { h, number, svg, uid } from './dom.js';

// One hue, light (1) to dark (6); the counts are always written out too.
const SCORE_TONES = ['#d2e2f1', '#a5c5e3', '#78a9d5', '#4b8cc7', '#1d70b8', '#003078'];

/** The 1–6 ratings of a message as one stacked bar, with the count of each score beneath (only for screen readers when compact). */
export function ratingDistribution(rating, { compact = false } = {}) {
  const dist = rating?.distribution ?? {};
  const counts = [1, 2, 3, 4, 5, 6].map((s) => Number(dist[s] ?? dist[String(s)] ?? 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const average = rating?.average === null || rating?.average === undefined ? null : Number(rating.average);
  return h(
    'div',
    { class: 'rating' },
    h(
      'p',
      { class: 'rating-summary' },
      average === null
        ? 'No ratings yet'
        : [h('strong', { class: 'rating-average' }, average.toFixed(1)), compact ? h('span', { class: 'visually-hidden' }, ' out of 6') : ' out of 6', ` from ${number(total)} ${total === 1 ? 'rating' : 'ratings'}`],
    ),
    total
      ? h(
          'div',
          { class: 'distribution', 'aria-hidden': 'true' },
          counts.map((n, i) => (n ? h('span', { class: 'distribution-part', style: { width: `${(n / total) * 100}%`, 'background-color': SCORE_TONES[i] }, title: `${i + 1}: ${n}` }) : null)),
        )
      : null,
    total
      ? h(
          'ul',
          { class: ['distribution-legend', compact && 'visually-hidden'], 'aria-label': 'Ratings by score' },
          counts.map((n, i) => h('li', null, h('span', { class: 'swatch', style: { 'background-color': SCORE_TONES[i] }, 'aria-hidden': 'true' }), `${i + 1}: `, h('strong', null, number(n)))),
        )
      : null,
  );
}

/** Horizontal bars: rows [{label, value}]. */
export function barChart(rows, { title, format = number, max } = {}) {
  const id = uid('chart');
  const top = max ?? Math.max(1, ...rows.map((r) => Number(r.value) || 0));
  const rowH = 28;
  const labelW = 190;
  const width = 640;
  const barW = width - labelW - 90;
  const height = rows.length * rowH + 8;
  return h(
    'figure',
    { class: 'chart' },
    svg(
      'svg',
      { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title`, class: 'chart-svg', preserveAspectRatio: 'xMinYMin meet' },
      svg('title', { id: `${id}-title` }, `${title ?? 'Chart'}: ${rows.map((r) => `${r.label} ${format(r.value)}`).join(', ')}`),
      rows.map((r, i) => {
        const y = i * rowH + 4;
        const w = Math.max(0, ((Number(r.value) || 0) / top) * barW);
        return svg(
          'g',
          null,
          svg('text', { x: labelW - 8, y: y + rowH / 2 + 5, 'text-anchor': 'end', class: 'chart-label' }, truncate(String(r.label), 26)),
          svg('rect', { x: labelW, y: y + 3, width: w, height: rowH - 8, class: 'chart-bar' }),
          svg('text', { x: labelW + w + 6, y: y + rowH / 2 + 5, class: 'chart-value' }, format(r.value)),
        );
      }),
    ),
    title ? h('figcaption', { class: 'chart-caption' }, title) : null,
  );
}

const truncate = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
