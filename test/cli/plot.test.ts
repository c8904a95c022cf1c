// memtop plot: a headless JSON run and a recording drawn as SVG, the chart read back (its polylines
// through each panel's own scale) and checked against the run's numbers; bad input is one line, exit 2.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {runHeadless} from '../../source/cli/headless.js';
import {autoInterval, plotCommand} from '../../source/cli/plot.js';
import {UserError} from '../../source/common/user-error.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {Stepper} from '../../source/record/stepper.js';
import {Machine} from '../../source/sim/machine.js';
import {TICKS_PER_SECOND} from '../../source/sim/units.js';
import {group, MIB, workload} from '../helpers/workload.js';

const dir = mkdtempSync(join(tmpdir(), 'memtop-plot-'));

/** A hog that outgrows a small machine with a little swap: swapping in a second, killed in about two. */
const oomWorkload = workload(
	[
		group('sshd', {
			rate: 5000,
			oom_score_adj: -1000,
			regions: [{name: 'heap', kind: 'anon', size: MIB}],
			streams: [{region: 'heap', pattern: 'random', weight: 1}],
		}),
		group('hog', {
			rate: 1000,
			regions: [
				{name: 'work', kind: 'anon', size: MIB},
				{name: 'leak', kind: 'anon', size: 64 * MIB},
			],
			streams: [
				{region: 'work', pattern: 'random', weight: 1},
				{region: 'leak', pattern: 'grow', weight: 1, grow: 16 * MIB},
			],
		}),
	],
	{ram: 32 * MIB, kernel: 8 * MIB, swap: {size: 0, device: 'ssd'}},
);

interface Line {
	t: number;
	meminfo: {MemFree: number};
	psi: {some: {avg10: number}; full: {avg10: number}};
	vmstat: Record<string, number>;
	events: {kind: string; tick: number; pid: number; name: string}[];
}

function io() {
	const out: string[] = [];
	const err: string[] = [];
	return {
		out,
		err,
		io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}},
	};
}

interface Panel {
	x0: number;
	x1: number;
	y0: number;
	y1: number;
	max: number;
	series: Map<string, [number, number][]>;
}

/** Each panel's scale and its series' points mapped back to [seconds, value]. */
function readChart(svg: string): {panels: Map<string, Panel>; markers: {t: number; label: string}[]} {
	const root = svg.match(/<svg [^>]*data-t0="([\d.]+)" data-t1="([\d.]+)"/)!;
	const t0 = Number(root[1]);
	const t1 = Number(root[2]);
	const panels = new Map<string, Panel>();
	for (const g of svg.matchAll(/<g class="panel" ([^>]*)>([\s\S]*?)<\/g>/g)) {
		const attr = (name: string) => Number(g[1]!.match(new RegExp(`data-${name}="([^"]*)"`))![1]);
		const id = g[1]!.match(/data-panel="([^"]*)"/)![1]!;
		const p: Panel = {
			x0: attr('x0'),
			x1: attr('x1'),
			y0: attr('y0'),
			y1: attr('y1'),
			max: attr('max'),
			series: new Map(),
		};
		for (const s of g[2]!.matchAll(/<polyline class="series" data-series="([^"]*)"[^>]* points="([^"]*)"/g)) {
			const points = s[2]!.split(' ').map((pair) => {
				const [x, y] = pair.split(',').map(Number) as [number, number];
				return [t0 + ((x - p.x0) / (p.x1 - p.x0)) * (t1 - t0), ((p.y0 - y) / (p.y0 - p.y1)) * p.max] as [
					number,
					number,
				];
			});
			p.series.set(s[1]!, points);
		}
		panels.set(id, p);
	}
	const markers = [
		...svg.matchAll(/<g class="marker" data-t="([\d.]+)">[\s\S]*?<text [^>]*>([^<]*)<\/text>/g),
	].map((m) => ({t: Number(m[1]), label: m[2]!}));
	return {panels, markers};
}

/** Half a hundredth of a pixel, in the panel's unit: what two decimals of a coordinate can lose. */
const slack = (p: Panel) => (0.006 * p.max) / (p.y0 - p.y1);
const tSlack = (p: Panel, span: number) => (0.006 * span) / (p.x1 - p.x0);

