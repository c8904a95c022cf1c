import {describe, expect, it} from 'vitest';
import {layoutColumns} from '../../source/view/panels/columns.js';
import {Help, helpLineCount, KEY_HELP} from '../../source/view/panels/help.js';
import {candidateRows, OomReport} from '../../source/view/panels/oom-report.js';
import {SortMenu} from '../../source/view/panels/sort-menu.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {oomKillEvent} from '../helpers/snapshot-fixture.js';

autoUnmount();

describe('Help', () => {
	it('lists keys in one column at 80 columns', async () => {
		const lines = await frameLines(<Help width={80} height={8} />, 80);
		expect(lines).toEqual([
			` memtop help${' '.repeat(35)}↑↓ scroll · any other key closes`,
			'Navigate',
			'  ↑ ↓ PgUp PgDn Home End move the selection',
			'  Enter                  process detail (regions, oom_score)',
			'  ← →                    detail: next/previous region, its page walk to a frame',
			'  F3 /                   search by name (F3: next match)',
			'  F4 \\                   filter by name (Esc clears)',
			'  F5 t                   tree view: processes under their groups',
		]);
	});

	it('puts navigation beside the simulation keys at 120 columns, with the colour legend', async () => {
		const lines = await frameLines(<Help width={120} height={40} />, 120);
		expect(lines[0]).toBe(` memtop help${' '.repeat(87)}any other key closes`);
		expect(lines[1]).toBe(`Navigate${' '.repeat(52)}Simulation`);
		expect(lines[2]).toBe(
			'  ↑ ↓ PgUp PgDn Home End move the selection                   Space                  pause / resume',
		);
		expect(lines).toContainEqual(expect.stringMatching(/ {2}P {22}policy duel: twin run, next policy$/));
		expect(lines).toContainEqual(expect.stringMatching(/ {2}F9 k {19}kill: SIGTERM \(1 s\) or SIGKILL$/));
		expect(lines).toContain('Mem  anon shmem zpool kernel dirty-cache clean-cache free');
	});

	it('scrolls, and every key of the brief is documented', async () => {
		const navigate = KEY_HELP[0]!.keys.length + 1;
		const lines = await frameLines(<Help width={80} height={4} offset={navigate} />, 80);
		expect(lines[1]).toBe('Simulation');
		const documented = KEY_HELP.flatMap((g) => g.keys.map((k) => k.keys)).join(' ');
		for (const key of [
			'F1',
			'F2',
			'F3',
			'F4',
			'F5',
			'F6',
			'F9',
			'F10',
			'Space',
			'.',
			'+',
			'a',
			'c',
			'l',
			'b B',
			'd',
			's',
			'z',
			'o',
			'P',
			'k',
			'x',
			'n N',
			'g',
			't',
		]) {
			expect(documented).toContain(key);
		}
		const entries = KEY_HELP.reduce((n, g) => n + 1 + g.keys.length, 0);
		expect(helpLineCount(80)).toBe(entries + 1 + 4);
	});
});

