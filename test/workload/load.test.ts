import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {packageRoot} from '../../source/common/package.js';
import {UserError} from '../../source/common/user-error.js';
import {GIB} from '../../source/sim/units.js';
import {
	firstCommentLine,
	isWorkloadPath,
	listShippedWorkloads,
	loadWorkload,
	parseWorkload,
} from '../../source/workload/load.js';

const SHIPPED = [
	'default',
	'bgsave',
	'cache-flood',
	'container-limit',
	'desktop-freeze',
	'fragmentation',
	'leak',
	'memory-high',
	'noisy-neighbour',
	'protected',
	'segfault',
	'shared-libs',
	'thp-db',
	'thrash',
	'tlb-reach',
	'writeback',
	'zswap',
];

/** The one-line message parseWorkload throws for `text`. */
function errorOf(text: string, label = 'box.yaml'): string {
	try {
		parseWorkload(text, label);
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(2);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		return message;
	}
	throw new Error('expected the workload to be rejected');
}

const GOOD = `# A tiny box for tests
machine:
  ram: 1G
processes:
  - name: app
    rate: 1000
    regions:
      - {name: heap, kind: anon, size: 64M}
    streams:
      - {region: heap, pattern: random}
`;

/** GOOD with one line replaced (1-based). */
function withLine(line: number, text: string): string {
	const lines = GOOD.split('\n');
	lines[line - 1] = text;
	return lines.join('\n');
}

describe('shipped workloads', () => {
	it('all load, by name', () => {
		const listed = listShippedWorkloads();
		expect(listed.map((w) => w.name)).toEqual(SHIPPED);
		for (const {name, description, file} of listed) {
			const workload = loadWorkload(name);
			expect(workload.name).toBe(name);
			expect(workload.processes.length).toBeGreaterThan(0);
			expect(description.length).toBeGreaterThan(10);
			expect(file).toBe(join(packageRoot(), 'workloads', `${name}.yaml`));
			// RAM stays modest so the simulator runs fast.
			expect(workload.machine.ram).toBeLessThanOrEqual(4 * GIB);
			for (const group of workload.processes) {
				expect(group.rate).toBeLessThanOrEqual(50_000);
			}
		}
	});

	it('load by path too', () => {
		expect(loadWorkload(join(packageRoot(), 'workloads', 'thrash.yaml')).name).toBe('thrash');
		expect(loadWorkload('workloads/leak.yaml').name).toBe('leak');
	});

	it('each opens with several comment lines on what to watch', () => {
		for (const name of SHIPPED) {
			const {file} = listShippedWorkloads().find((w) => w.name === name)!;
			const text = readFileSync(file, 'utf8');
			const opening = text.split('\n').slice(0, 5);
			expect(
				opening.every((line) => line.startsWith('#')),
				name,
			).toBe(true);
			expect(text).toMatch(/What to watch/);
		}
	});

	it('the scenarios are shaped as their names say', () => {
		const defaults = loadWorkload('default');
		const hot = defaults.processes.reduce(
			(sum, g) => sum + g.count * g.regions.reduce((s, r) => s + (r.kind === 'anon' ? r.size : 0), 0),
			0,
		);
		expect(hot).toBeLessThan(defaults.machine.ram / 2);
		expect(loadWorkload('thrash').machine.swap.device).toBe('hdd');
		expect(loadWorkload('leak').processes.some((g) => g.streams.some((s) => s.pattern === 'grow'))).toBe(
			true,
		);
		expect(
			loadWorkload('cache-flood').processes.some((g) => g.streams.some((s) => s.pattern === 'stream')),
		).toBe(true);
		expect(loadWorkload('zswap').machine.zswap).toMatchObject({enabled: true, compressor: 'lz4'});
		const protectedBox = loadWorkload('protected');
		expect(protectedBox.processes.some((g) => g.oom_score_adj === -1000)).toBe(true);
	});

	it('an unknown name is a UserError listing the shipped ones', () => {
		expect(() => loadWorkload('nope')).toThrow(
			new UserError(
				"unknown workload 'nope' (shipped: default, bgsave, cache-flood, container-limit, desktop-freeze, fragmentation, leak, memory-high, noisy-neighbour, protected, segfault, shared-libs, thp-db, thrash, tlb-reach, writeback, zswap; or give a path to a .yaml file)",
			),
		);
	});
});

