import { Rule } from '../rule';
import { autoscalerCoversPeak, disruptionBudgetDrains, replicasBehindService, throughputEstimated } from './capacity';
import { containerResources } from './container-resources';
import { envoyHealthPathDistinct, envoyMinHealthyComplete, envoyMinHealthyOnClusterIp, envoySamplingStated, tracePropagation } from './envoy';
import { healthCheckLoad } from './health-check-load';
import { imagePinned } from './image-pinned';
import { istioAnnotationsValid } from './istio-annotations';
import { nodeGroupDeclared, spreadDeclared } from './placement';
import { livenessWithoutDependencies, probesDistinct, probesPresent } from './probes';
import { readOnlyRoot, runsAsNonRoot } from './security';
import { shutdownDelay } from './shutdown';
import { sidecarResources } from './sidecar-resources';

export * from './health-check-load';

/** The production-readiness rule pack, in report order. */
export const PRODUCTION_READINESS_RULES: readonly Rule[] = [
  containerResources,
  sidecarResources,
  probesPresent,
  probesDistinct,
  livenessWithoutDependencies,
  imagePinned,
  runsAsNonRoot,
  readOnlyRoot,
  nodeGroupDeclared,
  spreadDeclared,
  throughputEstimated,
  autoscalerCoversPeak,
  disruptionBudgetDrains,
  replicasBehindService,
  shutdownDelay,
  envoyHealthPathDistinct,
  envoyMinHealthyComplete,
  envoySamplingStated,
  envoyMinHealthyOnClusterIp,
  istioAnnotationsValid,
  tracePropagation,
  healthCheckLoad,
];
