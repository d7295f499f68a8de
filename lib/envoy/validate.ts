/**
 * Validation of an Envoy bootstrap against Envoy's own v3 API, read by the
 * proto3 JSON validator (lib/protojson) from the schema compiled at build time
 * (see {@link envoySchemaFile}), plus what Envoy checks in code rather than
 * in the schema: clusters referenced but not defined, and the rules below.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageHook, ProtoJsonIssueKind, ProtoSchema, closest, isPlainObject, validateProtoJson } from '../protojson';

/** What kind of problem an issue is. */
export type EnvoyConfigIssueKind = ProtoJsonIssueKind | 'undefined-cluster' | 'semantic';

/**
 * One problem in an Envoy config, as {@link validateEnvoyConfig} returns it.
 * TypeScript and JavaScript only, as that function is (in the other languages,
 * `FrontEnvoy.validateConfig()` returns the problems as text).
 * @jsii ignore
 */
export interface EnvoyConfigIssue {
  /** Field path, such as `static_resources.clusters[0].lb_policy`. */
  readonly path: string;
  /** What kind of problem it is. */
  readonly kind: EnvoyConfigIssueKind;
  /** What is wrong, with a suggestion where one is near. */
  readonly message: string;
}

/**
 * Thrown when a generated config does not validate. TypeScript and JavaScript
 * only: jsii cannot carry a subclass of `Error`, so in the other languages it
 * arrives as the runtime's JavaScript error with the same message.
 * @jsii ignore
 */
export class EnvoyConfigError extends Error {
  constructor(
    /** Every issue found. */
    public readonly issues: EnvoyConfigIssue[],
    context: string,
  ) {
    super(`${context}: the Envoy config is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'EnvoyConfigError';
  }
}

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

/**
 * The file Envoy's API is read from: every message of the .proto files of
 * Envoy's v3 API, cncf/xds, googleapis and protoc-gen-validate that the npm
 * package @grpc/grpc-js-xds ships (a devDependency), compiled by
 * `npm run build` (tools/envoy-schema.ts) into `build/envoy-api.json` under
 * the package root. The package ships that file instead of the .proto files;
 * compiled (build/envoy/validate.js), from the sources (lib/envoy/validate.ts,
 * in the tests and ts-node) and in the benchmark build the same file is read.
 */
export function envoySchemaFile(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'build', 'envoy-api.json');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

let envoySchema: ProtoSchema | undefined;

/** Envoy's API, read once per process. */
function schema(): ProtoSchema {
  if (!envoySchema) {
    const file = envoySchemaFile();
    if (!fs.existsSync(file)) throw new Error(`Envoy's API schema ${file} is missing: \`npm run build\` writes it (from the devDependency @grpc/grpc-js-xds)`);
    envoySchema = ProtoSchema.read(file);
  }
  return envoySchema;
}

/** Validates a bootstrap (or, with `messageType`, any Envoy message) and returns every issue found. */
export function validateEnvoyConfig(config: unknown, messageType: string = BOOTSTRAP): EnvoyConfigIssue[] {
  if (!schema().message(messageType)) throw new Error(`unknown Envoy message type ${messageType}`);
  const clusterRefs: Array<{ name: string; path: string }> = [];
  const hooks: Record<string, MessageHook<'semantic'>> = {};
  const addHook = (type: string, hook: MessageHook<'semantic'>) => {
    const earlier = hooks[type];
    hooks[type] = earlier ? (value, p, report) => { earlier(value, p, report); hook(value, p, report); } : hook;
  };
  for (const [type, fields] of Object.entries(CLUSTER_REFERENCES)) {
    addHook(type, (value, p) => {
      for (const name of fields) if (typeof value[name] === 'string') clusterRefs.push({ name: value[name] as string, path: p ? `${p}.${name}` : name });
    });
  }
  for (const [type, fields] of Object.entries(CLUSTER_KEY_REFERENCES)) {
    addHook(type, (value, p) => {
      for (const name of fields) {
        const map = value[name];
        if (isPlainObject(map)) for (const key of Object.keys(map)) clusterRefs.push({ name: key, path: `${p}.${name}.${key}` });
      }
    });
  }
  for (const [type, rule] of Object.entries(SEMANTIC_RULES)) {
    addHook(type, (value, p, report) => rule(value, p, (at, message) => report(at, 'semantic', message)));
  }
  const issues: EnvoyConfigIssue[] = validateProtoJson(schema(), messageType, config, hooks);
  if (messageType === BOOTSTRAP) issues.push(...undefinedClusters(config, clusterRefs));
  return issues;
}

/** Fields that name a cluster, by message type; checked against the defined clusters. */
const CLUSTER_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.route.v3.RouteAction': ['cluster'],
  'envoy.config.route.v3.WeightedCluster.ClusterWeight': ['name'],
  'envoy.config.route.v3.RouteAction.RequestMirrorPolicy': ['cluster'],
  'envoy.config.core.v3.GrpcService.EnvoyGrpc': ['cluster_name'],
  'envoy.config.core.v3.HttpUri': ['cluster'],
  'envoy.config.trace.v3.DatadogConfig': ['collector_cluster'],
  'envoy.config.trace.v3.ZipkinConfig': ['collector_cluster'],
};
/** Map fields whose keys name clusters. */
const CLUSTER_KEY_REFERENCES: Readonly<Record<string, readonly string[]>> = {
  'envoy.extensions.filters.http.health_check.v3.HealthCheck': ['cluster_min_healthy_percentages'],
};

