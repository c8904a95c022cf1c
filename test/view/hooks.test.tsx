import {Text} from 'ink';
import {describe, expect, it} from 'vitest';
import {createSessionStore, useSession} from '../../source/view/hooks/use-session.js';
import {useTerminalSize} from '../../source/view/hooks/use-terminal-size.js';
import {FakeSession} from '../helpers/fake-session.js';
import {tick, waitForFrame} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

function Size() {
	const {columns, rows} = useTerminalSize();
	return <Text>{`${columns}x${rows}`}</Text>;
}

function Clock({session}: {session: FakeSession}) {
	const {snapshot, status, version} = useSession(session);
	return <Text>{`t=${snapshot.time} paused=${status.paused} v=${version}`}</Text>;
}

describe('hooks', () => {
	it('useTerminalSize follows resize', async () => {
		const r = await mount(<Size />, 120, 40);
		expect(r.lastFrame()).toBe('120x40');
		r.stdout.resize(80, 24);
		expect(await waitForFrame(r, (f) => f !== '120x40' && f !== '')).toBe('80x24');
	});

	it('useSession re-renders on publish and on invalidate, and unsubscribes on unmount', async () => {
		const session = new FakeSession({snapshot: buildSnapshot({time: 1})});
		const r = await mount(<Clock session={session} />, 80);
		expect(r.lastFrame()).toBe('t=1 paused=false v=0');
		session.publish(buildSnapshot({time: 2}));
		await tick();
		expect(r.lastFrame()).toBe('t=2 paused=false v=1');
		expect(session.listenerCount).toBe(1);
		r.unmount();
		expect(session.listenerCount).toBe(0);
	});

	it('the store returns the same view until something changes', () => {
		const session = new FakeSession();
		const store = createSessionStore(session);
		const unsubscribe = store.subscribe(() => {});
		const a = store.getSnapshot();
		expect(store.getSnapshot()).toBe(a);
		session.setPaused(true);
		store.invalidate();
		const b = store.getSnapshot();
		expect(b).not.toBe(a);
		expect(b.status.paused).toBe(true);
		unsubscribe();
	});
});
