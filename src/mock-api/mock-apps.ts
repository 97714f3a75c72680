import { SeederError } from '../errors/seeder-error.js';
import { MockApp } from './mock-app.js';
import type { MockCallStats } from './mock-stats.js';
import type { ResolvedMockApp } from './mock-options.js';

const DIGITS = /^\d+$/;

/** The apps the mock serves, found by SDKAppID. */
export class MockApps {
  readonly #bySdkAppId: ReadonlyMap<number, MockApp>;

  /** `settings` has at least one app, and no SDKAppID twice (resolveMockOptions sees to both). */
  constructor(settings: readonly ResolvedMockApp[]) {
    this.#bySdkAppId = new Map(settings.map((s) => [s.sdkAppId, new MockApp(s)]));
  }

  /** The app a call's `sdkappid` URL parameter names; undefined when it names none the mock serves. */
  named(sdkAppIdParam: string | null): MockApp | undefined {
    if (sdkAppIdParam === null || !DIGITS.test(sdkAppIdParam)) return undefined;
    return this.#bySdkAppId.get(Number(sdkAppIdParam));
  }

  /**
   * The app with this SDKAppID, for the handle and control endpoints; it may be left out when
   * the mock serves one app only. Throws NOT_FOUND for an app the mock does not serve, and
   * USAGE when it is left out but there are several.
   */
  pick(sdkAppId: number | undefined): MockApp {
    if (sdkAppId === undefined) {
      const [only, ...others] = this.#bySdkAppId.values();
      if (only !== undefined && others.length === 0) return only;
      throw new SeederError('USAGE', `The mock serves ${this.#bySdkAppId.size} apps: say which SDKAppID (${this.#list()}).`);
    }
    const app = this.#bySdkAppId.get(sdkAppId);
    if (app === undefined) throw new SeederError('NOT_FOUND', `The mock serves no app ${sdkAppId}, only ${this.#list()}.`);
    return app;
  }

  /** Each app's counts, keyed by its SDKAppID. */
  stats(): Record<string, MockCallStats> {
    return Object.fromEntries([...this.#bySdkAppId].map(([sdkAppId, app]) => [String(sdkAppId), app.recorder.snapshot()]));
  }

  reset(): void {
    for (const app of this.#bySdkAppId.values()) app.reset();
  }

  #list(): string {
    return [...this.#bySdkAppId.keys()].join(', ');
  }
}
