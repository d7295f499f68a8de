export { Startup } from './health';
export type { HealthContract, HealthEndpoints, HealthProps, ProbeSettings, ProbeTiming, StartupProbeOptions } from './health';
export { ObservableService } from './observable-service';
export type { ObservableServiceProps } from './observable-service';
export { Protocol } from './protocol';
