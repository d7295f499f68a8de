/**
 * Structural checks of the Datadog Operator's v1alpha1 custom resources, for
 * which no schema package exists: the fields of DatadogMonitorSpec and
 * DatadogDashboardSpec (datadog-operator api/datadoghq/v1alpha1
 * datadogmonitor_types.go and datadogdashboard_types.go), required ones, and
 * unknown fields rejected.
 */
import * as fs from 'fs';
import * as path from 'path';
import { schemaErrors } from './openapi-schema';
import { Manifest } from './synth';

/** DatadogSLOSpec: `.properties.spec` of the Operator's CRD, copied from upstream (test/fixtures/datadog/SOURCE.md). */
const SLO_SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'datadog', 'datadogslo-spec.schema.json'), 'utf8'));
/** What the Operator's controller checks beyond the schema (datadog-operator internal/controller/datadogslo validation): the type, the timeframe, the field of the type. */
const SLO_TYPES: Readonly<Record<string, string>> = { metric: 'query', monitor: 'monitorIDs' };
const SLO_TIMEFRAMES = ['7d', '30d', '90d'];

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

/** Errors of a DatadogMonitor, DatadogDashboard or DatadogSLO manifest. */
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
  } else if (m.kind === 'DatadogSLO') {
    const s = m.spec ?? {};
    errors.push(...schemaErrors(s, SLO_SPEC, 'spec'));
    const field = SLO_TYPES[s.type];
    if (!field) errors.push(`spec.type "${s.type}" is not metric or monitor`);
    else if (!(field in s)) errors.push(`spec.${field} is required for type ${s.type}`);
    for (const other of Object.values(SLO_TYPES)) if (other !== field && other in s) errors.push(`spec.${other} does not belong to type ${s.type}`);
    if (!SLO_TIMEFRAMES.includes(s.timeframe)) errors.push(`spec.timeframe "${s.timeframe}" is not 7d, 30d or 90d`);
    const target = Number(s.targetThreshold);
    if (!(target > 0 && target < 100)) errors.push(`spec.targetThreshold ${s.targetThreshold} must be above 0 and below 100`);
  } else {
    errors.push(`no Datadog schema for ${m.kind}`);
  }
  return errors.map((e) => `${m.kind} ${m.metadata?.name}: ${e}`);
}
