/**
 * The object-level rules the Kubernetes API server enforces beyond the
 * OpenAPI schema (which checks types and fields only), written here from the
 * API server's own validation (k8s.io/apimachinery/pkg/util/validation and
 * pkg/apis/core/validation) so that they are an oracle independent of the
 * library's checks:
 *
 * - object names: a DNS-1123 subdomain, or a DNS-1035 label for Services, a
 *   path segment for RBAC objects (ValidateObjectMeta with the kind's NameFn);
 * - label keys and values, annotation keys, and annotations under 256 KiB
 *   in total (ValidateLabels, ValidateAnnotations);
 * - ConfigMap data keys (IsConfigMapKey) and the 1 MiB object limit;
 * - in pod templates: container and volume names (DNS-1123 labels), port
 *   names (IANA_SVC_NAME), distinct container port numbers, environment
 *   variable names, volume mounts naming a volume of the pod, probe ports
 *   that exist, and a selector that matches the template's labels;
 * - Service port names and numbers;
 * - NetworkPolicy specs (pkg/apis/networking/validation, ValidateNetworkPolicySpec):
 *   each peer one of ipBlock or pod/namespace selectors, an ipBlock a valid CIDR
 *   whose `except` entries are strict subsets of it, ports 1-65535 with `endPort`
 *   numeric and not below `port`, protocols TCP, UDP or SCTP, policyTypes
 *   Ingress and Egress at most, selectors with valid label keys and values.
 */
import { BlockList, isIP } from 'net';
import { Manifest } from './synth';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
/** Environment variable names: any printable ASCII but '=' (Kubernetes 1.30+); the library keeps to the older C-identifier-like rule. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function dns1123Label(v: string): boolean {
  return v.length <= 63 && DNS1123_LABEL.test(v);
}

function dns1123Subdomain(v: string): boolean {
  return v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

function qualifiedName(v: string): boolean {
  const parts = v.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !(parts[0].length > 0 && dns1123Subdomain(parts[0]))) return false;
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

function labelValue(v: string): boolean {
  return v === '' || (v.length <= 63 && QUALIFIED_NAME_PART.test(v));
}

/** IANA_SVC_NAME: at most 15 characters, lower-case letters, digits and '-', at least one letter, no '--', no '-' at either end. */
function portName(v: string): boolean {
  return v.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v) && /[a-z]/.test(v) && !v.includes('--');
}

function nameOk(kind: string, name: string): boolean {
  if (kind === 'Service') return name.length <= 63 && DNS1035_LABEL.test(name);
  if (['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(kind)) return name.length > 0 && !/[/%]/.test(name) && name !== '.' && name !== '..';
  return dns1123Subdomain(name);
}

function metadataErrors(m: Manifest, where: string): string[] {
  const errors: string[] = [];
  const md = m.metadata ?? {};
  if (typeof md.name !== 'string' || !nameOk(m.kind, md.name)) errors.push(`${where}: metadata.name "${md.name}" is not a valid ${m.kind} name`);
  if (md.namespace !== undefined && !dns1123Label(md.namespace)) errors.push(`${where}: metadata.namespace "${md.namespace}" is not a DNS-1123 label`);
  errors.push(...labelErrors(md.labels, `${where}: metadata.labels`));
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(md.annotations ?? {})) {
    if (!qualifiedName(k)) errors.push(`${where}: metadata.annotations key "${k}" is not a qualified name`);
    annotationBytes += k.length + String(v).length;
  }
  if (annotationBytes > 256 * 1024) errors.push(`${where}: metadata.annotations total ${annotationBytes} bytes, over 256 KiB`);
  return errors;
}

function labelErrors(labels: Record<string, string> | undefined, where: string): string[] {
  const errors: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!qualifiedName(k)) errors.push(`${where} key "${k}" is not a qualified name`);
    if (typeof v !== 'string' || !labelValue(v)) errors.push(`${where}["${k}"] value "${v}" is not a label value`);
  }
  return errors;
}

