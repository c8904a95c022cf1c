// The state at the bottom of the machine that every kernel module reads: the zone (frames, free list,
// watermarks), the lruvec, the task list, the file table, the clock, the vmstat counters, the event
// queue, the sysctls and the one random stream. The machine builds one and hands it to each module,
// along with the few modules that one calls.
import type {Clock} from './clock.js';
import type {EventQueue} from './events.js';
import type {Lruvec} from './lruvec.js';
import type {FileTable} from './page-cache.js';
import type {Vmstat} from './proc-names.js';
import type {Rng} from './rng.js';
import type {Sysctls} from './spec.js';
import type {TaskList} from './task-list.js';
import type {Zone} from './zone.js';

export interface Core {
	readonly zone: Zone;
	readonly lruvec: Lruvec;
	readonly tasks: TaskList;
	readonly files: FileTable;
	readonly clock: Clock;
	/** /proc/vmstat: every module counts its own events here (count_vm_event). */
	readonly vm: Vmstat;
	readonly events: EventQueue;
	readonly sysctl: Sysctls;
	readonly rng: Rng;
}

/** A kernel module: it reads the core through these fields; the state it owns is its own. */
export abstract class CoreModule {
	protected readonly zone: Zone;
	protected readonly lruvec: Lruvec;
	protected readonly tasks: TaskList;
	protected readonly files: FileTable;
	protected readonly clock: Clock;
	protected readonly vm: Vmstat;
	protected readonly events: EventQueue;
	protected readonly sysctl: Sysctls;
	protected readonly rng: Rng;

	constructor(core: Core) {
		this.zone = core.zone;
		this.lruvec = core.lruvec;
		this.tasks = core.tasks;
		this.files = core.files;
		this.clock = core.clock;
		this.vm = core.vm;
		this.events = core.events;
		this.sysctl = core.sysctl;
		this.rng = core.rng;
	}
}
