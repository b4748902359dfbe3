// Messages between kubesim and its spawn helper (spawn-helper.ts).

// A stream socket opens with the request id (32 hex digits) and the stdio number as one digit.
export const headerLength = 33;

export interface SpawnRequest {
  id: string;
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  // stdin, stdout, stderr: a socket for each wanted one, /dev/null for the others
  streams: [boolean, boolean, boolean];
}

export type HelperReply =
  | { type: 'ready' }
  | { type: 'spawned'; id: string; pid: number }
  | { type: 'failed'; id: string; message: string }
  | { type: 'exit'; id: string; code: number | null; signal: NodeJS.Signals | null };
