import { LABEL_COMPONENT, LABEL_MANAGED_BY, LabelSelectorJson, MANAGED_BY, labelSelectorMatches } from '../../common/labels';
import { NETWORK_POLICY_COMPONENT } from '../../network/defaults';
import { Manifest, ManifestModel, Resource } from '../model';
import { Level, Rule } from '../rule';

/** Pods that some object runs: its namespace and the labels of its pod template. */
interface Pods {
  readonly resource: Resource;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The pods of every workload in the manifests, Jobs and CronJobs included. */
function podsOf(model: ManifestModel): Pods[] {
  const jobs = model.resources.filter((r) => r.manifest.kind === 'Job' || r.manifest.kind === 'CronJob').map((resource) => {
    const m = resource.manifest;
    const template: Manifest = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template ?? {} : m.spec?.template ?? {};
    return { resource, namespace: m.metadata?.namespace ?? 'default', labels: template.metadata?.labels ?? {} };
  });
  return [...model.workloads.map((w) => ({ resource: w.resource, namespace: w.namespace, labels: w.podLabels })), ...jobs];
}

/** The NetworkPolicies, and whether NetworkIsolation wrote them (its managed-by and component labels). */
function networkPolicies(model: ManifestModel): Array<{ resource: Resource; managed: boolean }> {
  return model.resources.filter((r) => r.manifest.apiVersion === 'networking.k8s.io/v1' && r.manifest.kind === 'NetworkPolicy').map((resource) => {
    const labels = resource.manifest.metadata?.labels ?? {};
    return { resource, managed: labels[LABEL_MANAGED_BY] === MANAGED_BY && labels[LABEL_COMPONENT] === NETWORK_POLICY_COMPONENT };
  });
}

function selects(policy: Manifest, pods: Pods): boolean {
  return (policy.metadata?.namespace ?? 'default') === pods.namespace && labelSelectorMatches((policy.spec?.podSelector ?? {}) as LabelSelectorJson, pods.labels);
}

/** OBS-NET1: once NetworkIsolation isolates some namespaces, every workload has a policy allowing what it needs. */
export const networkPolicySelectsWorkload: Rule = {
  id: 'OBS-NET1',
  level: Level.WARNING,
  title: 'workload covered by a network policy',
  explanation: 'A pod that no policy selects accepts and opens any connection while its neighbours are isolated; a pod selected only by a default deny can reach nothing, not even DNS.',
  fix: 'Bring the workload under a NetworkIsolation (its scope, or include), or write the policy it needs.',
  check: (model) => {
    const policies = networkPolicies(model);
    if (!policies.some((p) => p.managed)) return [];
    return podsOf(model).flatMap((pods) => {
      const selecting = policies.filter((p) => selects(p.resource.manifest, pods));
      if (selecting.length === 0) return [{ resource: pods.resource, message: 'no NetworkPolicy selects its pods: they accept and open any connection' }];
      const allows = selecting.some((p) => (p.resource.manifest.spec?.ingress ?? []).length + (p.resource.manifest.spec?.egress ?? []).length > 0);
      return allows ? [] : [{ resource: pods.resource, message: 'only policies without rules (a default deny) select its pods: every connection to and from them is denied' }];
    });
  },
};

/** OBS-NET2: every policy NetworkIsolation wrote for a workload still selects one. */
export const networkPolicyMatchesWorkload: Rule = {
  id: 'OBS-NET2',
  level: Level.ERROR,
  title: 'network policy selects a workload',
  explanation: 'A policy written for a workload that is gone or renamed protects nothing, and the workload that replaced it is left with the default deny.',
  fix: 'Synthesize the policies with the workloads they were derived from (in the same app), or remove the stale policy.',
  check: (model) => {
    const pods = podsOf(model);
    return networkPolicies(model)
      .filter((p) => p.managed && Object.keys(p.resource.manifest.spec?.podSelector ?? {}).length > 0)
      .filter((p) => !pods.some((w) => selects(p.resource.manifest, w)))
      .map((p) => ({ resource: p.resource, message: `its pod selector ${JSON.stringify(p.resource.manifest.spec.podSelector)} matches no workload in the manifests` }));
  },
};
