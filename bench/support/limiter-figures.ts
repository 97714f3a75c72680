import { LATENESS_BUCKETS_MS, type LatenessBucket } from '../../src/limiter/shared-limiter.js';
import { parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';

/** What the workers' limiters counted of their slots (their /metrics, summed over the fleet). */
export interface LimiterFigures {
  readonly booked: number;
  /** Slots that came too late to use: the share of booked ones, %. */
  readonly stalePercent: number;
  /** Stale slots the ledger took back in time for the fleet to use: the share of booked ones, %. */
  readonly givenBackPercent: number;
  /** Round trips to the ledger that returned slots, and those that found none free yet. */
  readonly bookings: number;
  readonly emptyBookings: number;
  /** Round trips that only gave stale slots back. */
  readonly giveBackTrips: number;
  /** Calls sent, by how late after their slot they left: at most 1, 2, 5 or 10 ms. */
  readonly sentLateMs: Readonly<Record<LatenessBucket, number>>;
}

/** Reads each worker's /metrics (on 127.0.0.1 at `ports`) and sums its limiter's slot counts. */
export async function readLimiterFigures(ports: readonly number[]): Promise<LimiterFigures> {
  let booked = 0;
  let stale = 0;
  let givenBack = 0;
  let bookings = 0;
  let emptyBookings = 0;
  let giveBackTrips = 0;
  const sentLateMs = Object.fromEntries(LATENESS_BUCKETS_MS.map((late) => [late, 0])) as Record<LatenessBucket, number>;
  for (const port of ports) {
    const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const slots = (fate: string): number => sampleValue(samples, 'robot_seeder_limiter_slots_total', { fate }) ?? 0;
    booked += slots('booked');
    stale += slots('stale');
    givenBack += slots('given_back');
    const answered = (answer: string): number => sampleValue(samples, 'robot_seeder_limiter_bookings_total', { answer }) ?? 0;
    bookings += answered('slots');
    emptyBookings += answered('none');
    giveBackTrips += answered('gave_back_only');
    for (const late of LATENESS_BUCKETS_MS) {
      sentLateMs[late] += sampleValue(samples, 'robot_seeder_limiter_sends_total', { late_ms: late }) ?? 0;
    }
  }
  const share = (n: number): number => Number(((n * 100) / Math.max(1, booked)).toFixed(1));
  return { booked, stalePercent: share(stale), givenBackPercent: share(givenBack), bookings, emptyBookings, giveBackTrips, sentLateMs };
}
