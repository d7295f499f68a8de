/**
 * Deep-freezes a resolved value a construct exposes as a fact about itself
 * (a health contract, a capacity plan, the routes it wrote): editing it
 * could not change the output, so it cannot be edited. Values meant for
 * editing (`FrontEnvoy.config`, `OtelCollector.config`) are not frozen;
 * they are rendered when the app synthesizes.
 * @internal
 */
export function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    const record = value as Record<string, unknown>;
    for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) frozen(record[key]);
  }
  return value;
}

/**
 * Freezes a list a construct exposes (shallowly), typed as a plain array:
 * jsii's type model has no read-only arrays, so the public type says `T[]`
 * while the list itself still cannot be changed.
 * @internal
 */
export function frozenList<T>(items: readonly T[]): T[] {
  return Object.freeze(items) as T[];
}
