// A machine from a checkpoint's state bytes. The bytes come from a file, so they are checked before
// and after restoring: a bad state gives a FormatError, never a broken machine.
import {Machine} from '../sim/machine.js';
import {Proc} from '../sim/process.js';
import type {Workload} from '../sim/spec.js';
import {restoreMachine, stateHeaderText} from '../sim/state-codec.js';
import {FormatError} from './format.js';
import {errorText} from './line-reader.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** restoreMachine, guarded: state bytes come from a file, so a bad one gives an error, not a broken machine. */
export function restoreState(
	workload: Workload,
	raw: Uint8Array,
	where: (message: string) => string,
): Machine {
	// The codec's JSON part must not carry keys that would reach object prototypes.
	try {
		JSON.parse(stateHeaderText(raw), (key, value) => {
			if (FORBIDDEN_KEYS.has(key)) throw new Error(`forbidden key ${key}`);
			return value;
		});
	} catch (error) {
		throw new FormatError(where(`checkpoint state is not a machine state: ${errorText(error)}`));
	}
	let m: Machine;
	try {
		m = restoreMachine(workload, raw);
	} catch (error) {
		throw new FormatError(where(`checkpoint state does not fit the workload: ${errorText(error)}`));
	}
	// Data must not shadow methods (restore copies fields by name).
	const shadows = (obj: object, proto: object): string | undefined =>
		Object.keys(obj).find((k) => typeof (proto as Record<string, unknown>)[k] === 'function');
	const bad =
		shadows(m, Machine.prototype) ??
		m.procs.map((p) => (p ? shadows(p, Proc.prototype) : undefined)).find(Boolean);
	if (bad) throw new FormatError(where(`checkpoint state overwrites ${bad}: not a machine state`));
	return m;
}
