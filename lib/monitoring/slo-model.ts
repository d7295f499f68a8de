/** The figures of a service level objective, shared by the construct and its Prometheus and Datadog renderings. */
import { ObservableService } from '../service/observable-service';
import { BurnRateAlert } from './burn-rate';

/** Which objective: the share of requests that succeed, or that are fast enough. */
export enum Objective {
  /** Requests that succeed (not a 5xx; for gRPC, not a server-failure status). */
  AVAILABILITY = 'availability',
  /** Requests faster than a threshold. */
  LATENCY = 'latency',
}

/** What one objective means, in figures. */
export interface ObjectiveFacts {
  /** Which objective. */
  readonly objective: Objective;
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
  readonly alerts: BurnRateAlert[];
  /** The Datadog burn-rate monitors' rows (Datadog's recommended rows: long windows up to 24 h). */
  readonly datadogAlerts: BurnRateAlert[];
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

