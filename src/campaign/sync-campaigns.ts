import { SeederError } from '../errors/seeder-error.js';
import type { RoomSource } from './store/campaign-rooms.js';
import type { CampaignDeclaration } from './campaign-declarations.js';
import type { Campaigns } from './campaigns.js';

export interface SyncResult {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: readonly string[];
}

/**
 * Upserts each declared campaign, in order. A campaign whose schedule, end and rooms are what
 * Redis holds is left alone (its scheduler keeps its rhythm). Campaigns that are not declared
 * are never removed: that takes `campaign remove`. If one job file is refused, the ones before
 * it are already synced; the error says which, and running sync again is safe.
 */
export async function syncCampaigns(
  campaigns: Campaigns,
  declarations: readonly CampaignDeclaration[],
  roomsOf: (d: CampaignDeclaration) => RoomSource,
): Promise<SyncResult> {
  const result = { added: [] as string[], updated: [] as string[], unchanged: [] as string[] };
  for (const d of declarations) {
    try {
      const { outcome } = await campaigns.save(d, roomsOf(d), { replace: true });
      result[outcome].push(d.name);
    } catch (err) {
      if (!(err instanceof SeederError)) throw err;
      const done = [...result.added, ...result.updated, ...result.unchanged];
      err.message = `campaign ${JSON.stringify(d.name)} (${d.declaredIn}): ${err.message}${done.length > 0 ? `\n  (synced before it: ${done.join(', ')})` : ''}`;
      throw err;
    }
  }
  return result;
}
