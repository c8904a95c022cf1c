// Compressed sizes and what zswap and zram do with a page that does not compress (mm/zswap.c
// zswap_compress; drivers/block/zram zram_write_page), and the cost of loading one back (issue 10 rule 5).
import {describe, expect, it} from 'vitest';
import {compressedSize} from '../../source/sim/compression.js';
import {COMPRESSORS, SYNC_SWAPIN_FAULT_US} from '../../source/sim/costs.js';
import {Machine} from '../../source/sim/machine.js';
import {swapEntrySlot} from '../../source/sim/page-table.js';
import {Rng} from '../../source/sim/rng.js';
import {SLOT_ZRAM} from '../../source/sim/swap.js';
import {PAGE_SIZE} from '../../source/sim/units.js';
import {ZSWAP_REJECTED} from '../../source/sim/zswap.js';
import {swapWorkload} from '../helpers/machine.js';

describe('compressed length', () => {
	it('an incompressible page comes out larger than PAGE_SIZE by the compressor bound', () => {
		// compressibility 0: ratio 2.1^0 = 1, payload 4096 bytes, all literals:
		// lz4 4096 + LZ4_COMPRESSBOUND overhead (4096/255 + 16 = 32) = 4128; lzo 4096 + 323 = 4419; zstd 4096 + 78.
		expect(compressedSize(new Rng(1), 'lz4', 0)).toBe(4128);
		expect(compressedSize(new Rng(1), 'lzo', 0)).toBe(4419);
		expect(compressedSize(new Rng(1), 'zstd', 0)).toBe(4174);
	});
	it('a typical page compresses near the typical ratio, without framing', () => {
		// compressibility 0.5: expected ratio 2.1^1 = 2.1; a page draws 2.1^(0.5..1.5): 1.45..3.04, so
		// 1347..2825 bytes (or 32 for a same-filled page).
		const rng = new Rng(7);
		for (let i = 0; i < 200; i++) {
			const s = compressedSize(rng, 'lz4', 0.5);
			expect(s === 32 || (s >= 1347 && s <= 2826)).toBe(true);
		}
	});
});

describe('zswap_compress rejects dlen >= PAGE_SIZE; zram stores such a page whole', () => {
	it('zswap: an incompressible page is rejected and counted', () => {
		const m = new Machine(swapWorkload('ssd', true), {seed: 1});
		const time = {costUs: 0};
		expect(m.zswap.tryStore(time, 0)).toBe(ZSWAP_REJECTED);
		expect(m.vm.zswap_reject_compress_poor).toBe(1);
		// The compression was still paid for.
		expect(time.costUs).toBe(COMPRESSORS.lz4.compressUs);
		expect(m.zswap.tryStore(time, 0.7)).toBeGreaterThan(0);
	});
	it('zram: an incompressible page takes a whole page (ZRAM_HUGE)', () => {
		const m = new Machine(swapWorkload('zram', false), {seed: 1});
		const slot = m.zram!.store({costUs: 0}, 0);
		expect(m.swapfile.area!.state[slot]).toBe(SLOT_ZRAM);
		expect(m.swapfile.area!.size[slot]).toBe(PAGE_SIZE);
	});
});

describe('zram and zswap loads cost the decompression plus the fault path', () => {
	it('a zram major fault is 1 µs of fault path + lzo 1.5 µs = 2.5 µs (under 4 µs)', () => {
		// swapWorkload pushes a's 8 MiB out to zram by 9.99 s; the first touch after that is a major
		// fault from zram: SYNC_SWAPIN_FAULT_US + decompressUs(lzo) = 1 + 1.5.
		const m = new Machine(swapWorkload('zram', false), {seed: 1});
		for (let t = 0; t < 999; t++) m.step();
		const p = m.procs.find((q) => q?.spec.name === 'a')!;
		let e = 0;
		while (e < p.pt.covered && p.pt.get(e) >= 0) e++;
		expect(e).toBeGreaterThanOrEqual(0);
		const slot = swapEntrySlot(p.pt.get(e));
		expect(m.swapfile.area!.state[slot]).toBe(SLOT_ZRAM);
		expect(m.memory.readSwapSlot(p, slot, e, true)).toBe(SYNC_SWAPIN_FAULT_US + 1.5);
		expect(SYNC_SWAPIN_FAULT_US + COMPRESSORS.lzo.decompressUs).toBeLessThan(4);
	});
});
