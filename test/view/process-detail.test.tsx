import {describe, expect, it} from 'vitest';
import {
	badnessParts,
	detailLineCount,
	ProcessDetail,
	regionBar,
} from '../../source/view/panels/process-detail.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {buildSnapshot, MIB_PAGES, region} from '../helpers/snapshot-fixture.js';

autoUnmount();

const snapshot = buildSnapshot();
const java = snapshot.processes.find((p) => p.pid === 777)!;
const postgres = snapshot.processes.find((p) => p.pid === 412)!;
const growing = Array.from({length: 60}, (_, i) => (i + 1) * 1000);

describe('ProcessDetail', () => {
	it('shows sizes, faults, regions with bars and the oom_badness sum at 80 columns', async () => {
		const lines = await frameLines(
			<ProcessDetail pid={777} process={java} snapshot={snapshot} history={growing} width={80} height={16} />,
			80,
		);
		expect(lines).toEqual([
			` Process 777 (java)  swapin${' '.repeat(43)}Esc close`,
			'  RSS 1.17G = anon 1.17G + file 0 + shmem 0   VmSize 1.47G   PTEs 2.93M',
			'  Swap 300M (in zswap 100M)   WSS 900M = 75% of RSS   started 0:00:02',
			'  PSS 1.17G (anon 1.17G file 0 shmem 0)  USS 1.17G  shared 0  SwapPss 300M',
			'  Page tables PGD 1 · PUD 1 · PMD 1 · PTE 750 = 2.94M (a PTE page maps 2M)',
			'  Faults minor 1000 (5.2k/s)  major 0 (60/s)  stall 32.0%  progress 64%',
			'  TLB reach 6.0 MiB (L2 1536×4 KiB) vs working set 900M: miss 0.0%',
			'  RSS history ▁▁▁▁▁▂▂▂▂▂▂▃▃▃▃▃▄▄▄▄▄▄▅▅▅▅▅▆▆▆▆▆▆▇▇▇▇▇██████ 60s, peak 234M',
			'',
			'  REGION    KIND    SIZE  RESID  ZSWAP   SWAP  UNTCH',
			'  heap      anon   2.00G  1.17G   100M   200M   548M ███████████████▓▓▒▒░░░░░░░',
			'  metaspace anon   64.0M      0      0      0  64.0M ░░░░░░░░░░░░░░░░░░░░░░░░░░',
			'  █ resident ▓ zswap ▒ swap ░ never touched',
			'',
			'  oom_badness = rss 307200 + swapents 76800 + pgtables 750 + adj 0 = 384750',
			'  in pages; adj = oom_score_adj 0 × (totalpages 1572864 / 1000)   oom_score 829',
		]);
	});

	it('uses the width for bars and history at 120 columns', async () => {
		const lines = await frameLines(
			<ProcessDetail
				pid={777}
				process={java}
				snapshot={snapshot}
				history={growing}
				width={120}
				height={16}
			/>,
			120,
		);
		expect(lines[0]).toBe(` Process 777 (java)  swapin${' '.repeat(83)}Esc close`);
		expect(lines[7]).toMatch(/^ {2}RSS history ▁+▂+▃+▄+▅+▆+▇+█+ 60s, peak 234M$/);
		expect(lines[10]).toBe(
			'  heap      anon   2.00G  1.17G   100M   200M   548M ███████████████████████████████████████▓▓▓▒▒▒▒▒▒░░░░░░░░░░░░░░░░░░',
		);
	});

	it('explains that oom_score_adj -1000 is never picked', async () => {
		const lines = await frameLines(
			<ProcessDetail pid={412} process={postgres} snapshot={snapshot} history={[]} width={100} height={16} />,
			100,
		);
		expect(lines).toContain(
			'  oom_badness oom_score_adj -1000: the OOM killer never picks this process   oom_score 0',
		);
		expect(lines).toContain(`  shared_buffers shmem   128M   128M      0      0      0 ${'█'.repeat(41)}`);
		expect(lines).toContain('  RSS history (one value per simulated second, none yet)');
	});

	it('says when the process has exited', async () => {
		const lines = await frameLines(
			<ProcessDetail pid={5} process={undefined} snapshot={snapshot} history={[]} width={80} height={3} />,
			80,
		);
		expect(lines[1]).toBe('  process 5 has exited');
	});

	it('scrolls when the regions do not fit', async () => {
		const lines = await frameLines(
			<ProcessDetail
				pid={777}
				process={java}
				snapshot={snapshot}
				history={[]}
				width={80}
				height={4}
				offset={9}
			/>,
			80,
		);
		expect(lines[0]).toBe(` Process 777 (java)  swapin${' '.repeat(31)}↑↓ scroll · Esc close`);
		expect(lines[1]).toBe('  heap      anon   2.00G  1.17G   100M   200M   548M ███████████████▓▓▒▒░░░░░░░');
		expect(detailLineCount(java)).toBe(15);
	});
});

describe('regionBar and badnessParts', () => {
	it('draws resident, zswap, swap device and untouched in proportion', () => {
		const r = region('heap', 'anon', {size: 10, resident: 4, swapped: 3, zswapped: 1, untouched: 2});
		expect(
			regionBar(r, 10)
				.map((s) => s.text)
				.join(''),
		).toBe('████▓▒▒░░·');
	});

	it("shows the core's oom_badness() parts (adj per mille of RAM + swap, division first)", () => {
		const hog = snapshot.processes.find((p) => p.pid === 901)!;
		const b = badnessParts(hog, snapshot)!;
		expect(b.totalPages).toBe(snapshot.totalPages + snapshot.swap.totalPages);
		expect(b.adj).toBe(500 * Math.floor(b.totalPages / 1000));
		expect(b.badness).toBe(hog.rss + hog.swap + b.pgtables + b.adj);
		expect(b.badness).toBe(hog.oom!.badness);
		expect(hog.rss).toBe(1024 * MIB_PAGES);
		// oom_score_adj -1000: never a victim, so no parts.
		expect(badnessParts(snapshot.processes.find((p) => p.oomScoreAdj === -1000)!, snapshot)).toBeNull();
	});
});
