import type { CampaignRun } from '../campaign/campaign.js';
import { describeSchedule } from '../campaign/schedule/campaign-schedule.js';
import { atDone } from '../campaign/runs/campaign-scheduler.js';
import type { CampaignView } from '../campaign/campaigns.js';

export type CampaignState = 'active' | 'paused' | 'done' | 'ended';

export function stateOf(c: CampaignView): CampaignState {
  if (c.endedAtMs !== null) return 'ended';
  if (c.paused) return 'paused';
  return atDone(c) ? 'done' : 'active';
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** One campaign of `campaign list --json` (a contract for scripts: these names, ISO 8601 times). */
export function campaignJson(c: CampaignView) {
  return {
    name: c.name,
    schedule: c.schedule,
    scheduleText: describeSchedule(c.schedule),
    state: stateOf(c),
    paused: c.paused,
    nextRunAt: iso(c.nextRunAtMs),
    removeAt: iso(c.removeAtMs),
    rooms: c.rooms,
    robots: c.robots,
    runs: c.runs,
    lastRunAt: iso(c.lastRunAtMs),
    endedAt: iso(c.endedAtMs),
    createdAt: iso(c.createdAtMs),
    updatedAt: iso(c.updatedAtMs),
    source: c.source,
  };
}

/** One run of `campaign report --json`. */
export function runJson(r: CampaignRun) {
  return {
    runId: r.runId,
    kind: r.kind,
    firedAt: iso(r.firedAtMs),
    enqueuedAt: iso(r.enqueuedAtMs),
    jobs: r.jobs,
    seeded: r.seeded,
    deadLettered: r.deadLettered,
    robots: r.robots,
  };
}

/** `added campaign evening: every 6h, 120 rooms (240 robots), next run 2025-06-01T12:00:00.000Z` */
export function describeSaved(outcome: string, c: CampaignView): string {
  const next = c.nextRunAtMs === null ? stateOf(c) : `next run ${iso(c.nextRunAtMs) ?? ''}`;
  const end = c.removeAtMs === null ? '' : `, robots removed at ${iso(c.removeAtMs) ?? ''}`;
  return `${outcome} campaign ${c.name}: ${describeSchedule(c.schedule)}, ${c.rooms} rooms (${c.robots} robots), ${next}${end}\n`;
}

export function describeCampaigns(list: readonly CampaignView[]): string {
  if (list.length === 0) return 'no campaigns (add one with: robot-seeder campaign add NAME --file FILE --every 6h)\n';
  return table(
    ['NAME', 'SCHEDULE', 'NEXT RUN', 'STATE', 'ROOMS', 'RUNS', 'REMOVE AT'],
    list.map((c) => [
      c.name,
      describeSchedule(c.schedule),
      iso(c.nextRunAtMs) ?? '-',
      stateOf(c),
      String(c.rooms),
      String(c.runs),
      iso(c.removeAtMs) ?? '-',
    ]),
  );
}

export function describeReport(c: CampaignView, runs: readonly CampaignRun[]): string {
  const head =
    `campaign ${c.name}: ${describeSchedule(c.schedule)}, ${c.rooms} rooms, ${c.runs} runs, ${stateOf(c)}` +
    `${c.nextRunAtMs === null ? '' : `, next run ${iso(c.nextRunAtMs) ?? ''}`}\n`;
  if (runs.length === 0) return `${head}no runs yet\n`;
  return (
    head +
    table(
      ['FIRED', 'KIND', 'JOBS', 'SEEDED', 'DEAD-LETTERED', 'ROBOTS'],
      runs.map((r) => [
        iso(r.firedAtMs) ?? '-',
        r.kind,
        r.enqueuedAtMs === null ? `${r.jobs}…` : String(r.jobs),
        String(r.seeded),
        String(r.deadLettered),
        String(r.robots),
      ]),
    )
  );
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
