export interface TableColumn {
  readonly header: string;
  /** Numbers read best right-aligned. @default 'left' */
  readonly align?: 'left' | 'right';
}

/**
 * A plain-text table: a header, a rule, and the rows, each column as wide as its widest cell.
 * Cells never contain line breaks (they are replaced by spaces).
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly string[][]): string {
  const clean = rows.map((row) => columns.map((_, c) => (row[c] ?? '').replace(/\s*\n\s*/g, ' ')));
  const widths = columns.map((column, c) =>
    Math.max(column.header.length, ...clean.map((row) => (row[c] as string).length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const width = widths[c] as number;
        return columns[c]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.header)),
    line(widths.map((width) => '-'.repeat(width))),
    ...clean.map(line),
  ].join('\n');
}

/** `label  value` lines with the labels padded to one width. */
export function renderPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n');
}
