import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSeederError, SeederError } from '../errors/seeder-error.js';
import type { CampaignSpec } from './campaign.js';
import { validateCampaignName } from './campaign-name.js';
import { parseSchedule, type ScheduleLabels } from './schedule/campaign-schedule.js';
import { parseInstant } from './schedule/instant.js';

/** A campaign as a declaration file states it, validated. */
export interface CampaignDeclaration extends CampaignSpec {
  /** `jsonl` or `csv`; default from the job file's extension. */
  readonly format?: 'jsonl' | 'csv';
  /** The declaration file, for messages. */
  readonly declaredIn: string;
}

const KEYS = new Set(['name', 'file', 'cron', 'tz', 'every', 'at', 'removeAt', 'format']);
/** Files that show the format and are not synced unless named on their own. */
const EXAMPLE_SUFFIX = '.example.json';

/**
 * The declarations in `path`: the file itself, or every `*.json` of a directory except
 * `*.example.json`, in name order. Every problem of every file is listed in one
 * INPUT_INVALID error, and nothing is returned unless all are valid.
 */
export async function readDeclarations(path: string): Promise<CampaignDeclaration[]> {
  const files = await declarationFiles(path);
  const problems: string[] = [];
  const out: CampaignDeclaration[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push(`${file}: cannot read it (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    out.push(...parseDeclarations(text, file, problems));
  }
  const seen = new Map<string, string>();
  for (const d of out) {
    const first = seen.get(d.name);
    if (first !== undefined) problems.push(`${d.declaredIn}: campaign ${JSON.stringify(d.name)} is also declared in ${first}`);
    seen.set(d.name, d.declaredIn);
  }
  if (problems.length > 0) {
    throw new SeederError('INPUT_INVALID', `campaign declarations are not valid; nothing was synced:\n  - ${problems.join('\n  - ')}`, {
      hint: 'each file holds {"campaigns": [{"name": "evening", "file": "jobs/evening.jsonl", "every": "6h"}, ...]}; see docs/campaigns.md',
    });
  }
  return out;
}

/** Validates one file's text; problems are appended, valid declarations returned. */
export function parseDeclarations(text: string, file: string, problems: string[]): CampaignDeclaration[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    problems.push(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    return [];
  }
  const list = isRecord(doc) ? doc['campaigns'] : undefined;
  if (!Array.isArray(list)) {
    problems.push(`${file}: expected an object with a "campaigns" array`);
    return [];
  }
  return list.flatMap((entry: unknown, i) => {
    const d = parseEntry(entry, `${file}: campaigns[${i}]`, problems);
    return d === undefined ? [] : [{ ...d, declaredIn: file }];
  });
}

function parseEntry(entry: unknown, at: string, problems: string[]): Omit<CampaignDeclaration, 'declaredIn'> | undefined {
  if (!isRecord(entry)) {
    problems.push(`${at}: expected an object`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(entry)) {
    if (!KEYS.has(key)) problems.push(`${at}.${key}: unknown field (expected ${[...KEYS].join(', ')})`);
  }
  const str = (key: string, required = false): string | undefined => {
    const v = entry[key];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && v.trim() !== '') return v;
    problems.push(`${at}.${key}: ${v === undefined ? 'required' : 'expected a non-empty string'}`);
    return undefined;
  };
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!isSeederError(err)) throw err;
      problems.push(err.message);
      return undefined;
    }
  };
  const rawName = str('name', true);
  const name = rawName === undefined ? undefined : attempt(() => validateCampaignName(rawName));
  const file = str('file', true);
  const labels: ScheduleLabels = { cron: `${at}.cron`, tz: `${at}.tz`, every: `${at}.every`, at: `${at}.at` };
  const schedule = attempt(() => parseSchedule({ cron: str('cron'), tz: str('tz'), every: str('every'), at: str('at') }, labels));
  const removeAt = str('removeAt');
  const removeAtMs = removeAt === undefined ? null : attempt(() => parseInstant(removeAt, `${at}.removeAt`));
  const format = str('format');
  if (format !== undefined && format !== 'jsonl' && format !== 'csv') problems.push(`${at}.format: expected "jsonl" or "csv"`);
  if (problems.length > before || name === undefined || file === undefined || schedule === undefined || removeAtMs === undefined)
    return undefined;
  return { name, source: file, schedule, removeAtMs, ...(format === 'jsonl' || format === 'csv' ? { format } : {}) };
}

async function declarationFiles(path: string): Promise<string[]> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw new SeederError('INPUT_UNREADABLE', `${path}: cannot read it (${err instanceof Error ? err.message : String(err)})`, {
      hint: 'give the directory of the declaration files (default jobs) or one declaration file',
    });
  }
  if (!isDirectory) return [path];
  const names = (await readdir(path)).filter((n) => n.endsWith('.json') && !n.endsWith(EXAMPLE_SUFFIX)).sort();
  return names.map((n) => join(path, n));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
