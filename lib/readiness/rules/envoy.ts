import { ANNOTATION_HEALTH_HEALTHZ, ANNOTATION_HEALTH_LIVE, ANNOTATION_HEALTH_READY } from '../../common/annotations';
import { EnvoyBootstrap, Manifest, ManifestModel, ManifestWorkload, Resource, clusterHost, connectionManagers, containers, findHealthCheckFilter, healthFilterPath, routedClusters } from '../model';
import { Level, Rule } from '../rule';

/** The health endpoints of a workload: the published contract, else its probe paths. */
export function healthPaths(w: ManifestWorkload): string[] {
  const annotations: Record<string, string> = w.template.metadata?.annotations ?? {};
  const published = [ANNOTATION_HEALTH_LIVE, ANNOTATION_HEALTH_READY, ANNOTATION_HEALTH_HEALTHZ].map((k) => annotations[k]).filter((p): p is string => !!p && p.startsWith('/'));
  const probed = containers(w).flatMap((c) => [c.livenessProbe, c.readinessProbe, c.startupProbe].map((p: Manifest | undefined) => p?.httpGet?.path)).filter((p): p is string => !!p);
  return [...new Set([...published, ...probed])];
}

/** Each HCM carrying a health check filter, with the bootstrap it is in. */
function frontProxies(model: ManifestModel): Array<{ envoy: EnvoyBootstrap; hcm: Manifest; filter: Manifest }> {
  return model.envoys.flatMap((envoy) => connectionManagers(envoy.config).flatMap((hcm) => {
    const filter = findHealthCheckFilter(hcm);
    return filter ? [{ envoy, hcm, filter }] : [];
  }));
}

type Upstream = { name: string; cluster?: Manifest; host?: string; prefixes: string[]; workloads: ManifestWorkload[]; service?: Resource };
/** Per HCM, computed once for the rules that read it. */
const upstreamsOf = new WeakMap<Manifest, Upstream[]>();

/** The workloads behind each cluster an HCM routes to, and the route prefixes leading there (linear in clusters and routes). */
function upstreams(model: ManifestModel, envoy: EnvoyBootstrap, hcm: Manifest): Upstream[] {
  const known = upstreamsOf.get(hcm);
  if (known) return known;
  const clusters = new Map<string, Manifest>();
  for (const c of (envoy.config.static_resources?.clusters ?? []) as Manifest[]) if (!clusters.has(c.name)) clusters.set(c.name, c);
  const prefixes = new Map<string, string[]>();
  for (const r of (hcm.route_config?.virtual_hosts ?? []).flatMap((vh: Manifest) => vh.routes ?? []) as Manifest[]) {
    if (typeof r.route?.cluster !== 'string' || typeof r.match?.prefix !== 'string') continue;
    const list = prefixes.get(r.route.cluster) ?? [];
    list.push(r.match.prefix);
    prefixes.set(r.route.cluster, list);
  }
  const result = routedClusters(hcm).map((name): Upstream => {
    const cluster = clusters.get(name);
    const host = cluster ? clusterHost(cluster) : undefined;
    return { name, cluster, host, prefixes: prefixes.get(name) ?? [], ...(host ? model.workloadsBehind(host) : { workloads: [] as ManifestWorkload[] }) };
  });
  upstreamsOf.set(hcm, result);
  return result;
}

/** OBS-ENV1: Envoy's health path is neither an application's health path nor a path routed to one (the health check filter answers before routing). */
export const envoyHealthPathDistinct: Rule = {
  id: 'OBS-ENV1',
  level: Level.ERROR,
  title: 'Envoy health path distinct',
  explanation: 'The health check filter answers before routing: on an application\'s path, external monitoring stops at Envoy and never sees the application fail.',
  fix: "Give Envoy a path of its own (FrontEnvoy's default /_envoy/health).",
  check: (model) => frontProxies(model).flatMap(({ envoy, hcm, filter }) => {
    const path = healthFilterPath(filter);
    if (!path) return [];
    const clashes = upstreams(model, envoy, hcm).flatMap((u) => {
      // The paths a request reaches the application on: its own, and under each prefix routed to it.
      const bases = ['', ...u.prefixes.map((prefix) => prefix.replace(/\/+$/, ''))];
      return u.workloads.flatMap((w) => healthPaths(w).filter((p) => path.endsWith(p) && bases.some((base) => base + p === path)).map((p) => `${w.name}'s ${p}`));
    });
    return clashes.length > 0 ? [{ resource: envoy.configMap, message: `the health check filter answers ${path}, which is ${[...new Set(clashes)].join(', ')}` }] : [];
  }),
};

/** OBS-ENV2: every upstream cluster is in cluster_min_healthy_percentages. */
export const envoyMinHealthyComplete: Rule = {
  id: 'OBS-ENV2',
  level: Level.ERROR,
  title: 'every upstream in the health filter',
  explanation: 'A cluster missing from cluster_min_healthy_percentages can lose every host while Envoy keeps telling the load balancer it is healthy; a name that is not a cluster makes it never healthy.',
  fix: 'List every routed cluster with its minimum healthy percentage (FrontEnvoy does).',
  check: (model) => frontProxies(model).flatMap(({ envoy, hcm, filter }) => {
    const listed = Object.keys(filter.cluster_min_healthy_percentages ?? {});
    const defined = new Set((envoy.config.static_resources?.clusters ?? []).map((c: Manifest) => c.name));
    const listedSet = new Set(listed);
    const missing = routedClusters(hcm).filter((c) => !listedSet.has(c));
    const dangling = listed.filter((c) => !defined.has(c));
    const problems = [
      ...(missing.length > 0 ? [`routed clusters not in cluster_min_healthy_percentages: ${missing.join(', ')}`] : []),
      ...(dangling.length > 0 ? [`cluster_min_healthy_percentages names undefined clusters: ${dangling.join(', ')}`] : []),
    ];
    return problems.map((message) => ({ resource: envoy.configMap, message }));
  }),
};

