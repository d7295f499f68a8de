/**
 * Work done once per synthesis, and steps that run after the manifests.
 *
 * cdk8s validates the whole app once before writing and again for every
 * chart it writes (`App.synth` → `Chart.toJson` → `App._synthChart` →
 * `validate(app)`, cdk8s/lib/app.js), so a check that reads the whole app
 * would otherwise run charts + 1 times per synthesis. A synthesis session
 * lasts for one synchronous synthesis call (`app.synth()`, `app.synthYaml()`,
 * `chart.toJson()`, `Testing.synth()`): it ends when the JavaScript task that
 * started it yields, at the next microtask, and then runs the steps
 * registered with {@link afterSynthesis}, once, after the manifests are written.
 *
 * Nothing here mutates a construct: results are kept beside the tree.
 * @internal
 */
import { IConstruct } from 'constructs';

interface Session {
  readonly results: Map<string, unknown>;
  readonly after: Map<string, () => void>;
}

const sessions = new WeakMap<IConstruct, Session>();

function sessionOf(scope: IConstruct): Session {
  const app = scope.node.root;
  let session = sessions.get(app);
  if (!session) {
    const created: Session = { results: new Map(), after: new Map() };
    sessions.set(app, created);
    session = created;
    queueMicrotask(() => {
      sessions.delete(app);
      for (const step of created.after.values()) step();
    });
  }
  return session;
}

/**
 * `compute()` once per synthesis session of the app holding `scope`, for a
 * given `key`; later calls in the same session return the first result. The
 * key must change with anything the result depends on that can change
 * between two synthesis calls of one task (the construct tree's size, say).
 */
export function oncePerSynthesis<T>(scope: IConstruct, key: string, compute: () => T): T {
  const session = sessionOf(scope);
  if (session.results.has(key)) return session.results.get(key) as T;
  const result = compute();
  session.results.set(key, result);
  return result;
}

/** Runs `step` once when the current synthesis session ends, after the manifests are written. */
export function afterSynthesis(scope: IConstruct, key: string, step: () => void): void {
  const session = sessionOf(scope);
  if (!session.after.has(key)) session.after.set(key, step);
}
