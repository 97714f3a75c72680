import { SeederError } from '../errors/seeder-error.js';

/** Letters, digits, `_`, `.` and `-`: safe in Redis keys, BullMQ scheduler ids and shell arguments alike. */
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Checks a campaign name; USAGE error naming the rule otherwise. */
export function validateCampaignName(value: string): string {
  if (NAME.test(value)) return value;
  const why = value.length === 0 ? 'it is empty' : value.length > 64 ? `it is ${value.length} characters long` : 'it has other characters';
  throw new SeederError('USAGE', `campaign name ${JSON.stringify(value)} is not valid: ${why}`, {
    hint: 'use 1 to 64 characters of A-Z, a-z, 0-9, "_", "." and "-", e.g. evening-rooms',
  });
}
