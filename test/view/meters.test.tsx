// Every header meter at 80 and 120 columns, whole lines compared exactly (FORCE_COLOR=0).

import type {ReactElement} from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {SessionStatus} from '../../source/session/types.js';
import {ClockMeter} from '../../source/view/meters/clock-meter.js';
import {FaultsMeter, SwapIoMeter} from '../../source/view/meters/faults-meter.js';
import {KswapdMeter} from '../../source/view/meters/kswapd-meter.js';
import {LruMeter, lruSizes} from '../../source/view/meters/lru-meter.js';
import {
	dirtyPages,
	MemoryBreakdown,
	MemoryMeter,
	memorySegments,
	usedPages,
} from '../../source/view/meters/memory-meter.js';
import {PsiMeter} from '../../source/view/meters/psi-meter.js';
import {RunMeter} from '../../source/view/meters/run-meter.js';
import {SwapMeter} from '../../source/view/meters/swap-meter.js';
import {TasksMeter} from '../../source/view/meters/tasks-meter.js';
import {WatermarkMeter} from '../../source/view/meters/watermark-meter.js';
import {ZswapMeter} from '../../source/view/meters/zswap-meter.js';
import {type Rates, RateWindow, ZERO_RATES} from '../../source/view/rates.js';
import {FakeSession} from '../helpers/fake-session.js';
import {renderTty, type TtyRender} from '../helpers/ink-tty.js';
import {buildSnapshot, GIB_PAGES, MIB_PAGES} from '../helpers/snapshot-fixture.js';

const open: TtyRender[] = [];
afterEach(() => {
	for (const r of open.splice(0)) r.unmount();
});

async function frame(node: ReactElement, width: number): Promise<string> {
	const r = await renderTty(node, width, 24);
	open.push(r);
	return r.lastFrame();
}

const snapshot = buildSnapshot();
function fixtureRates(): Rates {
	const w = new RateWindow();
	w.ingest(buildSnapshot({time: 132}));
	return w.ingest(snapshot);
}
const rates = fixtureRates();
const status: SessionStatus = new FakeSession({snapshot}).status;

describe('MemoryMeter', () => {
	it('fills the bar with everything but free memory and shows used (without cache) over total', async () => {
		expect(await frame(<MemoryMeter snapshot={snapshot} width={80} />, 80)).toBe(
			`Mem[${'|'.repeat(64)}3.22G/4.00G]`,
		);
		expect(await frame(<MemoryMeter snapshot={snapshot} width={120} />, 120)).toBe(
			`Mem[${'|'.repeat(104)}3.22G/4.00G]`,
		);
	});

	it('leaves free memory empty: half the RAM free is half a bar', async () => {
		const half = buildSnapshot({free: 2 * GIB_PAGES});
		// anon 2.96G + shm + zpool + kernel leave ~0.7G; the page cache takes what is left.
		const line = await frame(<MemoryMeter snapshot={half} width={80} />, 80);
		expect(line).toMatch(/^Mem\[\|+ +3\.22G\/4\.00G\]$/);
		expect(line.length).toBe(80);
	});

	it('splits frames into segments that add up, dirty cache from meminfo Dirty', () => {
		const segments = memorySegments(snapshot);
		expect(segments.map((s) => s.colour)).toEqual(['green', 'magenta', 'cyan', 'blue', 'red', 'yellow']);
		expect(dirtyPages(snapshot)).toBe(24 * MIB_PAGES);
		expect(segments.reduce((n, s) => n + s.value, 0) + snapshot.frames.free).toBe(snapshot.totalPages);
		expect(usedPages(snapshot)).toBe(
			snapshot.frames.anon + snapshot.frames.shmem + snapshot.frames.zpool + snapshot.frames.kernel,
		);
	});
});

