export * from './protocol';
export * from './health';
export * from './capacity';
export * from './placement';
export * from './resources';
export * from './observable-service';
export * from './workload';
