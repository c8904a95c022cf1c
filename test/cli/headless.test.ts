// Headless text output as vmstat prints it: fixed-width columns under their names, one number format
// per kind, the units in the group line above (issue 17 item 5).
import {beforeAll, describe, expect, it} from 'vitest';
import {describeZone, runHeadless, textHeader} from '../../source/cli/headless.js';
import {Stepper} from '../../source/record/stepper.js';
import {MIGRATE_MOVABLE} from '../../source/sim/buddy.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

async function headlessText(): Promise<string[]> {
	// A machine that swaps: sizes from kilobytes (zpool, swap) to hundreds of MiB in one run.
	const w = workload(
		[
			group('small', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]}),
			group('big', {start: 1, regions: [{name: 'heap', kind: 'anon', size: 240 * MIB}]}),
		],
		{ram: 192 * MIB},
	);
	const lines: string[] = [];
	await runHeadless(new Stepper(new Machine(w, {seed: 1})), {
		duration: 6,
		interval: 0.5,
		json: false,
		write: (line) => lines.push(line),
	});
	return lines;
}

describe('headless text', () => {
	let lines: string[] = [];
	let rows: string[] = [];
	let table: string[] = [];
	const [groups, names] = textHeader();
	beforeAll(async () => {
		lines = await headlessText();
		// The interval rows: after the two header lines, up to the blank line, but for the events.
		rows = lines.slice(4, lines.indexOf('')).filter((l) => !l.startsWith('  ['));
		table = lines.slice(lines.indexOf('') + 1);
	});

	it('prints the zone as /proc/zoneinfo has it, in pages: the watermarks and managed pages', () => {
		// 192 MiB = 49152 pages, all managed; min_free_kbytes = int_sqrt(196608 × 16) = 1773 kB over the
		// pages the kernel's static memory leaves, the marks from it; the test reads them off the machine.
		const m = new Machine(
			workload([group('small', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]})], {ram: 192 * MIB}),
			{seed: 1},
		);
		const wm = m.zone.wm;
		// nr_free per order 0..10 (zone->free_area[order].nr_free): at boot the kernel's static memory
		// holds frames 0..4095 and the rest is freed in the largest aligned blocks, (49152 − 4096) / 1024
		// = 44 blocks of order 10 and nothing smaller: 44 × 1024 = 45056 = pages free.
		expect(m.zone.freePages).toBe(45056);
		expect(lines[1]).toBe(
			`zone Normal: pages free 45056, min ${wm.min}, low ${wm.low}, high ${wm.high}, managed 49152, present 49152, nr_free 0 0 0 0 0 0 0 0 0 0 44`,
		);
		expect(wm.low - wm.min).toBeGreaterThan(0);
	});

	it('prints nr_free per order as the buddy allocator splits blocks (mm/page_alloc.c expand)', () => {
		const m = new Machine(
			workload([group('small', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]})], {ram: 192 * MIB}),
			{seed: 1},
		);
		// One order-0 page splits an order-10 block: halves of 512, 256, ..., 1 pages stay free, one of
		// each order 0..9, and 43 order-10 blocks are left. An order-3 block then takes that order's one.
		// Free: 45056 − 1 − 8 = 45047 = 1 + 2 + 4 + 16 + 32 + 64 + 128 + 256 + 512 + 43 × 1024.
		expect(m.zone.buddy.rmqueue(0, MIGRATE_MOVABLE)).toBeGreaterThanOrEqual(0);
		expect(m.zone.buddy.rmqueue(3, MIGRATE_MOVABLE)).toBeGreaterThanOrEqual(0);
		const s = takeSnapshot(m, {regions: false, events: false});
		expect(s.zoneinfo.nr_free).toEqual([1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 43]);
		expect(s.zoneinfo.free).toBe(45047);
		expect(describeZone(s)).toMatch(/^zone Normal: pages free 45047, .*, nr_free 1 1 1 0 1 1 1 1 1 1 43$/);
	});

	it('prints the group line and the column names, then one row per interval', () => {
		expect(lines.slice(2, 4)).toEqual([groups, names]);
		expect(groups).toMatch(/memory \(MiB\)/);
		expect(groups).toMatch(/pages\/s/);
		expect(rows).toHaveLength(12);
	});

	it('ends every cell where its column name ends, whatever the values', () => {
		// Where each column ends in the names line; every row is the same width and ends its cells there.
		const ends = [...names!.matchAll(/\S+/g)].map((m) => m.index! + m[0].length);
		for (const row of rows) {
			expect(row.length, row).toBe(names!.length);
			expect(
				[...row.matchAll(/\S+/g)].map((m) => m.index! + m[0].length),
				row,
			).toEqual(ends);
		}
		expect(groups!.length).toBe(names!.length);
	});

	it('prints every size one way (MiB, one decimal), rates as whole numbers, PSI with two decimals', () => {
		const swapping = rows.filter((r) => Number(r.trim().split(/ +/)[5]) > 0);
		expect(swapping.length).toBeGreaterThan(0);
		for (const row of rows) {
			const cells = row.trim().split(/ +/);
			expect(
				cells.slice(0, 6).every((c) => /^\d+\.\d$/.test(c)),
				row,
			).toBe(true);
			expect(
				cells.slice(6, 11).every((c) => /^\d+$/.test(c)),
				row,
			).toBe(true);
			expect(
				cells.slice(11, 13).every((c) => /^\d+\.\d\d$/.test(c)),
				row,
			).toBe(true);
		}
		// The process table too: RSS, SWAP, ZSWAP and WSS in MiB with one decimal, in aligned columns.
		expect(table[0]).toMatch(/RSS MiB SWAP MiB ZSWP MiB {2}WSS MiB/);
		for (const row of table.slice(1)) {
			const cells = row.trim().split(/ +/);
			expect(
				cells.slice(3, 7).every((c) => /^\d+\.\d$/.test(c)),
				row,
			).toBe(true);
			expect(row.length).toBe(table[0]!.length);
		}
	});
});