describe('MemoryBreakdown', () => {
	it('names each segment with its size', async () => {
		const expected = '    anon 2.96G  cache 731M  dirty 24.0M  shm 128M  kern 96.0M  zpool 34.0M';
		expect(await frame(<MemoryBreakdown snapshot={snapshot} width={80} />, 80)).toBe(expected);
		expect(await frame(<MemoryBreakdown snapshot={snapshot} width={120} />, 120)).toBe(expected);
	});

	it('drops the last figures when narrow', async () => {
		expect(await frame(<MemoryBreakdown snapshot={snapshot} width={40} />, 80)).toBe(
			'anon 2.96G cache 731M dirty 24.0M',
		);
	});
});

describe('WatermarkMeter', () => {
	it('marks min, low and high on a bar scaled to twice the high watermark', async () => {
		expect(await frame(<WatermarkMeter snapshot={snapshot} width={80} />, 80)).toBe(
			'Wmk[|||||||||m||l|h||||||||||||||] free 72.0M avail 657M m/l/h 16.0M/20.0M/24.0M',
		);
		expect(await frame(<WatermarkMeter snapshot={snapshot} width={120} />, 120)).toBe(
			`Wmk[${'|'.repeat(23)}m||||l|||||h${'|'.repeat(34)}] free 72.0M avail 657M m/l/h 16.0M/20.0M/24.0M`,
		);
	});

	it('shows free below min as a short bar', async () => {
		const low = buildSnapshot({free: 8 * MIB_PAGES});
		expect(await frame(<WatermarkMeter snapshot={low} width={80} />, 80)).toBe(
			'Wmk[|||||    m  l h              ] free 8.00M avail 644M m/l/h 16.0M/20.0M/24.0M',
		);
	});

	it('with a watermark boost, marks the boosted min/low/high and says how big the boost is', async () => {
		// boost 2 MiB (a pageblock): the marks allocation sees are 16+2, 20+2, 24+2 MiB.
		const b = 2 * MIB_PAGES;
		const boosted = {
			...snapshot,
			watermarks: {min: 18 * MIB_PAGES, low: 22 * MIB_PAGES, high: 26 * MIB_PAGES, boost: b},
		};
		expect(await frame(<WatermarkMeter snapshot={boosted} width={120} />, 120)).toMatch(
			/ m\/l\/h 18\.0M\/22\.0M\/26\.0M boost 2\.00M$/,
		);
	});

	it('keeps the bar and drops the figures on a narrow terminal', async () => {
		expect(await frame(<WatermarkMeter snapshot={snapshot} width={40} />, 80)).toBe(
			'Wmk[||||mlh||||||] free 72.0M avail 657M',
		);
	});
});

describe('SwapMeter', () => {
	it('shows used swap over the device size', async () => {
		expect(await frame(<SwapMeter snapshot={snapshot} width={80} />, 80)).toBe(
			`Swp[${'|'.repeat(15)}${' '.repeat(45)}nvme 412M/2.00G]`,
		);
		expect(await frame(<SwapMeter snapshot={snapshot} width={120} />, 120)).toBe(
			`Swp[${'|'.repeat(23)}${' '.repeat(77)}nvme 412M/2.00G]`,
		);
	});

	it('says so when there is no swap', async () => {
		const none = buildSnapshot({swap: {totalPages: 0, usedPages: 0, cachedPages: 0}});
		expect(await frame(<SwapMeter snapshot={none} width={80} />, 80)).toBe(`Swp[${' '.repeat(68)}no swap]`);
	});
});

