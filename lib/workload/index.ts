export { DisruptionBudget } from './capacity';
export type { AutoscalingProps, CapacityPlan, ReplicaRange, ThroughputProps } from './capacity';
export type { IObservableWorkload, NetworkDestination } from './observable-workload';
export { NodeGroup, SpreadMode, TopologySpread } from './placement';
export type { ResolvedResources } from './resources';
export type { SecurityProps } from './security';
export { PreStopAction } from './shutdown';
export type { GracefulShutdownProps, ShutdownPlan } from './shutdown';
