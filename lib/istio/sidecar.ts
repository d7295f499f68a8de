/**
 * The Istio sidecar of an `ObservableService`: injection, resources sized
 * from traffic, proxy config, and the probe and metrics settings, all as pod
 * labels and annotations read by Istio's injector.
 */
import { PropChecker } from '../common/errors';
import { KubernetesVersion } from '../common/kubernetes-version';
import { proxyConcurrency } from '../common/quantities';
import { IPodFeature, PodContext, PodFeatureBinding } from '../workload/pod-feature';
import { SidecarResources, SidecarSizing, cpuQuantity, memoryQuantity, sizeSidecar } from './sizing';

/** The injection label (the `sidecar.istio.io/inject` annotation is deprecated). */
export const ISTIO_INJECT_LABEL = 'sidecar.istio.io/inject';
export const ANNOTATION_PROXY_CPU = 'sidecar.istio.io/proxyCPU';
export const ANNOTATION_PROXY_CPU_LIMIT = 'sidecar.istio.io/proxyCPULimit';
export const ANNOTATION_PROXY_MEMORY = 'sidecar.istio.io/proxyMemory';
export const ANNOTATION_PROXY_MEMORY_LIMIT = 'sidecar.istio.io/proxyMemoryLimit';
export const ANNOTATION_PROXY_CONFIG = 'proxy.istio.io/config';
export const ANNOTATION_REWRITE_PROBES = 'sidecar.istio.io/rewriteAppHTTPProbers';
export const ANNOTATION_MERGE_METRICS = 'prometheus.istio.io/merge-metrics';
/**
 * Injects the proxy as a native sidecar (an init container with
 * `restartPolicy: Always`; Istio 1.20+ per pod, istio/api annotation/annotations.yaml).
 * The kubelet then stops the application first (its pre-stop delay, SIGTERM,
 * its shutdown) and the proxy only after it has exited, so the proxy serves
 * the whole shutdown; and a Job's pod completes. Native sidecars are on by
 * default from Kubernetes 1.29 (SidecarContainers beta; GA in 1.33).
 */
export const ANNOTATION_NATIVE_SIDECAR = 'sidecar.istio.io/nativeSidecar';
/** The first Kubernetes version whose kubelet runs native sidecars without a feature gate. */
export const NATIVE_SIDECAR_SINCE = KubernetesVersion.V1_29;
/**
 * Istio's canonical service name label (istio/istio pkg/kube/labels/labels.go,
 * CanonicalService: this label, then `app.kubernetes.io/name`, then `app`).
 */
export const ISTIO_CANONICAL_NAME_LABEL = 'service.istio.io/canonical-name';
/**
 * The sidecar names its spans' service from the canonical name alone
 * (ProxyConfig.tracingServiceName, istio/api mesh/v1alpha1/proxy.proto; per pod
 * through `proxy.istio.io/config`). The default, APP_LABEL_AND_NAMESPACE, gives
 * `<app label or workload>.<namespace>` (istio/istio pkg/bootstrap/config.go
 * getServiceCluster), which is not the name the Datadog monitors query.
 */
export const TRACING_SERVICE_NAME = 'CANONICAL_NAME_ONLY';

/** Ports the sidecar and its agent listen on (istio.io/latest/docs/ops/deployment/application-requirements). */
export const ISTIO_RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/** The service mesh options of an `ObservableService`. */
export interface MeshProps {
  /**
   * How the sidecar is sized.
   * @default SidecarSizing.fromModel(ISTIO_1_24_MODEL) - from the pod's throughput, headroom 1.5
   */
  readonly sizing?: SidecarSizing;
  /**
   * Envoy worker threads of the sidecar.
   * @default - the sidecar's CPU limit in whole cores
   */
  readonly concurrency?: number;
  /**
   * Start the application only once the proxy is ready, for applications that
   * call out at start-up (to fetch config, open a database connection through the mesh).
   * @default false
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /**
   * Let Istio merge the application's Prometheus metrics with the proxy's
   * (it then rewrites the pod's `prometheus.io/*` annotations).
   * @default false - the pod's own scrape annotations are left alone
   */
  readonly mergeMetrics?: boolean;
}

