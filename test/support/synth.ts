import { App, Chart, Testing } from 'cdk8s';

/** A manifest as synthesized: plain JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

/** A fresh chart in a fresh app, as tests build on. */
export function testChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** The manifests of a chart. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The one manifest of `kind` (fails the test when there is not exactly one). */
export function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** The first container of a Deployment manifest. */
export function appContainer(deployment: Manifest): Manifest {
  return deployment.spec.template.spec.containers[0];
}

/** Every chart of an app. */
export function charts(app: App): Chart[] {
  return app.node.children.filter((c): c is Chart => c instanceof Chart);
}