describe('headless JSON', () => {
	it('carries zoneinfo in pages, whose free is MemFree and whose managed is MemTotal', async () => {
		const w = workload([group('small', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]})], {
			ram: 192 * MIB,
		});
		const lines: string[] = [];
		await runHeadless(new Stepper(new Machine(w, {seed: 1})), {
			duration: 2,
			interval: 1,
			json: true,
			write: (line) => lines.push(line),
		});
		for (const line of lines) {
			const o = JSON.parse(line);
			expect(Object.keys(o.zoneinfo)).toEqual([
				'free',
				'boost',
				'min',
				'low',
				'high',
				'spanned',
				'present',
				'managed',
				'nr_free',
			]);
			// nr_free per order is /proc/buddyinfo's row, and its blocks add up to the free pages.
			expect(o.zoneinfo.nr_free).toEqual(o.buddyinfo);
			expect(
				o.zoneinfo.nr_free.reduce((sum: number, n: number, order: number) => sum + n * 2 ** order, 0),
			).toBe(o.zoneinfo.free);
			expect(o.zoneinfo.free * 4).toBe(o.meminfo.MemFree);
			expect(o.zoneinfo.managed * 4).toBe(o.meminfo.MemTotal);
			expect(o.zoneinfo.min).toBeLessThan(o.zoneinfo.low);
			expect(o.zoneinfo.low).toBeLessThan(o.zoneinfo.high);
		}
	});
});

describe('headless notes', () => {
	const narrated = {
		...workload([group('small', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]})], {
			ram: 192 * MIB,
		}),
		notes: [{at: 1.5, text: 'watch \u001b[2J free memory'}],
	};

	it('prints a note as a line of the event log at its time, escaped', async () => {
		const lines: string[] = [];
		await runHeadless(new Stepper(new Machine(narrated, {seed: 1})), {
			duration: 3,
			interval: 1,
			json: false,
			write: (line) => lines.push(line),
		});
		expect(lines.filter((l) => l.includes('note:'))).toEqual(['  [    1.50] note: watch \\e[2J free memory']);
	});

	it('carries a note in the JSON events', async () => {
		const lines: string[] = [];
		await runHeadless(new Stepper(new Machine(narrated, {seed: 1})), {
			duration: 3,
			interval: 1,
			json: true,
			write: (line) => lines.push(line),
		});
		const notes = lines.flatMap((l) => JSON.parse(l).events.filter((e: {kind: string}) => e.kind === 'note'));
		expect(notes).toEqual([{kind: 'note', tick: 150, text: 'watch \u001b[2J free memory'}]);
	});
});
