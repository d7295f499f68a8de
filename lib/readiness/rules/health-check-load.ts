import { Manifest, ManifestModel, ManifestWorkload, clusterHost, seconds } from '../model';
import { Level, Rule } from '../rule';

/** Kubernetes' default probe period. */
const DEFAULT_PROBE_PERIOD_SECONDS = 10;

/** Health-check requests per second one pod of a workload receives. */
export interface HealthCheckLoad {
  readonly workload: ManifestWorkload;
  /** From Envoy active health checks, per pod. */
  readonly fromProxies: number;
  /** From the kubelet's liveness and readiness probes, per pod. */
  readonly fromKubelet: number;
  /** The sum, per pod. */
  readonly perPod: number;
  /** Active checks per second all Envoys send to the workload. */
  readonly proxyChecksTotal: number;
  /** How the proxy share arises, one line per source. */
  readonly sources: readonly string[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The health-check load as a number. Each Envoy replica checks each host of a
 * cluster once per interval (plus half the jitter on average). Behind a
 * headless Service every pod is a host, so each pod receives
 * envoys ÷ interval checks; behind a ClusterIP there is one host (the VIP),
 * whose checks kube-proxy spreads over the pods (fewest pods: the worst case).
 * Envoy replicas are counted at their maximum.
 */
export function healthCheckLoads(model: ManifestModel): HealthCheckLoad[] {
  const proxyShare = new Map<ManifestWorkload, { perPod: number; total: number; sources: string[] }>();
  for (const envoy of model.envoys) {
    const envoys = envoy.workload?.replicas.max ?? 1;
    for (const cluster of (envoy.config.static_resources?.clusters ?? []) as Manifest[]) {
      const host = clusterHost(cluster);
      for (const check of (cluster.health_checks ?? []) as Manifest[]) {
        const interval = seconds(check.interval);
        if (!host || !interval) continue;
        const meanInterval = interval + (seconds(check.interval_jitter) ?? 0) / 2;
        const { service, workloads } = model.workloadsBehind(host);
        const headless = service?.manifest.spec?.clusterIP === 'None';
        for (const w of workloads) {
          const pods = Math.max(1, w.replicas.min);
          const perPod = headless ? envoys / meanInterval : envoys / meanInterval / pods;
          const total = headless ? envoys * w.replicas.max / meanInterval : envoys / meanInterval;
          const entry = proxyShare.get(w) ?? { perPod: 0, total: 0, sources: [] };
          entry.perPod += perPod;
          entry.total += total;
          entry.sources.push(headless
            ? `${round(perPod)} from ${envoys} Envoy replica(s) of ${envoy.workload?.name ?? envoy.configMap.manifest.metadata?.name} checking every pod of the headless Service every ${round(meanInterval)}s`
            : `${round(perPod)} from ${envoys} Envoy replica(s) of ${envoy.workload?.name ?? envoy.configMap.manifest.metadata?.name} checking the ClusterIP every ${round(meanInterval)}s, spread over ${pods} pod(s)`);
          proxyShare.set(w, entry);
        }
      }
    }
  }
  return model.workloads.map((w) => {
    const fromKubelet = w.longRunning.reduce((sum, { container: c }) => sum
      + ['livenessProbe', 'readinessProbe'].reduce((s, p) => s + (c[p] ? 1 / (c[p].periodSeconds ?? DEFAULT_PROBE_PERIOD_SECONDS) : 0), 0), 0);
    const proxies = proxyShare.get(w) ?? { perPod: 0, total: 0, sources: [] };
    return { workload: w, fromProxies: proxies.perPod, fromKubelet, perPod: proxies.perPod + fromKubelet, proxyChecksTotal: proxies.total, sources: proxies.sources };
  });
}

/** OBS-HCL1: the health-check load per pod stays within a budget. */
export const healthCheckLoad: Rule = {
  id: 'OBS-HCL1',
  level: Level.WARNING,
  title: 'health-check load budget',
  explanation: 'Health checks multiply. Behind a headless Service every Envoy checks every pod (envoys × pods checks per interval), on top of the kubelet probes.',
  fix: 'Raise the active check interval, keep interval jitter, run fewer Envoy replicas, or use a ClusterIP Service; cache time helps only a pass-through health filter.',
  check: (model, options) => healthCheckLoads(model)
    .filter((load) => load.perPod > options.healthCheckBudgetRps && load.fromProxies > 0)
    .map((load) => ({
      resource: load.workload.resource,
      message: `each pod receives ${round(load.perPod)} health-check req/s (${load.sources.join('; ')}; ${round(load.fromKubelet)} from kubelet probes), `
        + `above the budget of ${options.healthCheckBudgetRps} req/s; the Envoys send ${round(load.proxyChecksTotal)} checks/s to it in all. `
        + 'Levers: a longer active check interval (doubling it halves the Envoy share), interval jitter against bursts, fewer Envoy replicas, '
        + 'or a ClusterIP Service (one host per Envoy); a cache time helps only a pass-through health filter',
    })),
};
