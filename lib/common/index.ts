export * from './errors';
export * from './image';
export * from './labels';
export * from './names';
export * from './quantities';
