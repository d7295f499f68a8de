/**
 * Envoy's route matching, for the tests: the first route of a virtual host
 * whose match accepts the request path wins (envoy/config/route/v3/route_components.proto,
 * RouteMatch). Matching reads the path without its query string; `prefix`
 * is a string prefix, `path` the exact path, and `path_separated_prefix`
 * the path itself or the path followed by `/`.
 */
import { Manifest } from './synth';

function matches(match: Manifest, requestPath: string): boolean {
  const path = requestPath.split('?')[0];
  if (match.prefix !== undefined) return path.startsWith(match.prefix);
  if (match.path !== undefined) return path === match.path;
  if (match.path_separated_prefix !== undefined) return path === match.path_separated_prefix || path.startsWith(`${match.path_separated_prefix}/`);
  throw new Error(`a match the tests do not model: ${JSON.stringify(match)}`);
}

/** What Envoy does with a request path: a direct status, or the cluster it routes to. */
export function routeOf(routes: Manifest[], requestPath: string): string {
  const route = routes.find((r) => matches(r.match, requestPath));
  if (!route) return 'no route (404)';
  return route.direct_response ? `direct ${route.direct_response.status}` : `cluster ${route.route.cluster}`;
}
