import type { EnqueueFileOptions } from './enqueue-file.js';
import { formatFlag } from './format-flag.js';
import { priorityFlag } from './priority-flag.js';

/** The flags of the commands that take a job file (`enqueue`, `run`). */
export const FILE_FLAGS = {
  json: { type: 'boolean', default: false },
  'skip-invalid': { type: 'boolean', default: false },
  format: { type: 'string' },
  remove: { type: 'boolean', default: false },
  app: { type: 'string' },
  priority: { type: 'string' },
} as const;

export interface FileFlagValues {
  readonly json: boolean;
  readonly 'skip-invalid': boolean;
  readonly format?: string | undefined;
  readonly remove: boolean;
  readonly app?: string | undefined;
  readonly priority?: string | undefined;
}

/** What those flags mean for enqueueing `file`. */
export function enqueueFileOptions(file: string, values: FileFlagValues): EnqueueFileOptions {
  return {
    file,
    command: values.remove ? 'del_robots' : 'add_robots',
    skipInvalid: values['skip-invalid'],
    format: formatFlag(values.format),
    app: values.app,
    priority: priorityFlag(values.priority, 'low'),
    progress: !values.json,
  };
}
