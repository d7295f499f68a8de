export { ConfigurationError } from './errors';
export type { ImageReference, ParsedImage } from './image';
export { KubernetesVersion } from './kubernetes-version';
export type { PropProblem } from './errors';
