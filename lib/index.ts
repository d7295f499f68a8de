/**
 * cdk8s-observable: the public API. Each folder's index lists what it offers;
 * everything else is internal. test/api.test.ts counts the runtime names, so
 * a new export is a decision.
 */
export * from './common';
export * from './workload';
export * from './service';
export * from './telemetry';
export * from './istio';
export * from './envoy';
export * from './readiness';
export * from './monitoring';
export * from './loadtest';
export * from './network';
export * from './topology';
