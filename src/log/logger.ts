import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths that may hold a secret. Nothing should put a secret in a log line in the
 * first place; redaction is the second line of defence.
 */
export const REDACTED_PATHS: readonly string[] = [
  'secretKey',
  'userSig',
  'usersig',
  'token',
  'authorization',
  '*.secretKey',
  '*.userSig',
  '*.usersig',
  '*.token',
  '*.authorization',
  'config.tencent.secretKey',
  'config.tencent.userSig',
];

/** Logs go to stderr so that stdout stays clean for `--json` output. */
export function createLogger(level: LevelWithSilent, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    destination,
  );
}
