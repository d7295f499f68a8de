export * from './common';
export * from './service';
