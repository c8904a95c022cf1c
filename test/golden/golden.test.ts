// Behaviour freeze: the CLI's outputs and a recording's state hashes, byte for byte, against
// test/golden/golden.json. A difference means the core's behaviour changed. If that was the point
// (a new kernel rule, a bug fixed), regenerate with `npm run golden -- --write` in the same commit
// and say why in its message; otherwise it is a regression. See docs/architecture.md.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {fingerprints} from '../../scripts/golden.js';
import {type GoldenFile, goldenCases} from './cases.js';

const golden = JSON.parse(readFileSync(new URL('golden.json', import.meta.url), 'utf8')) as GoldenFile;

describe('golden outputs (quick set)', () => {
	it('every quick case is byte-identical to golden.json', async () => {
		const got = await fingerprints(goldenCases('quick'));
		expect(got).toEqual(golden.quick);
	});
});
