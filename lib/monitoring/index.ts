export { DatadogMonitors, DatadogServiceDashboard } from './datadog';
export type { AlertThresholds, DatadogMonitorsProps, DatadogServiceDashboardProps, KeyedMonitor, MonitorSpec, Widget } from './datadog';
export { PrometheusAlerts } from './prometheus';
export type { PrometheusAlertsProps } from './prometheus';
export { ServiceLevelObjectives } from './slo';
export type { DatadogSloProps, LatencyObjectiveProps, PrometheusSloProps, ServiceLevelObjectivesProps } from './slo';
export type { ObjectiveFacts } from './slo-model';
export type { BurnRateAlert, BurnRateWindow, Severity } from './burn-rate';
export type { Rule as PrometheusRuleEntry, RuleGroup } from './slo-prometheus';