describe('names and paths', () => {
	it('tells names from paths', () => {
		expect(isWorkloadPath('thrash')).toBe(false);
		expect(isWorkloadPath('my.yaml')).toBe(true);
		expect(isWorkloadPath('my.yml')).toBe(true);
		expect(isWorkloadPath('./x')).toBe(true);
	});

	it('names a workload after its file, describes it by its first comment', () => {
		const w = parseWorkload(GOOD, 'some/dir/tiny-box.yaml');
		expect(w.name).toBe('tiny-box');
		expect(w.description).toBe('A tiny box for tests');
		const named = parseWorkload(`name: other\ndescription: Says so\n${GOOD}`, 'x.yaml');
		expect(named.name).toBe('other');
		expect(named.description).toBe('Says so');
		expect(firstCommentLine('\n#\n#  What it does  \nmachine: {}')).toBe('What it does');
		expect(firstCommentLine('machine: {} # late')).toBeUndefined();
	});
});

describe('YAML features', () => {
	it('anchors and merge keys reuse a process', () => {
		const text = `machine: {ram: 1G}
processes:
  - &batch
    name: batch
    rate: 1000
    regions: [{name: heap, size: 64M}]
    streams: [{region: heap, pattern: random}]
  - <<: *batch
    start: 20s
  - <<: *batch
    start: 40s
    rate: lots
`;
		expect(errorOf(text)).toBe(
			'box.yaml:12: processes[2].rate: expected a number from 0 to 1000000, got "lots"',
		);
		const w = parseWorkload(text.replace('    rate: lots\n', ''), 'box.yaml');
		expect(w.processes.map((p) => [p.name, p.start, p.rate])).toEqual([
			['batch', 0, 1000],
			['batch', 20, 1000],
			['batch', 40, 1000],
		]);
	});
});

