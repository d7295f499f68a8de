import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: only a collector's config and a
 * manifest read back as YAML need it, and loading it (72 modules) would
 * otherwise cost every app, and every test file, that loads the library.
 */
export function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('yaml') as typeof Yaml);
}
