// The machine's time: the tick every module reads, and within a tick the simulated microsecond of
// whoever is running (a faulting process, kswapd, the flusher), by which the device queues are timed.
export class Clock {
	/** Ticks of TICK_US since boot. */
	tick = 0;
	/** Simulated µs of the current actor within this tick (device queues compare against it). */
	nowUs = 0;
}
