/**
 * Work done once per synthesis, and steps that run after the manifests.
 *
 * cdk8s validates the whole app once before writing and again for every
 * chart it writes (`App.synth` → `Chart.toJson` → `App._synthChart` →
 * `validate(app)`, cdk8s/lib/app.js), so a check that reads the whole app
 * would otherwise run charts + 1 times per synthesis. A synthesis session
 * begins at the first of those validations that asks for it and ends with
 * the synthesis call; then the steps registered with {@link afterSynthesis}
 * run, once, after the manifests are written (not when the call failed).
 *
 * To see where synthesis calls begin and end, the library's constructs
 * (through {@link watchSynthesisCalls}, when they are built) wrap their
 * app's `synth` and `synthYaml` and their chart's `toJson` (the call
 * `Testing.synth` makes) on those instances, with a count of the calls under
 * way (app.synth calls each chart's toJson). A call not wrapped (a chart
 * without the library's constructs, synthesized alone) validates the app
 * once: a validation on the app, which cdk8s runs first in every pass, ends
 * the earlier session there; and outside a wrapped call nothing is served
 * from a session to a reader (an object's JSON, a rendered config), so what
 * such a call computed answers no one after it. A session otherwise ends at
 * the latest when the task that began it yields (the next microtask). So an
 * object edited or added between two synthesis calls of one task is read
 * afresh by the second, and read afresh by a direct call in between.
 *
 * Within a session the construct tree is taken as fixed, as cdk8s itself
 * takes it within one synthesis request (`SynthRequestCache` in
 * cdk8s/lib/app.js keeps each node's `findAll()`).
 *
 * Results are kept beside the tree; the changes to constructs are the memo
 * `jsonOncePerSynthesis` gives an API object's `toJson`, the wrapped
 * synthesis calls, and the last construct's `node.validate`, which runs the
 * library's last runs after its own validations ({@link validateLast}).
 * @internal
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

interface Session {
  readonly results: Map<string, unknown>;
  readonly after: Map<string, () => void>;
  /** The validations of the constructs (the app's own) are done: only the library's last runs remain before cdk8s writes. */
  settled: boolean;
}

const sessions = new WeakMap<IConstruct, Session>();
/** Synthesis calls under way, by app: a call inside another (app.synth → chart.toJson) is part of it. */
const depths = new WeakMap<IConstruct, number>();

function sessionOf(scope: IConstruct): Session {
  const app = scope.node.root;
  let session = sessions.get(app);
  if (!session) {
    const created: Session = { results: new Map(), after: new Map(), settled: false };
    sessions.set(app, created);
    session = created;
    queueMicrotask(() => {
      if (sessions.get(app) === created) endSession(app);
    });
  }
  return session;
}

/** Ends the app's session, if any: its results are dropped and, unless the synthesis failed, its after-steps run. */
function endSession(app: IConstruct, completed = true): void {
  const session = sessions.get(app);
  if (!session) return;
  sessions.delete(app);
  if (completed) for (const step of session.after.values()) step();
}

/** Whether a synthesis call the library sees (a wrapped one) is under way for the app. */
function inSynthesisCall(app: IConstruct): boolean {
  return (depths.get(app) ?? 0) > 0;
}

/** Charts and apps whose synthesis calls are wrapped. */
const wrapped = new WeakSet<IConstruct>();

/**
 * Wraps, once each, the synthesis calls of the app and the chart holding
 * `scope`: the outermost call ends the app's session before it begins and
 * after it returns. Called when a construct that keeps work in a session is
 * built, so that every synthesis call of its app after that is seen whole.
 */
export function watchSynthesisCalls(scope: IConstruct): void {
  const app = scope.node.root;
  if (!wrapped.has(app)) {
    wrapped.add(app);
    wrapSynthesisCall(app, app, 'synth');
    wrapSynthesisCall(app, app, 'synthYaml');
    // cdk8s validates the app from its root (cdk8s/lib/app.js `validate`, constructs' findAll in
    // pre-order), so this runs first in every validation pass. A pass outside the calls seen here
    // (a chart without the library's constructs, synthesized by its toJson) is a synthesis call of
    // its own: what an earlier one computed is dropped.
    app.node.addValidation({
      validate: () => {
        if (!inSynthesisCall(app)) endSession(app);
        return [];
      },
    });
  }
  // node.scopes is a copy (constructs lib/construct.js), root first: the nearest chart is the last one.
  const chart = scope.node.scopes.reverse().find((c) => Chart.isChart(c));
  if (chart && !wrapped.has(chart)) {
    wrapped.add(chart);
    wrapSynthesisCall(app, chart, 'toJson');
  }
}

