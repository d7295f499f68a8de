export { ProxyBenchmark } from './benchmark';
export type { ProxyBenchmarkProps } from './benchmark';
export { FORTIO_IMAGE, LoadTest } from './fortio';
export type { FortioLoadOptions, LoadTarget, LoadTestProps, SecretHeader } from './fortio';
export { MockBackend, NGINX_UNPRIVILEGED_IMAGE } from './mock-backend';
export type { MockBackendProps, MockRoute } from './mock-backend';
