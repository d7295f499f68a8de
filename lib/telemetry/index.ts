export * from './tracing';
export * from './wiring';
export * from './otel-collector';
