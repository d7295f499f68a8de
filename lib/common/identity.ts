/**
 * Who an object is: its name, namespace and recommended labels. Every
 * construct of the library resolves its identity here, so the defaults are
 * the same everywhere:
 *
 * | field | default |
 * |---|---|
 * | name | the construct id |
 * | namespace | the chart's namespace, else `default` |
 * | version (`app.kubernetes.io/version`) | the image tag, else the first 12 hex digits of its digest, else `latest` (what an untagged image means); no label for objects without an image |
 * | part-of (`app.kubernetes.io/part-of`) | the chart's id |
 * | managed-by (`app.kubernetes.io/managed-by`) | `cdk8s-observable` |
 * | component (`app.kubernetes.io/component`) | the construct's role, where it has one (`front-proxy`, `telemetry-gateway`, `load-test`, …) |
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { watchObjectCollisions } from './collisions';
import { PropChecker } from './errors';
import { ImageReference } from './image';
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_PART_OF, LABEL_VERSION, MANAGED_BY, selectorLabels } from './labels';
import { dns1035LabelError, dns1123LabelError, dns1123SubdomainError, labelValueError } from './names';

/** The identity props a construct accepts; each construct offers those that apply to it. */
export interface IdentityProps {
  readonly name?: string;
  readonly namespace?: string;
  readonly version?: string;
  readonly partOf?: string;
  readonly component?: string;
}

/** A resolved identity. */
export interface Identity {
  /** Name of the objects (and of the Service, where one is written). */
  readonly name: string;
  readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`. */
  readonly dnsName: string;
  /** The version label's value; absent for objects without an image. */
  readonly version?: string;
  readonly partOf: string;
  readonly component?: string;
  /** The recommended labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The labels a selector uses: the name only. */
  readonly selector: Readonly<Record<string, string>>;
}

/** How the name is used, which decides the rule it must follow. */
export enum NameRule {
  /** A Service carries the name, so it is a DNS-1035 label (RFC 1035). */
  SERVICE = 'service',
  /** Objects only: a DNS-1123 subdomain. */
  OBJECT = 'object',
}

/** Options of {@link resolveIdentity}. */
export interface IdentityOptions {
  /** The image the workload runs: the version follows its tag. */
  readonly image?: ImageReference;
  /** The role, unless the props name one. */
  readonly component?: string;
  /** @default NameRule.SERVICE */
  readonly nameRule?: NameRule;
}

/** The version an image implies: its tag, else its digest's first 12 hex digits, else `latest`. */
export function imageVersion(image: ImageReference): string {
  return image.tag ?? image.digest?.split(':')[1]?.slice(0, 12) ?? 'latest';
}

/**
 * Resolves and checks an identity; problems go to `checker` under the props'
 * names. The app is then watched for two objects of the same identity
 * (common/collisions.ts).
 */
export function resolveIdentity(scope: IConstruct, checker: PropChecker, props: IdentityProps, options: IdentityOptions = {}): Identity {
  watchObjectCollisions(scope);
  const chart = Chart.of(scope);
  const name = props.name ?? scope.node.id;
  const nameProp = props.name === undefined ? 'name (from the construct id)' : 'name';
  const nameError = (options.nameRule ?? NameRule.SERVICE) === NameRule.SERVICE ? dns1035LabelError(name) : dns1123SubdomainError(name);
  checker.check(nameError === undefined, nameProp, nameError ?? '', "give a 'name' of lower-case letters, digits and '-' that starts with a letter");

  const namespace = props.namespace ?? chart.namespace ?? 'default';
  const nsError = dns1123LabelError(namespace);
  checker.check(nsError === undefined, 'namespace', nsError ?? '', 'use an existing namespace name');

  const version = props.version ?? (options.image ? imageVersion(options.image) : undefined);
  if (version !== undefined) {
    const versionError = labelValueError(version);
    checker.check(versionError === undefined && version.length > 0, props.version === undefined ? 'version (from the image tag)' : 'version', versionError ?? 'is empty',
      "give 'version' as a label value such as '1.4.2'");
  }
  const partOf = props.partOf ?? chart.node.id;
  const partOfError = labelValueError(partOf);
  checker.check(partOfError === undefined && partOf.length > 0, props.partOf === undefined ? 'partOf (from the chart id)' : 'partOf', partOfError ?? 'is empty',
    "give 'partOf' as the product's name, a label value");
  const component = props.component ?? options.component;
  if (component !== undefined) {
    const componentError = labelValueError(component);
    checker.check(componentError === undefined && component.length > 0, 'component', componentError ?? 'is empty', 'give the role as a label value, such as front-proxy');
  }

  const labels: Record<string, string> = { ...selectorLabels(name) };
  if (version !== undefined) labels[LABEL_VERSION] = version;
  labels[LABEL_PART_OF] = partOf;
  labels[LABEL_MANAGED_BY] = MANAGED_BY;
  if (component !== undefined) labels[LABEL_COMPONENT] = component;
  return { name, namespace, dnsName: `${name}.${namespace}.svc.cluster.local`, version, partOf, component, labels, selector: selectorLabels(name) };
}
