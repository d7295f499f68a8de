export * from './datadog';
export * from './prometheus';