function podTemplateErrors(template: Manifest, where: string): string[] {
  const errors: string[] = [...labelErrors(template.metadata?.labels, `${where}.metadata.labels`)];
  for (const k of Object.keys(template.metadata?.annotations ?? {})) {
    if (!qualifiedName(k)) errors.push(`${where}.metadata.annotations key "${k}" is not a qualified name`);
  }
  const spec = template.spec ?? {};
  const volumes = new Set<string>();
  for (const v of spec.volumes ?? []) {
    if (!dns1123Label(v.name)) errors.push(`${where}.spec.volumes: name "${v.name}" is not a DNS-1123 label`);
    if (volumes.has(v.name)) errors.push(`${where}.spec.volumes: "${v.name}" is repeated`);
    volumes.add(v.name);
  }
  const containerNames = new Set<string>();
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const at = `${where}.containers[${c.name}]`;
    if (!dns1123Label(c.name)) errors.push(`${at}: name is not a DNS-1123 label`);
    if (containerNames.has(c.name)) errors.push(`${at}: name is repeated`);
    containerNames.add(c.name);
    const ports = new Map<string | number, Manifest>();
    for (const p of c.ports ?? []) {
      if (p.name !== undefined && !portName(p.name)) errors.push(`${at}.ports: name "${p.name}" is not an IANA service name`);
      if (ports.has(p.containerPort)) errors.push(`${at}.ports: ${p.containerPort} is repeated`);
      ports.set(p.containerPort, p);
      if (p.name !== undefined) ports.set(p.name, p);
    }
    for (const e of c.env ?? []) if (!ENV_NAME.test(e.name)) errors.push(`${at}.env: "${e.name}" is not a valid variable name`);
    const names = (c.env ?? []).map((e: Manifest) => e.name);
    if (new Set(names).size !== names.length) errors.push(`${at}.env: a variable is defined twice`);
    const mountPaths = new Set<string>();
    for (const vm of c.volumeMounts ?? []) {
      if (!volumes.has(vm.name)) errors.push(`${at}.volumeMounts: "${vm.name}" names no volume of the pod`);
      if (mountPaths.has(vm.mountPath)) errors.push(`${at}.volumeMounts: ${vm.mountPath} is mounted twice`);
      mountPaths.add(vm.mountPath);
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const p = c[probe];
      if (!p) continue;
      const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => p[h] !== undefined);
      if (handlers.length !== 1) errors.push(`${at}.${probe}: needs exactly one handler, has ${handlers.join(', ') || 'none'}`);
      const port = p.httpGet?.port ?? p.tcpSocket?.port ?? p.grpc?.port;
      if (typeof port === 'string' && !ports.has(port)) errors.push(`${at}.${probe}: port "${port}" is not a named port of the container`);
      if (typeof port === 'number' && !(port >= 1 && port <= 65535)) errors.push(`${at}.${probe}: port ${port} out of range`);
      if (p.timeoutSeconds !== undefined && p.timeoutSeconds < 1) errors.push(`${at}.${probe}: timeoutSeconds below 1`);
      if (probe !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) errors.push(`${at}.${probe}: successThreshold must be 1`);
    }
  }
  return errors;
}

/** A CIDR as the API server parses it (ParseCIDRSloppy): an address, '/', a prefix within the family's bits. */
function cidrParts(text: string): { base: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(String(text));
  const family = m ? isIP(m[1]) : 0;
  if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) return undefined;
  return { base: m[1], prefix: Number(m[2]), family: family === 4 ? 'ipv4' : 'ipv6' };
}

function selectorErrors(selector: Manifest | undefined, where: string): string[] {
  if (!selector) return [];
  const errors = labelErrors(selector.matchLabels, `${where}.matchLabels`);
  for (const e of selector.matchExpressions ?? []) {
    if (!qualifiedName(e.key)) errors.push(`${where}.matchExpressions key "${e.key}" is not a qualified name`);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) errors.push(`${where}.matchExpressions operator "${e.operator}" is not supported`);
  }
  return errors;
}