/** The resolved sidecar of a service. */
export interface MeshSidecar {
  /** The sidecar's requests and limits, and how they were reached. */
  readonly resources: SidecarResources;
  /** Envoy worker threads of the sidecar. */
  readonly concurrency: number;
  /** Whether the application starts only once the proxy is ready. */
  readonly holdApplicationUntilProxyStarts: boolean;
  /** The service name the sidecar's spans carry (its canonical name), when known. */
  readonly traceServiceName?: string;
  /** Whether the proxy runs as a native sidecar (stopped after the application). */
  readonly native: boolean;
  /** How long the proxy drains when it is stopped before the application (not native), in seconds. */
  readonly terminationDrainSeconds?: number;
  /** Pod labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod annotations. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** How the sidecar stops, from the pod's shutdown. */
export interface SidecarShutdown {
  /** Run the proxy as a native sidecar, stopped after the application. */
  readonly native: boolean;
  /**
   * Otherwise the proxy gets SIGTERM with the application at t = 0 and drains
   * for this long (ProxyConfig.terminationDrainDuration, Istio's default 5 s):
   * the pod's grace period, so the application keeps its network while it
   * finishes (istio/api mesh/v1alpha1/proxy.proto).
   */
  readonly terminationDrainSeconds?: number;
}

/**
 * The ProxyConfig annotation as YAML: one `key: value` line per field. Every
 * value is a number, a boolean or a word of letters, digits and '_' (a
 * duration such as `50s`), which YAML reads back as written, so no quoting is
 * needed (and a YAML library per pod is not: this runs for every meshed service).
 */
function proxyConfigYaml(fields: Readonly<Record<string, number | boolean | string>>): string {
  return Object.entries(fields).map(([key, value]) => {
    if (typeof value === 'string' && !/^[A-Za-z0-9_]+$/.test(value)) throw new Error(`proxy config ${key}: ${JSON.stringify(value)} needs quoting`);
    return `${key}: ${value}`;
  }).join('\n');
}

/**
 * Checks the mesh props and computes the sidecar's labels and annotations;
 * `serviceName` is the name its spans carry (the canonical name).
 */
export function resolveMeshSidecar(checker: PropChecker, mesh: MeshProps, rpsPerPod: number | undefined, serviceName?: string,
  shutdown: SidecarShutdown = { native: false }): MeshSidecar {
  const resources = sizeSidecar(checker, mesh.sizing ?? SidecarSizing.fromModel(), rpsPerPod);
  const concurrency = mesh.concurrency ?? proxyConcurrency(resources.cpuLimitMillis);
  checker.check(Number.isInteger(concurrency) && concurrency >= 1, 'mesh.concurrency', `(${concurrency}) must be a whole number of at least 1`, 'leave it out to follow the CPU limit');
  const hold = mesh.holdApplicationUntilProxyStarts ?? false;
  return {
    resources,
    concurrency,
    holdApplicationUntilProxyStarts: hold,
    traceServiceName: serviceName,
    native: shutdown.native,
    terminationDrainSeconds: shutdown.native ? undefined : shutdown.terminationDrainSeconds,
    labels: { [ISTIO_INJECT_LABEL]: 'true', ...(serviceName ? { [ISTIO_CANONICAL_NAME_LABEL]: serviceName } : {}) },
    annotations: {
      [ANNOTATION_PROXY_CPU]: cpuQuantity(resources.cpuRequestMillis),
      [ANNOTATION_PROXY_CPU_LIMIT]: cpuQuantity(resources.cpuLimitMillis),
      [ANNOTATION_PROXY_MEMORY]: memoryQuantity(resources.memoryRequestMiB),
      [ANNOTATION_PROXY_MEMORY_LIMIT]: memoryQuantity(resources.memoryLimitMiB),
      [ANNOTATION_PROXY_CONFIG]: proxyConfigYaml({
        concurrency,
        holdApplicationUntilProxyStarts: hold,
        ...(serviceName ? { tracingServiceName: TRACING_SERVICE_NAME } : {}),
        ...(!shutdown.native && shutdown.terminationDrainSeconds !== undefined ? { terminationDrainDuration: `${shutdown.terminationDrainSeconds}s` } : {}),
      }),
      ...(shutdown.native ? { [ANNOTATION_NATIVE_SIDECAR]: 'true' } : {}),
      // The kubelet cannot reach the app's probes through a mesh with STRICT
      // mTLS; the injector rewrites them to the sidecar agent (port 15020),
      // which forwards them in plain text. Istio's default, stated.
      [ANNOTATION_REWRITE_PROBES]: 'true',
      [ANNOTATION_MERGE_METRICS]: String(mesh.mergeMetrics ?? false),
    },
  };
}

/**
 * The sidecar as a pod feature: sized from the pod's throughput, refusing
 * application ports the sidecar itself uses. `sidecar` is set once bound.
 * @internal
 */
export class MeshSidecarFeature implements IPodFeature {
  public readonly prop = 'mesh';
  /** The resolved sidecar, once bound. */
  public sidecar?: MeshSidecar;

  /** `gracePeriodSeconds` gives the pod's grace period once its shutdown is resolved (bound before this feature). */
  constructor(private readonly mesh: MeshProps, private readonly gracePeriodSeconds: () => number | undefined = () => undefined) {}

  public bind(context: PodContext): PodFeatureBinding {
    // A native sidecar where the kubelet runs them; else the proxy drains for the whole grace period.
    const native = context.kubernetesVersion.atLeast(NATIVE_SIDECAR_SINCE);
    const sidecar = this.sidecar = resolveMeshSidecar(context.checker, this.mesh, context.rpsPerPod, context.name, { native, terminationDrainSeconds: this.gracePeriodSeconds() });
    for (const port of context.ports) {
      context.checker.check(!ISTIO_RESERVED_PORTS.includes(port.port), port.prop ?? 'port', `(${port.port}) is a port the Istio sidecar uses`, 'choose a port outside 15000-15090, such as 8080');
    }
    return { podLabels: sidecar.labels, podAnnotations: sidecar.annotations };
  }
}
