/**
 * The manifests the readiness rules read, indexed: every object that carries
 * a pod, with its pod template, the Services, autoscalers and disruption
 * budgets that point at it, and the Envoy bootstraps found in ConfigMaps.
 * Built from plain manifests, so the rules check YAML from any source, not
 * only this library's.
 */
import { SUPPRESS_ANNOTATION_PREFIX } from '../common/annotations';
import { compareText } from '../common/text';
import { yaml } from '../common/yaml';

/** A manifest as plain JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

/** One synthesized object, with where it came from. */
export interface Resource {
  readonly manifest: Manifest;
  /** The construct path, when the object was built in this process. */
  readonly constructPath?: string;
  /** The manifest file, when read from disk. */
  readonly file?: string;
  /** Suppressed rule ids and their written reasons (the object's `observable.cdk8s.io/suppress.<RULE>` annotations). */
  readonly suppressions: ReadonlyMap<string, string>;
  /** For a suppression made by `ProductionReadiness.suppress`, the construct path that made it, by rule id. */
  readonly suppressedBy?: ReadonlyMap<string, string>;
}

/** `Kind/namespace/name`. */
export function resourceId(r: Resource): string {
  const m = r.manifest;
  return `${m.kind}/${m.metadata?.namespace ?? 'default'}/${m.metadata?.name ?? '?'}`;
}

/** No suppression: shared by the many objects without one. */
const NO_SUPPRESSIONS: ReadonlyMap<string, string> = new Map();

/** Suppressions written as annotations on a manifest. */
export function annotationSuppressions(manifest: Manifest): ReadonlyMap<string, string> {
  let found: Map<string, string> | undefined;
  const annotations = manifest.metadata?.annotations;
  if (annotations && typeof annotations === 'object') {
    for (const key in annotations) {
      if (!Object.prototype.hasOwnProperty.call(annotations, key) || !key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) continue;
      found ??= new Map();
      found.set(key.slice(SUPPRESS_ANNOTATION_PREFIX.length), String(annotations[key]));
    }
  }
  return found ?? NO_SUPPRESSIONS;
}

/**
 * The items of `List` objects (`kind: List`, or a typed list such as
 * `DeploymentList`), recursively, in place of the lists: kubectl applies
 * each item as an object of its own. Items keep the list's construct path and
 * file and carry their own suppressions.
 */
export function expandLists(resources: readonly Resource[]): Resource[] {
  const isList = (m: Manifest) => typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items);
  if (!resources.some((r) => isList(r.manifest))) return [...resources];
  return resources.flatMap((r): Resource[] => {
    const m = r.manifest;
    if (!isList(m)) return [r];
    return expandLists((m.items as unknown[]).filter((item): item is Manifest => !!item && typeof item === 'object')
      .map((item) => ({ manifest: item, constructPath: r.constructPath, file: r.file, suppressions: annotationSuppressions(item) })));
  });
}

/**
 * Where each kind carries its pod template: the kinds whose pods Pod
 * Security Admission checks (pod-security-admission admission/admission.go,
 * `defaultPodSpecResources`: Pod, ReplicationController, PodTemplate,
 * ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob).
 */
const POD_TEMPLATES: Readonly<Record<string, (m: Manifest) => Manifest | undefined>> = {
  Pod: (m) => ({ metadata: m.metadata, spec: m.spec }),
  ReplicationController: (m) => m.spec?.template,
  PodTemplate: (m) => m.template,
  ReplicaSet: (m) => m.spec?.template,
  Deployment: (m) => m.spec?.template,
  StatefulSet: (m) => m.spec?.template,
  DaemonSet: (m) => m.spec?.template,
  Job: (m) => m.spec?.template,
  CronJob: (m) => m.spec?.jobTemplate?.spec?.template,
};

