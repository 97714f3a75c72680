import { escapeControlCharacters } from './echo-value.js';
import type { LineParseResult } from './line-parse-result.js';

const EXAMPLE = '{"groupId": "room-1", "robots": ["bot-1", "bot-2"]}';

/**
 * One line of a JSONL job file: one JSON value, checked later by validateSeedRequest.
 * Never returns 'header'.
 */
export function parseJsonlLine(line: string): LineParseResult {
  try {
    return { kind: 'value', value: JSON.parse(line) as unknown };
  } catch (err) {
    // V8's message quotes at most a few characters of the line, but they may be controls.
    const reason = err instanceof Error ? escapeControlCharacters(err.message) : 'unreadable';
    return { kind: 'problem', problem: `not valid JSON (${reason}); write one JSON object per line, like ${EXAMPLE}` };
  }
}
