export { istiodAutoscaling } from './control-plane';
export type {
  IstiodAutoscaling, IstiodAutoscalingOptions, IstiodCpuTarget, IstiodPilotValues, IstiodResourceRequests, IstiodResources, IstiodValues,
} from './control-plane';
export { MeshDestinationRule, MeshPeerAuthentication, MeshSidecarScope, MeshTelemetry, meshTracingProvider } from './mesh-resources';
export type {
  ConnectionPoolProps, MeshDestinationRuleProps, MeshPeerAuthenticationProps, MeshSidecarScopeProps, MeshTelemetryProps, OutlierDetectionProps,
} from './mesh-resources';
export type { MeshProps, MeshSidecar } from './sidecar';
export { ISTIO_1_10_MODEL, ISTIO_1_24_MODEL, SidecarSizing } from './sizing';
export type { ExplicitSidecarResources, SidecarCostModel, SidecarMeasurement, SidecarResources, SizingOptions } from './sizing';