/** Kinds whose pods run to completion: probes do not apply to them. */
const BATCH_KINDS = new Set(['Job', 'CronJob']);
/** Kinds with `spec.replicas`. */
const SCALED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** An object that carries a pod (a workload, a Job, a bare Pod, a PodTemplate) and the objects around it. */
export interface ManifestWorkload {
  readonly resource: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** A Job or CronJob: its pods run to completion. */
  readonly batch: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly template: Record<string, any>;
  readonly podLabels: Record<string, string>;
  /** Every container of the pod, in Pod Security Admission's visiting order ({@link podContainers}). */
  readonly containers: readonly PodContainer[];
  /** The containers that run as long as the pod: containers and native sidecars. */
  readonly longRunning: readonly PodContainer[];
  readonly services: Resource[];
  readonly autoscaler?: Resource;
  readonly disruptionBudgets: Resource[];
  /** Fewest and most pods. */
  readonly replicas: { readonly min: number; readonly max: number };
}

/** An Envoy bootstrap found in a ConfigMap, with the workload that mounts it. */
export interface EnvoyBootstrap {
  readonly configMap: Resource;
  readonly key: string;
  readonly config: Manifest;
  readonly workload?: ManifestWorkload;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  let any = false;
  for (const k in selector) {
    if (!Object.prototype.hasOwnProperty.call(selector, k)) continue;
    if (labels[k] !== selector[k]) return false;
    any = true;
  }
  return any;
}

/** The indexed manifests. */
export class ManifestModel {
  public readonly workloads: ManifestWorkload[];
  public readonly envoys: EnvoyBootstrap[];

  /** Services by `<name>.<namespace>`. */
  private readonly servicesByHost = new Map<string, Resource>();
  /** The workloads each Service selects. */
  private readonly workloadsByService = new Map<Resource, ManifestWorkload[]>();

  /** Every object, with the items of `List`s in place of the lists. */
  public readonly resources: readonly Resource[];

  constructor(input: readonly Resource[]) {
    const resources = expandLists(input);
    this.resources = resources;
    const ns = (r: Resource) => r.manifest.metadata?.namespace ?? 'default';
    const byKind = new Map<string, Resource[]>();
    for (const r of resources) append(byKind, r.manifest.kind, r);
    const ofKind = (kind: string) => byKind.get(kind) ?? [];
    // Selector lookups go through an index on one label of each selector, so
    // a large product is not matched all against all.
    const services = new SelectorIndex(ofKind('Service'), (r) => r.manifest.spec?.selector, ns);
    const budgets = new SelectorIndex(ofKind('PodDisruptionBudget'), (r) => r.manifest.spec?.selector?.matchLabels, ns);
    const autoscalers = new Map<string, Resource>();
    for (const h of ofKind('HorizontalPodAutoscaler')) {
      autoscalers.set(`${ns(h)}/${h.manifest.spec?.scaleTargetRef?.kind}/${h.manifest.spec?.scaleTargetRef?.name}`, h);
    }
    for (const s of ofKind('Service')) this.servicesByHost.set(`${s.manifest.metadata?.name}.${ns(s)}`, s);
    const workloadsByConfigMap = new Map<string, ManifestWorkload>();
    this.workloads = resources
      .filter((r) => Object.prototype.hasOwnProperty.call(POD_TEMPLATES, r.manifest.kind))
      .map((r) => {
        const m = r.manifest;
        const template: Manifest = POD_TEMPLATES[m.kind](m) ?? {};
        const podLabels: Record<string, string> = template.metadata?.labels ?? {};
        const namespace = ns(r);
        const autoscaler = autoscalers.get(`${namespace}/${m.kind}/${m.metadata?.name}`);
        const fixed = SCALED_KINDS.has(m.kind) ? m.spec?.replicas ?? 1 : m.kind === 'PodTemplate' ? 0 : 1;
        const replicas = autoscaler
          ? { min: autoscaler.manifest.spec?.minReplicas ?? 1, max: autoscaler.manifest.spec?.maxReplicas ?? 1 }
          : { min: fixed, max: fixed };
        // A PodTemplate runs no pod, so no Service routes to it.
        const served = m.kind === 'PodTemplate' ? [] : services.matching(namespace, podLabels);
        const all = podContainers(template.spec);
        const workload: ManifestWorkload = {
          resource: r, namespace, name: m.metadata?.name ?? '?', kind: m.kind, batch: BATCH_KINDS.has(m.kind), template, podLabels,
          containers: all, longRunning: all.filter((c) => c.role === ContainerRole.CONTAINER || c.role === ContainerRole.SIDECAR), services: served, autoscaler, disruptionBudgets: budgets.matching(namespace, podLabels), replicas,
        };
        for (const s of workload.services) append(this.workloadsByService, s, workload);
        for (const v of (template.spec?.volumes ?? []) as Manifest[]) {
          // The first workload (in manifest order) that mounts a ConfigMap is its reader.
          const key = `${namespace}/${v.configMap?.name}`;
          if (v.configMap?.name && !workloadsByConfigMap.has(key)) workloadsByConfigMap.set(key, workload);
        }
        return workload;
      });
    this.envoys = [];
    for (const configMap of ofKind('ConfigMap')) {
      for (const [key, text] of Object.entries(configMap.manifest.data ?? {})) {
        const config = parseEnvoy(String(text));
        if (!config) continue;
        this.envoys.push({ configMap, key, config, workload: workloadsByConfigMap.get(`${ns(configMap)}/${configMap.manifest.metadata?.name}`) });
      }
    }
  }

