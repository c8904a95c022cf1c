// The lruvec's cost balance (mm/swap.c lru_note_cost): reclaim's IO and failed scans are added to
// the type they came from, and both halve once together they exceed a quarter of the LRU.
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, FrameTable} from '../../source/sim/frames.js';
import {Lruvec} from '../../source/sim/lruvec.js';

function lruvecWithAnon(pages: number): Lruvec {
	const frames = new FrameTable(pages);
	const lruvec = new Lruvec('lru2', frames);
	for (let f = 0; f < pages; f++) {
		frames.kind[f] = FRAME_ANON;
		lruvec.policy.inserted(f, false);
	}
	lruvec.refresh();
	return lruvec;
}

describe('lru_note_cost', () => {
	it('adds the costs, and halves both once they pass a quarter of the LRU (100 pages: 25)', () => {
		const lruvec = lruvecWithAnon(100);
		lruvec.noteCost(12, 8); // 20 ≤ 25: kept
		expect([lruvec.anonCost, lruvec.fileCost]).toEqual([12, 8]);
		lruvec.noteCost(4, 2); // 26 > 25: halved
		expect([lruvec.anonCost, lruvec.fileCost]).toEqual([8, 5]);
	});

	it('a workingset restore adds 32 to its type without decaying', () => {
		const lruvec = lruvecWithAnon(4);
		lruvec.noteRefaultCost(true);
		lruvec.noteRefaultCost(false);
		lruvec.noteRefaultCost(false);
		expect([lruvec.anonCost, lruvec.fileCost]).toEqual([32, 64]);
	});

	it('save and load keep the costs, the age and the lists', () => {
		const a = lruvecWithAnon(8);
		a.noteCost(1, 1);
		a.ageNonresident(7);
		a.noteActivation(false);
		a.noteActivation(true);
		const b = lruvecWithAnon(8);
		b.load(a.save());
		expect(b.save()).toEqual(a.save());
		expect(b.lru).toEqual(a.lru);
	});
});
