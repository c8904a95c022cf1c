// A file's `exec` event (and an exec command read from a recording): execve(2) in a running process.
// `{pid: 104}` alone runs the program it runs now again, from its start; with an image, the image is
// a process as in `processes:` less what belongs to the task (oom_score_adj, uid, cgroup, count,
// start, end), and needs its name, rate and regions: `{pid: 104, name: gzip, rate: 5000, regions:
// [...], streams: [...]}`.
import type {z} from 'zod';
import type {Command} from '../sim/commands.js';
import type {ExecImage} from '../sim/spec.js';
import {DEFAULTS} from './defaults.js';
import {duration, list, num, pid, processName, strict} from './leaves.js';
import {
	burstSchema,
	checkProcess,
	regionSchema,
	streamSchema,
	toRegionSpec,
	toStreamSpec,
} from './processes.js';

const IMAGE_FIELDS = ['name', 'rate', 'compressibility', 'burst', 'lifetime', 'regions', 'streams'] as const;
/** What a new image cannot do without. */
const IMAGE_NEEDS = ['name', 'rate', 'regions'] as const;

const execShape = {
	pid,
	name: processName.optional(),
	rate: num(0, 1_000_000).optional(),
	compressibility: num(0, 1).optional(),
	burst: burstSchema.optional(),
	lifetime: duration({positive: true}).optional(),
	regions: list(regionSchema, 'regions', 1).optional(),
	streams: list(streamSchema, 'streams').optional(),
};

type ExecInput = z.output<z.ZodObject<typeof execShape>>;

function checkExec(e: ExecInput, ctx: z.RefinementCtx): void {
	const given = IMAGE_FIELDS.filter((k) => e[k] !== undefined);
	if (given.length === 0) return;
	const lacking = IMAGE_NEEDS.filter((k) => e[k] === undefined);
	if (lacking.length > 0) {
		const which =
			lacking.length === 1 ? lacking[0] : `${lacking.slice(0, -1).join(', ')} and ${lacking.at(-1)}`;
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: [lacking[0]!],
			message: `expected ${which} in the new image (it gives ${given.join(', ')}; give only pid to run the same program again), got nothing`,
		});
	} else checkProcess({rate: e.rate!, regions: e.regions!, streams: e.streams ?? []}, ctx);
}

function toExecCommand(e: ExecInput): Command {
	if (e.name === undefined || e.rate === undefined || e.regions === undefined)
		return {kind: 'exec', pid: e.pid};
	const name = e.name;
	const image: ExecImage = {
		name,
		rate: e.rate,
		regions: e.regions.map((r) => toRegionSpec(r, name)),
		streams: (e.streams ?? []).map(toStreamSpec),
		compressibility: e.compressibility ?? DEFAULTS.compressibility,
	};
	if (e.burst) image.burst = {on: e.burst.on, off: e.burst.off};
	if (e.lifetime !== undefined) image.lifetime = e.lifetime;
	return {kind: 'exec', pid: e.pid, image};
}

export const execSchema = strict(
	execShape,
	'an exec like {pid: 104} (its program again) or {pid: 104, name: gzip, rate: 5000, regions: [...], streams: [...]}',
)
	.superRefine(checkExec)
	.transform(toExecCommand);

/** An exec command as the file's event says it (the inverse of execSchema's transform). */
export function execToEvent(c: Extract<Command, {kind: 'exec'}>): Record<string, unknown> {
	return {exec: {pid: c.pid, ...c.image}};
}