  /** The workloads behind a Service's in-cluster DNS name (`<name>.<namespace>.svc...`). */
  public workloadsBehind(host: string): { service?: Resource; workloads: ManifestWorkload[] } {
    const match = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(host);
    const service = match ? this.servicesByHost.get(`${match[1]}.${match[2]}`) : undefined;
    return service ? { service, workloads: this.workloadsByService.get(service) ?? [] } : { workloads: [] };
  }
}

/** Objects with a label selector, indexed by namespace and one of their selector's labels. */
class SelectorIndex {
  /** Namespace › the selector's first label key (in code-unit order) › its value › the objects. */
  private readonly index = new Map<string, Map<string, Map<string, SelectorEntry[]>>>();

  constructor(resources: readonly Resource[], selectorOf: (r: Resource) => Record<string, string> | undefined, namespaceOf: (r: Resource) => string) {
    resources.forEach((resource, order) => {
      const selector = selectorOf(resource);
      if (!selector || typeof selector !== 'object') return;
      let first: string | undefined;
      for (const key in selector) if (Object.prototype.hasOwnProperty.call(selector, key) && (first === undefined || compareText(key, first) < 0)) first = key;
      if (first === undefined) return; // an empty selector selects nothing here
      const namespace = namespaceOf(resource);
      let byKey = this.index.get(namespace);
      if (!byKey) this.index.set(namespace, byKey = new Map());
      let byValue = byKey.get(first);
      if (!byValue) byKey.set(first, byValue = new Map());
      append(byValue, String(selector[first]), { resource, selector, order });
    });
  }

  /** The objects in `namespace` whose selector matches `labels`, in manifest order. */
  public matching(namespace: string, labels: Record<string, string>): Resource[] {
    const byKey = this.index.get(namespace);
    if (!byKey) return [];
    const found: SelectorEntry[] = [];
    for (const k in labels) {
      if (!Object.prototype.hasOwnProperty.call(labels, k)) continue;
      const candidates = byKey.get(k)?.get(String(labels[k]));
      if (!candidates) continue;
      // Each selector sits under one of its labels, so a candidate is met at most once.
      for (const candidate of candidates) if (matches(candidate.selector, labels)) found.push(candidate);
    }
    return found.length < 2 ? found.map((f) => f.resource) : found.sort((x, y) => x.order - y.order).map((f) => f.resource);
  }
}

interface SelectorEntry {
  readonly resource: Resource;
  readonly selector: Record<string, string>;
  readonly order: number;
}

