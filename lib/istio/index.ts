export * from './sizing';
export * from './sidecar';
export * from './resources';
export * from './control-plane';
