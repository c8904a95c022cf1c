// A validated, indexed recording: commands by tick, checkpoints by tick with the file offset of their
// state. States stay on disk until a seek needs one: a key state is decoded on its own, a delta by
// decoding its chain (the key it goes back to, then each delta after it), starting from the last
// state decoded when that is on the way. load.ts builds one from a file.
import {closeSync, openSync, readSync} from 'node:fs';
import {describeFsError} from '../common/file-error.js';
import type {Command} from '../sim/commands.js';
import type {Machine} from '../sim/machine.js';
import type {Workload} from '../sim/spec.js';
import {hashBytes} from '../sim/state-codec.js';
import type {BudgetLimits} from '../workload/budget.js';
import {decodeState} from './compression.js';
import {decodeDelta} from './delta.js';
import {
	type CheckpointBody,
	canonicalHash,
	FormatError,
	type RecordingHeader,
	type RecordLine,
} from './format.js';
import {errorText, parseJson} from './line-reader.js';
import {restoreState} from './restore.js';
import {validateLine} from './validate.js';

export interface CommandEntry {
	tick: number;
	command: Command;
	line: number;
}

export interface CheckpointEntry {
	tick: number;
	hash: string;
	line: number;
	/** Where the line holding the checkpoint's state (full or delta) is, or null for a hash-only checkpoint. */
	state: {offset: number; length: number} | null;
	/** A delta: the tick of the checkpoint it applies to, and the byte length of the state it gives. */
	delta: {base: number; length: number} | null;
	/** The byte length of the state (a delta's; a key state's from format 3 on), or null when unknown. */
	stateLength: number | null;
}

/** A validated, indexed recording. */
export class Recording {
	readonly file: string;
	/** How messages name the file. */
	readonly label: string;
	readonly header: RecordingHeader;
	/** The first tick: 0, or the tick of the full state a branch starts from. */
	readonly startTick: number;
	/** The last tick: the end line's, else the last complete line's. */
	readonly endTick: number;
	readonly end: {tick: number; hash: string; line: number} | null;
	readonly commandList: readonly CommandEntry[];
	readonly checkpoints: readonly CheckpointEntry[];
	/** Set when the file was cut short (a partial last line, or no end line): one line saying so. */
	readonly notice: string | null;
	readonly lineCount: number;
	/** The most bytes a state of this recording can have (state-bound.ts): every state decompresses within it. */
	readonly maxStateBytes: number;
	/** The resource budget a restored state is held to (set by loadRecording; none: not checked). */
	limits: BudgetLimits | null = null;
	private readonly commandsByTick = new Map<number, Command[]>();
	private readonly checkpointsByTick = new Map<number, CheckpointEntry>();
	private readonly stateCheckpoints: CheckpointEntry[];
	/** Checkpoints whose state restored and re-hashed correctly once (no need to re-check). */
	private readonly trusted = new Set<number>();
	/** Checkpoints whose state could not be decoded: they, and the deltas that build on them, are unusable. */
	private readonly broken = new Set<number>();
	/**
	 * The last key state decoded and the last state read (key or delta), both checked against their
	 * hashes: a seek near the previous one decodes only the deltas in between. Never modified in place.
	 */
	private lastKey: {tick: number; raw: Uint8Array; checked: boolean} | null = null;
	private lastState: {tick: number; raw: Uint8Array} | null = null;

	constructor(init: {
		file: string;
		label: string;
		header: RecordingHeader;
		startTick: number;
		endTick: number;
		end: Recording['end'];
		commands: CommandEntry[];
		checkpoints: CheckpointEntry[];
		notice: string | null;
		lineCount: number;
		maxStateBytes: number;
	}) {
		this.file = init.file;
		this.label = init.label;
		this.header = init.header;
		this.startTick = init.startTick;
		this.endTick = init.endTick;
		this.end = init.end;
		this.commandList = init.commands;
		this.checkpoints = init.checkpoints;
		this.notice = init.notice;
		this.lineCount = init.lineCount;
		this.maxStateBytes = init.maxStateBytes;
		for (const c of init.commands) {
			const list = this.commandsByTick.get(c.tick);
			if (list) list.push(c.command);
			else this.commandsByTick.set(c.tick, [c.command]);
		}
		for (const c of init.checkpoints) this.checkpointsByTick.set(c.tick, c);
		this.stateCheckpoints = init.checkpoints.filter((c) => c.state !== null);
	}