describe('errors: one line, FILE:LINE: field: expected ..., got ...', () => {
	it('a bad size', () => {
		expect(errorOf(withLine(3, '  ram: 4X'))).toBe(
			'box.yaml:3: machine.ram: expected a size like 512M, 4G or 64K (or a number of bytes), got "4X"',
		);
	});

	it('a value out of range', () => {
		expect(errorOf(withLine(3, '  ram: 1G\n  sysctl: {swappiness: 250}'))).toBe(
			'box.yaml:4: machine.sysctl.swappiness: expected an integer from 0 to 200, got 250',
		);
		expect(errorOf(withLine(6, '    rate: 1000\n    oom_score_adj: -1001'))).toBe(
			'box.yaml:7: processes[0].oom_score_adj: expected an integer from -1000 to 1000, got -1001',
		);
	});

	it('an unknown key, with a did-you-mean hint when one is close', () => {
		expect(errorOf(withLine(3, '  ram: 1G\n  sysctl:\n    swapiness: 10'))).toBe(
			'box.yaml:5: machine.sysctl.swapiness: unknown key (did you mean swappiness?)',
		);
		expect(errorOf(withLine(3, '  ram: 1G\n  colour: blue'))).toBe(
			'box.yaml:4: machine.colour: unknown key (expected one of ram, cpus, kernel, disk, swap, zswap, sysctl or policy)',
		);
		expect(errorOf(withLine(6, '    rate: 1000\n    oomScoreAdj: 5'))).toBe(
			'box.yaml:7: processes[0].oomScoreAdj: unknown key (did you mean oom_score_adj?)',
		);
	});

	it('a stream naming a region the process does not have', () => {
		expect(errorOf(withLine(10, '      - {region: heep, pattern: random}'))).toBe(
			`box.yaml:10: processes[0].streams[0].region: expected one of this process's regions (heap), got "heep" (did you mean heap?)`,
		);
	});

	it('a bad enum value', () => {
		expect(errorOf(withLine(10, '      - {region: heap, pattern: zipff}'))).toBe(
			'box.yaml:10: processes[0].streams[0].pattern: expected sequential, random, zipf, shifting, grow, stream or wild, got "zipff" (did you mean zipf?)',
		);
	});

	it('a missing field is reported at its parent', () => {
		expect(errorOf(GOOD.replace('    rate: 1000\n', ''))).toBe(
			'box.yaml:5: processes[0].rate: expected a number from 0 to 1000000, got nothing',
		);
		expect(errorOf('# nothing but a comment\nprocesses: []\n')).toBe(
			'box.yaml: machine: expected a mapping of machine settings like {ram: 4G}, got nothing (+1 more)',
		);
	});

	it('kill takes a pid, not a name', () => {
		expect(errorOf(`${GOOD}events:\n  - {at: 1m, kill: app}\n`)).toBe(
			'box.yaml:12: events[0].kill: expected a pid (an integer: workload processes get pids from 100 in the order they are listed), got "app"',
		);
	});

	it('several problems: the first in the file, and how many more', () => {
		expect(errorOf(withLine(3, '  ram: 4X\n  cpus: 0\n  disk: floppy'))).toBe(
			'box.yaml:3: machine.ram: expected a size like 512M, 4G or 64K (or a number of bytes), got "4X" (+2 more)',
		);
	});

	it('YAML syntax errors', () => {
		expect(errorOf('machine: {ram: 4G\nprocesses: []\n')).toBe(
			'box.yaml:2: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }',
		);
		expect(errorOf('machine:\n  ram: 4G\n  ram: 2G\n')).toBe(
			'box.yaml:3: invalid YAML: Map keys must be unique',
		);
		expect(errorOf('a: 1\n---\nb: 2\n')).toBe(
			'box.yaml:2: invalid YAML: a workload file holds one YAML document, found a second one',
		);
	});

	it('a file that is not a mapping', () => {
		expect(errorOf('')).toBe('box.yaml: expected a mapping with machine: and processes:, got an empty value');
		expect(errorOf('# hi\n- a\n- b\n')).toBe(
			'box.yaml:2: expected a mapping with machine: and processes:, got a list',
		);
	});

	describe('files', () => {
		const dir = mkdtempSync(join(tmpdir(), 'memtop-workload-'));
		afterAll(() => rmSync(dir, {recursive: true, force: true}));

		it('an unreadable file', () => {
			const missing = join(dir, 'missing.yaml');
			expect(() => loadWorkload(missing)).toThrow(new UserError(`${missing}: cannot read: no such file`));
			expect(() => loadWorkload(dir)).toThrow(new UserError(`${dir}: cannot read: is a directory`));
		});

		it('names the file as it was given', () => {
			const file = join(dir, 'bad.yaml');
			writeFileSync(file, withLine(3, '  ram: lots'));
			expect(() => loadWorkload(file)).toThrow(
				new UserError(
					`${file}:3: machine.ram: expected a size like 512M, 4G or 64K (or a number of bytes), got "lots"`,
				),
			);
			writeFileSync(file, GOOD);
			expect(loadWorkload(file).name).toBe('bad');
		});
	});
});

describe('YAML the parser would warn about (issue 15 fuzz)', () => {
	it('a list as a key is refused as an unknown key, with no Node warning on the terminal', () => {
		const spy = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
		try {
			const text = 'name: x\nmachine: {ram: 1G}\n? [complex, key]\n: value\nprocesses: []\n';
			expect(() => parseWorkload(text, 'complex.yaml', null)).toThrow(
				/^complex\.yaml: \[ complex, key \]: unknown key/,
			);
			expect(spy).not.toHaveBeenCalled();
		} finally {
			spy.mockRestore();
		}
	});
});
