/**
 * Survey weighting to the census population by raking (iterative proportional fitting) on the
 * margins loaded in population_share: age band and ethnicity. With one margin loaded this is
 * plain post-stratification on it; with both it finds cell weights (age × ethnicity) whose
 * margins match both, starting from the sample's own cell shares. Categories without any
 * respondent cannot be represented: their population share is spread over the others
 * (targets renormalised over the categories present).
 */

export type Margins = Record<string, Record<string, number>>;

export interface Cell {
  /** The cell's category on each dimension, e.g. { age_band: '25-34', ethnicity: 'asian' }. */
  key: Record<string, string>;
  respondents: number;
}

/** Population share (0..1) of each cell, in the order given; null when nothing can be weighted. */
export function rake(cells: Cell[], margins: Margins, maxIterations = 200, tolerance = 1e-10): number[] | null {
  const dims = Object.keys(margins).filter((d) => Object.keys(margins[d]).length);
  if (!dims.length) return null;
  const total = cells.reduce((n, c) => n + c.respondents, 0);
  if (!total) return null;
  // Targets renormalised over the categories that have respondents.
  const targets: Margins = {};
  for (const d of dims) {
    const present = new Set(cells.filter((c) => c.respondents > 0).map((c) => c.key[d]));
    const entries = Object.entries(margins[d]).filter(([k, v]) => present.has(k) && v > 0);
    const sum = entries.reduce((n, [, v]) => n + v, 0);
    if (!sum) return null;
    targets[d] = Object.fromEntries(entries.map(([k, v]) => [k, v / sum]));
  }
  // Cells in a category with no population share get no weight.
  let w = cells.map((c) => (dims.every((d) => targets[d][c.key[d]] !== undefined) ? c.respondents / total : 0));
  for (let it = 0; it < maxIterations; it++) {
    let worst = 0;
    for (const d of dims) {
      const current = new Map<string, number>();
      cells.forEach((c, i) => current.set(c.key[d], (current.get(c.key[d]) ?? 0) + w[i]));
      w = w.map((x, i) => {
        const cur = current.get(cells[i].key[d]) ?? 0;
        return cur > 0 ? (x * (targets[d][cells[i].key[d]] ?? 0)) / cur : 0;
      });
    }
    for (const d of dims) {
      const current = new Map<string, number>();
      cells.forEach((c, i) => current.set(c.key[d], (current.get(c.key[d]) ?? 0) + w[i]));
      for (const [k, t] of Object.entries(targets[d])) worst = Math.max(worst, Math.abs((current.get(k) ?? 0) - t));
    }
    if (worst < tolerance) break;
  }
  return w;
}
