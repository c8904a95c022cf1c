// A press goes to the keymap: the binding for its key in the current context and mode runs its
// action. What no binding takes: text for an open prompt; for a window, what the window does with
// strangers (help closes, menus swallow, the detail and OOM windows pass them to the table).
import {ACTIONS, type ActionEnv, REPLAY_REFUSAL, typeInPrompt} from '../actions.js';
import {type Binding, findBinding, keyContext, modeOf, screenContext, UNBOUND_IN_OVERLAY} from '../keymap.js';
import {type KeyPress, keySpec, typedText} from './keys.js';

/** Run a binding as if its key `key` was pressed (a key, or a click on its function-bar label). */
export function runBinding(env: ActionEnv, binding: Binding, key: string): void {
	if (binding.machine && env.view().status.mode === 'replay') {
		env.message(REPLAY_REFUSAL, 'warn');
		return;
	}
	ACTIONS[binding.action](env, key);
}

export function handleKey(env: ActionEnv, press: KeyPress): void {
	const spec = keySpec(press);
	const ui = env.ui();
	const mode = modeOf(env.view().status);
	const context = keyContext(
		ui.prompt,
		ui.overlay,
		ui.tree,
		ui.logFocus && env.view().layout.logHeight > 1,
		ui.cgroups,
	);
	const binding = findBinding(spec, context, mode);
	if (binding) {
		runBinding(env, binding, spec);
		return;
	}
	// The log takes only its scrolling keys; the rest are the table's.
	if (context === 'log') {
		const beneath = findBinding(spec, screenContext(ui.tree, ui.cgroups), mode);
		if (beneath) runBinding(env, beneath, spec);
		return;
	}
	if (ui.prompt) {
		const text = typedText(press);
		if (text !== null) typeInPrompt(env, text);
		return;
	}
	if (ui.overlay) {
		const rule = UNBOUND_IN_OVERLAY[ui.overlay.kind];
		if (rule === 'close') env.dispatch({type: 'overlay', overlay: null});
		if (rule !== 'main') return;
		const beneath = findBinding(spec, screenContext(ui.tree, ui.cgroups), mode);
		if (beneath) runBinding(env, beneath, spec);
	}
}