describe('ZswapMeter', () => {
	it('shows the pool against its limit, stored→compressed, ratio and compressor', async () => {
		const expected = 'Zsw[|                34.0M/819M] 100M→34.0M 2.94x lz4';
		expect(await frame(<ZswapMeter snapshot={snapshot} width={80} mode="live" />, 80)).toBe(expected);
		expect(await frame(<ZswapMeter snapshot={snapshot} width={120} mode="live" />, 120)).toBe(expected);
	});

	it('flags FULL while the pool rejects pages', async () => {
		const full = buildSnapshot({
			zswap: {poolPages: 819 * MIB_PAGES, storedPages: 2400 * MIB_PAGES, full: true},
			free: 0,
		});
		expect(await frame(<ZswapMeter snapshot={full} width={80} mode="live" />, 80)).toBe(
			'Zsw[||||||||||||||||||819M/819M] 2.34G→819M 2.93x lz4  FULL',
		);
	});

	it('says off when zswap is disabled', async () => {
		const off = buildSnapshot({zswap: {enabled: false, poolPages: 0, storedPages: 0}});
		expect(await frame(<ZswapMeter snapshot={off} width={80} mode="live" />, 80)).toBe(
			'Zsw off  (z turns zswap on)',
		);
		expect(await frame(<ZswapMeter snapshot={off} width={80} mode="paused" />, 80)).toBe(
			'Zsw off  (z turns zswap on)',
		);
		// Replay refuses the keys that change the machine, z among them: no hint offers it.
		expect(await frame(<ZswapMeter snapshot={off} width={80} mode="replay" />, 80)).toBe('Zsw off');
	});

	it('off with pages still in the pool: shows the pool draining', async () => {
		const draining = buildSnapshot({
			zswap: {enabled: false, poolPages: 10, poolBytes: 12.5 * 1024 * 1024, storedPages: 9000},
		});
		expect(await frame(<ZswapMeter snapshot={draining} width={80} mode="live" />, 80)).toBe(
			'Zsw off · draining 12.5M (9000 pages)',
		);
	});

	it('shows the zram device instead when swap is zram and zswap is off', async () => {
		const zram = buildSnapshot({
			zswap: {enabled: false, poolPages: 0, storedPages: 0},
			zram: {storedPages: 600 * MIB_PAGES, comprBytes: 200 * 1024 * 1024, memLimitBytes: 1024 * 1024 * 1024},
		});
		expect(await frame(<ZswapMeter snapshot={zram} width={80} mode="live" />, 80)).toBe(
			'Zrm[|||||            200M/1.00G] 600M→200M 3.00x',
		);
	});
});

describe('PsiMeter', () => {
	it('shows some and full avg10/60/300', async () => {
		const expected = 'PSI some 12.34  8.21  2.10  full  3.20  1.00  0.21  % avg10/60/300';
		expect(await frame(<PsiMeter snapshot={snapshot} width={80} />, 80)).toBe(expected);
		expect(await frame(<PsiMeter snapshot={snapshot} width={120} />, 120)).toBe(expected);
	});
});

describe('KswapdMeter', () => {
	it('shows state, scan and steal rates, efficiency and direct reclaim', async () => {
		const expected = 'kswapd0 reclaiming  scan 10.0k/s  steal 8.0k/s  eff 80%  direct 800/s';
		expect(await frame(<KswapdMeter snapshot={snapshot} rates={rates} width={80} />, 80)).toBe(expected);
		expect(await frame(<KswapdMeter snapshot={snapshot} rates={rates} width={120} />, 120)).toBe(expected);
	});

	it('shows a sleeping kswapd with no efficiency to speak of, and its failures', async () => {
		const asleep = buildSnapshot({kswapd: {state: 'sleeping', failures: 3}});
		expect(await frame(<KswapdMeter snapshot={asleep} rates={ZERO_RATES} width={80} />, 80)).toBe(
			'kswapd0 sleeping    scan 0/s  steal 0/s  eff -  direct 0/s  failures 3',
		);
	});
});

describe('FaultsMeter and SwapIoMeter', () => {
	it('shows minor, major, swap-in/out and refault rates', async () => {
		const expected = 'Flt min 12.9k/s  maj 120/s  Swap in 80/s  out 450/s  refault 34/s';
		expect(await frame(<FaultsMeter rates={rates} width={80} />, 80)).toBe(expected);
		expect(await frame(<FaultsMeter rates={rates} width={120} />, 120)).toBe(expected);
		expect(await frame(<FaultsMeter rates={rates} width={60} withSwap={false} />, 80)).toBe(
			'Flt min 12.9k/s  maj 120/s  refault 34/s',
		);
	});

	it('shows swap and zswap traffic on its own line', async () => {
		const expected = 'Swap in 80/s  out 450/s  zswap in 0/s  out 0/s  wb 0/s';
		expect(await frame(<SwapIoMeter rates={rates} width={80} />, 80)).toBe(expected);
		expect(await frame(<SwapIoMeter rates={rates} width={120} />, 120)).toBe(expected);
	});
});