	get workload(): Workload {
		return this.header.workload;
	}

	commandsAt(tick: number): readonly Command[] {
		return this.commandsByTick.get(tick) ?? [];
	}

	checkpointAt(tick: number): CheckpointEntry | undefined {
		return this.checkpointsByTick.get(tick);
	}

	/** Checkpoints with a state (full or delta: a seek can restore any of them), in tick order. */
	get states(): readonly CheckpointEntry[] {
		return this.stateCheckpoints;
	}

	/** Checkpoints with a full (key) state, in tick order. */
	get keys(): readonly CheckpointEntry[] {
		return this.stateCheckpoints.filter((c) => !c.delta);
	}

	/** The checkpoints whose states a delta checkpoint needs: its key state first, `c` last. */
	chain(c: CheckpointEntry): CheckpointEntry[] {
		const chain = [c];
		for (let at = c; at.delta; ) {
			// indexRecording checked that every base is an earlier checkpoint with a state.
			at = this.checkpointsByTick.get(at.delta.base)!;
			chain.push(at);
		}
		return chain.reverse();
	}

	/** Whether a checkpoint's state can still be tried: none of its chain failed to decode. */
	usable(c: CheckpointEntry): boolean {
		if (!c.state) return false;
		if (this.broken.size === 0) return true;
		return this.chain(c).every((link) => !this.broken.has(link.tick));
	}

	/** Forget the decoded states kept for the next read, and which states were checked (benchmarks). */
	dropCaches(): void {
		this.lastKey = null;
		this.lastState = null;
		this.trusted.clear();
	}

