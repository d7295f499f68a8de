/**
 * Pod features: behaviour a workload's pods take on (tracing wiring, the
 * Istio sidecar, ...), bound through one small interface in the manner of
 * aws-ecs-patterns' `ContainerImage.bind`: a feature is given the pod it
 * joins and returns what it adds. The kernel merges the bindings; the
 * constructs only choose which features apply.
 * @internal
 */
import { EnvValue } from 'cdk8s-plus-27';
import { PropChecker } from '../common/errors';
import { KubernetesVersion } from '../common/kubernetes-version';
import { envVarNameError } from '../common/names';
import { NetworkDestination } from './observable-workload';

/** A port of the workload: on the container, and on the Service unless `internal`. */
export interface WorkloadPort {
  readonly name: string;
  readonly port: number;
  /** `appProtocol` on the Service port (Istio reads it for protocol selection). */
  readonly appProtocol?: string;
  /** Declared on the container only (probe ports). */
  readonly internal?: boolean;
  /** The prop the port came from, for error messages. */
  readonly prop?: string;
}

/** A host directory mounted read-only into the container. */
export interface HostPathMount {
  readonly name: string;
  readonly hostPath: string;
  readonly mountPath: string;
}

/** What a feature knows of the pod it joins. */
export interface PodContext {
  readonly name: string;
  readonly namespace: string;
  /** The version label's value. */
  readonly version: string;
  readonly ports: readonly WorkloadPort[];
  /** Requests per second one pod serves at peak, when declared. */
  readonly rpsPerPod?: number;
  /** The Kubernetes version the manifests target. */
  readonly kubernetesVersion: KubernetesVersion;
  /** Where problems with the feature's props go (prop names as the construct's). */
  readonly checker: PropChecker;
}

/** What a feature adds to the pod. */
export interface PodFeatureBinding {
  /** Environment variables, in order: `$(VAR)` expands only variables defined before it. */
  readonly env?: ReadonlyArray<readonly [string, EnvValue]>;
  /** Labels of the workload and its pods. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Annotations of the pods. */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Host directories mounted read-only. */
  readonly hostPaths?: readonly HostPathMount[];
  /** Where the pods send traffic because of the feature. */
  readonly egress?: readonly NetworkDestination[];
  /**
   * What the container does before it is signalled to stop: a core/v1
   * LifecycleHandler as JSON (`sleep`, `exec` or `httpGet`), written as is
   * (cdk8s-plus-27 has neither the sleep action nor HTTP headers).
   */
  readonly preStop?: Readonly<Record<string, unknown>>;
  /** The pod's termination grace period, in seconds. */
  readonly terminationGracePeriodSeconds?: number;
}

/** A behaviour a pod takes on. */
export interface IPodFeature {
  /** The prop it comes from, as errors name it (`tracing`, `mesh`). */
  readonly prop: string;
  /** Checks the feature against the pod (problems to `context.checker`) and returns what it adds. */
  bind(context: PodContext): PodFeatureBinding;
}

/** The bindings of several features, merged. */
export interface MergedBinding {
  readonly env: Array<readonly [string, EnvValue]>;
  readonly podLabels: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly hostPaths: HostPathMount[];
  readonly egress: NetworkDestination[];
  preStop?: PodFeatureBinding['preStop'];
  terminationGracePeriodSeconds?: number;
}

/**
 * Binds the features in order and merges what they add; a variable, label
 * or annotation that two features both set is a problem. The user's own
 * variables come after the features' and may not replace one of theirs.
 */
export function bindFeatures(features: readonly IPodFeature[], context: PodContext, userEnv: Readonly<Record<string, EnvValue>> = {}): MergedBinding {
  const merged: MergedBinding = { env: [], podLabels: {}, podAnnotations: {}, hostPaths: [], egress: [] };
  // Which feature set each variable, label, annotation and shutdown field, by the prop it goes under.
  const owners = { env: new Map<string, string>(), labels: new Map<string, string>(), annotations: new Map<string, string>(), shutdown: new Map<string, string>() };
  const claim = (kind: keyof typeof owners, name: string, by: string) => {
    const earlier = owners[kind].get(name);
    if (earlier !== undefined) {
      context.checker.check(false, kind === 'shutdown' ? 'shutdown' : `${kind}.${name}`, `is set by both the ${earlier} and the ${by} wiring`, `remove one of '${earlier}' and '${by}'`);
    }
    owners[kind].set(name, by);
  };
  const mergeInto = (kind: 'labels' | 'annotations', from: Readonly<Record<string, string>>, into: Record<string, string>, by: string) => {
    for (const key in from) {
      if (!Object.prototype.hasOwnProperty.call(from, key)) continue;
      claim(kind, key, by);
      into[key] = from[key];
    }
  };
  for (const feature of features) {
    const binding = feature.bind(context);
    for (const [name, value] of binding.env ?? []) {
      claim('env', name, feature.prop);
      merged.env.push([name, value]);
    }
    mergeInto('labels', binding.podLabels ?? {}, merged.podLabels, feature.prop);
    mergeInto('annotations', binding.podAnnotations ?? {}, merged.podAnnotations, feature.prop);
    merged.hostPaths.push(...(binding.hostPaths ?? []));
    merged.egress.push(...(binding.egress ?? []));
    if (binding.preStop) {
      claim('shutdown', 'preStop', feature.prop);
      merged.preStop = binding.preStop;
    }
    if (binding.terminationGracePeriodSeconds !== undefined) {
      claim('shutdown', 'terminationGracePeriodSeconds', feature.prop);
      merged.terminationGracePeriodSeconds = binding.terminationGracePeriodSeconds;
    }
  }
  for (const [name, value] of Object.entries(userEnv)) {
    const nameError = envVarNameError(name);
    context.checker.check(nameError === undefined, `env.${name}`, nameError ?? '', 'rename the variable');
    const by = owners.env.get(name);
    if (by !== undefined) context.checker.check(false, `env.${name}`, `is set by the ${by} wiring`, `remove it from 'env', or change the '${by}' value instead`);
    merged.env.push([name, value]);
  }
  return merged;
}
