export { DisruptionBudget } from './capacity';
export type { AutoscalingProps, CapacityPlan, ReplicaRange, ThroughputProps } from './capacity';
export { EgressRule } from './egress';
export type { CidrEgressRuleOptions, EgressRuleOptions, TransportProtocol } from './egress';
export type { IObservableWorkload, NetworkDestination } from './observable-workload';
export { NodeGroup, SpreadMode, TopologySpread } from './placement';
export type { ResolvedResources } from './resources';
export type { SecurityProps } from './security';
