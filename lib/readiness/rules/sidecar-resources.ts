import { Level, Rule } from '../rule';

const ANNOTATIONS = ['sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyCPULimit', 'sidecar.istio.io/proxyMemory', 'sidecar.istio.io/proxyMemoryLimit'];

/** Whether pods of this template get an Istio sidecar by their own label or annotation. */
export function injected(template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }): boolean {
  return template.metadata?.labels?.['sidecar.istio.io/inject'] === 'true' || template.metadata?.annotations?.['sidecar.istio.io/inject'] === 'true';
}

/** OBS-RES2: an injected sidecar states its requests and limits through the pod annotations. */
export const sidecarResources: Rule = {
  id: 'OBS-RES2',
  level: Level.ERROR,
  title: 'sidecar resources',
  explanation: 'The istio-proxy container is added at admission; unless the pod says otherwise it gets the mesh-wide default, sized for nobody in particular.',
  fix: 'Give mesh: {} to the ObservableService (sized from its throughput), or set the four sidecar.istio.io/proxy* annotations.',
  check: (model) => model.workloads.filter((w) => injected(w.template)).flatMap((w) => {
    const missing = ANNOTATIONS.filter((a) => w.template.metadata?.annotations?.[a] === undefined);
    return missing.length > 0 ? [{ resource: w.resource, message: `the injected sidecar has no ${missing.join(', ')}` }] : [];
  }),
};