function wrapSynthesisCall(app: IConstruct, target: IConstruct, method: 'synth' | 'synthYaml' | 'toJson'): void {
  const own = (target as unknown as Record<string, unknown>)[method];
  if (typeof own !== 'function') return;
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    value: function synthesisCall(this: unknown, ...args: unknown[]): unknown {
      const depth = depths.get(app) ?? 0;
      // A new synthesis: what an earlier one computed may be stale.
      if (depth === 0) endSession(app);
      depths.set(app, depth + 1);
      let completed = false;
      try {
        const result = own.apply(this, args);
        completed = true;
        return result;
      } finally {
        depths.set(app, depth);
        // After-steps (a file beside the manifests) only when the manifests were written.
        if (depth === 0) endSession(app, completed);
      }
    },
  });
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
        const app = this.node.root;
        return hit && hit.session === sessions.get(app) && inSynthesisCall(app) ? hit.json : own.call(this);
      },
    });
  }
  const json = object.toJson.call(object) as unknown;
  jsonCache.set(object, { session, json });
  return json;
}

const jsonCache = new WeakMap<IConstruct, { session: Session; json: unknown }>();

/**
 * Every construct under `scope` (itself first, in tree order), listed once
 * per synthesis session: the rules, the collision check and the hooks that
 * run last all read the list.
 */
export function constructsUnder(scope: IConstruct): readonly IConstruct[] {
  return oncePerSynthesis(scope, `constructs:${scope.node.path}`, () => scope.node.findAll());
}

/** The runs each last construct makes, for the validation hooked on it. */
const lastRuns = new WeakMap<IConstruct, Set<() => string[]>>();

/**
 * Runs `run` at the validation of the app's last construct (in tree order),
 * after the validations of every other construct, so that it reads what
 * they may still change; returns its problems there. Called from the
 * validation of `scope` (which comes earlier), it hooks the last construct
 * once; the hook does nothing once another construct is last. From the
 * first of these runs on, the session is settled ({@link oncePerSettledSynthesis}).
 */
function validateLast(scope: IConstruct, run: () => string[]): string[] {
  const root = scope.node.root;
  const all = constructsUnder(root);
  const last = all[all.length - 1];
  if (last === scope) {
    sessionOf(root).settled = true;
    return run();
  }
  let runs = lastRuns.get(last);
  if (!runs) {
    const hooked = new Set<() => string[]>();
    lastRuns.set(last, hooked);
    runs = hooked;
    // The runs follow every validation of the last construct, including one added to it later.
    const node = last.node;
    const own = node.validate;
    Object.defineProperty(node, 'validate', {
      configurable: true,
      writable: true,
      value: function validateThenLastRuns(this: typeof node): string[] {
        const problems = own.call(this);
        const now = constructsUnder(root);
        if (now[now.length - 1] !== last) return problems;
        sessionOf(root).settled = true;
        return [...problems, ...[...hooked].flatMap((r) => r())];
      },
    });
  }
  runs.add(run);
  return [];
}

/**
 * Adds a validation to `scope` whose work, `run`, runs last ({@link validateLast}): after the
 * validations of every other construct, so that it reads what they may still change.
 */
export function addValidationLast(scope: IConstruct, run: () => string[]): void {
  scope.node.addValidation({ validate: () => validateLast(scope, run) });
}

/**
 * `compute()` once per synthesis session once it is settled: the app's own
 * validations have run, and what remains (the library's last runs, the
 * producers cdk8s resolves as it writes) changes nothing a result depends
 * on. Before that, and outside a synthesis call the library sees (a wrapped
 * one), every call computes afresh.
 */
export function oncePerSettledSynthesis<T>(scope: IConstruct, key: string, compute: () => T): T {
  const app = scope.node.root;
  const session = sessions.get(app);
  return session?.settled && inSynthesisCall(app) ? oncePerSynthesis(scope, key, compute) : compute();
}
