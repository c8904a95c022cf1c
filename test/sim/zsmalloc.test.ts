// The compressed-page pool (zsmalloc.ts): zswap and zram keep their bytes in it, and it holds
// exactly ⌈zswap bytes / 4096⌉ + ⌈zram bytes / 4096⌉ frames, taken from and given back to the zone.
import {describe, expect, it} from 'vitest';
import {FRAME_ZPOOL} from '../../source/sim/frames.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {Zone} from '../../source/sim/zone.js';
import {ZS_ZRAM, ZS_ZSWAP, Zsmalloc} from '../../source/sim/zsmalloc.js';

describe('zsmalloc', () => {
	it('grows to the pages both users need and shrinks when bytes leave', () => {
		const zone = new Zone(64, 8, {...DEFAULT_SYSCTLS});
		const zs = new Zsmalloc(zone);
		expect(zs.reserve(ZS_ZSWAP, 5000)).toBe(true); // ⌈5000/4096⌉ = 2
		zs.add(ZS_ZSWAP, 5000);
		expect(zs.reserve(ZS_ZRAM, 100)).toBe(true); // 2 + ⌈100/4096⌉ = 3
		zs.add(ZS_ZRAM, 100);
		expect(zs.pages).toBe(3);
		expect(zone.kindCount[FRAME_ZPOOL]).toBe(3);
		expect(zone.freePages).toBe(56 - 3);
		zs.remove(ZS_ZRAM, 100);
		zs.shrink();
		expect(zs.pages).toBe(2);
		zs.remove(ZS_ZSWAP, 5000);
		zs.shrink();
		expect(zs.pages).toBe(0);
		expect(zone.freePages).toBe(56);
	});

	it('fails when the zone runs out, without adding the bytes', () => {
		const zone = new Zone(10, 8, {...DEFAULT_SYSCTLS}); // 2 free frames
		const zs = new Zsmalloc(zone);
		expect(zs.reserve(ZS_ZSWAP, 3 * 4096)).toBe(false);
		expect(zs.bytes(ZS_ZSWAP)).toBe(0);
		expect(zone.freePages).toBe(0);
		zs.shrink();
		expect(zone.freePages).toBe(2);
	});
});
