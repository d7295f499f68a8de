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
 * Results are kept beside the tree; the one change to a construct is the
 * memo `jsonOncePerSynthesis` gives an API object's `toJson`.
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

/**
 * The JSON of an API object, computed once per synthesis session: the object
 * answers later `toJson()` calls of the same session (cdk8s's own, when it
 * writes the chart) from it, instead of resolving and patching the object
 * again; outside the session it computes afresh. Only for readers that run
 * while cdk8s synthesizes (the readiness rules' validation), when no user
 * code can change the object before cdk8s writes it.
 */
export function jsonOncePerSynthesis(object: IConstruct & { toJson(): unknown }): unknown {
  const session = sessionOf(object);
  const known = jsonCache.get(object);
  if (known && known.session === session) return known.json;
  if (!known) {
    const own = object.toJson;
    // One override per object, for its lifetime: a hit only within the session that computed it.
    Object.defineProperty(object, 'toJson', {
      configurable: true,
      writable: true,
      value: function cachedToJson(this: typeof object) {
        const hit = jsonCache.get(this);
        return hit && hit.session === sessions.get(this.node.root) ? hit.json : own.call(this);
      },
    });
  }
  const json = object.toJson.call(object) as unknown;
  jsonCache.set(object, { session, json });
  return json;
}

const jsonCache = new WeakMap<IConstruct, { session: Session; json: unknown }>();
