// Page migration (mm/migrate.c) as compaction uses it: the contents and the struct page state of a
// movable page move to another frame, and every page-table entry that mapped the old frame maps the
// new one (remove_migration_ptes over the rmap), so no mapper notices but for the time it took.
import {type Core, CoreModule} from './core.js';
import {FRAME_ANON, FRAME_FILE, FRAME_SHMEM, PG_ACTIVE, PG_DIRTY, PG_WRITEBACK} from './frames.js';
import type {Memcontrol} from './memcontrol.js';
import {mkPresent} from './page-table.js';
import type {Rmap} from './rmap.js';

export class Migrate extends CoreModule {
	constructor(
		core: Core,
		private readonly memcg: Memcontrol,
		private readonly rmap: Rmap,
	) {
		super(core);
	}

	/**
	 * isolate_migratepages_block()'s test: a page on an LRU (anon, file, shmem) that migration can move
	 * now. Pages under writeback are skipped (MIGRATE_ASYNC and MIGRATE_SYNC_LIGHT do not wait on
	 * them: migrate_folio_unmap returns -EBUSY), and so are dirty file pages: their inode's dirty list
	 * (page-writeback.ts) is linked through the frame, which memtop does not relink. The zswap/zram
	 * pool and kernel pages are not movable here.
	 */
	movable(frame: number): boolean {
		const frames = this.zone.frames;
		const kind = frames.kind[frame];
		if (kind !== FRAME_ANON && kind !== FRAME_FILE && kind !== FRAME_SHMEM) return false;
		const flags = frames.flags[frame]!;
		if (flags & PG_WRITEBACK) return false;
		return !(kind === FRAME_FILE && flags & PG_DIRTY);
	}

	/**
	 * migrate_folio_move(): `dst` (a free frame the free scanner isolated, not on any list) takes over
	 * `src`: kind, flags (folio_migrate_flags), owner and index (the mapping and offset), the _mapcount /
	 * swap-cache word, the memcg charge (mem_cgroup_migrate); the page cache slot points at `dst`
	 * (folio_migrate_mapping); every PTE mapping `src` maps `dst` (remove_migration_ptes); the new page
	 * goes on its LRU list (putback: active stays active); `src` is freed to the buddy lists.
	 */
	move(src: number, dst: number): void {
		const zone = this.zone;
		const frames = zone.frames;
		const policy = this.lruvec.policy;
		const kind = frames.kind[src]!;
		policy.removed(src);
		zone.setKind(dst, kind);
		frames.flags[dst] = frames.flags[src]!;
		frames.owner[dst] = frames.owner[src]!;
		frames.index[dst] = frames.index[src]!;
		zone.mapcount[dst] = zone.mapcount[src]!;
		if (this.memcg.enabled) {
			const id = this.memcg.memcgOf[src]!;
			if (id >= 0) this.memcg.charge(dst, id);
		}
		if (kind === FRAME_ANON) {
			this.rmap.moveAnon(src, dst);
		} else {
			this.moveFilePage(frames.owner[src]!, frames.index[src]!, src, dst);
		}
		policy.inserted(dst, (frames.flags[dst]! & PG_ACTIVE) !== 0);
		zone.freePage(src);
	}

	/** folio_migrate_mapping() and rmap_walk_file(): the object's slot and each mapper's PTE. */
	private moveFilePage(objectId: number, off: number, src: number, dst: number): void {
		const from = mkPresent(src);
		const to = mkPresent(dst);
		const obj = this.files.files[objectId];
		if (obj && obj.cache[off] === from) obj.cache[off] = to;
		// _mapcount −1: no PTE maps it.
		if (this.zone.mapcount[dst]! < 0) return;
		for (const p of this.tasks.procs) {
			if (!p || p.exited) continue;
			const pt = p.pt;
			for (const r of p.regions) {
				if (r.objectId !== objectId || off >= r.pages) continue;
				const vpn = r.startVpn + off;
				if (vpn < pt.covered && pt.get(vpn) === from) pt.set(vpn, to);
			}
		}
	}
}
