import type { CommandSpec, CompletionSpec, OptionSpec } from './spec.js';

/** The sessions a Tab can offer: every id under the root, and the names that still point at one. */
export interface SessionList {
  ids: string[];
  /** name -> id */
  names: Map<string, string>;
}

export interface Candidate {
  value: string;
  description: string;
}

/** What to offer for the last word: these candidates, or the shell's own file names (after `--`). */
export type Completion = { files: true } | { files: false; candidates: Candidate[] };

const NOTHING: Completion = { files: false, candidates: [] };

/**
 * Completes the last of `words` (the words after the program's name, the last one being typed, maybe
 * empty). Pure; `sessions` is asked only where a session goes. Bash splits `--until=id` into
 * `--until`, `=`, `id`; zsh and fish keep it one word: both are understood.
 */
export function complete(
  spec: CompletionSpec,
  words: readonly string[],
  sessions: () => SessionList,
): Completion {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const byDefault = spec.commands.find((command) => command.names[0] === spec.defaultCommand);
  let command: CommandSpec | undefined;
  let positionals = 0;
  let pending: OptionSpec | undefined;
  for (const word of before) {
    if (pending) {
      if (word !== '=') pending = undefined;
      continue;
    }
    // What follows is Claude's (new, resume): the shell's own completion fits best.
    if (word === '--') return { files: true };
    if (word.startsWith('-') && word !== '-') {
      const flag = word.split('=')[0] as string;
      const option = findOption(command ? command.options : spec.options, flag);
      const defaults = option || command ? undefined : findOption(byDefault?.options ?? [], flag);
      if (defaults) command = byDefault;
      if ((option ?? defaults)?.takesValue && !word.includes('=')) pending = option ?? defaults;
      continue;
    }
    if (!command) {
      command = spec.commands.find((known) => known.names.includes(word));
      if (command) continue;
      command = byDefault;
    }
    positionals++;
  }

  if (pending) return current === '=' ? NOTHING : offer(values(pending.choices ?? []), current);
  if (current.startsWith('-')) {
    const options = command ? command.options : [...spec.options, ...(byDefault?.options ?? [])];
    const equals = current.indexOf('=');
    if (equals > 0) {
      const flag = current.slice(0, equals);
      const choices = findOption(options, flag)?.choices ?? [];
      return offer(
        values(choices).map((choice) => ({ ...choice, value: `${flag}=${choice.value}` })),
        current,
      );
    }
    const used = new Set(before.map((word) => word.split('=')[0] as string));
    return offer(flagsOf(options, used, current), current);
  }
  if (!command) return offer(commandNames(spec), current);
  const argument =
    command.arguments[positionals] ?? command.arguments.filter((known) => known.variadic).at(-1);
  if (!argument) return NOTHING;
  if (argument.choices) return offer(values(argument.choices), current);
  if (argument.name === 'session') return offer(sessionCandidates(sessions(), current), current);
  if (argument.name === 'command') return offer(commandNames(spec), current);
  return NOTHING;
}

function findOption(options: readonly OptionSpec[], flag: string): OptionSpec | undefined {
  return options.find((option) => option.flags.includes(flag));
}

function offer(candidates: Candidate[], current: string): Completion {
  const seen = new Set<string>();
  const fitting = candidates.filter((candidate) => {
    if (!candidate.value.startsWith(current) || seen.has(candidate.value)) return false;
    seen.add(candidate.value);
    return true;
  });
  return { files: false, candidates: fitting };
}

const values = (choices: readonly string[]): Candidate[] =>
  choices.map((value) => ({ value, description: '' }));

function commandNames(spec: CompletionSpec): Candidate[] {
  return spec.commands.flatMap((command) =>
    command.names.map((value) => ({ value, description: command.description })),
  );
}

/** Long flags always; a short one only once `-x` is typed (a lone `-` lists the long ones). */
function flagsOf(options: readonly OptionSpec[], used: ReadonlySet<string>, current: string): Candidate[] {
  const short = current.length > 1 && current[1] !== '-';
  return options
    .filter((option) => !option.flags.some((flag) => used.has(flag)))
    .flatMap((option) =>
      option.flags
        .filter((flag) => flag.startsWith('--') !== short)
        .map((value) => ({ value, description: option.description })),
    );
}

/** Names first; the ids of unnamed sessions, and any id once its first characters are typed. */
function sessionCandidates(sessions: SessionList, current: string): Candidate[] {
  const named = new Map([...sessions.names].map(([name, id]) => [id, name]));
  const names = [...sessions.names]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, id]) => ({ value, description: `session ${id.slice(0, 8)}` }));
  const ids = [...sessions.ids]
    .sort()
    .filter((id) => current !== '' || !named.has(id))
    .map((value) => {
      const name = named.get(value);
      return { value, description: name ? `session "${name}"` : 'unnamed session' };
    });
  return [...names, ...ids];
}

export type Shell = 'bash' | 'zsh' | 'fish';

/** The lines the shell's completion function reads: see scripts.ts. */
export function formatCompletion(completion: Completion, shell: Shell): string {
  if (completion.files) return ':files\n';
  return completion.candidates
    .map(({ value, description }) => {
      const said = description.replace(/\s+/g, ' ');
      if (shell === 'bash' || !said) return shell === 'zsh' ? value.replaceAll(':', '\\:') : value;
      return shell === 'zsh' ? `${value.replaceAll(':', '\\:')}:${said}` : `${value}\t${said}`;
    })
    .map((line) => `${line}\n`)
    .join('');
}