/** Adds `value` to the list under `key`. */
function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function parseEnvoy(text: string): Manifest | undefined {
  if (!text.includes('static_resources')) return undefined;
  // JSON (FrontEnvoy writes envoy.json) parses far faster than YAML, which is its superset. The
  // YAML parser is loaded outside the try: a failure to load it is no unreadable config.
  const yamlParser = text.trimStart().startsWith('{') ? undefined : yaml();
  try {
    const parsed = (yamlParser ? yamlParser.parse(text) : JSON.parse(text)) as Manifest;
    return parsed && typeof parsed === 'object' && parsed.static_resources ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The containers of a pod template (init and ephemeral containers excluded). */
export function containers(w: ManifestWorkload): Manifest[] {
  return w.template.spec?.containers ?? [];
}

/** What a container is to its pod. */
export enum ContainerRole {
  /** In `containers`. */
  CONTAINER = 'container',
  /** In `initContainers`, run to completion before the containers start. */
  INIT = 'init container',
  /** In `initContainers` with `restartPolicy: Always`: a native sidecar, running beside the containers (Kubernetes 1.28+). */
  SIDECAR = 'sidecar container',
  /** In `ephemeralContainers`, added for debugging. */
  EPHEMERAL = 'ephemeral container',
}

/** A container of a pod spec, with its role. */
export interface PodContainer {
  readonly container: Manifest;
  readonly role: ContainerRole;
}

/**
 * Every container of a pod spec, in the order Pod Security Admission visits
 * them (policy/visitor.go `visitContainers`): init containers (native
 * sidecars among them), containers, ephemeral containers.
 */
export function podContainers(spec: Manifest | undefined): PodContainer[] {
  const found: PodContainer[] = [];
  const visit = (key: string, role: (c: Manifest) => ContainerRole) => {
    const list: unknown = spec?.[key];
    if (!Array.isArray(list)) return;
    for (const container of list) if (!!container && typeof container === 'object') found.push({ container, role: role(container) });
  };
  visit('initContainers', (c) => (c.restartPolicy === 'Always' ? ContainerRole.SIDECAR : ContainerRole.INIT));
  visit('containers', () => ContainerRole.CONTAINER);
  visit('ephemeralContainers', () => ContainerRole.EPHEMERAL);
  return found;
}

/** A container as a message names it: `container "app"`, `init container "migrate"`. */
export function describeContainer(c: PodContainer): string {
  return `${c.role} "${c.container.name}"`;
}

/** Duration "5s", "0.25s", "1m" in seconds; undefined if unreadable. */
export function seconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!m) return undefined;
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

/** Every HTTP connection manager of an Envoy bootstrap. */
export function connectionManagers(config: Manifest): Manifest[] {
  return (config.static_resources?.listeners ?? []).flatMap((l: Manifest) => (l.filter_chains ?? []).flatMap((fc: Manifest) => (fc.filters ?? [])
    .filter((f: Manifest) => f.name === 'envoy.filters.network.http_connection_manager')
    .map((f: Manifest) => f.typed_config)));
}

/** The health check filter of an HCM, if any. */
export function findHealthCheckFilter(hcm: Manifest): Manifest | undefined {
  return (hcm.http_filters ?? []).find((f: Manifest) => f.name === 'envoy.filters.http.health_check')?.typed_config;
}

/** The exact `:path` a health check filter answers. */
export function healthFilterPath(filter: Manifest): string | undefined {
  const header = (filter.headers ?? []).find((h: Manifest) => h.name === ':path');
  return header?.string_match?.exact ?? header?.exact_match;
}

/** The clusters routed to by an HCM. */
export function routedClusters(hcm: Manifest): string[] {
  const routes = (hcm.route_config?.virtual_hosts ?? []).flatMap((vh: Manifest) => vh.routes ?? []);
  return [...new Set<string>(routes.map((r: Manifest) => r.route?.cluster).filter((c: unknown): c is string => typeof c === 'string'))];
}

/** The first socket address host of a cluster. */
export function clusterHost(cluster: Manifest): string | undefined {
  return cluster.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address?.socket_address?.address;
}
