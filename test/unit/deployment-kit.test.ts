import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fastify } from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/http/metrics-server.js';
import { parseAllDocuments } from 'yaml';
import { RETRY_DELAYS_MS } from '../../src/callbacks/callback-seeder.js';
import { loadConfig } from '../../src/config/load-config.js';
import { REQUEST_TIMEOUT_MS as HTTP_REQUEST_TIMEOUT_MS } from '../../src/http/build-http-server.js';
import { READY_TIMEOUT_MS, registerHealthRoutes } from '../../src/http/health-routes.js';
import type { LimiterStats } from '../../src/limiter/shared-limiter.js';
import type { LedgerHealing } from '../../src/limiter/slot-ledger.js';
import { createSeederMetrics } from '../../src/metrics/seeder-metrics.js';
import { createLogger } from '../../src/log/logger.js';
import type { RedisClient } from '../../src/redis/redis-client.js';
import { SERVICE_COMMAND_TIMEOUT_MS } from '../../src/redis/redis-connection.js';
import type { OutcomeKind } from '../../src/tencent/call-outcome.js';
import { outcome } from '../support/call-outcomes.js';
import { parsePrometheusText, type Sample } from '../support/prometheus-text.js';
import { parsePromql, type PromqlParts } from '../support/promql.js';

/**
 * deploy/: the Kubernetes manifests, the Grafana dashboard and the Prometheus rules. Kubernetes,
 * Grafana and Prometheus are not available where the tests run, so the files are held to the
 * code by reading both: every metric a query names is one `/metrics` exposes, the manifests'
 * ports, probe paths and grace periods follow from the code's constants.
 */

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(v: Json | undefined, what: string): JsonObject {
  if (!isObject(v)) throw new Error(`${what}: expected an object, got ${JSON.stringify(v)}`);
  return v;
}
function arr(v: Json | undefined, what: string): Json[] {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list, got ${JSON.stringify(v)}`);
  return v;
}
function str(v: Json | undefined, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}
function num(v: Json | undefined, what: string): number {
  if (typeof v !== 'number') throw new Error(`${what}: expected a number, got ${JSON.stringify(v)}`);
  return v;
}
/** obj/arr/str along a path: `at(o, 'spec', 'template', 'spec')`. */
function at(v: Json | undefined, ...path: Array<string | number>): Json | undefined {
  let cur = v;
  for (const key of path)
    cur = typeof key === 'number' ? (Array.isArray(cur) ? cur[key] : undefined) : isObject(cur) ? cur[key] : undefined;
  return cur;
}

/** Every YAML file under deploy/, each parsed into its documents; a file that does not parse fails here. */
function deployYamlFiles(): Map<string, JsonObject[]> {
  const files = new Map<string, JsonObject[]>();
  for (const name of readdirSync(new URL('deploy/', ROOT), { recursive: true, encoding: 'utf8' })) {
    if (!/\.ya?ml$/.test(name)) continue;
    const docs = parseAllDocuments(read(`deploy/${name}`));
    const parsed: JsonObject[] = [];
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new Error(`deploy/${name}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as Json;
      if (value !== null) parsed.push(obj(value, `deploy/${name}`));
    }
    files.set(`deploy/${name}`, parsed);
  }
  return files;
}

const YAML_FILES = deployYamlFiles();
const K8S = 'deploy/kubernetes/';
const manifests = (file: string): JsonObject[] => YAML_FILES.get(`${K8S}${file}`) ?? [];
const kind = (file: string, k: string, name: string): JsonObject => {
  const found = manifests(file).find((d) => d['kind'] === k && at(d, 'metadata', 'name') === name);
  if (found === undefined) throw new Error(`${K8S}${file} has no ${k} ${name}`);
  return found;
};