describe('memtop plot of a headless JSON run', () => {
	const file = join(dir, 'oom.jsonl');
	const out = join(dir, 'oom.svg');
	let lines: Line[] = [];
	let svg = '';
	beforeAll(async () => {
		const text: string[] = [];
		await runHeadless(new Stepper(new Machine(oomWorkload, {seed: 1})), {
			duration: 4,
			interval: 0.25,
			json: true,
			write: (l) => text.push(l),
		});
		writeFileSync(file, `${text.join('\n')}\n`);
		lines = text.map((l) => JSON.parse(l) as Line);
		const c = io();
		expect(await plotCommand([file, '--out', out], c.io)).toBe(0);
		expect(c.err.join('')).toMatch(
			/^memtop: plotted 16 samples and 1 OOM kill of .*oom\.jsonl to .*oom\.svg\n$/,
		);
		svg = readFileSync(out, 'utf8');
	});

	it('draws free memory through the run: every point is a sample, MemFree in MiB', () => {
		const {panels} = readChart(svg);
		const free = panels.get('free')!;
		const points = free.series.get('free')!;
		expect(points).toHaveLength(lines.length);
		const span = lines.at(-1)!.t;
		points.forEach(([t, v], i) => {
			expect(Math.abs(t - lines[i]!.t)).toBeLessThanOrEqual(tSlack(free, span));
			expect(Math.abs(v - lines[i]!.meminfo.MemFree / 1024)).toBeLessThanOrEqual(slack(free));
		});
		// The run fills memory: free falls somewhere.
		expect(Math.min(...points.map(([, v]) => v))).toBeLessThan(points[0]![1]);
	});

	it('draws PSI some and full, and major faults as rates between samples', () => {
		const {panels} = readChart(svg);
		const psi = panels.get('psi')!;
		psi.series.get('psi-some')!.forEach(([, v], i) => {
			expect(Math.abs(v - lines[i]!.psi.some.avg10)).toBeLessThanOrEqual(slack(psi));
		});
		expect(psi.series.get('psi-full')).toHaveLength(lines.length);
		const faults = panels.get('majfault')!;
		const rates = faults.series.get('majfault')!;
		expect(rates).toHaveLength(lines.length - 1);
		rates.forEach(([, v], i) => {
			const a = lines[i]!;
			const b = lines[i + 1]!;
			expect(Math.abs(v - (b.vmstat.pgmajfault! - a.vmstat.pgmajfault!) / (b.t - a.t))).toBeLessThanOrEqual(
				slack(faults),
			);
		});
		expect(panels.get('swap')!.series.has('swap-in')).toBe(true);
		expect(panels.get('swap')!.series.has('swap-out')).toBe(true);
	});

	it('marks the OOM kill at its time, labelled with the victim', async () => {
		const kills = lines.flatMap((l) => l.events.filter((e) => e.kind === 'oom-kill'));
		expect(kills).toHaveLength(1);
		const {markers} = readChart(svg);
		expect(markers).toEqual([
			{t: kills[0]!.tick / TICKS_PER_SECOND, label: `OOM kill: hog (${kills[0]!.pid})`},
		]);
		// A cgroup's kill says so; a victim's name is escaped and safe in the SVG.
		const memcg = {
			...lines[0]!,
			events: [{kind: 'oom-kill', tick: 50, pid: 7, name: 'a<b>\x1b', constraint: 'memcg'}],
		};
		const file = join(dir, 'memcg.jsonl');
		writeFileSync(file, `${JSON.stringify(memcg)}\n`);
		const c = io();
		await plotCommand([file, '--out', '-'], c.io);
		expect(readChart(c.out.join('')).markers).toEqual([{t: 0.5, label: 'memcg OOM kill: a&lt;b&gt;\\e (7)'}]);
	});

	it('has axes with units and a time axis in h:mm:ss', () => {
		expect(svg).toContain('>Free memory (MiB)<');
		expect(svg).toContain('>Memory pressure, PSI avg10 (%)<');
		expect(svg).toContain('>Swap (pages/s)<');
		expect(svg).toContain('>Major faults (/s)<');
		expect(svg).toMatch(/<text class="time"[^>]*>0:00:00<\/text>/);
		expect(svg).toMatch(/<text class="time"[^>]*>0:00:04<\/text>/);
	});
});

