export * from './common';
export * from './service';
export * from './telemetry';
export * from './envoy';
export * from './istio';
export * from './readiness';
