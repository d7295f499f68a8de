import { IConstruct } from 'constructs';

/** One thing wrong with one prop. */
export interface PropProblem {
  /** The prop, dotted for nested props (`health.paths.live`). */
  readonly prop: string;
  /** What is wrong, as a sentence fragment: "must start with '/'". */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A declaration the library cannot turn into a working manifest.
 *
 * Every line of the message names where (the construct path), which prop,
 * what is wrong and how to fix it, so that a failing `cdk8s synth` in CI can
 * be acted on without reading the library's source. All problems of one
 * construct are reported together.
 */
export class ConfigurationError extends Error {
  /** Path of the construct whose props are wrong. */
  public readonly constructPath: string;
  /** Every problem found, in the order the props were checked. */
  public readonly problems: PropProblem[];

  constructor(constructPath: string, problems: PropProblem[]) {
    super(problems.map((p) => `${constructPath}: '${p.prop}' ${p.problem}. Fix: ${p.fix}`).join('\n'));
    this.name = 'ConfigurationError';
    this.constructPath = constructPath;
    this.problems = problems;
  }
}

/** Collects the problems of one construct's props, then throws them together. */
export class PropChecker {
  private readonly problems: PropProblem[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records a problem unless `ok`. Returns `ok`, so dependent checks can be skipped. */
  public check(ok: boolean, prop: string, problem: string, fix: string): boolean {
    if (!ok) this.problems.push({ prop, problem, fix });
    return ok;
  }

  /** Throws a {@link ConfigurationError} listing every recorded problem, if any. */
  public throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new ConfigurationError(this.scope.node.path, this.problems);
    }
  }
}

/**
 * Builds a child construct from props the user gave its parent, so that a
 * mistake in them is reported as the parent's: the path the user declared and
 * the prop names of the parent (which the child shares). The child throws
 * before it makes any object.
 */
export function asOwnProps<T>(scope: IConstruct, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ConfigurationError && e.constructPath !== scope.node.path) throw new ConfigurationError(scope.node.path, e.problems);
    throw e;
  }
}
