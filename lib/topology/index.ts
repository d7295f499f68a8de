export * from './diagram';
