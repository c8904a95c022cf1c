// The process detail's /proc/PID/maps section (proc-maps.ts through the snapshot): the lines, the
// chosen region marked, its page walk; ← → choose the region (the keymap's maps-region).
import {describe, expect, it} from 'vitest';
import {KEYMAP} from '../../source/view/keymap.js';
import {detailLineCount, mappedRegions, ProcessDetail} from '../../source/view/panels/process-detail.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {buildSnapshot, region} from '../helpers/snapshot-fixture.js';

autoUnmount();

const snapshot = buildSnapshot();
const java = snapshot.processes.find((p) => p.pid === 777)!;
const pad = ' '.repeat(26);
const mapped = {
	...java,
	regions: [
		{
			...region('text', 'file', {resident: 1, untouched: 15}),
			maps: `555555554000-555555564000 r-xp 00000000 08:01 3${pad}/usr/bin/java`,
			walk: '555555554000: PGD[170] → PUD[341] → PMD[170] → PTE[340] → frame 17423',
		},
		{...region('heap', 'anon', {untouched: 1024}), maps: null, walk: '555555564000: none'},
		{
			...region('stack', 'anon', {resident: 2, untouched: 2046}),
			maps: `7fffffffd000-7ffffffff000 rw-p 00000000 00:00 0${pad}[stack]`,
			walk: '7fffffffe000: PGD[255] → PUD[511] → PMD[511] → PTE[510] → frame 31776',
		},
	],
};

describe('the maps section of the process detail', () => {
	it('lists the regions that map something, marks the chosen one and shows its walk', async () => {
		expect(mappedRegions(mapped).map((r) => r.name)).toEqual(['text', 'stack']);
		expect(detailLineCount(mapped)).toBe(13 + 3 + 3 + 2);
		const lines = await frameLines(
			<ProcessDetail
				pid={777}
				process={mapped}
				snapshot={snapshot}
				history={[]}
				width={120}
				height={40}
				region={1}
			/>,
			120,
		);
		const at = lines.findIndex((l) => l.startsWith('  /proc/777/maps'));
		expect(lines.slice(at, at + 4).map((l) => l.trimEnd())).toEqual([
			'  /proc/777/maps  (← → choose the region walked)',
			`  555555554000-555555564000 r-xp 00000000 08:01 3${pad}/usr/bin/java`,
			`▶ 7fffffffd000-7ffffffff000 rw-p 00000000 00:00 0${pad}[stack]`,
			'  walk 7fffffffe000: PGD[255] → PUD[511] → PMD[511] → PTE[510] → frame 31776',
		]);
	});

	it('← → are bound in the detail window, with a help line; ↑↓ still scroll it', () => {
		const maps = KEYMAP.find((b) => b.action === 'maps-region')!;
		expect(maps.keys).toEqual(['Left', 'Right']);
		expect(maps.contexts).toEqual(['detail']);
		expect(maps.help?.[0]?.keys).toBe('← →');
		const scroll = KEYMAP.find((b) => b.action === 'scroll' && b.contexts.includes('detail'))!;
		expect(scroll.keys).toContain('Up');
	});
});