const configMap = kind('configmap.yaml', 'ConfigMap', 'robot-seeder');
const configData = obj(configMap['data'], 'ConfigMap data') as Record<string, string>;
const secretExample = kind('secret.example.yaml', 'Secret', 'robot-seeder');
const secretData = obj(secretExample['stringData'], 'Secret stringData') as Record<string, string>;
const workerDeployment = kind('worker.yaml', 'Deployment', 'robot-seeder-worker');
const serviceDeployment = kind('service.yaml', 'Deployment', 'robot-seeder-service');
const podSpec = (d: JsonObject): JsonObject => obj(at(d, 'spec', 'template', 'spec'), 'pod spec');
const container = (d: JsonObject): JsonObject => obj(at(podSpec(d), 'containers', 0), 'container');

/** The configuration the pods start with: the ConfigMap, and secrets good enough to pass validation. */
const podEnv = { ...configData, TIM_SECRET_KEY: 'k'.repeat(32), API_TOKENS: 't'.repeat(32), CALLBACK_TOKEN: 'c'.repeat(32) };
const podConfig = loadConfig(podEnv, { tencent: true, http: true });

// ---------------------------------------------------------------------------------------------
// What GET /metrics exposes: the registry of src/metrics/seeder-metrics.ts, built in-process.

const OUTCOME_KINDS = Object.keys({
  success: true,
  retry: true,
  'slow-down': true,
  resign: true,
  split: true,
  account: true,
  permanent: true,
} satisfies Record<OutcomeKind, true>) as OutcomeKind[];

const RECOVERIES = { missing: 1, unreadable: 1, clock: 1 } satisfies Record<LedgerHealing, number>;

interface Exposed {
  readonly samples: Sample[];
  /** Metric family name → counter, gauge, histogram ... */
  readonly types: Map<string, string>;
}

let exposed: Promise<Exposed> | undefined;
/** What a process that serves /metrics and works the queue (`serve --with-workers`) exposes, built once. */
const exposedMetrics = (): Promise<Exposed> => (exposed ??= buildExposedMetrics());

/** Every metric with series: fake readings from Redis and the limiter, and one call of each kind. */
async function buildExposedMetrics(): Promise<Exposed> {
  const stats: LimiterStats = {
    ratePerSecond: 200,
    ceilingPerSecond: 200,
    booked: 3,
    bookings: 1,
    emptyBookings: 0,
    giveBackTrips: 1,
    stale: 1,
    givenBack: 1,
    recoveries: RECOVERIES,
    bookingErrors: 1,
    clockUncertaintyMs: 1,
    sent: 2,
    lateness: { '1': 1, '2': 1, '5': 0, '10': 0 },
  };
  const metrics = createSeederMetrics({
    apps: [
      {
        app: 'default',
        rate: () => Promise.resolve({ ratePerSecond: 200, ceilingPerSecond: 200, ceilingSource: 'workers' }),
        limiter: () => stats,
        queueStatus: () => Promise.resolve({ waiting: 1, active: 1, delayed: 1, completed: 1, deadLetter: 1 }),
        breakerState: () => Promise.resolve('closed'),
        accountPaused: () => Promise.resolve(false),
      },
    ],
  });
  // Series with labels appear once they have a value: one call of each kind.
  for (const k of OUTCOME_KINDS) metrics.recordCall('default', outcome(k, k === 'success' ? 0 : 60007, 200));
  metrics.recordRetry('default');
  const samples = parsePrometheusText(await metrics.registry.metrics());
  const types = new Map<string, string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) types.set(m.name, String(m.type));
  return { samples, types };
}

/**
 * Labels a query may name that the registry does not: those Prometheus adds to every scraped
 * series (job, instance, and the Kubernetes discovery's namespace and pod).
 */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod']);
/** Labels whose values are open-ended (Tencent's ErrorCode): any value may be matched. */
const OPEN_LABELS = new Set(['code']);

