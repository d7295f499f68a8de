/** The monitor types, apart from datadog.ts so that slo-datadog.ts can use them without an import cycle. */

/** The type of a Datadog monitor (the DatadogMonitor CRD's `spec.type`). */
export enum MonitorType {
  /** A query alert: the query ends in its threshold. */
  QUERY_ALERT = 'query alert',
  /** A metric alert. */
  METRIC_ALERT = 'metric alert',
  /** An SLO alert (a burn-rate monitor on an SLO). */
  SLO_ALERT = 'slo alert',
}
