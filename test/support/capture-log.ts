import { Writable } from 'node:stream';
import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger } from '../../src/log/logger.js';

export interface CapturedLog {
  readonly logger: Logger;
  /** Everything logged, as raw text: the place a leaked secret would show. */
  text(): string;
  /** The JSON lines logged so far. */
  lines(): Array<Record<string, unknown>>;
}

/** A logger that writes into memory, for tests that read what was logged. */
export function captureLog(level: LevelWithSilent = 'debug'): CapturedLog {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    logger: createLogger(level, sink),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
