import { parseRoomDirectives, type FaultAction, type ScriptStep } from './room-directives.js';

type FaultStep = Exclude<ScriptStep, { kind: 'max-accounts' }>;

/** One room's script and how far its calls have got through it. */
class RoomScript {
  readonly #steps: readonly FaultStep[];
  readonly maxAccounts: number | null;
  /** The step the next call is answered by. */
  #stepIndex = 0;
  /** Calls that step has already answered. */
  #usedInStep = 0;

  constructor(steps: readonly ScriptStep[]) {
    const faults: FaultStep[] = [];
    let maxAccounts: number | null = null;
    for (const step of steps) {
      if (step.kind === 'max-accounts') maxAccounts = step.maxAccounts;
      else faults.push(step);
    }
    this.#steps = faults;
    this.maxAccounts = maxAccounts;
  }

  next(): FaultAction | null {
    for (;;) {
      const step = this.#steps[this.#stepIndex];
      if (step === undefined) return null;
      if (step.times === undefined) return step;
      if (this.#usedInStep < step.times) {
        this.#usedInStep += 1;
        return step;
      }
      this.#stepIndex += 1;
      this.#usedInStep = 0;
    }
  }
}

/**
 * The failure scripts of all rooms. A room's script comes from its group id (see
 * `parseRoomDirectives`) unless `set` gave it one; its progress survives across calls
 * until `reset`.
 */
export class RoomScripts {
  readonly #byRoom = new Map<string, RoomScript>();

  /** Takes one call's worth of the room's script: the fault for this call, or null for none. */
  nextFault(groupId: string): FaultAction | null {
    return this.#scriptOf(groupId)?.next() ?? null;
  }

  /** The room's own account limit (`~maxN`), or null when it has none. */
  maxAccounts(groupId: string): number | null {
    return this.#scriptOf(groupId)?.maxAccounts ?? null;
  }

  /** Replaces the room's script (directives in its id included) and starts it from the top. */
  set(groupId: string, steps: readonly ScriptStep[]): void {
    this.#byRoom.set(groupId, new RoomScript(steps));
  }

  reset(): void {
    this.#byRoom.clear();
  }

  #scriptOf(groupId: string): RoomScript | undefined {
    const known = this.#byRoom.get(groupId);
    if (known !== undefined) return known;
    // Rooms without directives are the common case: keep no state for them.
    if (!groupId.includes('~')) return undefined;
    const steps = parseRoomDirectives(groupId);
    if (steps.length === 0) return undefined;
    const script = new RoomScript(steps);
    this.#byRoom.set(groupId, script);
    return script;
  }
}
