export * from './fortio';
export * from './mock-backend';
export * from './benchmark';
