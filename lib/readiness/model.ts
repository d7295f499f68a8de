/**
 * The manifests the readiness rules read, indexed: workloads with their pod
 * templates, the Services, autoscalers and disruption budgets that point at
 * them, and the Envoy bootstraps found in ConfigMaps. Built from plain
 * manifests, so the rules check YAML from any source, not only this library's.
 */
import { parse } from 'yaml';

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

/** Annotation prefix by which a manifest suppresses a rule: `observable.cdk8s.io/suppress.<RULE-ID>: <reason>`. */
export const SUPPRESS_ANNOTATION_PREFIX = 'observable.cdk8s.io/suppress.';

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

  constructor(public readonly resources: readonly Resource[]) {
    const ns = (r: Resource) => r.manifest.metadata?.namespace ?? 'default';
    const ofKind = (kind: string) => resources.filter((r) => r.manifest.kind === kind);
    this.workloads = resources
      .filter((r) => WORKLOAD_KINDS.has(r.manifest.kind) || r.manifest.kind === 'Pod')
      .map((r) => {
        const m = r.manifest;
        const template = m.kind === 'Pod' ? { metadata: m.metadata, spec: m.spec } : m.spec?.template ?? {};
        const podLabels: Record<string, string> = template.metadata?.labels ?? {};
        const namespace = ns(r);
        const services = ofKind('Service').filter((s) => ns(s) === namespace && matches(s.manifest.spec?.selector, podLabels));
        const autoscaler = ofKind('HorizontalPodAutoscaler').find((h) => ns(h) === namespace
          && h.manifest.spec?.scaleTargetRef?.kind === m.kind && h.manifest.spec?.scaleTargetRef?.name === m.metadata?.name);
        const disruptionBudgets = ofKind('PodDisruptionBudget').filter((p) => ns(p) === namespace && matches(p.manifest.spec?.selector?.matchLabels, podLabels));
        const fixed = m.kind === 'Pod' ? 1 : m.spec?.replicas ?? 1;
        const replicas = autoscaler
          ? { min: autoscaler.manifest.spec?.minReplicas ?? 1, max: autoscaler.manifest.spec?.maxReplicas ?? 1 }
          : { min: fixed, max: fixed };
        return { resource: r, namespace, name: m.metadata?.name ?? '?', kind: m.kind, template, podLabels, services, autoscaler, disruptionBudgets, replicas };
      });
    this.envoys = [];
    for (const configMap of ofKind('ConfigMap')) {
      for (const [key, text] of Object.entries(configMap.manifest.data ?? {})) {
        const config = parseEnvoy(String(text));
        if (!config) continue;
        const workload = this.workloads.find((w) => w.namespace === ns(configMap)
          && (w.template.spec?.volumes ?? []).some((v: Manifest) => v.configMap?.name === configMap.manifest.metadata?.name));
        this.envoys.push({ configMap, key, config, workload });
      }
    }
  }

  /** The workloads behind a Service's in-cluster DNS name (`<name>.<namespace>.svc...`). */
  public workloadsBehind(host: string): { service?: Resource; workloads: ManifestWorkload[] } {
    const match = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(host);
    if (!match) return { workloads: [] };
    const [, name, namespace] = match;
    const service = this.resources.find((r) => r.manifest.kind === 'Service' && r.manifest.metadata?.name === name && (r.manifest.metadata?.namespace ?? 'default') === namespace);
    if (!service) return { workloads: [] };
    return { service, workloads: this.workloads.filter((w) => w.services.includes(service)) };
  }
}

function parseEnvoy(text: string): Manifest | undefined {
  if (!text.includes('static_resources')) return undefined;
  try {
    const parsed = parse(text) as Manifest;
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
