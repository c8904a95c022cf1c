import {describe, expect, it} from 'vitest';
import {
	initialUiState,
	nearestSpeedIndex,
	nextInCycle,
	OOM_ADJ_STEPS,
	SPEEDS,
	SWAPPINESS_STEPS,
	scrollTopFor,
	selectionIndex,
	type UiAction,
	type UiState,
	uiReducer,
} from '../../source/view/ui-state.js';

const run = (...actions: UiAction[]): UiState => actions.reduce(uiReducer, initialUiState);
const pids = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

describe('selection', () => {
	it('moves, clamps and pages', () => {
		expect(run({type: 'move', delta: 3, pids, pageSize: 4}).selectedPid).toBe(40);
		expect(run({type: 'move', delta: -5, pids, pageSize: 4}).selectedPid).toBe(10);
		const end = run({type: 'move-to', where: 'last', pids, pageSize: 4});
		expect(end.selectedPid).toBe(100);
		expect(end.scrollTop).toBe(6);
		expect(run({type: 'move-to', where: 'first', pids, pageSize: 4}).selectedIndex).toBe(0);
	});

	it('follows the pid when rows are re-sorted, keeps the row when the pid is gone', () => {
		const state = run({type: 'move', delta: 2, pids, pageSize: 4});
		expect(selectionIndex(state, [30, 10, 20])).toBe(0);
		expect(selectionIndex(state, [10, 20, 40, 50])).toBe(2);
		expect(selectionIndex(state, [10])).toBe(0);
		expect(selectionIndex(state, [])).toBe(-1);
		expect(run({type: 'select', pid: 70, pids, pageSize: 4}).selectedIndex).toBe(6);
	});

	it('scrolls just enough to keep the selection visible', () => {
		expect(scrollTopFor(0, 5, 4, 10)).toBe(2);
		expect(scrollTopFor(5, 3, 4, 10)).toBe(3);
		expect(scrollTopFor(8, 9, 4, 10)).toBe(6);
		expect(scrollTopFor(0, 0, 4, 2)).toBe(0);
	});
});

describe('sorting', () => {
	it('defaults to RSS descending, flips on the same column, natural order on a new one', () => {
		expect(initialUiState.sortColumn).toBe('rss');
		expect(initialUiState.descending).toBe(true);
		expect(run({type: 'sort-by', column: 'rss'}).descending).toBe(false);
		const byName = run({type: 'sort-by', column: 'name'});
		expect([byName.sortColumn, byName.descending]).toEqual(['name', false]);
		expect(run({type: 'sort-invert'}).descending).toBe(false);
		expect(run({type: 'sort-set', column: 'rss'}).descending).toBe(true);
		expect(
			run({type: 'sort-by', column: 'rss'}, {type: 'sort-set', column: 'rss', descending: true}).descending,
		).toBe(true);
	});

	it('steps through the visible columns with wrap-around', () => {
		const visible = ['pid', 'name', 'rss'] as const;
		expect(run({type: 'sort-step', delta: 1, visible: [...visible]}).sortColumn).toBe('pid');
		expect(run({type: 'sort-step', delta: -1, visible: [...visible]}).sortColumn).toBe('name');
	});
});

describe('prompts, overlays and the rest', () => {
	it('types into search and filter; Esc drops a filter, Enter keeps it', () => {
		const typing = run(
			{type: 'prompt-open', kind: 'filter'},
			{type: 'prompt-type', text: 'ho'},
			{type: 'prompt-type', text: 'gx'},
		);
		expect(typing.filter).toBe('hogx');
		const fixed = uiReducer(typing, {type: 'prompt-backspace'});
		expect(fixed.filter).toBe('hog');
		expect(uiReducer(fixed, {type: 'prompt-close', commit: true})).toMatchObject({
			filter: 'hog',
			prompt: null,
		});
		expect(uiReducer(fixed, {type: 'prompt-close', commit: false})).toMatchObject({filter: '', prompt: null});
		const search = run(
			{type: 'prompt-open', kind: 'search'},
			{type: 'prompt-type', text: 'ja'},
			{type: 'prompt-close', commit: true},
		);
		expect(search.search).toBe('ja');
		expect(uiReducer(search, {type: 'prompt-open', kind: 'search'}).prompt).toEqual({
			kind: 'search',
			text: 'ja',
		});
		expect(
			run({type: 'prompt-open', kind: 'filter'}, {type: 'prompt-type', text: 'x'}, {type: 'filter-clear'}),
		).toMatchObject({
			filter: '',
			prompt: null,
		});
	});

	it('opens, scrolls and closes overlays', () => {
		const help = run(
			{type: 'overlay', overlay: {kind: 'help', offset: 0}},
			{type: 'overlay-scroll', delta: 50, max: 7},
		);
		expect(help.overlay).toEqual({kind: 'help', offset: 7});
		expect(uiReducer(help, {type: 'overlay-scroll', delta: -50, max: 7}).overlay).toEqual({
			kind: 'help',
			offset: 0,
		});
		const sort = run(
			{type: 'overlay', overlay: {kind: 'sort', cursor: 1}},
			{type: 'sort-menu-move', delta: 9, count: 4},
		);
		expect(sort.overlay).toEqual({kind: 'sort', cursor: 3});
		expect(uiReducer(sort, {type: 'overlay', overlay: null}).overlay).toBeNull();
	});

	it('cycles the lower panel, hog sizes and speeds', () => {
		expect(run({type: 'lower-cycle', current: 'none'}).lowerPanel).toBe('log');
		expect(run({type: 'lower-cycle', current: 'both'}).lowerPanel).toBe('none');
		expect(run({type: 'hog-next', count: 4}, {type: 'hog-next', count: 4}).hogIndex).toBe(2);
		expect(run({type: 'speed', index: 99}).speedIndex).toBe(SPEEDS.length - 1);
		expect(nearestSpeedIndex(1)).toBe(3);
		expect(nearestSpeedIndex(3)).toBe(4);
		expect(nearestSpeedIndex(Number.POSITIVE_INFINITY)).toBe(10);
		expect(nearestSpeedIndex(0.01)).toBe(0);
	});

	it('cycles swappiness and oom_score_adj through their steps', () => {
		expect(nextInCycle(SWAPPINESS_STEPS, 60)).toBe(100);
		expect(nextInCycle(SWAPPINESS_STEPS, 200)).toBe(0);
		expect(nextInCycle(SWAPPINESS_STEPS, 30)).toBe(60);
		expect(nextInCycle(OOM_ADJ_STEPS, 1000)).toBe(-1000);
		expect(nextInCycle(OOM_ADJ_STEPS, -1000)).toBe(0);
		expect(nextInCycle(OOM_ADJ_STEPS, -500)).toBe(0);
	});

	it('keeps messages until their own clear', () => {
		const first = run({type: 'message', text: 'a'});
		const second = uiReducer(first, {type: 'message', text: 'b', tone: 'warn'});
		expect(uiReducer(second, {type: 'message-clear', id: first.message!.id}).message?.text).toBe('b');
		expect(uiReducer(second, {type: 'message-clear', id: second.message!.id}).message).toBeNull();
	});
});
