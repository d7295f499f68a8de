/**
 * A structural OpenAPI v3 schema check of the subset CRD schemas use (types,
 * properties, required, items, additionalProperties: false, anyOf, enum,
 * pattern), enough to hold generated custom resources to a CRD's schema
 * copied from upstream. An unknown field is an error, as the API server's
 * pruning would drop it silently.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    default: return true;
  }
}

/** The schema errors of `value`, as `path: message` lines. */
export function schemaErrors(value: unknown, schema: Schema, path = ''): string[] {
  const at = path || '(root)';
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => schemaErrors(value, { ...s }, path).length === 0)) {
    return [`${at}: ${JSON.stringify(value)} matches none of ${(schema.anyOf as Schema[]).map((s) => s.type).join(', ')}`];
  }
  if (schema.type && !typeOk(value, schema.type)) return [`${at}: ${JSON.stringify(value)} is not of type ${schema.type}`];
  const errors: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => errors.push(...schemaErrors(item, schema.items, `${path}[${i}]`)));
  if (typeOk(value, 'object') && (schema.properties || schema.additionalProperties === false)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path ? `${path}.` : ''}${key}: required`);
    for (const [key, v] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...schemaErrors(v, property, path ? `${path}.${key}` : key));
      else if (schema.additionalProperties === false || schema.properties) errors.push(`${path ? `${path}.` : ''}${key}: unknown field`);
    }
  }
  return errors;
}
