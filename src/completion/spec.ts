import type { Command, Option } from 'commander';

/**
 * The command tree as shell completion needs it: plain data, taken from the commander program when the
 * package is built (scripts/build.mjs) and carried in the launch bundle, so that a Tab never loads
 * commander or the commands.
 */
export interface CompletionSpec {
  /** The program's own options (--help, --version). */
  options: OptionSpec[];
  commands: CommandSpec[];
  /** The command that runs when none is named (`new`): its options also go straight after the program. */
  defaultCommand?: string;
}

export interface CommandSpec {
  /** The name, then the aliases. */
  names: string[];
  description: string;
  options: OptionSpec[];
  arguments: ArgumentSpec[];
}

export interface OptionSpec {
  /** Short flag first when there is one: `-n`, `--name`. */
  flags: string[];
  description: string;
  /** Whether the option takes a value (`--name <name>`). */
  takesValue: boolean;
  choices?: string[];
}

export interface ArgumentSpec {
  name: string;
  variadic: boolean;
  choices?: string[];
}

export function describeProgram(program: Command, defaultCommand?: string): CompletionSpec {
  const help = program.createHelp();
  return {
    options: help.visibleOptions(program).map(describeOption),
    commands: help.visibleCommands(program).map((command) => ({
      names: [command.name(), ...command.aliases()],
      description: command.summary() || firstSentence(command.description()),
      options: command.createHelp().visibleOptions(command).map(describeOption),
      arguments: command.registeredArguments.map((argument) => ({
        name: argument.name(),
        variadic: argument.variadic,
        ...(argument.argChoices ? { choices: [...argument.argChoices] } : {}),
      })),
    })),
    ...(defaultCommand ? { defaultCommand } : {}),
  };
}

function describeOption(option: Option): OptionSpec {
  return {
    flags: [option.short, option.long].filter((flag): flag is string => typeof flag === 'string'),
    description: option.description,
    takesValue: option.required || option.optional,
    ...(option.argChoices ? { choices: [...option.argChoices] } : {}),
  };
}

/** A command's description cut to its first clause and lower-cased, to read like the summaries. */
function firstSentence(text: string): string {
  const end = text.search(/[.:;](\s|$)/);
  const first = end === -1 ? text : text.slice(0, end);
  return first.charAt(0).toLowerCase() + first.slice(1);
}
