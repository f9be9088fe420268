import type { Shell } from './complete.js';

/**
 * The completion scripts `claude-session completion SHELL` prints. Each hands the words typed so far to
 * `claude-session __complete SHELL -- WORDS...` as arguments (never through eval: a word is data) and
 * offers the lines it prints; `:files` means "the shell's own file names" (the words after `--` are
 * Claude's). Errors are dropped: a Tab must not write into the command line.
 */
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

const BASH = `# claude-session completion for bash. Load it from ~/.bashrc with
#   source <(claude-session completion bash)
# or save it as ~/.local/share/bash-completion/completions/claude-session
_claude_session() {
  local cur=\${COMP_WORDS[COMP_CWORD]} IFS=$'\\n'
  local -a reply
  reply=($(command claude-session __complete bash -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  if [[ \${reply[0]-} == :files ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=("\${reply[@]}")
  fi
}
complete -F _claude_session claude-session
`;

const ZSH = `#compdef claude-session
# claude-session completion for zsh. Load it from ~/.zshrc, after compinit, with
#   source <(claude-session completion zsh)
# or save it as _claude-session in a directory on $fpath
_claude_session() {
  local -a reply
  local IFS=$'\\n'
  reply=($(command claude-session __complete zsh -- "\${(@)words[2,CURRENT]}" 2>/dev/null))
  if [[ \${reply[1]-} == :files ]]; then
    _files
  else
    _describe -t values 'claude-session' reply
  fi
}
# Autoloaded from $fpath this file is the function's body; sourced, it registers the function.
if [[ $zsh_eval_context == *func ]]; then
  _claude_session "$@"
else
  compdef _claude_session claude-session
fi
`;

const FISH = `# claude-session completion for fish. Save it with
#   claude-session completion fish > ~/.config/fish/completions/claude-session.fish
function __claude_session_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l reply (command claude-session __complete fish -- $words[2..-1] "$current" 2>/dev/null)
    if test "$reply[1]" = :files
        __fish_complete_path "$current"
    else
        string join \\n -- $reply
    end
end
complete -c claude-session -f -a '(__claude_session_complete)'
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
