import { ANNOTATION_PEAK_RPS } from '../../common/annotations';
import { LABEL_SLO_FOR } from '../../common/labels';
import { Manifest, ManifestModel, Resource } from '../model';
import { Level, Rule } from '../rule';

/** The objects of service level objectives: DatadogSLOs and PrometheusRules, with the service they are for (their slo-for label). */
function sloObjects(model: ManifestModel): Array<{ resource: Resource; service?: string; namespace: string }> {
  return model.resources
    .filter((r) => (r.manifest.kind === 'DatadogSLO' && String(r.manifest.apiVersion).startsWith('datadoghq.com/'))
      || (r.manifest.kind === 'PrometheusRule' && (r.manifest.spec?.groups ?? []).some((g: Manifest) => (g.rules ?? []).some((rule: Manifest) => rule.record === 'slo:objective:ratio'))))
    .map((resource) => ({ resource, service: resource.manifest.metadata?.labels?.[LABEL_SLO_FOR], namespace: resource.manifest.metadata?.namespace ?? 'default' }));
}

/** OBS-SLO1: a service whose traffic is planned has objectives. */
export const serviceHasObjectives: Rule = {
  id: 'OBS-SLO1',
  level: Level.WARNING,
  title: 'service level objectives declared',
  explanation: 'A service sized for a stated peak serves users who expect something of it; without an objective and an error budget, alerts are thresholds nobody chose, and nobody knows when reliability work comes first.',
  fix: 'Declare ServiceLevelObjectives for the service (an availability target, a latency objective, and Prometheus or Datadog), or suppress the rule with the reason it has none.',
  check: (model) => {
    const covered = new Set(sloObjects(model).filter((o) => o.service).map((o) => `${o.namespace}/${o.service}`));
    return model.workloads
      .filter((w) => w.services.length > 0 && (w.resource.manifest.metadata?.annotations ?? {})[ANNOTATION_PEAK_RPS] !== undefined && !covered.has(`${w.namespace}/${w.name}`))
      .map((w) => ({ resource: w.resource, message: 'its throughput is declared, but no service level objective names it' }));
  },
};

/** The targets of an SLO object, in percent: a DatadogSLO's, or every objective a PrometheusRule records. */
function targetsOf(manifest: Manifest): number[] {
  if (manifest.kind === 'DatadogSLO') return [Number(manifest.spec?.targetThreshold)];
  return (manifest.spec?.groups ?? []).flatMap((g: Manifest) => g.rules ?? []).filter((r: Manifest) => r.record === 'slo:objective:ratio')
    .map((r: Manifest) => /^vector\(([\d.]+)\)$/.exec(String(r.expr ?? ''))?.[1]).filter((ratio: string | undefined): ratio is string => ratio !== undefined)
    .map((ratio: string) => Number(ratio) * 100);
}

/** OBS-SLO2: an objective leaves an error budget. */
export const objectiveBelowHundred: Rule = {
  id: 'OBS-SLO2',
  level: Level.ERROR,
  title: 'objective below 100 %',
  explanation: 'An objective of 100 % leaves no error budget: a burn-rate alert fires on the first failed request (or, with no budget to divide by, never means anything), and every change is a violation.',
  fix: 'Choose what users need, below 100 %: 99.9 % leaves 43 minutes of failure a month, 99 % seven hours.',
  check: (model) => sloObjects(model).flatMap(({ resource }) => targetsOf(resource.manifest)
    .filter((target) => target >= 100).map((target) => ({ resource, message: `its objective is ${target} %: no error budget` }))),
};

/** OBS-SLO3: a Datadog SLO has burn-rate alerts. */
export const datadogSloAlerted: Rule = {
  id: 'OBS-SLO3',
  level: Level.WARNING,
  title: 'Datadog SLO with burn-rate alerts',
  explanation: 'A Datadog burn-rate monitor names its SLO by the id Datadog gives it when the Operator first creates it; until the id is written back, the SLO is tracked but nobody is told when its budget burns.',
  fix: "After the first apply, read the id (kubectl get datadogslo <name> -o jsonpath='{.status.id}') and give it in ServiceLevelObjectives' datadog.sloIds.",
  check: (model) => {
    const monitors = model.resources.filter((r) => r.manifest.kind === 'DatadogMonitor' && r.manifest.spec?.type === 'slo alert');
    return sloObjects(model).filter((o) => o.resource.manifest.kind === 'DatadogSLO').flatMap(({ resource, namespace }) => {
      const name = resource.manifest.metadata?.name;
      const alerted = monitors.some((m) => (m.manifest.metadata?.namespace ?? 'default') === namespace && String(m.manifest.metadata?.name).startsWith(`${name}-burn-`));
      return alerted ? [] : [{ resource, message: 'no burn-rate monitor watches it: its id is not given yet' }];
    });
  },
};
