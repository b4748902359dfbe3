// go-interact prompts answered from the run's stdin, one line per question, as fly reads them.
import type { FlyIO } from './io.ts';

const cursors = new WeakMap<FlyIO, number>();

/** The next line of stdin, or null at end of input (go-interact's io.EOF). */
export function readLine(io: FlyIO): string | null {
  const input = io.stdin ?? '';
  const at = cursors.get(io) ?? 0;
  if (at >= input.length) return null;
  const newline = input.indexOf('\n', at);
  const end = newline === -1 ? input.length : newline;
  cursors.set(io, end + 1);
  return input.slice(at, end).replace(/\r$/, '');
}

/** A yes/no question (`<question> [yN]: `); end of input answers no, like a closed terminal. */
export function confirm(io: FlyIO, question: string): boolean {
  for (;;) {
    io.print(`${question} [yN]: `);
    const line = readLine(io);
    if (line === null) {
      io.println('');
      return false;
    }
    const answer = line.trim().toLowerCase();
    if (answer === '') return false;
    if (answer === 'y' || answer === 'yes') return true;
    if (answer === 'n' || answer === 'no') return false;
    io.println('invalid input (not y, n, yes, or no)');
  }
}

/** A required free-text answer (`<question>: `); end of input is an error, as in go-interact. */
export function ask(io: FlyIO, question: string): string {
  for (;;) {
    io.print(`${question}: `);
    const line = readLine(io);
    if (line === null) throw new Error('EOF');
    if (line.trim() !== '') return line.trim();
  }
}

/** Input not consumed by prompts: what a later reader of stdin (a hijacked process) gets. */
export function unreadInput(io: FlyIO): string {
  return (io.stdin ?? '').slice(cursors.get(io) ?? 0);
}

/** go-interact's numbered choice: `N: display` lines, then `<question>: `, answered by number. */
export function choose(io: FlyIO, question: string, displays: string[]): number {
  displays.forEach((display, i) => io.println(`${i + 1}: ${display}`));
  for (;;) {
    io.print(`${question}: `);
    const line = readLine(io);
    if (line === null) throw new Error('EOF');
    const n = Number(line.trim());
    if (Number.isInteger(n) && n >= 1 && n <= displays.length) return n - 1;
    io.println('invalid selection (must be 1-' + displays.length + ')');
  }
}
