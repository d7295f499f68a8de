export { ConfigurationError } from './errors';
export type { PropProblem } from './errors';
