import type { ResolvedMockApp } from './mock-options.js';
import { MockStatsRecorder } from './mock-stats.js';
import { RoomScripts } from './room-scripts.js';
import { RoomStore } from './room-store.js';
import { VerifiedSigs } from './verified-sigs.js';

/**
 * One app the mock serves, with everything Tencent keeps per app: its rate window and counts,
 * its rooms (group ids belong to an app) and their scripts, and the UserSigs verified with its
 * key (a UserSig good for one app must not pass for another because it was seen before).
 */
export class MockApp {
  readonly settings: ResolvedMockApp;
  readonly recorder: MockStatsRecorder;
  readonly store = new RoomStore();
  readonly scripts = new RoomScripts();
  readonly sigs = new VerifiedSigs();

  constructor(settings: ResolvedMockApp) {
    this.settings = settings;
    this.recorder = new MockStatsRecorder(settings.ratePerSecond);
  }

  reset(): void {
    this.recorder.reset();
    this.store.clear();
    this.scripts.reset();
    this.sigs.clear();
  }
}
