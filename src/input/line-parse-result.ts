/**
 * What one line of a job file turned into before validation: a value to validate,
 * a header to skip (CSV), or a problem that makes the line unusable.
 */
export type LineParseResult =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'header' }
  | { readonly kind: 'problem'; readonly problem: string };
