export { ProductionReadinessValidation } from './plugin';
export type { ProductionReadinessValidationProps, ValidationContextLike } from './plugin';
export { ProductionReadiness } from './production-readiness';
export type { EnforceOptions } from './production-readiness';
export { Level } from './rule';
export { PodSecurityLevel } from './rule';
export type { Finding, ReadinessOptions } from './rule';
export { PRODUCTION_READINESS_RULES } from './rules';
