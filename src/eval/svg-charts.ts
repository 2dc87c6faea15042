/**
 * Small inline SVG charts for the HTML report: no script, no external asset, so the report
 * opens anywhere and keeps working offline. Every text that reaches the markup is escaped.
 */

/** Escapes text for HTML and SVG, in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One bar of a series in a horizontal bar chart. */
export interface BarValue {
  value: number;
  /** Index into the chart's `series` (for colour and legend). */
  series: number;
  /** The text drawn after the bar. */
  label: string;
}

export interface HorizontalBarsOptions {
  /** For screen readers and the tooltip. */
  title: string;
  rows: { label: string; values: BarValue[] }[];
  /** Series names for the legend; a single unnamed series draws no legend. */
  series: string[];
  /** The value a full-width bar stands for. @default the largest value */
  max?: number;
}

const COLOURS = ['#3b6ea8', '#e08a2c', '#4f9d69', '#b04a5a', '#7a5ea8'];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Rows of labelled horizontal bars, one bar per series in each row. */
export function horizontalBars(options: HorizontalBarsOptions): string {
  const labelWidth = 150;
  const barArea = 360;
  const valueWidth = 110;
  const barHeight = 14;
  const legendHeight = options.series.length > 1 ? 22 : 0;
  const rowHeight = Math.max(1, ...options.rows.map((row) => row.values.length)) * (barHeight + 2) + 8;
  const width = labelWidth + barArea + valueWidth;
  const height = legendHeight + Math.max(1, options.rows.length) * rowHeight + 4;
  const max =
    options.max ?? Math.max(0, ...options.rows.flatMap((row) => row.values.map((bar) => bar.value)));
  const parts: string[] = [];
  options.series.forEach((name, index) => {
    if (options.series.length < 2) return;
    const x = labelWidth + index * 110;
    parts.push(
      `<rect x="${x}" y="4" width="10" height="10" fill="${colour(index)}"/>`,
      `<text x="${x + 14}" y="13" ${FONT}>${escapeHtml(name)}</text>`,
    );
  });
  options.rows.forEach((row, rowIndex) => {
    const top = legendHeight + rowIndex * rowHeight + 4;
    parts.push(
      `<text x="${labelWidth - 8}" y="${top + barHeight - 2}" text-anchor="end" ${FONT}>${escapeHtml(truncate(row.label, 22))}<title>${escapeHtml(row.label)}</title></text>`,
    );
    row.values.forEach((bar, barIndex) => {
      const y = top + barIndex * (barHeight + 2);
      const length = max > 0 ? Math.max(0, Math.min(1, bar.value / max)) * barArea : 0;
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${round(length)}" height="${barHeight}" fill="${colour(bar.series)}"/>`,
        `<text x="${round(labelWidth + length + 4)}" y="${y + barHeight - 3}" ${FONT}>${escapeHtml(bar.label)}</text>`,
      );
    });
  });
  if (options.rows.length === 0) {
    parts.push(`<text x="${labelWidth}" y="${legendHeight + 16}" ${FONT} fill="#666">no data</text>`);
  }
  return svg({ width, height, title: options.title, body: parts.join('') });
}

export interface ColumnChartOptions {
  title: string;
  columns: { label: string; value: number }[];
  /** The y axis's name. */
  yLabel: string;
  /** The x axis's name. */
  xLabel: string;
}

/** Vertical columns over labelled categories, for histograms. */
export function columnChart(options: ColumnChartOptions): string {
  const left = 48;
  const bottom = 44;
  const top = 12;
  const plotHeight = 180;
  const columnWidth = Math.max(14, Math.min(48, Math.floor(520 / Math.max(1, options.columns.length))));
  const width = left + options.columns.length * columnWidth + 20;
  const height = top + plotHeight + bottom;
  const max = Math.max(1, ...options.columns.map((column) => column.value));
  const parts: string[] = [
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#999"/>`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 10}" y2="${top + plotHeight}" stroke="#999"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end" ${FONT}>${max}</text>`,
    `<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end" ${FONT}>0</text>`,
    `<text x="12" y="${top + plotHeight / 2}" transform="rotate(-90 12 ${top + plotHeight / 2})" text-anchor="middle" ${FONT}>${escapeHtml(options.yLabel)}</text>`,
    `<text x="${left + (width - left) / 2}" y="${height - 4}" text-anchor="middle" ${FONT}>${escapeHtml(options.xLabel)}</text>`,
  ];
  const labelEvery = Math.ceil(options.columns.length / 12);
  options.columns.forEach((column, index) => {
    const x = left + index * columnWidth + 2;
    const barHeight = (column.value / max) * plotHeight;
    parts.push(
      `<rect x="${x}" y="${round(top + plotHeight - barHeight)}" width="${columnWidth - 4}" height="${round(barHeight)}" fill="${COLOURS[0]}"><title>${escapeHtml(`${column.label}: ${column.value}`)}</title></rect>`,
    );
    if (column.value > 0) {
      parts.push(
        `<text x="${x + (columnWidth - 4) / 2}" y="${round(top + plotHeight - barHeight - 3)}" text-anchor="middle" ${FONT}>${column.value}</text>`,
      );
    }
    if (index % labelEvery === 0) {
      parts.push(
        `<text x="${x + (columnWidth - 4) / 2}" y="${top + plotHeight + 16}" text-anchor="middle" ${FONT}>${escapeHtml(column.label)}</text>`,
      );
    }
  });
  return svg({ width, height, title: options.title, body: parts.join('') });
}

function svg(input: { width: number; height: number; title: string; body: string }): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${input.width}" height="${input.height}" viewBox="0 0 ${input.width} ${input.height}" role="img" aria-label="${escapeHtml(input.title)}"><title>${escapeHtml(input.title)}</title>${input.body}</svg>`;
}

function colour(series: number): string {
  return COLOURS[series % COLOURS.length]!;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
