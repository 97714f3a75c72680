import { echoValue } from './echo-value.js';
import type { LineParseResult } from './line-parse-result.js';

/** The first cell of a CSV header line, which is skipped. */
const CSV_HEADER_FIRST_CELL = 'groupId';

const QUOTE = 0x22;
const QUOTING_RULE = 'quote the whole cell and double every quote inside it, like "bot ""one"""';

export type CsvSplit = { readonly ok: true; readonly cells: string[] } | { readonly ok: false; readonly problem: string };

/**
 * Splits one CSV line into cells with RFC 4180 quoting: a cell that starts with `"` runs to
 * the next lone `"`, and `""` inside it is one quote. A record never spans lines here, so
 * a quote left open at the end of the line is a problem, not a continuation.
 */
export function splitCsvLine(line: string): CsvSplit {
  // Most job files never quote: plain split is several times faster.
  if (!line.includes('"')) return { ok: true, cells: line.split(',') };
  const cells: string[] = [];
  let index = 0;
  for (;;) {
    const column = cells.length + 1;
    if (line.charCodeAt(index) === QUOTE) {
      let cell = '';
      let from = index + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) {
          return {
            ok: false,
            problem:
              `column ${column}: quote not closed before the end of the line; ` +
              `multi-line quoted cells are not supported, so keep each job on one line and ${QUOTING_RULE}`,
          };
        }
        cell += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) !== QUOTE) {
          index = quote + 1;
          break;
        }
        cell += '"';
        from = quote + 2;
      }
      cells.push(cell);
      if (index === line.length) return { ok: true, cells };
      if (line[index] !== ',') {
        return {
          ok: false,
          problem: `column ${column}: text after the closing quote of ${echoValue(cell)}; ${QUOTING_RULE}`,
        };
      }
      index += 1;
    } else {
      const comma = line.indexOf(',', index);
      const cell = line.slice(index, comma === -1 ? line.length : comma);
      if (cell.includes('"')) {
        return { ok: false, problem: `column ${column}: ${echoValue(cell)} has a quote inside an unquoted cell; ${QUOTING_RULE}` };
      }
      cells.push(cell);
      if (comma === -1) return { ok: true, cells };
      index = comma + 1;
    }
  }
}

/**
 * One line of a CSV job file: `groupId,robot1,robot2,...` with any number of robot columns;
 * empty cells at the end of the line are ignored. `firstLine` is true for the first
 * non-blank line of the file, the only place a header (first cell exactly `groupId`) may be.
 */
export function parseCsvLine(line: string, position: { readonly firstLine: boolean }): LineParseResult {
  const split = splitCsvLine(line);
  if (!split.ok) return { kind: 'problem', problem: split.problem };
  const [groupId = '', ...robots] = split.cells;
  if (groupId === CSV_HEADER_FIRST_CELL) {
    if (position.firstLine) return { kind: 'header' };
    // Left in, it would be a job for a room called "groupId": two files pasted together.
    return {
      kind: 'problem',
      problem: 'a header line (first cell "groupId") after the first line; remove it, only the first line may be a header',
    };
  }
  let end = robots.length;
  while (end > 0 && robots[end - 1] === '') end -= 1;
  robots.length = end;
  return { kind: 'value', value: { groupId, robots } };
}
