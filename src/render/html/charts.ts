/** Charts of the HTML report: horizontal bars stacked by severity, inline SVG. */
import { SEVERITIES, type Finding, type Severity } from '../../core/types.js';
import { plural, truncate } from '../text.js';
import { html, type Markup } from './markup.js';
import { WEIGHT, type Item } from './view.js';

export interface BarRow {
  label: string;
  counts: Record<Severity, number>;
  /** Text after the count (muted). */
  note?: string;
}

const COLORS: Record<Severity, string> = { critical: '#9f1d2d', high: '#d9542b', medium: '#e3a21a', low: '#8c99ad' };

/** Roughly the width of a character of the label font (12px, wide fonts included). */
const CHAR_WIDTH = 7.1;

const breakdown = (counts: Record<Severity, number>): string =>
  SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');

/**
 * Bars stacked by severity. `wide`: the label left of its bar, for desktops and print; `compact`: the label above its
 * bar, for phones, where a wide chart scaled down would make its text unreadable. CSS shows one of the two.
 */
function barSvg(id: string, title: string, rows: readonly BarRow[], width: number, layout: 'wide' | 'compact', labelShare = 0.42): Markup {
  const compact = layout === 'compact';
  const rowHeight = compact ? 40 : 28;
  const top = 4;
  const height = top * 2 + Math.max(1, rows.length) * rowHeight;
  const longest = Math.max(4, ...rows.map((r) => r.label.length));
  const labelWidth = compact ? 0 : Math.min(Math.round(width * labelShare), Math.ceil(longest * CHAR_WIDTH) + 12);
  const maxChars = Math.floor((compact ? width - 4 : labelWidth - 12) / CHAR_WIDTH);
  const tail = Math.max(40, ...rows.map((r) => Math.ceil((String(total(r.counts)).length + (r.note ? r.note.length + 3 : 0)) * CHAR_WIDTH) + 14));
  const area = Math.max(40, width - labelWidth - tail - (compact ? 2 : 0));
  const max = Math.max(1, ...rows.map((r) => total(r.counts)));
  const desc = rows.map((r) => `${r.label}: ${total(r.counts)} (${breakdown(r.counts)})`).join('; ');
  const bars = rows.map((row, i) => {
    const y = top + i * rowHeight;
    const barY = compact ? y + 19 : y + 6;
    const sum = total(row.counts);
    let x = labelWidth + (compact ? 1 : 0);
    const segments = SEVERITIES.filter((s) => row.counts[s] > 0).map((s) => {
      const w = Math.max(2, (row.counts[s] / max) * area);
      const rect = html`<rect x="${x.toFixed(1)}" y="${barY}" width="${w.toFixed(1)}" height="${compact ? 14 : 16}" rx="2" fill="${COLORS[s]}" class="seg seg-${s}"/>`;
      x += w;
      return rect;
    });
    const label = compact
      ? html`<text class="label" x="1" y="${y + 10}" dominant-baseline="middle">${truncate(row.label, maxChars, '…')}</text>`
      : html`<text class="label" x="${labelWidth - 10}" y="${y + 14}" text-anchor="end" dominant-baseline="middle">${truncate(row.label, maxChars, '…')}</text>`;
    const count = html`<text class="count" x="${(x + 6).toFixed(1)}" y="${barY + (compact ? 7 : 8)}" dominant-baseline="middle">${sum}${row.note ? html`<tspan class="note" dx="6">${row.note}</tspan>` : ''}</text>`;
    return html`<g class="bar" data-label="${row.label}" data-count="${sum}"><title>${row.label}: ${plural(sum, 'finding')} (${breakdown(row.counts)})</title>${label}${segments}${count}</g>`;
  });
  const key = `${id}-${layout}`;
  const axis = compact ? '' : html`<line class="axis" x1="${labelWidth}" x2="${labelWidth}" y1="0" y2="${height}"/>`;
  const empty = rows.length === 0 ? html`<text class="label" x="${labelWidth + 8}" y="${top + 14}" dominant-baseline="middle">No findings</text>` : '';
  return html`<svg class="chart chart-${layout}" data-chart="${id}" role="img" aria-labelledby="${key}-title ${key}-desc" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title id="${key}-title">${title}</title><desc id="${key}-desc">${desc || 'No findings.'}</desc>${axis}${bars}${empty}</svg>`;
}

export function barChart(id: string, title: string, rows: readonly BarRow[], width: number, labelShare?: number): Markup {
  return html`${barSvg(id, title, rows, width, 'wide', labelShare)}${barSvg(id, title, rows, 340, 'compact')}`;
}

const total = (counts: Record<Severity, number>): number => counts.critical + counts.high + counts.medium + counts.low;

/** Rows of a chart: counted findings grouped by a key, biggest (then worst) first. */
export function group(items: readonly Item[], key: (item: Item, finding: Finding) => string): BarRow[] {
  const rows = new Map<string, BarRow>();
  for (const item of items) {
    for (const f of item.counted) {
      const label = key(item, f);
      let row = rows.get(label);
      if (!row) rows.set(label, (row = { label, counts: { critical: 0, high: 0, medium: 0, low: 0 } }));
      row.counts[f.severity]++;
    }
  }
  const weight = (r: BarRow): number => SEVERITIES.reduce((sum, s) => sum + r.counts[s] * WEIGHT[s], 0);
  return [...rows.values()].sort((a, b) => total(b.counts) - total(a.counts) || weight(b) - weight(a) || a.label.localeCompare(b.label));
}
