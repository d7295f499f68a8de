import { ConfigurationError } from '../../lib';

/** The ConfigurationError `fn` throws; fails the test when it throws nothing or another error. */
export function constructError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigurationError, nothing was thrown');
}