describe('OomReport', () => {
	it('shows the kernel lines and ranks candidates by badness, victim marked, at 80 columns', async () => {
		const lines = await frameLines(
			<OomReport kill={oomKillEvent()} index={1} count={1} width={80} height={18} />,
			80,
		);
		// Kernel lines wrap (issue 17 item 9): every field of the kill line is on screen.
		expect(lines).toEqual([
			` OOM kill 1 of 1: 901 (hog)${' '.repeat(43)}Esc close`,
			// Which OOM killer and why: the global one here (the whole report fits, the meaning does not).
			' global OOM (constraint=CONSTRAINT_NONE): the machine ran out of RAM and swap',
			'',
			'[   45.67] java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP',
			'           _COMP), order=0, oom_score_adj=0',
			'[   45.67] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_all',
			'           owed=0,global_oom,task_memcg=/user.slice,task=hog,pid=901,uid=0',
			'[   45.67] Out of memory: Killed process 901 (hog) total-vm:1049600kB,',
			'           anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0',
			'           pgtables:2080kB oom_score_adj:500',
			'',
			'      PID      RSS SWAPENTS PGTABLES   ADJ ADJ PAGES  BADNESS NAME',
			'▶     901   262144        0      520   500    786000  1048664 hog              █',
			'      777   307200    76800      760     0         0   384760 java             █',
			'      903   107520        0      210     0         0   107730 leaker           █',
			'      530     9216        0       30     0         0     9246 nginx            █',
			'',
			'  badness = rss + swapents + pgtables + oom_score_adj × (totalpages / 1000), in',
		]);
	});

	it('adds badness bars at 120 columns', async () => {
		const lines = await frameLines(
			<OomReport kill={oomKillEvent()} index={2} count={3} width={120} height={16} />,
			120,
		);
		expect(lines[0]).toBe(` OOM kill 2 of 3: 901 (hog)${' '.repeat(65)}← → older/newer · Esc close`);
		const top = lines.findIndex((l) => l.startsWith('▶'));
		expect(lines[top]).toBe(
			`▶     901   262144        0      520   500    786000  1048664 hog              ${'█'.repeat(20)}`,
		);
		expect(lines[top + 1]).toBe(
			`      777   307200    76800      760     0         0   384760 java             ${'█'.repeat(7)}`,
		);
		expect(lines[top + 5]).toBe(
			'  badness = rss + swapents + pgtables + oom_score_adj × (totalpages / 1000), in pages; the highest dies',
		);
	});

	it('lists the tasks it cannot kill, marked with why, and wraps the kill line whole', async () => {
		const kill = {
			...oomKillEvent(),
			unkillable: [
				{
					pid: 412,
					name: 'postgres',
					rss: 500000,
					swapents: 12,
					pgtables: 980,
					oomScoreAdj: -1000,
					reason: 'oom_score_adj -1000 (OOM_SCORE_ADJ_MIN): never killed',
				},
			],
		};
		const lines = await frameLines(
			<OomReport kill={kill} index={1} count={1} width={100} height={20} />,
			100,
		);
		const text = lines.join('\n');
		// Every field of the kill line is on screen, oom_score_adj:500 at its end included.
		expect(text).toContain('oom_score_adj:500');
		expect(text).toContain('pgtables:2080kB');
		const row = lines.find((l) => l.includes('postgres'))!;
		expect(row).toContain(' -1000 ');
		expect(row).toContain('—');
		expect(row).toContain('unkillable: adj -1000');
		// Below every killable candidate.
		expect(lines.indexOf(row)).toBeGreaterThan(lines.findIndex((l) => l.includes(' nginx ')));
	});

	it('says when there has been no OOM kill', async () => {
		const lines = await frameLines(
			<OomReport kill={undefined} index={0} count={0} width={80} height={3} />,
			80,
		);
		expect(lines[1]).toBe('  no OOM kill so far');
	});

	it("keeps the core's ranking: on a tie the victim (the later task) is still the top row", () => {
		const kill = oomKillEvent();
		const [hog, java] = kill.candidates;
		// rankOomCandidates() breaks a tie in favour of the later pid, as oom_evaluate_task() does.
		const tied = {...kill, pid: java!.pid, candidates: [java!, {...hog!, badness: java!.badness}]};
		const rows = candidateRows(tied, 80).slice(1);
		expect(rows.map((r) => r[2]!.text.trim())).toEqual(['java', 'hog']);
		expect(rows[0]![0]!.text).toBe('▶ ');
	});
});

describe('SortMenu', () => {
	it('lists the columns on screen with the current one starred', async () => {
		const lines = await frameLines(
			<SortMenu columns={layoutColumns(80).columns} cursor={2} current="rss" width={80} height={5} />,
			80,
		);
		expect(lines).toEqual([
			` Sort by${' '.repeat(43)}↑↓ Enter choose · Esc cancel`,
			'  PID       process id',
			'  NAME      command name',
			'  STATE     running, sleeping, reclaim, swapin, io (file read), throttled (dirt…',
			'* RSS       resident set size (anon + file + shmem)',
		]);
	});

	it('scrolls to keep the cursor visible at 120 columns', async () => {
		const lines = await frameLines(
			<SortMenu columns={layoutColumns(120).columns} cursor={15} current="history" width={120} height={4} />,
			120,
		);
		expect(lines.slice(1)).toEqual([
			'  OOM       oom_score: who the OOM killer would pick (highest first)',
			'  ADJ       oom_score_adj, -1000 (never kill) .. 1000 (kill first)',
			'* RSS 2min  RSS over the last two simulated minutes (sorts by growth: finds leaks)',
		]);
	});
});
