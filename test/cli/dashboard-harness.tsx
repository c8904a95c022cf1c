// Runs the real runInteractive over a FakeSession in a pseudo-terminal (see interactive.test.tsx).
// argv[2]: 'quit' waits for q (or a signal); 'crash' throws an uncaught error once the dashboard is up.
import {runInteractive} from '../../source/cli/interactive.js';
import {FakeSession} from '../helpers/fake-session.js';

// If the pseudo-terminal's owner (`script`) dies without closing us down, we are orphaned: leave. A
// harness must never outlive its test (runInteractive also ends when its terminal goes away; the
// test of that turns this watchdog off with HARNESS_NO_WATCHDOG).
const parent = process.ppid;
if (!process.env.HARNESS_NO_WATCHDOG)
	setInterval(() => {
		if (process.ppid !== parent) process.exit(129);
	}, 250).unref();

const session = new FakeSession();
process.stderr.write(`pid ${process.pid}\n`);
const original = session.close.bind(session);
session.close = async () => {
	await original();
	process.stderr.write('session closed\n');
};
if (process.argv[2] === 'crash') {
	// Once the dashboard is up (it subscribes on its first render), not after a fixed delay: on a
	// loaded machine loading the app can take longer than any delay we would pick.
	const subscribe = session.subscribe.bind(session);
	session.subscribe = (listener) => {
		setTimeout(() => {
			throw new Error('boom\nsecond line');
		}, 200);
		return subscribe(listener);
	};
}
// What memtop run prints once the screen is gone ("recorded to ..."): after q by the caller, after a
// signal by runInteractive itself, before it exits.
const code = await runInteractive(session, {farewell: () => process.stderr.write('farewell\n')});
process.stderr.write(`returned ${code}\n`);
process.exit(code);
