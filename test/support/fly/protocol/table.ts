// fly's table output: columns padded to the widest cell (in bytes), two spaces apart; headers
// only with --print-table-headers, since output here is never a terminal.
import type { FlyIO } from './io.ts';

export function renderTable(
  io: FlyIO,
  headers: string[],
  rows: string[][],
  printHeaders: boolean,
): void {
  const all = printHeaders ? [headers, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Buffer.byteLength(cell));
    });
  }
  for (const row of all) {
    let line = '';
    row.forEach((cell, i) => {
      line += cell + ' '.repeat((widths[i] ?? 0) - Buffer.byteLength(cell));
      if (i + 1 < widths.length) line += '  ';
    });
    io.println(line);
  }
}
