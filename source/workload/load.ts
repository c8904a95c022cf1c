// Workload files: find them, read them, parse the YAML, validate it, and turn every failure into ONE
// line a person can act on: "FILE:LINE: path.to.field: expected ..., got ...".
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {basename, join} from 'node:path';
import {type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument} from 'yaml';
import type {z} from 'zod';
import {fileError} from '../common/file-error.js';
import {packageRoot} from '../common/package.js';
import {UserError} from '../common/user-error.js';
import type {Workload} from '../sim/spec.js';
import {
	BUDGET_USES,
	type BudgetLimits,
	type BudgetUse,
	checkWorkloadBudget,
	DEFAULT_LIMITS,
} from './budget.js';
import {formatBytes} from './quantities.js';
import {workloadSchema} from './schema.js';

export function shippedWorkloadsDir(): string {
	return join(packageRoot(), 'workloads');
}

const YAML_EXTENSION = /\.ya?ml$/i;

/** True when `nameOrPath` names a file rather than a shipped workload. */
export function isWorkloadPath(nameOrPath: string): boolean {
	return nameOrPath.includes('/') || nameOrPath.includes('\\') || YAML_EXTENSION.test(nameOrPath);
}

function shippedNames(): string[] {
	try {
		return readdirSync(shippedWorkloadsDir())
			.filter((f) => f.endsWith('.yaml'))
			.map((f) => f.slice(0, -'.yaml'.length))
			.sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
	} catch {
		return [];
	}
}

/** Where a workload comes from: the file to read and how messages name it. */
export interface WorkloadSource {
	file: string;
	label: string;
}

/** A shipped name (`thrash`) → <package root>/workloads/thrash.yaml; a path (has a / or ends .yaml/.yml) as is. */
export function resolveWorkload(nameOrPath: string): WorkloadSource {
	// A path that exists is read as a file, whatever its name (its real problem is then reported).
	if (isWorkloadPath(nameOrPath) || existsSync(nameOrPath)) return {file: nameOrPath, label: nameOrPath};
	const file = join(shippedWorkloadsDir(), `${nameOrPath}.yaml`);
	if (!existsSync(file)) {
		throw new UserError(
			`unknown workload '${nameOrPath}' (shipped: ${shippedNames().join(', ')}; or give a path to a .yaml file)`,
		);
	}
	return {file, label: `workloads/${nameOrPath}.yaml`};
}

/**
 * The resource budget a workload is checked against once parsed (workload/budget.ts): the limits,
 * how the run will use the machine, and the policy it will run under. Null: not checked.
 */
export interface WorkloadBudget {
	limits: BudgetLimits;
	use: BudgetUse;
	policy?: string | undefined;
}

/** What `memtop run FILE` needs with no flags: the dashboard, recording, within the default limits. */
export const DEFAULT_BUDGET: WorkloadBudget = {limits: DEFAULT_LIMITS, use: BUDGET_USES.recorded};

/** Load a shipped workload by name (`thrash`) or a workload file by path (`./my.yaml`). */
export function loadWorkload(nameOrPath: string, budget: WorkloadBudget | null = DEFAULT_BUDGET): Workload {
	const {file, label} = resolveWorkload(nameOrPath);
	return loadWorkloadFile(file, label, budget);
}

/** Read and parse one file; `label` is how messages name it. */
export function loadWorkloadFile(
	path: string,
	label = path,
	budget: WorkloadBudget | null = DEFAULT_BUDGET,
): Workload {
	// Only a regular file of a sensible size: a FIFO would wait forever for a writer, /dev/zero never
	// ends, and a file of gigabytes is not a workload.
	let st: ReturnType<typeof statSync>;
	try {
		st = statSync(path);
	} catch (error) {
		throw fileError(label, error);
	}
	if (st.isDirectory()) throw new UserError(`${label}: cannot read: is a directory`);
	if (!st.isFile())
		throw new UserError(
			`${label}: cannot read: not a regular file (${st.isFIFO() ? 'a FIFO' : 'a device or socket'})`,
		);
	if (st.size > MAX_WORKLOAD_BYTES)
		throw new UserError(
			`${label}: cannot read: ${formatBytes(st.size)} is too large for a workload file (at most ${formatBytes(MAX_WORKLOAD_BYTES)})`,
		);
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw fileError(label, error);
	}
	return parseWorkload(text, label, budget);
}

/** The largest workload file read: the shipped ones are a few KiB; a generated one might be large. */
export const MAX_WORKLOAD_BYTES = 16 * 1024 * 1024;
/** How deep a workload's YAML may nest (the format needs 6 levels: processes, a group, its regions, a region...). */
export const MAX_YAML_DEPTH = 64;

