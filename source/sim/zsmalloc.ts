// The compressed-page allocator (mm/zsmalloc.c), one page pool shared by its two users, the zswap
// pool and zram: each keeps its compressed bytes here, and the pool holds whole frames enough for
// both. The frames come straight off the zone's free list, reserves included: zsmalloc runs inside
// reclaim (PF_MEMALLOC), where the allocator's watermarks do not apply and reclaim may not recurse.
import {MIGRATE_MOVABLE} from './buddy.js';
import {FRAME_ZPOOL} from './frames.js';
import {PAGE_SIZE} from './units.js';
import type {Zone} from './zone.js';

/** The pool's users. */
export const ZS_ZSWAP = 0;
export const ZS_ZRAM = 1;
export type ZsUser = typeof ZS_ZSWAP | typeof ZS_ZRAM;

export class Zsmalloc {
	private readonly held = [0, 0];
	private frames: Int32Array = new Int32Array(1024);
	private top = 0;

	constructor(private readonly zone: Zone) {}

	/** Compressed bytes the user keeps in the pool. */
	bytes(user: ZsUser): number {
		return this.held[user]!;
	}

	/** Frames the pool holds. */
	get pages(): number {
		return this.top;
	}

	/** Make room for `size` more bytes of `user` (the bytes are added by add()); false when RAM is out. */
	reserve(user: ZsUser, size: number): boolean {
		const other = this.held[1 - user]!;
		return this.grow(Math.ceil((this.held[user]! + size) / PAGE_SIZE) + Math.ceil(other / PAGE_SIZE));
	}

	add(user: ZsUser, size: number): void {
		this.held[user]! += size;
	}

	/** Bytes leave the pool; shrink() gives back the frames no longer needed. */
	remove(user: ZsUser, size: number): void {
		this.held[user]! -= size;
	}

	shrink(): void {
		const need = Math.ceil(this.held[ZS_ZSWAP]! / PAGE_SIZE) + Math.ceil(this.held[ZS_ZRAM]! / PAGE_SIZE);
		while (this.top > need) this.zone.freePage(this.frames[--this.top]!);
	}

	private grow(needPages: number): boolean {
		const zone = this.zone;
		while (this.top < needPages) {
			if (zone.freePages === 0) return false;
			// zs_malloc's zspages are __GFP_MOVABLE (zswap and zram both ask for it).
			const frame = zone.rmqueue(MIGRATE_MOVABLE);
			zone.setKind(frame, FRAME_ZPOOL);
			if (this.top === this.frames.length) {
				const grown = new Int32Array(this.frames.length * 2);
				grown.set(this.frames);
				this.frames = grown;
			}
			this.frames[this.top++] = frame;
		}
		return true;
	}

	save() {
		return {
			zswapBytes: this.held[ZS_ZSWAP]!,
			zramBytes: this.held[ZS_ZRAM]!,
			zpoolTop: this.top,
			zpoolFrames: this.frames,
		};
	}

	load(s: {zswapBytes: number; zramBytes: number; zpoolTop: number; zpoolFrames: Int32Array}): void {
		this.held[ZS_ZSWAP] = s.zswapBytes;
		this.held[ZS_ZRAM] = s.zramBytes;
		this.top = s.zpoolTop;
		this.frames = s.zpoolFrames;
	}
}

/**
 * Host bytes of the pool's frame list when it may hold `frames` frames (sim/host-cost.ts): an Int32
 * each, doubling as it grows, so up to twice that.
 */
export function zsmallocBytes(frames: number): number {
	return Math.max(1024, frames) * 4 * 2;
}