	/** The latest checkpoint with a state at or before `tick` that `usable` accepts (and this.usable). */
	stateAtOrBefore(
		tick: number,
		usable: (c: CheckpointEntry) => boolean = () => true,
	): CheckpointEntry | undefined {
		const s = this.stateCheckpoints;
		let lo = 0;
		let hi = s.length - 1;
		let found = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (s[mid]!.tick <= tick) {
				found = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		for (let i = found; i >= 0; i--) if (this.usable(s[i]!) && usable(s[i]!)) return s[i];
		return undefined;
	}

	/** A message about one line of this file. */
	where(line: number, message: string): string {
		return `${this.label}:${line}: ${message}`;
	}

	/**
	 * A checkpoint's state bytes, checked against its hash: a key state read from the file, a delta
	 * applied to the states of its chain. A link that cannot be decoded is marked broken (with every
	 * delta built on it) and named in the FormatError. The bytes returned must not be modified.
	 */
	readState(c: CheckpointEntry): Uint8Array {
		if (!c.state) throw new FormatError(this.where(c.line, 'checkpoint has no state'));
		const chain = this.chain(c);
		// Start from the latest link already decoded, else from the key.
		let from = 0;
		let raw: Uint8Array | null = null;
		let checked = false;
		for (let i = chain.length - 1; i >= 0 && !raw; i--) {
			const tick = chain[i]!.tick;
			if (this.lastState?.tick === tick) {
				raw = this.lastState.raw;
				checked = true;
			} else if (this.lastKey?.tick === tick) raw = this.lastKey.raw;
			if (raw) from = i;
		}
		raw ??= this.readKey(chain[0]!);
		if (from === chain.length - 1) {
			// The state itself: a key read from the file is checked against its hash here.
			if (!checked) this.checkKey(c);
		} else {
			// Deltas patch a copy (the first one copies), then that copy in place. The result is checked
			// against its hash; a key on the way need not be (if it is damaged, so is the result).
			let owned = false;
			for (let i = from + 1; i < chain.length; i++) {
				raw = this.applyDelta(chain[i]!, raw, owned);
				owned = true;
			}
			if (hashBytes(raw) !== c.hash) this.blame(chain);
		}
		this.lastState = {tick: c.tick, raw};
		return raw;
	}

	/** A key state from the file, kept as lastKey (not yet checked against its hash: see checkKey). */
	private readKey(c: CheckpointEntry): Uint8Array {
		const text = this.readLine(c).state!;
		let raw: Uint8Array;
		try {
			raw = decodeState(text, this.maxStateBytes, this.header.format, c.stateLength ?? undefined);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, errorText(error)));
		}
		this.lastKey = {tick: c.tick, raw, checked: false};
		return raw;
	}

	/** Check the key state kept as lastKey (the one just read or found: `c`'s) against its hash, once. */
	private checkKey(c: CheckpointEntry): void {
		const key = this.lastKey!;
		if (key.checked) return;
		if (hashBytes(key.raw) !== c.hash) {
			this.broken.add(c.tick);
			this.lastKey = null;
			throw new FormatError(
				this.where(c.line, 'checkpoint state does not match its hash (the file is corrupt)'),
			);
		}
		key.checked = true;
	}

	/**
	 * The chain's last state does not match its hash: find the first link whose state does not match
	 * its own (a delta can be damaged yet give the right bytes where later ones overwrite it), mark it
	 * broken and throw naming it.
	 */
	private blame(chain: CheckpointEntry[]): never {
		const key = chain[0]!;
		let raw = this.lastKey?.tick === key.tick ? this.lastKey.raw : this.readKey(key);
		this.checkKey(key);
		let culprit = chain.at(-1)!;
		let owned = false;
		for (let i = 1; i < chain.length; i++) {
			raw = this.applyDelta(chain[i]!, raw, owned);
			owned = true;
			if (hashBytes(raw) !== chain[i]!.hash) {
				culprit = chain[i]!;
				break;
			}
		}
		this.broken.add(culprit.tick);
		throw new FormatError(
			this.where(culprit.line, 'checkpoint delta does not match its hash (the file is corrupt)'),
		);
	}

	/** A delta checkpoint's state from its base's bytes (patched in place when `inPlace`). */
	private applyDelta(c: CheckpointEntry, base: Uint8Array, inPlace: boolean): Uint8Array {
		const text = this.readLine(c).delta!;
		try {
			return decodeDelta(text, base, c.delta!.length, inPlace);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, errorText(error)));
		}
	}

	/** A checkpoint's line read back from the file, validated and compared with the index. */
	private readLine(c: CheckpointEntry): CheckpointBody {
		const where = c.state!;
		let fd: number;
		try {
			fd = openSync(this.file, 'r');
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(`${this.label}: cannot read: ${describeFsError(error)}`);
		}
		let line: RecordLine;
		try {
			const buf = Buffer.alloc(where.length);
			let got = 0;
			while (got < buf.length) {
				const n = readSync(fd, buf, got, buf.length - got, where.offset + got);
				if (n === 0) break;
				got += n;
			}
			line = validateLine(parseJson(buf.subarray(0, got)), this.header.format);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(
				this.where(c.line, `checkpoint unreadable (the file changed?): ${errorText(error)}`),
			);
		} finally {
			closeSync(fd);
		}
		const body = 'checkpoint' in line ? line.checkpoint : null;
		if (
			!body ||
			line.t !== c.tick ||
			body.hash !== c.hash ||
			(c.delta
				? body.delta === undefined || body.base !== c.delta.base || body.length !== c.delta.length
				: body.state === undefined)
		) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, 'checkpoint changed since the file was read'));
		}
		return body;
	}

	/** A machine from a state checkpoint of this file (at the checkpoint's tick, before its commands). */
	restore(c: CheckpointEntry): Machine {
		const raw = this.readState(c);
		const budget = this.limits
			? {limits: this.limits, policy: this.header.policy, commands: this.commandList}
			: undefined;
		const m = restoreState(this.workload, raw, (message) => this.where(c.line, message), budget);
		if (m.tick !== c.tick)
			throw new FormatError(this.where(c.line, `checkpoint state is at tick ${m.tick}, not ${c.tick}`));
		if (m.seed !== this.header.seed) {
			throw new FormatError(
				this.where(c.line, `checkpoint state has seed ${m.seed}, the header says ${this.header.seed}`),
			);
		}
		if (!this.trusted.has(c.tick)) {
			// The restored machine must save back to the very bytes it came from.
			if (canonicalHash(m) !== c.hash) {
				throw new FormatError(
					this.where(c.line, 'checkpoint state does not restore to itself (the file is corrupt)'),
				);
			}
			this.trusted.add(c.tick);
		}
		return m;
	}
}
