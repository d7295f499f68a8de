export { ConfigurationError } from './errors';
export { KubernetesVersion } from './kubernetes-version';
export type { PropProblem } from './errors';
