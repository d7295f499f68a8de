import { PropChecker, quote } from './errors';
import { labelValueError, qualifiedNameError } from './names';
import { yamlTextError } from './text';

/** Kubernetes recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';

/** The value of `app.kubernetes.io/managed-by` on everything this library writes. */
export const MANAGED_BY = 'cdk8s-observable';
/** The label every object of a service level objective carries with the name of its service (the readiness rules find SLOs by it). */
export const LABEL_SLO_FOR = 'observable.cdk8s.io/slo-for';

/**
 * The labels a selector may use: only the name, so the selector stays the
 * same when the version changes (a Deployment's selector is immutable).
 */
export function selectorLabels(name: string): Record<string, string> {
  return { [LABEL_NAME]: name };
}

/** The most the keys and values of an object's annotations may hold together (TotalAnnotationSizeLimitB, k8s.io/apimachinery pkg/api/validation/objectmeta.go). */
export const ANNOTATIONS_SIZE_LIMIT_BYTES = 256 * 1024;

/**
 * A map key cdk8s cannot write: it takes an object for a plain one when
 * `obj.constructor === Object` and names its type from `obj.constructor.name`
 * (cdk8s src/resolve.ts, src/_util.ts sanitizeValue), which a key named
 * `constructor` replaces, so synthesis fails.
 */
const UNWRITABLE_KEY = "('constructor') cannot be written: cdk8s reads an object's 'constructor' to tell a map from other objects";

/**
 * Checks user-given labels (keys and values) or annotations (keys, values as
 * text, 256 KiB in all): the API server rejects the whole object for one bad key.
 */
export function checkMetadataMap(checker: PropChecker, prop: string, map: Readonly<Record<string, string>> | undefined, kind: 'labels' | 'annotations'): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(map ?? {})) {
    const keyError = qualifiedNameError(key) ?? (key === 'constructor' ? UNWRITABLE_KEY : undefined);
    checker.check(keyError === undefined, prop, `key ${keyError}`, "use a key such as 'example.com/team' or 'team'");
    if (!checker.check(typeof value === 'string', `${prop}.${key}`, `(${quote(value)}) must be text`, `give the ${kind === 'labels' ? 'label' : 'annotation'} value as a string`)) continue;
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    const textError = yamlTextError(value);
    checker.check(textError === undefined, `${prop}.${key}`, textError ?? '', 'remove the character');
    if (kind === 'labels') {
      const valueError = labelValueError(value);
      checker.check(valueError === undefined, `${prop}.${key}`, valueError ?? '', 'use a label value such as payments');
    }
  }
  checker.check(bytes <= ANNOTATIONS_SIZE_LIMIT_BYTES, prop, `hold ${bytes} bytes; the API server takes at most ${ANNOTATIONS_SIZE_LIMIT_BYTES} bytes of annotations on an object`, 'keep large data out of annotations (a ConfigMap holds up to 1 MiB)');
}

/** A label selector as manifests write it (meta/v1 LabelSelector). */
export interface LabelSelectorJson {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

/**
 * Whether a label selector matches a set of labels: every `matchLabels` pair
 * and every expression (`In`, `NotIn`, `Exists`, `DoesNotExist`; `NotIn`
 * also matches when the key is absent). An empty selector matches everything
 * (k8s.io/apimachinery/pkg/labels, LabelSelectorAsSelector).
 * @internal
 */
export function labelSelectorMatches(selector: LabelSelectorJson, labels: Readonly<Record<string, string>>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return pairs && (selector.matchExpressions ?? []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}
