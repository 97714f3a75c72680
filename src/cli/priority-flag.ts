import { isPriority, PRIORITIES, type Priority } from '../domain/priority.js';
import { SeederError } from '../errors/seeder-error.js';

export function priorityFlag(value: string | undefined, fallback: Priority): Priority {
  if (value === undefined) return fallback;
  if (isPriority(value)) return value;
  throw new SeederError('USAGE', `--priority: expected one of ${PRIORITIES.join(', ')}, got ${JSON.stringify(value)}`);
}
