// create_files and create_files_via_params: files `in` writes into the fetched artifact.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goErrorText } from './go-errors.ts';
import { goJson } from './go-json.ts';
import { fatal } from './logrus.ts';

/** The file text for one entry: strings as-is, anything else as Go JSON; START_VAR/END_VAR become (( and )). */
export function fileContent(content: unknown): string {
  const text = typeof content === 'string' ? content : goJson(content);
  return text.replaceAll('START_VAR', '((').replaceAll('END_VAR', '))');
}

export function createFiles(dest: string, files: Record<string, unknown>): void {
  for (const [path, content] of Object.entries(files)) {
    const filePath = join(dest, path);
    try {
      mkdirSync(dirname(filePath), { recursive: true, mode: 0o755 });
    } catch (err) {
      fatal(`failed to create directory '${dirname(filePath)}': ${goErrorText(err)}`);
    }
    try {
      writeFileSync(filePath, fileContent(content), { mode: 0o644 });
    } catch (err) {
      fatal(`failed to write to file '${path}': ${goErrorText(err)}`);
    }
  }
}
