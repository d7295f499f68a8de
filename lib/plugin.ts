/**
 * cdk8s-observable/plugin: the production-readiness rules as a cdk8s
 * validation plugin, and nothing else. cdk8s-cli loads the module a
 * `validations:` entry of cdk8s.yaml names; this entry point spares it
 * cdk8s-plus-27 and the constructs, which the plugin does not use:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-observable/build/plugin.js
 *     version: 0.1.0
 *     class: ProductionReadinessValidation
 * ```
 */
export { ProductionReadinessValidation } from './readiness/plugin';
export type { ProductionReadinessValidationProps, ValidationContextLike } from './readiness/plugin';
