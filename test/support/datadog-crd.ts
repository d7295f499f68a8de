/**
 * Structural checks of the Datadog Operator's v1alpha1 custom resources, for
 * which no schema package exists: the fields of DatadogMonitorSpec and
 * DatadogDashboardSpec (datadog-operator api/datadoghq/v1alpha1
 * datadogmonitor_types.go and datadogdashboard_types.go), required ones, and
 * unknown fields rejected.
 */
import { Manifest } from './synth';

const MONITOR_SPEC = ['controllerOptions', 'message', 'name', 'options', 'priority', 'query', 'restrictedRoles', 'tags', 'type'];
const MONITOR_OPTIONS = ['enableLogsSample', 'escalationMessage', 'evaluationDelay', 'groupbySimpleMonitor', 'includeTags', 'locked', 'minLocationFailed',
  'newGroupDelay', 'noDataTimeframe', 'notificationPresetName', 'notifyAudit', 'notifyBy', 'notifyNoData', 'onMissingData', 'renotifyInterval',
  'renotifyOccurrences', 'renotifyStatuses', 'requireFullWindow', 'schedulingOptions', 'thresholdWindows', 'thresholds', 'timeoutH'];
const MONITOR_THRESHOLDS = ['critical', 'criticalRecovery', 'ok', 'unknown', 'warning', 'warningRecovery'];
const MONITOR_TYPES = ['metric alert', 'query alert', 'service check', 'event alert', 'log alert', 'process alert', 'rum alert', 'trace-analytics alert', 'slo alert', 'event-v2 alert', 'audit alert', 'composite'];
const DASHBOARD_SPEC = ['description', 'layoutType', 'notifyList', 'reflowType', 'tags', 'templateVariablePresets', 'templateVariables', 'title', 'widgets'];

function unknown(obj: Manifest | undefined, allowed: string[], where: string): string[] {
  return Object.keys(obj ?? {}).filter((k) => !allowed.includes(k)).map((k) => `${where}: unknown field "${k}"`);
}

/** Errors of a DatadogMonitor or DatadogDashboard manifest. */
export function datadogCrdErrors(m: Manifest): string[] {
  const errors: string[] = [];
  if (m.apiVersion !== 'datadoghq.com/v1alpha1') errors.push(`apiVersion ${m.apiVersion} is not datadoghq.com/v1alpha1`);
  if (m.kind === 'DatadogMonitor') {
    const s = m.spec ?? {};
    errors.push(...unknown(s, MONITOR_SPEC, 'spec'), ...unknown(s.options, MONITOR_OPTIONS, 'spec.options'), ...unknown(s.options?.thresholds, MONITOR_THRESHOLDS, 'spec.options.thresholds'));
    for (const field of ['query', 'type', 'name', 'message']) if (typeof s[field] !== 'string' || s[field] === '') errors.push(`spec.${field} is required`);
    if (!MONITOR_TYPES.includes(s.type)) errors.push(`spec.type "${s.type}" is not a monitor type`);
    for (const [k, v] of Object.entries(s.options?.thresholds ?? {})) if (typeof v !== 'string') errors.push(`spec.options.thresholds.${k} must be a string`);
    if (!Array.isArray(s.tags ?? []) || (s.tags ?? []).some((t: unknown) => typeof t !== 'string')) errors.push('spec.tags must be strings');
  } else if (m.kind === 'DatadogDashboard') {
    const s = m.spec ?? {};
    errors.push(...unknown(s, DASHBOARD_SPEC, 'spec'));
    if (typeof s.title !== 'string' || s.title === '') errors.push('spec.title is required');
    if (!['ordered', 'free'].includes(s.layoutType)) errors.push(`spec.layoutType "${s.layoutType}" must be ordered or free`);
    if (typeof s.widgets !== 'string') errors.push('spec.widgets must be a JSON string');
  } else {
    errors.push(`no Datadog schema for ${m.kind}`);
  }
  return errors.map((e) => `${m.kind} ${m.metadata?.name}: ${e}`);
}
