export * from './rule';
export * from './model';
export * from './rules';
export * from './engine';
export * from './production-readiness';
export * from './plugin';
