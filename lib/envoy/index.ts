export * from './config';
export * from './validate';