/** Every cluster named by a route, tracer or health filter must be defined (unless clusters also come from CDS). */
function undefinedClusters(config: unknown, refs: ReadonlyArray<{ name: string; path: string }>): EnvoyConfigIssue[] {
  if (!isPlainObject(config)) return [];
  const dynamic = config.dynamic_resources;
  if (isPlainObject(dynamic) && dynamic.cds_config !== undefined) return [];
  const staticResources = config.static_resources;
  const clusters = isPlainObject(staticResources) && Array.isArray(staticResources.clusters) ? staticResources.clusters : [];
  const defined = new Set(clusters.filter(isPlainObject).map((c) => c.name).filter((n): n is string => typeof n === 'string'));
  return refs.filter((ref) => !defined.has(ref.name)).map((ref) => {
    const near = closest(ref.name, [...defined]);
    return { path: ref.path, kind: 'undefined-cluster' as const, message: `cluster "${ref.name}" is not defined in static_resources.clusters${near ? `; did you mean "${near}"?` : ''}` };
  });
}

/**
 * Rules Envoy enforces when it builds a filter or cluster, not in the
 * schema; a config breaking them is rejected at start-up or misbehaves.
 */
const SEMANTIC_RULES: Readonly<Record<string, (value: Record<string, unknown>, p: string, report: (path: string, message: string) => void) => void>> = {
  'envoy.extensions.filters.http.health_check.v3.HealthCheck': (value, p, report) => {
    // source/extensions/filters/http/health_check/config.cc
    if (value.pass_through_mode === false && value.cache_time !== undefined) {
      report(`${p}.cache_time`, 'Envoy rejects cache_time when pass_through_mode is false ("cache_time_ms must not be set when path_through_mode is disabled")');
    }
    if (!Array.isArray(value.headers) || value.headers.length === 0) {
      report(`${p}.headers`, 'with no headers every request is treated as a health check; match ":path" exactly');
    }
  },
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager': (value, p, report) => {
    const filters = Array.isArray(value.http_filters) ? value.http_filters : [];
    const last = filters[filters.length - 1];
    if (filters.length > 0 && !(isPlainObject(last) && last.name === 'envoy.filters.http.router')) {
      report(`${p}.http_filters`, 'the router filter must be the last HTTP filter');
    }
  },
  'envoy.config.cluster.v3.Cluster': (value, p, report) => {
    const checks = Array.isArray(value.health_checks) ? value.health_checks : [];
    const http2 = JSON.stringify(value.typed_extension_protocol_options ?? {}).includes('http2_protocol_options');
    checks.forEach((check, i) => {
      if (isPlainObject(check) && check.grpc_health_check !== undefined && !http2) {
        report(`${p}.health_checks[${i}].grpc_health_check`, 'gRPC health checks need an HTTP/2 cluster (typed_extension_protocol_options with http2_protocol_options)');
      }
    });
  },
};
