/** Clocks a test moves by hand (the bot's time is a dependency, so no test waits for real time), and units of time. */
import type { Clock } from "../../src/clock.ts";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Stands still until the test moves it. */
export class ManualClock implements Clock {
  current: Date;
  constructor(start = "2026-03-02T09:00:00.000Z") {
    this.current = new Date(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Real time plus an offset the test moves: for a whole bot, whose HTTP requests are signed in real time. */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}
