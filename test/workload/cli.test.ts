import {describe, expect, it} from 'vitest';
import {validateCommand, validateHelp} from '../../source/cli/validate.js';
import {workloadsCommand, workloadsHelp} from '../../source/cli/workloads.js';
import {UserError} from '../../source/common/user-error.js';

function collector() {
	const out: string[] = [];
	const err: string[] = [];
	return {
		io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}},
		stdout: () => out.join(''),
		stderr: () => err.join(''),
	};
}

describe('memtop validate', () => {
	it('summarises each good file', async () => {
		const c = collector();
		expect(await validateCommand(['thrash', 'workloads/zswap.yaml'], c.io)).toBe(0);
		expect(c.stdout()).toBe(
			'workloads/thrash.yaml: ok (thrash: 4 processes, RAM 2 GiB, swap 2 GiB hdd, zswap off)\n' +
				'workloads/zswap.yaml: ok (zswap: 5 processes, RAM 2 GiB, swap 2 GiB ssd, zswap on (lz4, 20%))\n',
		);
		expect(c.stderr()).toBe('');
	});

	it('throws a UserError for a bad file', async () => {
		const c = collector();
		await expect(validateCommand(['nope/missing.yaml'], c.io)).rejects.toThrow(
			new UserError('nope/missing.yaml: cannot read: no such file'),
		);
	});

	it('prints help, rejects unknown options and missing arguments', async () => {
		const c = collector();
		expect(await validateCommand(['--help'], c.io)).toBe(0);
		expect(c.stdout()).toBe(`${validateHelp.replace(/^\n/, '')}\n`);
		expect(c.stdout()).toMatch(/Usage\n {4}\$ memtop validate <workload>/);
		expect(c.stdout()).toMatch(/Options\n/);
		expect(c.stdout()).toMatch(/Examples\n/);
		await expect(validateCommand(['--strict', 'thrash'], c.io)).rejects.toThrow(
			new UserError('validate: unknown option --strict (see memtop validate --help)'),
		);
		await expect(validateCommand([], c.io)).rejects.toThrow(UserError);
	});
});

describe('memtop workloads', () => {
	it('lists the shipped workloads, one per line', async () => {
		const c = collector();
		expect(await workloadsCommand([], c.io)).toBe(0);
		const lines = c.stdout().trimEnd().split('\n');
		expect(lines.map((line) => line.split(' ')[0])).toEqual([
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
		]);
		expect(lines[0]).toMatch(
			/^default +RAM 2 GiB +swap 2 GiB ssd +7 processes +A calm, busy, healthy 2 GiB machine/,
		);
		expect(lines.find((line) => line.startsWith('thrash'))).toMatch(/RAM 2 GiB +swap 2 GiB hdd +4 processes/);
	});

	it('has help and takes no arguments', async () => {
		const c = collector();
		expect(await workloadsCommand(['-h'], c.io)).toBe(0);
		expect(c.stdout()).toContain('$ memtop workloads');
		expect(workloadsHelp).toContain('Examples');
		await expect(workloadsCommand(['thrash'], c.io)).rejects.toThrow(
			new UserError("workloads: expected no arguments, got 'thrash'"),
		);
	});
});