/**
 * How deep `text` nests, by flow brackets ([ {) outside quotes and by block indentation (one level
 * per indented line deeper than the one before), with the line where it is deepest. A linear scan,
 * before the parser (which recurses) sees the text.
 */
function nestingDepth(text: string): {depth: number; line: number} {
	let best = {depth: 0, line: 1};
	let flow = 0;
	let line = 1;
	let quote: string | null = null;
	let comment = false;
	let lineStart = true;
	let indent = 0;
	const indents: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const c = text[i]!;
		if (c === '\n') {
			line++;
			comment = false;
			lineStart = true;
			indent = 0;
			continue;
		}
		if (lineStart) {
			if (c === ' ') {
				indent++;
				continue;
			}
			lineStart = false;
			if (c !== '#' && quote === null && flow === 0) {
				while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
				indents.push(indent);
				if (indents.length > best.depth) best = {depth: indents.length, line};
			}
		}
		if (comment) continue;
		if (quote !== null) {
			if (c === quote && (quote === "'" || text[i - 1] !== '\\')) quote = null;
			continue;
		}
		if (c === '"' || c === "'") quote = c;
		else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) comment = true;
		else if (c === '[' || c === '{') {
			flow++;
			if (flow + indents.length > best.depth) best = {depth: flow + indents.length, line};
		} else if ((c === ']' || c === '}') && flow > 0) flow--;
	}
	return best;
}

/** The first comment line at the top of a file: shipped workloads open with what to watch. */
export function firstCommentLine(text: string): string | undefined {
	for (const line of text.split(/\r?\n/)) {
		const trimmed = line.trim();
		if (trimmed === '' || trimmed === '---') continue;
		if (!trimmed.startsWith('#')) return undefined;
		const comment = trimmed.replace(/^#+/, '').trim();
		if (comment !== '') return comment;
	}
	return undefined;
}

/** The file's name without .yaml: the workload's default name. */
function nameFromLabel(fileLabel: string): string {
	return basename(fileLabel).replace(YAML_EXTENSION, '');
}

/**
 * Parse and validate workload YAML, then check it against `budget`. Errors are UserErrors of one
 * line naming `fileLabel`.
 */
export function parseWorkload(
	text: string,
	fileLabel: string,
	budget: WorkloadBudget | null = DEFAULT_BUDGET,
): Workload {
	const deep = nestingDepth(text);
	if (deep.depth > MAX_YAML_DEPTH)
		throw new UserError(
			`${fileLabel}:${deep.line}: invalid YAML: nested ${deep.depth} levels deep; a workload file may nest at most ${MAX_YAML_DEPTH} (the format needs 6)`,
		);
	const lineCounter = new LineCounter();
	let doc: Document.Parsed;
	try {
		// logLevel 'error': the parser's warnings (a key that is a list or a mapping) would reach the
		// terminal raw as a Node warning; such a key becomes its text and is refused as an unknown key.
		doc = parseDocument(text, {lineCounter, prettyErrors: false, merge: true, logLevel: 'error'});
	} catch (error) {
		// The parser recursing past the stack on a shape the depth scan missed: still one line.
		if (error instanceof RangeError)
			throw new UserError(`${fileLabel}: invalid YAML: nested too deeply for the parser`);
		throw error;
	}
	if (doc.errors.length > 0) {
		const error = doc.errors[0]!;
		const line = error.linePos?.[0]?.line ?? (error.pos ? lineCounter.linePos(error.pos[0]).line : undefined);
		let message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
		if (message.startsWith('Source contains multiple documents'))
			message = 'a workload file holds one YAML document, found a second one';
		throw new UserError(`${where(fileLabel, line)}invalid YAML: ${message}${more(doc.errors.length - 1)}`);
	}
	let data: unknown;
	try {
		data = doc.toJS({maxAliasCount: 1000});
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		const message =
			error instanceof RangeError
				? 'nested too deeply for the parser'
				: /excessive alias count/i.test(text)
					? 'too many YAML aliases (at most 1000 expansions; a file this large by aliases is refused as a resource exhaustion attack)'
					: /merge/i.test(text)
						? `a merge key (<<) must name a mapping or a list of mappings (${text.split('\n')[0]})`
						: text.split('\n')[0];
		throw new UserError(`${fileLabel}: invalid YAML: ${message}`);
	}
	const defaultName = nameFromLabel(fileLabel).replace(/[^A-Za-z0-9_.-]/g, '-');
	const schema = workloadSchema({name: defaultName, description: firstCommentLine(text) ?? ''});
	const result = schema.safeParse(data);
	if (!result.success) throw new UserError(formatIssues(result.error.issues, doc, lineCounter, fileLabel));
	if (budget) {
		const problem = checkWorkloadBudget(result.data, budget.limits, budget.use, budget.policy, (path) => {
			const node = doc.getIn(filePath(path), true);
			const range = isScalar(node) ? node.range : undefined;
			return range ? text.slice(range[0], range[1]).trim() : undefined;
		});
		if (problem) {
			const path = filePath(problem.path);
			const field = formatPath(path);
			throw new UserError(
				`${where(fileLabel, lineOf(doc, lineCounter, path))}${field ? `${field}: ` : ''}${problem.message}`,
			);
		}
	}
	return result.data;
}

/** A path in the parsed workload as the file has it: an event's command is its action key. */
function filePath(path: readonly PropertyKey[]): PropertyKey[] {
	const p = [...path];
	if (p[0] === 'events' && p[2] === 'command') {
		if (p[3] === 'spec') p.splice(2, 2, 'spawn');
		else if (p[3] === 'image') p.splice(2, 2, 'exec');
		else p.splice(2, 1);
	}
	return p;
}

function where(fileLabel: string, line: number | undefined): string {
	return line === undefined ? `${fileLabel}: ` : `${fileLabel}:${line}: `;
}

function more(n: number): string {
	return n > 0 ? ` (+${n} more)` : '';
}

/** processes[0].streams[1].region */
export function formatPath(path: readonly PropertyKey[]): string {
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else out += out === '' ? String(segment) : `.${String(segment)}`;
	}
	return out;
}

