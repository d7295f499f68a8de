/** The figures of a service level objective, shared by the construct and its Prometheus and Datadog renderings. */
import { ObservableService } from '../service/observable-service';
import { BurnRateAlert } from './burn-rate';

/** What one objective means, in figures. */
export interface ObjectiveFacts {
  /** `availability` or `latency`. */
  readonly objective: 'availability' | 'latency';
  /** The target, in percent. */
  readonly targetPercent: number;
  /** The error budget, as a fraction of requests (0.001 for 99.9 %). */
  readonly budgetFraction: number;
  /** The budget as minutes of total failure over the window (43.2 for 99.9 % over 30 days). */
  readonly budgetMinutes: number;
  /** The window, in days. */
  readonly windowDays: number;
  /** The latency threshold, in milliseconds, for a latency objective. */
  readonly thresholdMs?: number;
  /** The Prometheus burn-rate alerts (the SRE Workbook's table for 30 days, Datadog's recommended rows for 7 and 90). */
  readonly alerts: readonly BurnRateAlert[];
  /** The Datadog burn-rate monitors' rows (Datadog's recommended rows: long windows up to 24 h). */
  readonly datadogAlerts: readonly BurnRateAlert[];
}

/** An objective with everything the backends need. */
export interface ResolvedObjective extends ObjectiveFacts {
  /** `<namespace>/<service>/<objective>`: the `slo_id` label of the Prometheus series. */
  readonly id: string;
  /** The service. */
  readonly service: ObservableService;
  /** The window in minutes. */
  readonly windowMinutes: number;
}

