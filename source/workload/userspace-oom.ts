// The userspace OOM killers in a workload file: `userspace_oom:` (none, systemd-oomd, earlyoom),
// systemd-oomd's oomd.conf ([OOM] section, oomd.conf(5)) as `oomd:`, earlyoom's -m and -s as
// `earlyoom:`, and the per-unit keys systemd names ManagedOOMSwap=, ManagedOOMMemoryPressure=,
// ManagedOOMMemoryPressureLimit=, ManagedOOMMemoryPressureDurationSec= and ManagedOOMPreference=
// (systemd.resource-control(5)) that a cgroup of `cgroups:` may carry, and `oomd_defaults:` (the
// distribution's unit drop-ins).
import type {EarlyoomSpec, OomdConfSpec} from '../sim/spec.js';
import {OOMD_DEFAULTS, USERSPACE_OOM_KILLERS} from '../sim/spec.js';
import {duration, Expected, leaf, oneOf, strict} from './leaves.js';
import {parseDuration} from './quantities.js';

export const userspaceOomKiller = oneOf(USERSPACE_OOM_KILLERS);

/** `oomd_defaults:` systemd (upstream's: no unit drop-ins) or desktop (the distributions' systemd-oomd package). */
export const oomdDefaults = oneOf(OOMD_DEFAULTS);

/** parse_permyriad() as the unit files take it: "60%" or "60.5%" (the parsed form: a number), 0..100. */
export const percent = leaf((v) => {
	const n =
		typeof v === 'number'
			? v
			: typeof v === 'string' && /^\d{1,3}(\.\d{1,2})?%$/.test(v)
				? Number.parseFloat(v)
				: NaN;
	return Number.isFinite(n) && n >= 0 && n <= 100 ? n : new Expected('a percentage like 60% (0% to 100%)');
});

/**
 * systemd src/core/load-fragment.c config_parse_managed_oom_mem_pressure_duration_sec(): a time span
 * (parse_sec) of at least 1 s, never infinity (an empty value, "unset", means oomd.conf's default:
 * here, leaving the key out). The parsed form is seconds.
 */
const pressureDuration = leaf((v) => {
	const seconds = parseDuration(v);
	return seconds !== undefined && Number.isFinite(seconds) && seconds >= 1
		? seconds
		: new Expected('a duration of at least 1s like 20s or 2m (not infinity)');
});

const managedMode = oneOf(['kill', 'auto'] as const, 'kill or auto');

/** systemd src/core/cgroup.c managed_oom_preference_from_string(): none, avoid or omit. */
const managedPreference = oneOf(['none', 'avoid', 'omit'] as const, 'none, avoid or omit');

/** The systemd-oomd keys of one cgroup in `cgroups:`. */
export const managedOomLeaves = {
	ManagedOOMSwap: managedMode.optional(),
	ManagedOOMMemoryPressure: managedMode.optional(),
	ManagedOOMMemoryPressureLimit: percent.optional(),
	ManagedOOMMemoryPressureDurationSec: pressureDuration.optional(),
	ManagedOOMPreference: managedPreference.optional(),
};

/** `oomd:` — oomd.conf's [OOM] settings. */
export const oomdConfSchema = strict(
	{
		SwapUsedLimit: percent.optional(),
		DefaultMemoryPressureLimit: percent.optional(),
		DefaultMemoryPressureDurationSec: duration({positive: true}).optional(),
	},
	'a mapping like {DefaultMemoryPressureLimit: 60%, DefaultMemoryPressureDurationSec: 30s}',
).transform((c): OomdConfSpec => {
	const out: OomdConfSpec = {};
	if (c.SwapUsedLimit !== undefined) out.SwapUsedLimit = c.SwapUsedLimit;
	if (c.DefaultMemoryPressureLimit !== undefined)
		out.DefaultMemoryPressureLimit = c.DefaultMemoryPressureLimit;
	if (c.DefaultMemoryPressureDurationSec !== undefined)
		out.DefaultMemoryPressureDurationSec = c.DefaultMemoryPressureDurationSec;
	return out;
});

const TUPLE_FORMS = 'PERCENT[,KILL_PERCENT] like 10 or "10,5" (0 to 100; KILL_PERCENT at most PERCENT)';

/**
 * earlyoom's parse_term_kill_tuple(): "10,5" is SIGTERM at 10 %, SIGKILL at 5 %; "10" alone puts the
 * SIGKILL limit at half of it. The parsed form [10, 5] parses to itself.
 */
const termKill = leaf((v): [number, number] | Expected => {
	let parts: unknown[];
	if (typeof v === 'number') parts = [v];
	else if (typeof v === 'string' && /^\d{1,3}(\.\d+)?(,\d{1,3}(\.\d+)?)?$/.test(v))
		parts = v.split(',').map(Number);
	else if (Array.isArray(v) && v.length === 2) parts = v;
	else return new Expected(TUPLE_FORMS);
	const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100;
	const term = parts[0];
	const kill = parts.length > 1 ? parts[1] : ok(term) ? term / 2 : undefined;
	if (!ok(term) || !ok(kill) || kill > term) return new Expected(TUPLE_FORMS);
	return [term, kill];
});

/** `earlyoom:` — its -m (available memory) and -s (free swap) limits. */
export const earlyoomSchema = strict(
	{m: termKill.optional(), s: termKill.optional()},
	'a mapping like {m: "10,5", s: "10,5"} (earlyoom -m and -s)',
).transform((e): EarlyoomSpec => {
	const out: EarlyoomSpec = {};
	if (e.m) out.m = e.m;
	if (e.s) out.s = e.s;
	return out;
});
