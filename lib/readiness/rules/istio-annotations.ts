import { Level, Rule } from '../rule';
import { injected } from './sidecar-resources';

const CPU = /^(\d+(\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A CPU quantity in millicores, or undefined if malformed. */
export function parseCpu(value: string): number | undefined {
  const m = CPU.exec(value);
  return m ? Number(m[1]) * (m[3] === 'm' ? 1 : 1000) : undefined;
}

/** A memory quantity in bytes, or undefined if malformed. */
export function parseMemory(value: string): number | undefined {
  const m = MEMORY.exec(value);
  return m ? Number(m[1]) * MEMORY_FACTOR[m[3] ?? ''] : undefined;
}

/** OBS-MSH1: the sidecar annotations are valid quantities and no request is above its limit. */
export const istioAnnotationsValid: Rule = {
  id: 'OBS-MSH1',
  level: Level.ERROR,
  title: 'sidecar annotations valid',
  explanation: 'A malformed quantity, or a request above its limit, makes the injector or the API server reject the pod, at deploy time rather than review time.',
  fix: 'Write quantities such as 200m and 128Mi, with each request at or below its limit (SidecarSizing does).',
  check: (model) => model.workloads.filter((w) => injected(w.template)).flatMap((w) => {
    const a: Record<string, string> = w.template.metadata?.annotations ?? {};
    const problems: string[] = [];
    const pair = (req: string, lim: string, parse: (v: string) => number | undefined) => {
      const [r, l] = [a[req], a[lim]].map((v) => (v === undefined ? undefined : parse(v)));
      for (const [key, raw, parsed] of [[req, a[req], r], [lim, a[lim], l]] as const) {
        if (raw !== undefined && parsed === undefined) problems.push(`${key} "${raw}" is not a valid quantity`);
      }
      if (r !== undefined && l !== undefined && r > l) problems.push(`${req} ${a[req]} is above ${lim} ${a[lim]}`);
    };
    pair('sidecar.istio.io/proxyCPU', 'sidecar.istio.io/proxyCPULimit', parseCpu);
    pair('sidecar.istio.io/proxyMemory', 'sidecar.istio.io/proxyMemoryLimit', parseMemory);
    return problems.map((message) => ({ resource: w.resource, message }));
  }),
};