function networkPolicyErrors(spec: Manifest, where: string): string[] {
  const errors = selectorErrors(spec.podSelector ?? {}, `${where}.podSelector`);
  const types = (spec.policyTypes ?? []) as string[];
  if (types.length > 2 || types.some((t) => t !== 'Ingress' && t !== 'Egress')) errors.push(`${where}.policyTypes ${JSON.stringify(types)} are not Ingress and Egress`);
  for (const [field, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    ((spec[field] ?? []) as Manifest[]).forEach((rule, i) => {
      const at = `${where}.${field}[${i}]`;
      for (const port of (rule.ports ?? []) as Manifest[]) {
        if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) errors.push(`${at}.ports: protocol ${port.protocol}`);
        if (typeof port.port === 'number' && !(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535)) errors.push(`${at}.ports: port ${port.port} out of range`);
        if (typeof port.port === 'string' && !portName(port.port)) errors.push(`${at}.ports: "${port.port}" is not a port name`);
        if (port.endPort !== undefined && (typeof port.port !== 'number' || port.endPort < port.port)) errors.push(`${at}.ports: endPort ${port.endPort} needs a numeric port at or below it`);
      }
      for (const peer of (rule[peers] ?? []) as Manifest[]) {
        const selectors = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
        if (selectors === (peer.ipBlock !== undefined)) errors.push(`${at}.${peers}: a peer is either an ipBlock or pod/namespace selectors`);
        errors.push(...selectorErrors(peer.podSelector, `${at}.${peers}.podSelector`), ...selectorErrors(peer.namespaceSelector, `${at}.${peers}.namespaceSelector`));
        if (!peer.ipBlock) continue;
        const block = cidrParts(peer.ipBlock.cidr);
        if (!block) {
          errors.push(`${at}.${peers}.ipBlock.cidr "${peer.ipBlock.cidr}" is not a CIDR`);
          continue;
        }
        const list = new BlockList();
        list.addSubnet(block.base, block.prefix, block.family);
        for (const except of (peer.ipBlock.except ?? []) as string[]) {
          const inner = cidrParts(except);
          if (!inner || inner.family !== block.family || inner.prefix <= block.prefix || !list.check(inner.base, inner.family)) {
            errors.push(`${at}.${peers}.ipBlock.except "${except}" is not a strict subset of ${peer.ipBlock.cidr}`);
          }
        }
      }
    });
  }
  return errors;
}

/** Every rule above a manifest breaks, as `Kind/name: problem` lines. */
export function apiServerErrors(m: Manifest): string[] {
  const where = `${m.kind}/${m.metadata?.name}`;
  const errors = metadataErrors(m, where);
  if (m.kind === 'ConfigMap') {
    for (const key of Object.keys(m.data ?? {})) if (!(key.length <= 253 && CONFIG_MAP_KEY.test(key))) errors.push(`${where}: data key "${key}" is not a ConfigMap key`);
    const bytes = Buffer.byteLength(JSON.stringify(m));
    if (bytes > 1024 * 1024) errors.push(`${where}: ${bytes} bytes, over the 1 MiB object limit`);
  }
  const template = m.kind === 'Deployment' || m.kind === 'Job' ? m.spec?.template : undefined;
  if (template) {
    errors.push(...podTemplateErrors(template, `${where}.spec.template`));
    const match = m.spec?.selector?.matchLabels;
    if (m.kind === 'Deployment') {
      if (!match || Object.keys(match).length === 0) errors.push(`${where}: spec.selector is empty`);
      for (const [k, v] of Object.entries(match ?? {})) {
        if (template.metadata?.labels?.[k] !== v) errors.push(`${where}: spec.selector ${k}=${v} does not match the template's labels`);
      }
    }
  }
  if (m.kind === 'NetworkPolicy') errors.push(...networkPolicyErrors(m.spec ?? {}, `${where}.spec`));
  if (m.kind === 'Service') {
    const ports = m.spec?.ports ?? [];
    for (const p of ports) {
      if (ports.length > 1 && p.name === undefined) errors.push(`${where}: a Service with several ports must name each`);
      if (p.name !== undefined && !dns1123Label(p.name)) errors.push(`${where}: port name "${p.name}" is not a DNS-1123 label`);
    }
    const keys = ports.map((p: Manifest) => `${p.port}/${p.protocol ?? 'TCP'}`);
    if (new Set(keys).size !== keys.length) errors.push(`${where}: a port is repeated`);
  }
  return errors;
}
