import {describe, expect, it} from 'vitest';
import {FunctionBar} from '../../source/view/panels/function-bar.js';
import {PanelTitle} from '../../source/view/panels/panel-title.js';
import {StatusLine} from '../../source/view/panels/status-line.js';
import {Timeline} from '../../source/view/panels/timeline.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';

autoUnmount();

describe('FunctionBar', () => {
	it('shows htop keys and as many of our hints as fit', async () => {
		expect(await frameLines(<FunctionBar mode="live" prompt={null} width={80} />, 80)).toEqual([
			'F1Help   F2Setup  F3Search F4Filter F5Tree   F6SortBy F9Kill   F10Quit',
		]);
		expect(await frameLines(<FunctionBar mode="live" prompt={null} width={120} />, 120)).toEqual([
			'F1Help   F2Setup  F3Search F4Filter F5Tree   F6SortBy F9Kill   F10Quit    SpcPause aHog cCache lLeak bBalloon gGraphs',
		]);
	});

	it('shows replay keys in replay mode', async () => {
		const keys = 'F1Help   SpcPlay   ←→Seek   n/NMarker gGoto   tTakeOver F10Quit';
		// Then the hints that replay allows: e explains in a replay too.
		expect(await frameLines(<FunctionBar mode="replay" prompt={null} width={80} />, 80)).toEqual([
			`${keys}    eExplain`,
		]);
		expect(await frameLines(<FunctionBar mode="replay" prompt={null} width={120} />, 120)).toEqual([
			`${keys}    eExplain`,
		]);
	});

	it('turns into the prompt while searching, filtering or going to a time', async () => {
		expect(
			await frameLines(<FunctionBar mode="live" prompt={{kind: 'search', text: 'ja'}} width={80} />, 80),
		).toEqual(['F3Next   EnterDone   EscCancel  Search: ja_']);
		expect(
			await frameLines(<FunctionBar mode="live" prompt={{kind: 'filter', text: 'hog'}} width={120} />, 120),
		).toEqual(['EnterDone   EscClear   Filter: hog_']);
		expect(
			await frameLines(<FunctionBar mode="replay" prompt={{kind: 'goto', text: '1:2'}} width={80} />, 80),
		).toEqual(['EnterGo     EscCancel  Go to (mm:ss): 1:2_']);
	});

	it('shrinks captions on a very narrow terminal', async () => {
		expect(await frameLines(<FunctionBar mode="live" prompt={null} width={50} />, 50)).toEqual([
			'F1Help F3Search F4Filter F6SortBy F9Kill F10Quit',
		]);
	});
});

describe('StatusLine', () => {
	it('shows sort and counts, or the filter, or the last message', async () => {
		const base = {sortTitle: 'RSS', descending: true, filter: '', shown: 8, total: 8};
		expect(await frameLines(<StatusLine {...base} message={null} width={80} />, 80)).toEqual([
			' sorted by RSS ▼ · 8 processes · ? for help',
		]);
		expect(
			await frameLines(
				<StatusLine {...base} descending={false} filter="hog" shown={1} message={null} width={120} />,
				120,
			),
		).toEqual([' sorted by RSS ▲ · filter "hog": 1 of 8 · ? for help']);
		expect(
			await frameLines(
				<StatusLine {...base} message={{id: 1, text: 'swappiness 100', tone: 'info'}} width={80} />,
				80,
			),
		).toEqual([' swappiness 100']);
	});
});

describe('Timeline', () => {
	const replay = {
		tick: 3000,
		endTick: 12_000,
		markers: [
			{tick: 4500, kind: 'oom-kill' as const, label: 'hog'},
			{tick: 1500, kind: 'command' as const, label: 'spawn hog'},
		],
		divergence: null,
		file: 'run.memtop',
	};

	it('shows played part, playhead, markers and position at 80 and 120 columns', async () => {
		expect(await frameLines(<Timeline replay={replay} width={80} />, 80)).toEqual([
			`[${'━'.repeat(8)}^${'━'.repeat(6)}●${'─'.repeat(7)}X${'─'.repeat(38)}] 0:00:30/0:02:00`,
		]);
		expect(await frameLines(<Timeline replay={replay} width={120} />, 120)).toEqual([
			`[${'━'.repeat(13)}^${'━'.repeat(11)}●${'─'.repeat(12)}X${'─'.repeat(63)}] 0:00:30/0:02:00`,
		]);
	});

	it('warns when the replay diverged from the recording', async () => {
		const lines = await frameLines(<Timeline replay={{...replay, divergence: 'tick 4000'}} width={80} />, 80);
		expect(lines[0]).toMatch(/\] 0:00:30\/0:02:00 DIVERGED$/);
		expect(lines[0]).toHaveLength(80);
	});

	it('says how far the background indexer has got while it runs', async () => {
		const lines = await frameLines(<Timeline replay={{...replay, indexing: 0.427}} width={80} />, 80);
		expect(lines[0]).toMatch(/\] 0:00:30\/0:02:00 indexing 42%$/);
		expect(lines[0]).toHaveLength(80);
		const done = await frameLines(<Timeline replay={{...replay, indexing: null}} width={80} />, 80);
		expect(done[0]).not.toContain('indexing');
	});
});

describe('PanelTitle', () => {
	it('spans the width with the title left and a hint right', async () => {
		expect(await frameLines(<PanelTitle title="Events" right="12" width={80} />, 80)).toEqual([
			` Events${' '.repeat(70)}12`,
		]);
	});
});