interface Problem {
	path: PropertyKey[];
	message: string;
	line: number | undefined;
	order: number;
}

function formatIssues(
	issues: readonly z.core.$ZodIssue[],
	doc: Document,
	lineCounter: LineCounter,
	fileLabel: string,
): string {
	const problems: Problem[] = [];
	let extra = 0;
	for (const issue of issues) {
		let path = [...issue.path];
		if (issue.code === 'unrecognized_keys') {
			// One issue names every unknown key of a mapping; report the first, count the rest.
			path = [...path, issue.keys[0] ?? ''];
			extra += issue.keys.length - 1;
		}
		problems.push({
			path,
			message: issue.message,
			line: lineOf(doc, lineCounter, path),
			order: problems.length,
		});
	}
	// The first problem in the file, so fixing from the top down works; problems without a line
	// (a missing top-level key) come first, as they are the most basic.
	problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.order - b.order);
	const first = problems[0]!;
	const field = formatPath(first.path);
	return `${where(fileLabel, first.line)}${field ? `${field}: ` : ''}${first.message}${more(problems.length - 1 + extra)}`;
}

/**
 * The line of the YAML node at `path`: the key's line for a mapping entry, the item's line for a list
 * entry. A path that leaves the document (a missing key) stops at the deepest node that exists.
 */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
	let node: unknown = doc.contents;
	// The document itself (a file that is a list, not a mapping) is reported at its first line.
	let offset = path.length === 0 ? doc.contents?.range?.[0] : undefined;
	for (const segment of path) {
		if (isAlias(node)) node = node.resolve(doc);
		if (isMap(node)) {
			const pair = node.items.find((p) => {
				const key = isScalar(p.key) ? p.key.value : p.key;
				return String(key) === String(segment);
			});
			if (!pair) break;
			const keyRange = (pair.key as Node | null)?.range;
			const valueRange = (pair.value as Node | null)?.range;
			offset = keyRange?.[0] ?? valueRange?.[0] ?? offset;
			node = pair.value;
		} else if (isSeq(node) && typeof segment === 'number') {
			const item = node.items[segment] as Node | undefined;
			if (!item) break;
			offset = item.range?.[0] ?? offset;
			node = item;
		} else {
			break;
		}
	}
	return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

export interface ShippedWorkload {
	name: string;
	description: string;
	file: string;
}

/** The workloads in <package root>/workloads, by name; description = `description:` or the first comment. */
export function listShippedWorkloads(): ShippedWorkload[] {
	const dir = shippedWorkloadsDir();
	return shippedNames().map((name) => {
		const file = join(dir, `${name}.yaml`);
		const text = readFileSync(file, 'utf8');
		const doc = parseDocument(text);
		const field = doc.errors.length === 0 ? doc.get('description') : undefined;
		const description = typeof field === 'string' ? field : (firstCommentLine(text) ?? '');
		return {name, description, file};
	});
}
