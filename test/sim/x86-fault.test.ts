// Protection faults (x86-fault.ts; arch/x86/mm/fault.c, mm/mmap.c expand_downwards and
// acct_stack_growth): the error codes, RLIMIT_STACK, the stack guard gap and the log line, by hand.
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../source/sim/events.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import type {ProcessGroupSpec} from '../../source/sim/spec.js';
import {errorCode, X86_PF_PROT, X86_PF_USER, X86_PF_WRITE} from '../../source/sim/x86-fault.js';
import {group, MIB, workload} from '../helpers/workload.js';

type Segfault = Extract<SimEvent, {kind: 'segfault'}>;

/** Run `spec` alone until it segfaults (or `ticks` pass); its segfault event. */
function run(spec: Partial<ProcessGroupSpec>, ticks = 3000): Segfault | undefined {
	const m = new Machine(workload([group('t', spec)], {ram: 512 * MIB}), {seed: 1});
	for (let t = 0; t < ticks; t++) {
		m.step();
		const hit = m.drainEvents().find((e): e is Segfault => e.kind === 'segfault');
		if (hit) {
			expect(m.liveProcs().length).toBe(0);
			expect(checkInvariants(m)).toEqual([]);
			return hit;
		}
	}
	return undefined;
}

describe('error codes', () => {
	it('USER 4, WRITE 2, PROT 1: a read not present 4, a write not present 6, a write to a present page 7', () => {
		expect([X86_PF_PROT, X86_PF_WRITE, X86_PF_USER]).toEqual([1, 2, 4]);
		expect(errorCode(false, false)).toBe(4);
		expect(errorCode(true, false)).toBe(6);
		expect(errorCode(true, true)).toBe(7);
		expect(errorCode(false, true)).toBe(5);
	});

	it('a NULL pointer read: segfault at 0, error 4; with no text there is no " in FILE[...]"', () => {
		const e = run({
			rate: 1000,
			regions: [{name: 'heap', kind: 'anon', size: MIB}],
			streams: [{region: 'heap', pattern: 'wild', weight: 1, address: 0}],
		})!;
		// The first reference of the first tick: ip at the load base + 0x1139, sp one page below STACK_TOP.
		expect([e.tick, e.error, e.addr]).toEqual([0, 4, 0]);
		expect(e.line).toBe('t[100]: segfault at 0 ip 0000555555555139 sp 00007fffffffe000 error 4');
	});

	it('a write to r-- memory: error 6 before the page is present, 7 after a read mapped it', () => {
		const regions = [{name: 'ro', kind: 'anon' as const, size: MIB, perms: 'r--'}];
		// Only writes: the first reference faults on page 0, not present.
		const first = run({
			rate: 1000,
			regions,
			streams: [{region: 'ro', pattern: 'sequential', weight: 1, write_ratio: 1}],
		})!;
		expect([first.error, first.addr.toString(16)]).toEqual([6, '7ffff7eff000']);
		// 1 MiB (not a 2 MiB multiple) right under mmap_base: 0x7ffff7fff000 − 0x100000 = 0x7ffff7eff000.
		// A sequential reader maps page 0 at once; a writer with one reference in a hundred writes page 0 later.
		const second = run({
			rate: 1000,
			regions,
			streams: [
				{region: 'ro', pattern: 'sequential', weight: 0.99},
				{region: 'ro', pattern: 'sequential', weight: 0.01, write_ratio: 1},
			],
		})!;
		expect([second.error, second.addr.toString(16)]).toEqual([7, '7ffff7eff000']);
	});

	it('PROT_NONE refuses reads too; "-w-" reads and writes (x86 cannot make a page write-only)', () => {
		const none = run({
			rate: 1000,
			regions: [{name: 'guard', kind: 'anon', size: MIB, perms: '---'}],
			streams: [{region: 'guard', pattern: 'random', weight: 1}],
		})!;
		expect(none.error).toBe(4);
		const writeOnly = run(
			{
				rate: 1000,
				regions: [{name: 'w', kind: 'anon', size: MIB, perms: '-w-'}],
				streams: [{region: 'w', pattern: 'random', weight: 1, write_ratio: 0.5}],
			},
			300,
		);
		expect(writeOnly).toBeUndefined();
	});
});

describe('stack growth (expand_downwards, acct_stack_growth)', () => {
	const stack = (size: number, more: Partial<ProcessGroupSpec> = {}): Partial<ProcessGroupSpec> => ({
		rate: 1000,
		regions: [{name: 'stack', kind: 'anon', size, placement: 'stack'}],
		// 4 MiB a second: 1,024 pages a second.
		streams: [{region: 'stack', pattern: 'grow', weight: 1, grow: 4 * MIB}],
		...more,
	});

	it('past RLIMIT_STACK (8 MiB): the 2,049th page, at 0x7ffffffff000 − 2049 pages, at 2.00 s', () => {
		const e = run(stack(32 * MIB))!;
		// 0x7ffffffff000 − 2049 × 0x1000 = 0x7ffffffff000 − 0x801000 = 0x7fffff7fe000. 2,048 pages at
		// 1,024 a second take 2 s: the refusal is the next page asked for, in tick 200.
		expect([e.addr.toString(16), e.sp.toString(16), e.error, e.tick]).toEqual([
			'7fffff7fe000',
			'7fffff7fe000',
			6,
			200,
		]);
	});

	it('a stack that may grow as far as it reaches stops there without a fault', () => {
		expect(run(stack(4 * MIB), 500)).toBeUndefined();
	});

	it('into stack_guard_gap: a mapping right below the stack reach stops it 1 MiB (256 pages) short', () => {
		// The 16 MiB reach is [0x7ffffefff000, 0x7ffffffff000); `below` ends where it starts. RLIMIT_STACK
		// 64 MiB is out of the way. The new start may come no closer than 1 MiB to below's end:
		// 0x7ffffefff000 + 0x100000 = 0x7fffff0ff000, so 0xf00000 bytes = 3,840 pages grow and the
		// 3,841st, at 0x7fffff0fe000, is refused after 3,840 / 1,024 = 3.75 s (tick 375).
		const e = run(
			stack(16 * MIB, {
				stack_limit: 64 * MIB,
				regions: [
					{name: 'stack', kind: 'anon', size: 16 * MIB, placement: 'stack'},
					{name: 'below', kind: 'anon', size: MIB, at: 0x7ffffeeff000},
				],
			}),
		)!;
		expect([e.addr.toString(16), e.error, e.tick]).toEqual(['7fffff0fe000', 6, 375]);
	});
});