/** Grafana's variables, replaced by what they stand for so that the query parses as PromQL. */
function withoutGrafanaVariables(expr: string): string {
  const replaced = expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$app', '.*');
  if (replaced.includes('$')) throw new Error(`a Grafana variable this test does not know: ${expr}`);
  return replaced;
}

interface Query {
  readonly where: string;
  readonly expr: string;
}

/** What is wrong with one query against the exposed metrics: unknown names, labels, values. */
function problemsOf(q: Query, parts: PromqlParts, samples: readonly Sample[]): string[] {
  const problems = parts.errors.map((e) => `${q.where}: ${e}`);
  if (parts.selectors.length === 0) problems.push(`${q.where}: names no metric`);
  const labelsOfQuery = new Set(TARGET_LABELS);
  for (const s of parts.selectors) {
    const series = samples.filter((x) => x.name === s.metric);
    if (series.length === 0) {
      problems.push(`${q.where}: ${s.metric} is not exposed on /metrics`);
      continue;
    }
    for (const x of series) for (const l of Object.keys(x.labels)) labelsOfQuery.add(l);
    for (const m of s.matchers) {
      const values = new Set(series.map((x) => x.labels[m.label]).filter((v) => v !== undefined));
      if (values.size === 0) {
        if (!TARGET_LABELS.has(m.label)) problems.push(`${q.where}: ${s.metric} has no label ${m.label}`);
        continue;
      }
      if (OPEN_LABELS.has(m.label)) continue;
      // An equality, or a regular expression that is a plain list of values (a|b|c): each must exist.
      const wanted = m.op === '=' || m.op === '!=' ? [m.value] : /^[\w-]+(\|[\w-]+)*$/.test(m.value) ? m.value.split('|') : [];
      for (const v of wanted)
        if (!values.has(v)) problems.push(`${q.where}: ${s.metric}{${m.label}} is never "${v}" (it is ${[...values].join(', ')})`);
    }
  }
  for (const l of parts.labelNames) if (!labelsOfQuery.has(l)) problems.push(`${q.where}: no metric of the query has a label ${l}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The queries: the dashboard's and the alert rules'.

const dashboard = obj(JSON.parse(read('deploy/grafana/robot-seeder.json')) as Json, 'dashboard');

function dashboardPanels(): JsonObject[] {
  const panels: JsonObject[] = [];
  const walk = (list: Json | undefined): void => {
    for (const p of arr(list ?? [], 'panels')) {
      panels.push(obj(p, 'panel'));
      walk(at(p, 'panels'));
    }
  };
  walk(dashboard['panels']);
  return panels;
}

const templateVariables = arr(at(dashboard, 'templating', 'list'), 'templating.list').map((v) => obj(v, 'variable'));
const appVariable = templateVariables.find((v) => v['name'] === 'app');

function dashboardQueries(): Query[] {
  const queries: Query[] = [];
  for (const p of dashboardPanels()) {
    for (const t of arr(p['targets'] ?? [], 'targets')) {
      queries.push({ where: `dashboard panel "${str(p['title'], 'title')}"`, expr: str(at(t, 'expr'), 'target expr') });
    }
  }
  return queries;
}

const rules = arr(at(YAML_FILES.get('deploy/prometheus/robot-seeder-rules.yaml')?.[0], 'groups'), 'groups').flatMap((g) =>
  arr(at(g, 'rules'), 'rules').map((r) => obj(r, 'rule')),
);
const ruleQueries: Query[] = rules.map((r) => ({ where: `alert ${str(r['alert'], 'alert')}`, expr: str(r['expr'], 'expr') }));

/** `label_values(metric, label)`: Grafana's variable query, not PromQL. */
function labelValuesQuery(v: JsonObject): { metric: string; label: string } {
  const q = str(isObject(v['query']) ? v['query']['query'] : v['query'], 'variable query');
  const m = /^label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(q);
  if (m === null) throw new Error(`variable ${JSON.stringify(v['name'])}: not a label_values(metric, label) query: ${q}`);
  return { metric: m[1] ?? '', label: m[2] ?? '' };
}

describe('the queries of the dashboard and the alert rules', () => {
  const dashboardQ = dashboardQueries();

  it('are there to check: the test reads a query from each panel and each rule', () => {
    for (const p of dashboardPanels())
      if (p['type'] !== 'row') expect(arr(p['targets'], 'targets').length, str(p['title'], 'title')).toBeGreaterThan(0);
    expect(dashboardQ.length).toBeGreaterThanOrEqual(15);
    expect(ruleQueries.length).toBe(rules.length);
    expect(rules.length).toBeGreaterThanOrEqual(6);
  });

  it('name only metrics, labels and label values that GET /metrics exposes (histogram suffixes included)', async () => {
    const { samples } = await exposedMetrics();
    const problems: string[] = [];
    const named = new Set<string>();
    for (const q of [...dashboardQ.map((d) => ({ ...d, expr: withoutGrafanaVariables(d.expr) })), ...ruleQueries]) {
      const parts = parsePromql(q.expr);
      for (const s of parts.selectors) named.add(s.metric);
      problems.push(...problemsOf(q, parts, samples));
    }
    const v = labelValuesQuery(appVariable ?? {});
    if (!samples.some((s) => s.name === v.metric)) problems.push(`variable app: ${v.metric} is not exposed on /metrics`);
    expect(problems).toEqual([]);
    // What the issue asks to see: each of these is queried somewhere.
    for (const metric of [
      'robot_seeder_calls_total',
      'robot_seeder_call_duration_seconds_bucket',
      'robot_seeder_queue_jobs',
      'robot_seeder_dead_letters',
      'robot_seeder_breaker_open',
      'robot_seeder_account_paused',
      'robot_seeder_limiter_rate_per_second',
      'robot_seeder_limiter_ceiling_per_second',
      'robot_seeder_limiter_recoveries_total',
      'robot_seeder_limiter_booking_errors_total',
    ])
      expect([...named], metric).toContain(metric);
  });

  it('never sum a gauge read from Redis: every serve replica reports the same fleet-wide value', async () => {
    const { types } = await exposedMetrics();
    // robot-seeder's gauges are all read from Redis at scrape time (src/metrics/seeder-metrics.ts);
    // its per-process figures are counters and a histogram.
    const fleetGauges = [...types].filter(([name, type]) => name.startsWith('robot_seeder_') && type === 'gauge').map(([name]) => name);
    expect(fleetGauges).toContain('robot_seeder_queue_jobs');
    for (const q of [...dashboardQ.map((d) => ({ ...d, expr: withoutGrafanaVariables(d.expr) })), ...ruleQueries]) {
      expect(
        parsePromql(q.expr).summed.filter((m) => fleetGauges.includes(m)),
        q.where,
      ).toEqual([]);
    }
  });

  it('alert per app: every aggregation of a rule keeps the app label (absent or not)', () => {
    for (const q of ruleQueries) {
      // absent() has no aggregation; everything else is `by (app)`.
      expect(parsePromql(q.expr).aggregationsWithoutApp, q.where).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** `docs/operations.md, "The limiter" and "Redis"`: each named section, per document. */
function sectionReferences(text: string): Array<{ doc: string; section: string }> {
  const refs: Array<{ doc: string; section: string }> = [];
  for (const m of text.matchAll(/\b((?:docs\/)?[\w-]+\.md),((?:\s*(?:and\s+)?"[^"]+",?)+)/g)) {
    // A name may run over a line break of a comment or a folded description.
    for (const s of (m[2] ?? '').matchAll(/"([^"]+)"/g))
      refs.push({ doc: m[1] ?? '', section: (s[1] ?? '').replace(/\s*\n\s*#?\s*/g, ' ') });
  }
  return refs;
}

function stringsOf(v: Json): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsOf);
  return isObject(v) ? Object.values(v).flatMap(stringsOf) : [];
}

/** The headings of a Markdown document, and its bold lead-ins (`**Dead letters.**`). */
function sectionsOf(doc: string): Set<string> {
  const text = read(doc);
  // Headings lose their code marks: `## \`GET /metrics\`` is referred to as "GET /metrics".
  const headings = [...text.matchAll(/^#+\s+(.+)$/gm)].map((m) => (m[1] ?? '').replaceAll('`', '').trim());
  const bold = [...text.matchAll(/\*\*([^*]+?)\.?\*\*/g)].map((m) => (m[1] ?? '').trim());
  return new Set([...headings, ...bold]);
}

describe('the alert rules', () => {
  it('each has a for:, a severity, a summary and a description that names what to do and where to read', () => {
    expect(new Set(rules.map((r) => r['alert'])).size).toBe(rules.length);
    for (const r of rules) {
      const name = str(r['alert'], 'alert');
      expect(r['for'], name).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], name).toContain(at(r, 'labels', 'severity'));
      expect(str(at(r, 'annotations', 'summary'), name)).toMatch(/^robot-seeder: /);
      const description = str(at(r, 'annotations', 'description'), name);
      expect(sectionReferences(description).length, `${name} points to no documentation section`).toBeGreaterThan(0);
    }
  });

  it('cover what the issue asks to watch', () => {
    const watched = (metric: string): string[] =>
      ruleQueries.filter((q) => parsePromql(q.expr).selectors.some((s) => s.metric === metric)).map((q) => q.where);
    expect(watched('robot_seeder_dead_letters').length).toBeGreaterThan(0);
    expect(watched('robot_seeder_breaker_open').length).toBeGreaterThan(0);
    expect(watched('robot_seeder_account_paused').length).toBeGreaterThan(0);
    expect(watched('robot_seeder_limiter_recoveries_total').length).toBeGreaterThan(0);
    expect(watched('robot_seeder_limiter_booking_errors_total').length).toBeGreaterThan(0);
    // The rate against the cap, and the queue's waiting and active jobs (no metric counts workers).
    expect(watched('robot_seeder_limiter_ceiling_per_second').length).toBeGreaterThan(0);
    expect(ruleQueries.filter((q) => q.expr.includes('state="waiting"') && q.expr.includes('state="active"'))).toHaveLength(1);
  });
});

describe('documentation the kit points to', () => {
  it('exists: every `file.md, "Section"` in deploy/ and docs/deploying.md names a heading or a bold lead-in of that file', () => {
    const problems: string[] = [];
    let count = 0;
    // The dashboard's descriptions are JSON strings: read as text, their quotes are escaped.
    const texts: Array<[string, string]> = [
      ...[...YAML_FILES.keys(), 'docs/deploying.md'].map((f): [string, string] => [f, read(f)]),
      ['deploy/grafana/robot-seeder.json', stringsOf(dashboard).join('\n')],
    ];
    for (const [file, text] of texts) {
      for (const { doc, section } of sectionReferences(text)) {
        count += 1;
        const path = doc.includes('/') ? doc : doc === 'README.md' || doc === 'BENCHMARKS.md' ? doc : `docs/${doc}`;
        if (!existsSync(new URL(path, ROOT))) problems.push(`${file}: ${doc} does not exist`);
        else if (!sectionsOf(path).has(section)) problems.push(`${file}: ${path} has no section "${section}"`);
      }
    }
    expect(count).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the Grafana dashboard', () => {
  const DS = '${DS_PROMETHEUS}';

  it('is importable: a Prometheus data source input, used by every panel and query', () => {
    const inputs = arr(dashboard['__inputs'], '__inputs');
    expect(inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }));
    expect(dashboard['uid']).toBe('robot-seeder');
    for (const p of dashboardPanels()) {
      if (p['type'] === 'row') continue;
      const title = str(p['title'], 'title');
      expect(at(p, 'datasource', 'uid'), title).toBe(DS);
      for (const t of arr(p['targets'], 'targets')) expect(at(t, 'datasource', 'uid'), title).toBe(DS);
    }
  });

  it('has an app variable that tolerates metrics without the label, and every robot-seeder selector uses it', () => {
    expect(appVariable).toBeDefined();
    const v = appVariable ?? {};
    expect(labelValuesQuery(v).label).toBe('app');
    expect(at(v, 'datasource', 'uid')).toBe(DS);
    // No values (no app label yet) leaves All, and .* matches a series without the label too.
    expect(v['includeAll']).toBe(true);
    expect(v['allValue']).toBe('.*');
    for (const q of dashboardQueries()) {
      for (const s of parsePromql(withoutGrafanaVariables(q.expr)).selectors) {
        if (!s.metric.startsWith('robot_seeder_')) continue;
        expect(s.matchers, `${q.where}: ${s.metric}`).toContainEqual({ label: 'app', op: '=~', value: '.*' });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the Kubernetes manifests', () => {
  const kustomization = obj(YAML_FILES.get(`${K8S}kustomization.yaml`)?.[0], 'kustomization');
  const resources = arr(kustomization['resources'], 'resources').map((r) => str(r, 'resource'));

  it('form a kustomization of files that exist; the Secret example is not one of them', () => {
    for (const r of resources) expect(existsSync(new URL(`${K8S}${r}`, ROOT)), r).toBe(true);
    expect(resources).toEqual(expect.arrayContaining(['configmap.yaml', 'worker.yaml', 'service.yaml']));
    // Applied, the placeholders would replace the real Secret's values.
    expect(resources).not.toContain('secret.example.yaml');
    const images = arr(kustomization['images'], 'images').map((i) => str(at(i, 'name'), 'image name'));
    for (const d of [workerDeployment, serviceDeployment]) expect(images).toContain(container(d)['image']);
  });

  it('run the commands of the image: worker and serve, through its ENTRYPOINT', () => {
    expect(read('Dockerfile')).toContain('ENTRYPOINT ["node", "bin/robot-seeder.js"]');
    expect(container(workerDeployment)['command']).toBeUndefined();
    expect(container(serviceDeployment)['command']).toBeUndefined();
    expect(container(workerDeployment)['args']).toEqual(['worker']);
    expect(at(container(serviceDeployment), 'args', 0)).toBe('serve');
  });

  it('configure only variables robot-seeder reads, with values it accepts', () => {
    const sources = ['src/config/load-config.ts', 'src/cli/cli-context.ts', 'src/cli/commands/serve-command.ts'].map(read).join('\n');
    for (const name of [...Object.keys(configData), ...Object.keys(secretData)]) expect(sources, name).toContain(`'${name}'`);
    for (const v of Object.values(configData)) expect(typeof v).toBe('string');
    // loadConfig throws on any problem: the ConfigMap's values start a worker and a service.
    expect(podConfig.keyPrefix).toBe('{robot-seeder}');
    expect(loadConfig(podEnv, { tencent: true }).tencent?.requestTimeoutMs).toBeGreaterThan(0);
  });

  it('take each secret from the Secret, which the example cannot stand in for', () => {
    for (const d of [workerDeployment, serviceDeployment]) {
      const c = container(d);
      expect(at(c, 'envFrom', 0, 'configMapRef', 'name')).toBe(at(configMap, 'metadata', 'name'));
      for (const e of arr(c['env'], 'env')) {
        const ref = at(e, 'valueFrom', 'secretKeyRef');
        if (ref === undefined) continue;
        expect(at(ref, 'name')).toBe(at(secretExample, 'metadata', 'name'));
        expect(Object.keys(secretData).concat('REDIS_URL'), str(at(ref, 'key'), 'key')).toContain(at(ref, 'key'));
        expect(at(e, 'name')).toBe(at(ref, 'key'));
      }
    }
    const secretNames = (d: JsonObject): string[] =>
      arr(container(d)['env'], 'env')
        .filter((e) => at(e, 'valueFrom', 'secretKeyRef') !== undefined)
        .map((e) => str(at(e, 'name'), 'env name'));
    // Least privilege: the workers sign UserSigs, serve holds the API's and the callbacks' tokens.
    expect(secretNames(workerDeployment)).toEqual(['TIM_SECRET_KEY', 'REDIS_URL']);
    expect(secretNames(serviceDeployment)).toEqual(['API_TOKENS', 'CALLBACK_TOKEN', 'REDIS_URL']);
    // The placeholders are refused at start: applied by mistake, the example cannot run.
    expect(() => loadConfig({ ...configData, ...secretData }, { tencent: false, http: true })).toThrow(/API_TOKENS[\s\S]*CALLBACK_TOKEN/);
  });

  it('listen on the configured port, and probe routes that exist and need no token', async () => {
    const port = obj(at(container(serviceDeployment), 'ports', 0), 'port');
    expect(port['containerPort']).toBe(podConfig.http?.port);
    // The default PORT, unless the ConfigMap sets another.
    expect(loadConfig({ TIM_SDKAPPID: '1', API_TOKENS: 't'.repeat(16) }, { tencent: false, http: true }).http?.port).toBe(
      port['containerPort'],
    );
    const service = kind('service.yaml', 'Service', 'robot-seeder');
    expect(at(service, 'spec', 'ports', 0, 'targetPort')).toBe(port['name']);
    expect(at(service, 'spec', 'ports', 0, 'port')).toBe(port['containerPort']);

    const app = fastify();
    // The probe routes as `serve` registers them, outside the bearer guard (src/http/build-http-server.ts).
    const redis: Pick<RedisClient, 'ping'> = { ping: () => Promise.resolve('PONG' as const) };
    registerHealthRoutes(app, redis as RedisClient);
    const probes = [at(container(serviceDeployment), 'readinessProbe'), at(container(serviceDeployment), 'livenessProbe')];
    expect(probes.map((p) => at(p, 'httpGet', 'path'))).toEqual(['/readyz', '/healthz']);
    for (const p of probes) {
      expect(at(p, 'httpGet', 'port')).toBe(port['name']);
      const r = await app.inject({ method: 'GET', url: str(at(p, 'httpGet', 'path'), 'path') });
      expect(r.statusCode, str(at(p, 'httpGet', 'path'), 'path')).toBe(200);
    }
    await app.close();
    // /readyz waits up to READY_TIMEOUT_MS for Redis: the probe must wait longer.
    expect(num(at(probes[0], 'timeoutSeconds'), 'readiness timeout') * 1000).toBeGreaterThan(READY_TIMEOUT_MS);
    // `worker` listens on METRICS_PORT: a liveness probe on its /healthz, no readiness (it takes no traffic).
    const w = container(workerDeployment);
    const metricsPort = (w['ports'] as Record<string, unknown>[]).find((p) => p['name'] === 'metrics');
    const env = w['env'] as { name: string; value?: string }[];
    expect(String(metricsPort?.['containerPort'])).toBe(env.find((e) => e.name === 'METRICS_PORT')?.value);
    expect([at(w, 'livenessProbe', 'httpGet', 'path'), at(w, 'livenessProbe', 'httpGet', 'port'), w['readinessProbe']]).toEqual([
      '/healthz',
      'metrics',
      undefined,
    ]);
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: new Registry(), logger: createLogger('silent') });
    try {
      expect((await fetch(`http://127.0.0.1:${server.address.port}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('give each pod more time than its drain takes, by the code', () => {
    const requestTimeoutMs = podConfig.tencent?.requestTimeoutMs ?? 0;
    // A job in hand finishes its one call in flight: undici's connect, headers and body timeouts.
    const workerDrainMs = 3 * requestTimeoutMs;
    expect(num(podSpec(workerDeployment)['terminationGracePeriodSeconds'], 'worker grace') * 1000).toBeGreaterThan(workerDrainMs);

    const preStop = arr(at(container(serviceDeployment), 'lifecycle', 'preStop', 'exec', 'command'), 'preStop');
    expect(preStop[0]).toBe('sleep');
    const preStopMs = Number(preStop[1]) * 1000;
    // A request still arriving, then a callback's seeding: its retries' waits, and when Redis is
    // silent the repeat check, each attempt and the repeat key's removal, each timing out.
    const callbackSeedingMs = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) + (RETRY_DELAYS_MS.length + 3) * SERVICE_COMMAND_TIMEOUT_MS;
    const serviceDrainMs = preStopMs + HTTP_REQUEST_TIMEOUT_MS + callbackSeedingMs;
    expect(num(podSpec(serviceDeployment)['terminationGracePeriodSeconds'], 'service grace') * 1000).toBeGreaterThan(serviceDrainMs);
  });

  it('run as the image user, not root, on a read-only root file system with a writable /tmp', () => {
    expect(read('Dockerfile')).toMatch(/^USER node$/m);
    for (const d of [workerDeployment, serviceDeployment]) {
      const pod = podSpec(d);
      // `node` is uid 1000 in the node images; runAsNonRoot needs a number to check.
      expect(at(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
      expect(at(pod, 'securityContext', 'runAsUser')).toBe(1000);
      expect(pod['automountServiceAccountToken']).toBe(false);
      const c = container(d);
      expect(at(c, 'securityContext', 'readOnlyRootFilesystem')).toBe(true);
      expect(at(c, 'securityContext', 'allowPrivilegeEscalation')).toBe(false);
      // enqueue, run in the pod with kubectl exec, spools to os.tmpdir().
      const tmp = arr(c['volumeMounts'], 'volumeMounts').find((m) => at(m, 'mountPath') === '/tmp');
      expect(arr(pod['volumes'], 'volumes').find((v) => at(v, 'name') === at(tmp, 'name'))).toHaveProperty('emptyDir');
      for (const r of ['cpu', 'memory']) {
        expect(at(c, 'resources', 'requests', r), r).toBeDefined();
        expect(at(c, 'resources', 'limits', r), r).toBeDefined();
      }
    }
  });

  it('have a disruption budget for each Deployment, selecting its pods only', () => {
    const budgets = [...manifests('worker.yaml'), ...manifests('service.yaml')].filter((d) => d['kind'] === 'PodDisruptionBudget');
    const service = kind('service.yaml', 'Service', 'robot-seeder');
    for (const d of [workerDeployment, serviceDeployment]) {
      const podLabels = obj(at(d, 'spec', 'template', 'metadata', 'labels'), 'pod labels');
      expect(at(d, 'spec', 'selector', 'matchLabels')).toEqual(podLabels);
      const own = budgets.filter((b) => JSON.stringify(at(b, 'spec', 'selector', 'matchLabels')) === JSON.stringify(podLabels));
      expect(own, str(at(d, 'metadata', 'name'), 'name')).toHaveLength(1);
      // The Service routes to serve's pods, never to the workers'.
      const selected = Object.entries(obj(at(service, 'spec', 'selector'), 'selector')).every(([k, v]) => podLabels[k] === v);
      expect(selected).toBe(d === serviceDeployment);
    }
  });

  it('state what Redis needs: AOF and noeviction (redis.example.yaml)', () => {
    const redis = kind('redis.example.yaml', 'StatefulSet', 'redis');
    const args = arr(at(container(redis), 'args'), 'redis args')
      .map((a) => str(a, 'redis arg'))
      .join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    expect(configData['REDIS_URL']).toBe(
      `redis://${str(at(kind('redis.example.yaml', 'Service', 'redis'), 'metadata', 'name'), 'name')}:6379`,
    );
  });
});
