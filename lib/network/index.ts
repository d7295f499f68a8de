export { PeerKind } from './flows';
export type { FlowPeer, NetworkFlow, PeerSpec } from './flows';
export { FqdnPolicy, NetworkIsolation, NetworkPeer } from './network-isolation';
export type { AllowedEgress, AllowedIngress, ClusterDnsProps, KubernetesApiProps, NetworkIsolationProps, PrometheusScrapeProps } from './network-isolation';