/** OBS-ENV3: tracing is on and its sampling stated. */
export const envoySamplingStated: Rule = {
  id: 'OBS-ENV3',
  level: Level.WARNING,
  title: 'proxy tracing sampling stated',
  explanation: 'Without the front proxy\'s spans nobody can tell whether the load balancer or Envoy made a request slow; Envoy samples 100% unless told, which should be a decision.',
  fix: 'Give FrontEnvoy a tracing value with its samplingPercentage.',
  check: (model) => frontProxies(model).flatMap(({ envoy, hcm }) => {
    if (!hcm.tracing?.provider) return [{ resource: envoy.configMap, message: 'the front proxy does not trace' }];
    return hcm.tracing.random_sampling?.value === undefined ? [{ resource: envoy.configMap, message: 'tracing with no random_sampling stated (Envoy defaults to 100%)' }] : [];
  }),
};

/** The trace context a workload's tracer reads, from its environment; undefined when not traced. */
export function workloadPropagation(w: ManifestWorkload): string[] | undefined {
  const env: Manifest[] = containers(w).flatMap((c) => c.env ?? []);
  const value = (name: string) => env.find((e) => e.name === name)?.value as string | undefined;
  const split = (v: string) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const dd = value('DD_TRACE_PROPAGATION_STYLE_EXTRACT') ?? value('DD_TRACE_PROPAGATION_STYLE');
  if (dd) return split(dd);
  if (env.some((e) => String(e.name).startsWith('DD_')) || w.template.metadata?.labels?.['admission.datadoghq.com/enabled'] === 'true') {
    return ['datadog', 'tracecontext']; // Datadog tracers' default extraction styles
  }
  const otel = value('OTEL_PROPAGATORS');
  if (otel) return split(otel);
  if (env.some((e) => String(e.name).startsWith('OTEL_'))) return ['tracecontext', 'baggage']; // the SDKs' default
  return undefined;
}

const PROXY_WRITES: Record<string, string> = {
  'envoy.tracers.datadog': 'datadog',
  'envoy.tracers.opentelemetry': 'tracecontext',
  'envoy.tracers.zipkin': 'b3',
};

/** OBS-TRC1: the services behind a front proxy read the trace context it writes. */
export const tracePropagation: Rule = {
  id: 'OBS-TRC1',
  level: Level.ERROR,
  title: 'trace propagation consistent',
  explanation: 'If the proxy writes Datadog headers and a service reads only W3C tracecontext (or the other way round), every trace breaks at the proxy.',
  fix: 'Give the proxy and the services the same Tracing value, or trace the proxy with OpenTelemetry (Datadog services also read tracecontext).',
  check: (model) => frontProxies(model).flatMap(({ envoy, hcm }) => {
    const writes = PROXY_WRITES[hcm.tracing?.provider?.name ?? ''];
    if (!writes) return [];
    return upstreams(model, envoy, hcm).flatMap((u) => u.workloads.flatMap((w) => {
      const reads = workloadPropagation(w);
      return reads && !reads.includes(writes)
        ? [{ resource: w.resource, message: `reads ${reads.join(',')} trace context but the front proxy ${envoy.configMap.manifest.metadata?.name} writes ${writes}` }]
        : [];
    }));
  }),
};

/** The library's default minimum healthy share (FrontEnvoy's DEFAULT_MIN_HEALTHY_PERCENT). */
const DEFAULT_MIN_HEALTHY_PERCENT = 25;

/**
 * OBS-ENV4: a minimum healthy share on a ClusterIP upstream means nothing but
 * "the virtual IP answers": Envoy resolves a ClusterIP Service's name to one
 * host, so the share of healthy hosts is 0 or 100.
 */
export const envoyMinHealthyOnClusterIp: Rule = {
  id: 'OBS-ENV4',
  level: Level.WARNING,
  title: 'minimum healthy share on a single-host upstream',
  explanation: 'Behind a ClusterIP Service Envoy sees one host, the virtual IP, whose health check kube-proxy sends to any one pod: a percentage other than the default does not count healthy pods.',
  fix: 'Leave minHealthyPercent at the default for a ClusterIP upstream, or use a headless Service (gRPC services have one) so Envoy sees every pod.',
  check: (model) => frontProxies(model).flatMap(({ envoy, hcm, filter }) => upstreams(model, envoy, hcm).flatMap((u) => {
    const percent = (filter.cluster_min_healthy_percentages ?? {})[u.name]?.value;
    const headless = u.service?.manifest.spec?.clusterIP === 'None';
    return u.service && !headless && typeof percent === 'number' && percent !== DEFAULT_MIN_HEALTHY_PERCENT
      ? [{ resource: envoy.configMap, message: `cluster ${u.name} asks ${percent}% healthy hosts, but its ClusterIP Service gives Envoy one host` }]
      : [];
  })),
};
