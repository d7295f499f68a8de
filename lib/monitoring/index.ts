export { DatadogMonitors, DatadogServiceDashboard } from './datadog';
export type { AlertThresholds, DatadogMonitorsProps, DatadogServiceDashboardProps, KeyedMonitor, MonitorSpec, Widget } from './datadog';
export { PrometheusAlerts } from './prometheus';
export type { PrometheusAlertsProps } from './prometheus';
