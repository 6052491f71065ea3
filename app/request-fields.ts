import { HttpError } from './errors';

type Source = Record<string, unknown> | undefined;

interface FieldRule {
  max: number;
  pattern?: RegExp;
}

/**
 * One text parameter from a query or form, checked before use: present, a single value (not an
 * array from a repeated key), within its length and format. A failure is a 400 that says which field.
 */
export function requiredField(source: Source, name: string, rule: FieldRule): string {
  const value = optionalField(source, name, rule);
  if (value === undefined || value === '') throw new HttpError(400, `The request is missing "${name}".`);
  return value;
}

export function optionalField(source: Source, name: string, rule: FieldRule): string | undefined {
  const value = source?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `"${name}" was given more than once or in an unexpected form.`);
  if (value.length > rule.max) throw new HttpError(400, `"${name}" is too long.`);
  if (rule.pattern && value !== '' && !rule.pattern.test(value)) throw new HttpError(400, `"${name}" is not valid.`);
  return value;
}
