import { Rule } from '../rule';
import { autoscalerCoversPeak, disruptionBudgetDrains, replicasBehindService, throughputEstimated } from './capacity';
import { containerResources } from './container-resources';
import { envoyHealthPathDistinct, envoyMinHealthyComplete, envoyMinHealthyOnClusterIp, envoySamplingStated, tracePropagation } from './envoy';
import { healthCheckLoad } from './health-check-load';
import { imagePinned } from './image-pinned';
import { istioAnnotationsValid } from './istio-annotations';
import { networkPolicyMatchesWorkload, networkPolicySelectsWorkload } from './network-policies';
import { nodeGroupDeclared, spreadDeclared } from './placement';
import { livenessWithoutDependencies, probesDistinct, probesPresent } from './probes';
import { POD_SECURITY_RULES } from './pss';
import { noPlaintextCredentials, readOnlyRoot } from './security';
import { shutdownDelay } from './shutdown';
import { datadogSloAlerted, objectiveBelowHundred, serviceHasObjectives } from './slo';
import { sidecarResources } from './sidecar-resources';
import { suppressionsExplained } from './suppressions';

export * from './health-check-load';

/** The production-readiness rule pack, in report order. */
export const PRODUCTION_READINESS_RULES: readonly Rule[] = [
  containerResources,
  sidecarResources,
  probesPresent,
  probesDistinct,
  livenessWithoutDependencies,
  imagePinned,
  ...POD_SECURITY_RULES,
  readOnlyRoot,
  noPlaintextCredentials,
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
  serviceHasObjectives,
  objectiveBelowHundred,
  datadogSloAlerted,
  networkPolicySelectsWorkload,
  networkPolicyMatchesWorkload,
  suppressionsExplained,
];
