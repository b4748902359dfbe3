// stderr lines in the format of logrus' text formatter with forced colours, which is what the
// upstream mock resource prints and what pipelines and tests grep for.

const colours = { INFO: 36, FATA: 31 } as const;

// logrus counts from when the logging package initialised, not from when the process started.
const loggingStarted = performance.now();
type Level = keyof typeof colours;

function formatValue(value: string | boolean): string {
  const text = String(value);
  return /^[A-Za-z0-9\-._/@^+]*$/.test(text) && text !== '' ? text : JSON.stringify(text);
}

export function formatLine(
  level: Level,
  message: string,
  fields: Record<string, string | boolean> = {},
  elapsedSeconds = Math.floor((performance.now() - loggingStarted) / 1000),
): string {
  const colour = colours[level];
  const stamp = String(elapsedSeconds).padStart(4, '0');
  let line = `\x1b[${colour}m${level}\x1b[0m[${stamp}] ${message.replace(/\n$/, '').padEnd(44)} `;
  for (const [key, value] of Object.entries(fields)) {
    line += ` \x1b[${colour}m${key}\x1b[0m=${formatValue(value)}`;
  }
  return `${line}\n`;
}

export function info(message: string, fields?: Record<string, string | boolean>): void {
  process.stderr.write(formatLine('INFO', message, fields));
}

/** Prints a fatal line and exits 1, like logrus.Fatalf. */
export function fatal(message: string): never {
  process.stderr.write(formatLine('FATA', message));
  process.exit(1);
}