describe('memtop plot of a recording', () => {
	it('replays it without a screen and draws what a headless run of it prints', async () => {
		const path = join(dir, 'run.memtop.jsonl');
		const machine = new Machine(oomWorkload, {seed: 2});
		const recorder = JsonlRecorder.open({
			path,
			machine,
			hashInterval: 50,
			stateInterval: 200,
			version: '0.0.0-test',
		});
		const text: string[] = [];
		await runHeadless(new Stepper(machine, {recorder}), {
			duration: 3,
			interval: 1,
			json: true,
			write: (l) => text.push(l),
		});
		await recorder.close(machine);
		const c = io();
		expect(await plotCommand([path, '--out', '-'], c.io)).toBe(0);
		const svg = c.out.join('');
		expect(svg).toContain('<title>memtop: workload test, seed 2, policy');
		const free = readChart(svg).panels.get('free')!;
		const values = free.series.get('free')!.map(([, v]) => v);
		const expected = text.map((l) => (JSON.parse(l) as Line).meminfo.MemFree / 1024);
		expect(values).toHaveLength(expected.length);
		values.forEach((v, i) => {
			expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(slack(free));
		});
		// --interval samples it finer; a long recording gets about 3600 samples by default.
		const fine = io();
		expect(await plotCommand([path, '--interval', '0.5', '--out', '-'], fine.io)).toBe(0);
		expect(readChart(fine.out.join('')).panels.get('free')!.series.get('free')).toHaveLength(6);
		expect([autoInterval(3), autoInterval(3600), autoInterval(3601), autoInterval(7 * 86400)]).toEqual([
			1, 1, 2, 168,
		]);
	});
});

describe('memtop plot refuses bad input in one line, exit 2', () => {
	const refusal = async (argv: string[]): Promise<string> => {
		try {
			await plotCommand(argv, io().io);
		} catch (error) {
			expect(error).toBeInstanceOf(UserError);
			expect((error as UserError).exitCode).toBe(2);
			expect((error as Error).message.split('\n')).toHaveLength(1);
			return (error as Error).message;
		}
		throw new Error('no refusal');
	};

	it('a missing file, garbage, garbage JSON, a JSON line without its fields, no --out', async () => {
		const out = join(dir, 'x.svg');
		const missing = join(dir, 'none.jsonl');
		expect(await refusal([missing, '--out', out])).toBe(`${missing}: cannot read: no such file`);
		const garbage = join(dir, 'garbage.txt');
		writeFileSync(garbage, 'hello\nworld\n');
		expect(await refusal([garbage, '--out', out])).toBe(
			`${garbage}: not a memtop recording or headless JSON run (expected a recording, or the output of memtop run --headless --json)`,
		);
		const good =
			'{"t":1,"meminfo":{"MemFree":1024},"psi":{"some":{"avg10":0},"full":{"avg10":0}},"vmstat":{"pswpin":0,"pswpout":0,"pgmajfault":0},"events":[]}';
		const broken = join(dir, 'broken.jsonl');
		writeFileSync(broken, `${good}\n{"t": 2, "meminfo": \n`);
		expect(await refusal([broken, '--out', out])).toMatch(new RegExp(`^${broken}:2: not a JSON line`));
		const fields = join(dir, 'fields.jsonl');
		writeFileSync(fields, `${good}\n{"t": 2}\n`);
		expect(await refusal([fields, '--out', out])).toMatch(
			new RegExp(`^${fields}:2: meminfo.MemFree: expected a number`),
		);
		const empty = join(dir, 'empty.jsonl');
		writeFileSync(empty, '');
		expect(await refusal([empty, '--out', out])).toMatch(/empty file/);
		expect(await refusal([broken])).toBe('plot: expected --out FILE.svg (- for standard output)');
		expect(await refusal(['--out', out])).toMatch(/^plot: expected a RUN/);
		writeFileSync(join(dir, 'ok.jsonl'), `${good}\n`);
		expect(await refusal([join(dir, 'ok.jsonl'), '--out', join(dir, 'no', 'dir', 'x.svg')])).toBe(
			`${join(dir, 'no', 'dir', 'x.svg')}: cannot write: no such file`,
		);
	});
});