describe('TasksMeter', () => {
	it('counts tasks, running, OOM kills and stalled processes', async () => {
		const expected = 'Tasks 8, 2 running  OOM kills 1  3 stalled';
		expect(await frame(<TasksMeter snapshot={snapshot} width={80} />, 80)).toBe(expected);
		expect(await frame(<TasksMeter snapshot={snapshot} width={120} />, 120)).toBe(expected);
	});
});

describe('ClockMeter and RunMeter', () => {
	it('shows uptime, speed, run state and the run', async () => {
		const expected = 'Up 0:02:13 ×1 running  web-server  seed 42  policy lru  swappiness 60';
		expect(await frame(<ClockMeter snapshot={snapshot} status={status} width={80} />, 80)).toBe(expected);
		expect(await frame(<ClockMeter snapshot={snapshot} status={status} width={120} />, 120)).toBe(expected);
		expect(await frame(<RunMeter snapshot={snapshot} status={status} width={80} />, 80)).toBe(
			'Run web-server  seed 42  policy lru  swappiness 60',
		);
	});

	it('shows paused, max speed and recording', async () => {
		const paused = {
			...status,
			paused: true,
			speed: Number.POSITIVE_INFINITY,
			recordingPath: '/tmp/run.memtop',
		};
		expect(
			await frame(<ClockMeter snapshot={snapshot} status={paused} width={120} withRun={false} />, 120),
		).toBe('Up 0:02:13.00 max paused  ● REC');
		// Paused, the clock shows the tick that `.` steps (issue 17 item 20): 13,305 ticks = 2:13.05.
		expect(
			await frame(
				<ClockMeter snapshot={{...snapshot, tick: 13_305}} status={paused} width={120} withRun={false} />,
				120,
			),
		).toBe('Up 0:02:13.05 max paused  ● REC');
	});

	it('says when the machine cannot keep up with the speed asked', async () => {
		const behind = {...status, speed: 10, achievedSpeed: 2.3};
		expect(
			await frame(<ClockMeter snapshot={snapshot} status={behind} width={120} withRun={false} />, 120),
		).toBe('Up 0:02:13 ×10 asked, ×2.3 achieved running');
		// Paused, nothing is achieved or asked of it.
		expect(
			await frame(
				<ClockMeter snapshot={snapshot} status={{...behind, paused: true}} width={120} withRun={false} />,
				120,
			),
		).toBe('Up 0:02:13.00 ×10 paused');
	});

	it('shows REPLAY with position and end', async () => {
		const replay: SessionStatus = {
			...status,
			mode: 'replay',
			speed: 2,
			replay: {tick: 8300, endTick: 30_000, markers: [], divergence: null, file: 'run.memtop'},
		};
		expect(
			await frame(<ClockMeter snapshot={snapshot} status={replay} width={120} withRun={false} />, 120),
		).toBe('REPLAY 0:01:23/0:05:00 ×2 playing');
	});
});

describe('LruMeter', () => {
	it('shows the active and inactive lists and the traffic between them (issue 17.17)', async () => {
		expect(await frame(<LruMeter snapshot={snapshot} rates={rates} width={120} />, 120)).toBe(
			'LRU act/inact anon 2.06G/1.03G  file 292M/439M  pgactivate 1.5k/s  pgdeactivate 900/s  workingset_activate 10/s',
		);
		expect(await frame(<LruMeter snapshot={snapshot} rates={rates} width={80} />, 80)).toBe(
			'LRU act/inact anon 2.06G/1.03G  file 292M/439M  pgactivate 1.5k/s',
		);
		expect(lruSizes(snapshot).activeAnon * 4).toBe(snapshot.meminfo['Active(anon)']);
	});
});

describe('meter ids', () => {
	it('the ids a config may name are exactly the registry’s meters', async () => {
		const {METERS, METER_IDS} = await import('../../source/view/meters/registry.js');
		expect(METERS.map((m) => m.id).sort()).toEqual([...METER_IDS].sort());
	});
});
