/**
 * The manifests the readiness rules read, indexed: workloads with their pod
 * templates, the Services, autoscalers and disruption budgets that point at
 * them, and the Envoy bootstraps found in ConfigMaps. Built from plain
 * manifests, so the rules check YAML from any source, not only this library's.
 */
import { parse } from 'yaml';
import { SUPPRESS_ANNOTATION_PREFIX } from '../common/annotations';

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
  /** Suppressed rule ids and their reasons. */
  readonly suppressions: ReadonlyMap<string, string>;
}

/** `Kind/namespace/name`. */
export function resourceId(r: Resource): string {
  const m = r.manifest;
  return `${m.kind}/${m.metadata?.namespace ?? 'default'}/${m.metadata?.name ?? '?'}`;
}

/** Suppressions written as annotations on a manifest. */
export function annotationSuppressions(manifest: Manifest): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(manifest.metadata?.annotations ?? {})) {
    if (key.startsWith(SUPPRESS_ANNOTATION_PREFIX)) found.set(key.slice(SUPPRESS_ANNOTATION_PREFIX.length), String(value));
  }
  return found;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** A workload and the objects around it. */
export interface ManifestWorkload {
  readonly resource: Resource;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly template: Record<string, any>;
  readonly podLabels: Record<string, string>;
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
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The indexed manifests. */
export class ManifestModel {
  public readonly workloads: ManifestWorkload[];
  public readonly envoys: EnvoyBootstrap[];

  /** Services by `<name>.<namespace>`. */
  private readonly servicesByHost = new Map<string, Resource>();
  /** The workloads each Service selects. */
  private readonly workloadsByService = new Map<Resource, ManifestWorkload[]>();

  constructor(public readonly resources: readonly Resource[]) {
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
      .filter((r) => WORKLOAD_KINDS.has(r.manifest.kind) || r.manifest.kind === 'Pod')
      .map((r) => {
        const m = r.manifest;
        const template = m.kind === 'Pod' ? { metadata: m.metadata, spec: m.spec } : m.spec?.template ?? {};
        const podLabels: Record<string, string> = template.metadata?.labels ?? {};
        const namespace = ns(r);
        const autoscaler = autoscalers.get(`${namespace}/${m.kind}/${m.metadata?.name}`);
        const fixed = m.kind === 'Pod' ? 1 : m.spec?.replicas ?? 1;
        const replicas = autoscaler
          ? { min: autoscaler.manifest.spec?.minReplicas ?? 1, max: autoscaler.manifest.spec?.maxReplicas ?? 1 }
          : { min: fixed, max: fixed };
        const workload: ManifestWorkload = {
          resource: r, namespace, name: m.metadata?.name ?? '?', kind: m.kind, template, podLabels,
          services: services.matching(namespace, podLabels), autoscaler, disruptionBudgets: budgets.matching(namespace, podLabels), replicas,
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
  private readonly index = new Map<string, Array<{ resource: Resource; selector: Record<string, string>; order: number }>>();

  constructor(resources: readonly Resource[], selectorOf: (r: Resource) => Record<string, string> | undefined, namespaceOf: (r: Resource) => string) {
    resources.forEach((resource, order) => {
      const selector = selectorOf(resource);
      const first = selector ? Object.entries(selector).sort(([a], [b]) => a.localeCompare(b))[0] : undefined;
      if (!selector || !first) return; // an empty selector selects nothing here
      append(this.index, `${namespaceOf(resource)}\u0000${first[0]}=${first[1]}`, { resource, selector, order });
    });
  }

  /** The objects in `namespace` whose selector matches `labels`, in manifest order. */
  public matching(namespace: string, labels: Record<string, string>): Resource[] {
    const found = new Map<Resource, number>();
    for (const [k, v] of Object.entries(labels)) {
      for (const candidate of this.index.get(`${namespace}\u0000${k}=${v}`) ?? []) {
        if (matches(candidate.selector, labels)) found.set(candidate.resource, candidate.order);
      }
    }
    return [...found.entries()].sort((a, b) => a[1] - b[1]).map(([r]) => r);
  }
}

/** Adds `value` to the list under `key`. */
function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function parseEnvoy(text: string): Manifest | undefined {
  if (!text.includes('static_resources')) return undefined;
  try {
    // JSON (FrontEnvoy writes envoy.json) parses far faster than YAML, which is its superset.
    const parsed = (text.trimStart().startsWith('{') ? JSON.parse(text) : parse(text)) as Manifest;
    return parsed && typeof parsed === 'object' && parsed.static_resources ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The containers of a pod template (init containers excluded). */
export function containers(w: ManifestWorkload): Manifest[] {
  return w.template.spec?.containers ?? [];
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
