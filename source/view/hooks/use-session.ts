// One subscription to the session for the whole tree (ink-stack.md §2): the simulation runs
// outside React and publishes at most ~10 Hz; React only sees a version-stamped view of it.
import {useMemo, useSyncExternalStore} from 'react';
import type {Session, SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';

export interface SessionView {
	/** Bumps on every publish and every invalidate(); cheap memo key for derived data. */
	version: number;
	snapshot: Snapshot;
	status: SessionStatus;
}

export interface SessionStore {
	subscribe(listener: () => void): () => void;
	getSnapshot(): SessionView;
	/** Re-read the session now: after setPaused/setSpeed/seek the status changes without a publish. */
	invalidate(): void;
	/**
	 * Redraw at most every `ms` of real time (0: on every publish). Publishes in between are
	 * coalesced into one redraw when the interval is up; invalidate() still redraws at once.
	 */
	setInterval(ms: number): void;
}

export function createSessionStore(session: Session): SessionStore {
	let version = 0;
	let cached: SessionView | null = null;
	const listeners = new Set<() => void>();
	let interval = 0;
	let last = Number.NEGATIVE_INFINITY;
	let timer: ReturnType<typeof setTimeout> | null = null;
	const notify = (): void => {
		if (timer) clearTimeout(timer);
		timer = null;
		last = performance.now();
		version++;
		for (const listener of listeners) listener();
	};
	const onPublish = (): void => {
		const since = performance.now() - last;
		if (since >= interval) notify();
		else timer ??= setTimeout(notify, interval - since);
	};
	let unsubscribe: (() => void) | null = null;
	return {
		subscribe(listener) {
			listeners.add(listener);
			unsubscribe ??= session.subscribe(onPublish);
			return () => {
				listeners.delete(listener);
				if (listeners.size === 0 && unsubscribe) {
					unsubscribe();
					unsubscribe = null;
					if (timer) clearTimeout(timer);
					timer = null;
				}
			};
		},
		setInterval(ms) {
			interval = Math.max(0, ms);
		},
		getSnapshot() {
			// Must return the same object until something changed, or React re-renders forever.
			if (!cached || cached.version !== version) {
				cached = {version, snapshot: session.getSnapshot(), status: session.getStatus()};
			}
			return cached;
		},
		invalidate: notify,
	};
}

export function useSession(session: Session): SessionView & {store: SessionStore} {
	const store = useMemo(() => createSessionStore(session), [session]);
	const view = useSyncExternalStore(store.subscribe, store.getSnapshot);
	return {...view, store};
}
