// Structured JSON logs (pino). Each service creates one root logger and passes children down:
// a child per request, build and step carrying build_id, step and pod.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(component: string, level?: LevelWithSilent): Logger {
  return pino({
    level: level ?? (process.env.JETBRIDGE_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info',
    base: { component },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'client_secret',
        '*.client_secret',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
