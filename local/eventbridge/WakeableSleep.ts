/**
 * The pause of a background loop between rounds, cut short by {@link wake} when new work arrives.
 * The timer is unref'd: a sleeping loop never keeps the process alive.
 */
export class WakeableSleep {
  private wakeUp?: () => void;

  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  /** Ends the current sleep now; does nothing when the loop is not sleeping. */
  wake(): void {
    this.wakeUp?.();
  }
}
