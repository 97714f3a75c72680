import { SeederError } from '../errors/seeder-error.js';

/** A listener that cannot take its address (in use, not this machine's, no permission), said so with the variable to change. */
export function cannotListen(at: { readonly host: string; readonly port: number }, portSetting: string, err: unknown): SeederError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  return new SeederError('CONFIG_INVALID', `cannot listen on ${at.host}:${at.port} (${code})`, {
    hint: `choose another ${portSetting}, or stop the process that holds this one`,
    cause: err,
  });
}
