import { resolve } from 'node:path';
import { openQueueRuntime } from '../../app/queue-runtime.js';
import type { CampaignSpec } from '../../campaign/campaign.js';
import { readDeclarations } from '../../campaign/campaign-declarations.js';
import { validateCampaignName } from '../../campaign/campaign-name.js';
import { parseSchedule } from '../../campaign/schedule/campaign-schedule.js';
import { Campaigns } from '../../campaign/campaigns.js';
import { parseInstant } from '../../campaign/schedule/instant.js';
import { syncCampaigns } from '../../campaign/sync-campaigns.js';
import { SeederError } from '../../errors/seeder-error.js';
import { campaignJson, describeCampaigns, describeReport, describeSaved, runJson, stateOf } from '../campaign-output.js';
import { parseCommandArgs, requirePositional } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { formatFlag } from '../format-flag.js';
import { jobFileRooms } from '../../campaign/store/job-file-rooms.js';
import { CAMPAIGN_USAGE } from '../command-help.js';

const USAGES = {
  add: 'robot-seeder campaign add NAME --file FILE (--cron EXPR [--tz ZONE] | --every DURATION | --at TIME) [--remove-at TIME] [--replace] [--format jsonl|csv] [--json]',
  list: 'robot-seeder campaign list [--json]',
  pause: 'robot-seeder campaign pause NAME [--json]',
  resume: 'robot-seeder campaign resume NAME [--json]',
  remove: 'robot-seeder campaign remove NAME [--json]',
  report: 'robot-seeder campaign report NAME [--json]',
  sync: 'robot-seeder campaign sync [DIR|FILE] [--json]',
} as const;
type Action = keyof typeof USAGES;

const OPTIONS = {
  ...COMMON_FLAGS,
  file: { type: 'string' },
  cron: { type: 'string' },
  tz: { type: 'string' },
  every: { type: 'string' },
  at: { type: 'string' },
  'remove-at': { type: 'string' },
  replace: { type: 'boolean' },
  format: { type: 'string' },
  json: { type: 'boolean', default: false },
  app: { type: 'string' },
} as const;
const ADD_ONLY = ['file', 'cron', 'tz', 'every', 'at', 'remove-at', 'replace', 'format'] as const;

/** `campaign ...`: scheduled re-adding of a job file's rooms; see docs/campaigns.md. */
export async function campaignCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, CAMPAIGN_USAGE);
  const [actionText, ...rest] = positionals;
  const action = actionOf(actionText);
  const usage = USAGES[action];
  if (action !== 'add') {
    const misplaced = ADD_ONLY.find((f) => values[f] !== undefined);
    if (misplaced !== undefined) throw new SeederError('USAGE', `--${misplaced} applies to campaign add only`, { hint: `usage: ${usage}` });
  }
  if (action === 'list' || action === 'sync') {
    if (rest.length > (action === 'sync' ? 1 : 0))
      throw new SeederError('USAGE', `unexpected argument ${JSON.stringify(rest.at(-1))}`, { hint: `usage: ${usage}` });
  }
  const name = action === 'list' || action === 'sync' ? '' : validateCampaignName(requirePositional(rest, 'the campaign NAME', usage));
  // Everything the flags can be wrong about is checked before Redis is asked anything.
  const spec = action === 'add' ? addSpec(name, values, usage) : undefined;
  const declarations = action === 'sync' ? await readDeclarations(rest[0] ?? 'jobs') : undefined;

  const ctx = createCliContext(values, { tencent: false });
  // Campaigns belong to their app (its keys): with several apps, --app says which app's campaigns.
  const q = await openQueueRuntime(ctx.config, ctx.logger, 'producer', values.app);
  const campaigns = new Campaigns(q);
  const readOptions = { maxRobotsPerLine: ctx.config.maxRobotsPerLine };
  const print = (json: unknown, text: string): void => void ctx.out.write(values.json ? `${JSON.stringify(json)}\n` : text);
  try {
    switch (action) {
      case 'add': {
        if (spec === undefined) throw new Error('unreachable: add without a spec');
        const rooms = jobFileRooms(spec.source, { ...readOptions, format: formatFlag(values.format) });
        const { outcome } = await campaigns.save(spec, rooms, { replace: values.replace === true });
        const view = await campaigns.view(name);
        print({ outcome, campaign: campaignJson(view) }, describeSaved(outcome, view));
        break;
      }
      case 'list': {
        const list = await campaigns.list();
        print(list.map(campaignJson), describeCampaigns(list));
        break;
      }
      case 'pause':
      case 'resume': {
        await (action === 'pause' ? campaigns.pause(name) : campaigns.resume(name));
        const view = await campaigns.view(name);
        print(
          campaignJson(view),
          `campaign ${name} is ${stateOf(view)}${view.nextRunAtMs === null ? '' : `; next run ${new Date(view.nextRunAtMs).toISOString()}`}\n`,
        );
        break;
      }
      case 'remove':
        await campaigns.remove(name);
        print({ removed: name }, `removed campaign ${name} (its schedule, stored rooms and run history; robots already in rooms stay)\n`);
        break;
      case 'report':
        await report(ctx, campaigns, name, values.json);
        break;
      case 'sync': {
        const r = await syncCampaigns(campaigns, declarations ?? [], (d) =>
          jobFileRooms(resolve(d.source), { ...readOptions, ...(d.format === undefined ? {} : { format: d.format }) }),
        );
        const line = (what: string, names: readonly string[]): string =>
          `${what} ${names.length}${names.length > 0 ? `: ${names.join(', ')}` : ''}`;
        const none = `no campaigns declared in ${rest[0] ?? 'jobs'} (its *.json files; *.example.json ones are skipped)\n`;
        print(
          r,
          declarations?.length === 0
            ? none
            : `${[line('added', r.added), line('updated', r.updated), line('unchanged', r.unchanged)].join('\n')}\n`,
        );
        break;
      }
    }
    return EXIT.ok;
  } finally {
    await campaigns.close();
    await q.close();
  }
}

async function report(ctx: CliContext, campaigns: Campaigns, name: string, json: boolean): Promise<void> {
  const runs = await campaigns.report(name);
  const view = await campaigns.view(name);
  ctx.out.write(json ? `${JSON.stringify({ name, campaign: campaignJson(view), runs: runs.map(runJson) })}\n` : describeReport(view, runs));
}

function actionOf(text: string | undefined): Action {
  if (text !== undefined && Object.hasOwn(USAGES, text)) return text as Action;
  throw new SeederError('USAGE', text === undefined ? 'missing the campaign action' : `unknown campaign action ${JSON.stringify(text)}`, {
    hint: `usage: ${CAMPAIGN_USAGE}`,
  });
}

function addSpec(
  name: string,
  values: { file?: string; cron?: string; tz?: string; every?: string; at?: string; 'remove-at'?: string },
  usage: string,
): CampaignSpec {
  if (values.file === undefined)
    throw new SeederError('USAGE', 'missing --file FILE (the job file of the rooms)', { hint: `usage: ${usage}` });
  const schedule = parseSchedule({ cron: values.cron, tz: values.tz, every: values.every, at: values.at });
  const removeAt = values['remove-at'];
  return { name, schedule, removeAtMs: removeAt === undefined ? null : parseInstant(removeAt, '--remove-at'), source: values.file };
}
