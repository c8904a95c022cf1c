import {describe, expect, it} from 'vitest';
import type {HistorySample} from '../../source/session/types.js';
import {brailleArea, bucket} from '../../source/view/braille.js';
import {Graphs, secondsPerDot} from '../../source/view/panels/graphs.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {buildSnapshot, GIB_PAGES, MIB_PAGES} from '../helpers/snapshot-fixture.js';

autoUnmount();

const snapshot = buildSnapshot();
const scale = {
	totalPages: snapshot.totalPages,
	swapPages: snapshot.swap.totalPages,
	zpoolPages: snapshot.zswap.limitPages,
};

describe('braille', () => {
	it('fills dots from the bottom, two samples per character', () => {
		expect(brailleArea([0, 4], 4, 1, 1)).toEqual(['⢸']);
		expect(brailleArea([4, 4], 4, 1, 1)).toEqual(['⣿']);
		expect(brailleArea([1, 2], 4, 1, 1)).toEqual(['⣠']);
		expect(brailleArea([8, 3], 8, 1, 2)).toEqual(['⡇', '⣷']);
		// Missing data draws nothing; a tiny non-zero value still shows one dot.
		expect(brailleArea([null, null, 0.01, 0], 100, 2, 1)).toEqual([' ⡀']);
	});

	it('buckets the newest samples, max/min/last per dot, null before the data starts', () => {
		const xs = [1, 5, 2, 8, 3];
		expect(bucket(xs, 3, 2, (x) => x, 'max')).toEqual([1, 5, 8]);
		expect(bucket(xs, 3, 2, (x) => x, 'min')).toEqual([1, 2, 3]);
		expect(bucket(xs, 4, 2, (x) => x, 'last')).toEqual([null, 1, 2, 3]);
	});

	it('chooses seconds per dot so a graph spans about four minutes', () => {
		expect(secondsPerDot(65)).toBe(2);
		expect(secondsPerDot(105)).toBe(1);
		expect(secondsPerDot(30)).toBe(4);
	});
});

function history(): HistorySample[] {
	const samples: HistorySample[] = [];
	for (let t = 1; t <= 120; t++) {
		samples.push({
			time: t,
			freePages: 2 * GIB_PAGES,
			anonPages: GIB_PAGES,
			filePages: GIB_PAGES,
			swapUsedPages: 512 * MIB_PAGES,
			zswapPoolPages: 0,
			psiSome10: 25,
			psiFull10: 5,
			pgfault: 10_000,
			pgmajfault: 100,
			pswpin: 0,
			pswpout: 0,
			refaults: 0,
			oomKills: t === 101 ? 1 : 0,
		});
	}
	return samples;
}

describe('Graphs', () => {
	it('draws five graphs with labels, current values and an axis with the OOM kill at 80 columns', async () => {
		const lines = await frameLines(<Graphs history={history()} {...scale} width={80} height={12} />, 80);
		const blank = ' '.repeat(35);
		expect(lines).toEqual([
			` History${' '.repeat(65)}2s/dot`,
			'Free     2.00G',
			`               ${blank}${'⣿'.repeat(30)}`,
			'PSI some 25.0%',
			`               ${blank}${'⣤'.repeat(30)}`,
			`Majflt/s   100 ${blank}${'⣿'.repeat(30)}`,
			`      peak 100 ${blank}${'⣿'.repeat(30)}`,
			'Swap      512M',
			`               ${blank}${'⣤'.repeat(30)}`,
			'Zpool        0',
			'',
			`X = OOM kill   -4m20s${'─'.repeat(54)}X─now`,
		]);
	});

	it('uses one dot per second at 120 columns and one row per graph when short', async () => {
		const lines = await frameLines(<Graphs history={history()} {...scale} width={120} height={7} />, 120);
		expect(lines[0]).toBe(` History${' '.repeat(105)}1s/dot`);
		expect(lines[1]).toBe(`Free     2.00G ${' '.repeat(45)}${'⣤'.repeat(60)}`);
		expect(lines[6]).toBe(`X = OOM kill   -3m30s${'─'.repeat(89)}X${'─'.repeat(6)}now`);
	});

	it('says it is collecting before the first sample', async () => {
		const lines = await frameLines(<Graphs history={[]} {...scale} width={80} height={7} />, 80);
		expect(lines[1]).toBe('Free         -');
		expect(lines[6]).toBe(`collecting…    -4m20s${'─'.repeat(56)}now`);
	});
});
