import { SeederError } from '../errors/seeder-error.js';
import type { InputFormat } from '../input/read-job-file.js';

export function formatFlag(value: string | undefined): InputFormat | undefined {
  if (value === undefined || value === 'jsonl' || value === 'csv') return value;
  throw new SeederError('USAGE', `--format: expected jsonl or csv, got ${JSON.stringify(value)}`);
}
