import type { ProtectPolicy, SessionMode } from '../config/config.js';
import type { LinkState } from '../configdir/shared.js';
import type { UpdateState } from '../update/check-state.js';
import type { WorktreeProblem, WorktreeRecord } from '../worktree/model.js';

/** What `doctor` reports: one finding per thing checked, with the way to fix it when it is not ok. */
export type Status = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  status: Status;
  message: string;
  fix?: string;
  /** The session it is about, when it is about one. */
  session?: string;
}

/** A path as lstat (or stat, for the root) sees it. */
export interface PathFacts {
  path: string;
  kind: 'dir' | 'file' | 'link' | 'other';
  mode: number;
  uid: number;
}

/** The variables of ours a session's Claude must run with, as /proc/PID/environ has them. */
export const SESSION_VARIABLES = [
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_TMPDIR',
  'DISABLE_AUTOUPDATER',
  'CLAUDE_SESSION_ID',
] as const;
export type SessionVariable = (typeof SESSION_VARIABLES)[number];

/** Claude's own marker of a running process in a config dir: `sessions/<pid>.json`. */
export interface ProcessMarker {
  path: string;
  sessionId: string | undefined;
  /** When that process started, from the marker (else its modification time). */
  startedAtMs: number;
}

export interface LiveFacts {
  pid: number;
  /** When our launcher recorded the process (it becomes Claude right after). */
  recordedAtMs: number;
  /** Only our variables, never the rest (it holds login tokens); undefined when unreadable. */
  env: Partial<Record<SessionVariable, string>> | undefined;
  /** Real path of the CLAUDE_CONFIG_DIR it runs with. */
  realConfigDir: string | undefined;
  /** Still the launcher shell, about to exec Claude. */
  launching: boolean;
  /** Markers of this pid in the base (or ~/.claude), which only a process using that dir writes. */
  markers: ProcessMarker[];
}

export interface SessionLink {
  name: string;
  state: LinkState;
  /** What is there instead of the link. */
  kind: PathFacts['kind'] | undefined;
  actual: string | undefined;
  target: string;
}

export interface SessionFacts {
  id: string;
  name: string | null;
  dir: string;
  configDir: string;
  tmpDir: string;
  realConfigDir: string | undefined;
  /** Why the record cannot be read; undefined when it can. */
  problem: string | undefined;
  base: string | undefined;
  dirStat: PathFacts | undefined;
  configStat: PathFacts | undefined;
  links: SessionLink[];
  credentials: PathFacts | undefined;
  /** Conversation ids of its transcripts (read only when the base has any to compare with). */
  conversations: string[];
  live: LiveFacts | undefined;
  /** The socket of our tmux server its last launch ran in (`record.tmux`); undefined in a terminal. */
  tmuxSocket: string | undefined;
}

/** A tmux server of ours, asked once (`list-sessions`) for all its sessions. */
export interface TmuxServerFacts {
  socket: string;
  /** Whether the socket's path exists. */
  exists: boolean;
  /** Its tmux sessions' names; undefined when it was not asked (no socket, no tmux) or did not answer. */
  sessions: string[] | undefined;
  /** What tmux said when the server did not answer. */
  problem: string | undefined;
  /** The server's pid and its cgroup (from /proc/PID/cgroup), when it answered. */
  pid: number | undefined;
  cgroup: string | undefined;
}

export interface TmuxFacts {
  path: string | undefined;
  /** What `tmux -V` printed ("tmux 3.3a"); undefined when it did not answer in time. */
  version: string | undefined;
  /** The install command to suggest (installHint). */
  installHint: string;
  /** Where a plain `claude-session` runs Claude, and who said so: CLAUDE_SESSION_MODE, the config file, or the default. */
  mode: SessionMode;
  modeSource: string;
  /** Our server for this root first, then any other socket a session record names. */
  servers: TmuxServerFacts[];
}

/** What ends a login's processes at logout: systemd-logind's settings and the user's lingering. */
export interface LogoutFacts {
  /** Whether systemd runs the host (/run/systemd/system exists); the rest means nothing without it. */
  systemd: boolean;
  user: string;
  logind: LogindSettings;
  /** /var/lib/systemd/linger/<user> exists: the user's manager runs without a login. */
  linger: boolean;
  /** How a new tmux server of ours starts: in a systemd user scope of its own, or in the login's scope. */
  scope: 'own' | 'disabled' | 'unavailable';
}

/** logind.conf's settings about killing at logout; `explicit` when a config file sets KillUserProcesses. */
export interface LogindSettings {
  killUserProcesses: boolean;
  explicit: boolean;
  killOnlyUsers: string[];
  killExcludeUsers: string[];
}

export interface HealthFacts {
  nowMs: number;
  uid: number;
  home: string;
  root: string;
  rootIsExplicit: boolean;
  rootStat: PathFacts | undefined;
  sessionsDirStat: PathFacts | undefined;
  sessionsProblem: string | undefined;
  base: { dir: string; exists: boolean; source: string };
  protectShared: ProtectPolicy;
  unlocked: boolean;
  unprotected: string[];
  /** Shared entries protection leaves alone: their link leads where another user could redirect it. */
  protectionRefused: { name: string; reason: string; fix: string }[];
  claude: {
    path: string | undefined;
    source: 'CLAUDE_SESSION_CLAUDE' | 'managed store' | 'PATH' | undefined;
    version: string | null;
    problem: string | undefined;
    /** Whether the first session start would install Claude when none is found. */
    installsOnStart: boolean;
  };
  login: {
    kind: 'environment' | 'stored-token' | 'shared-login' | 'none';
    variable?: string;
    credentials?: string;
  };
  /** credentials/, credentials/oauth-token, the base's .credentials.json: those that exist. */
  secrets: PathFacts[];
  sessions: SessionFacts[];
  /** Per base dir of our sessions: conversation id -> where the base has it (transcript or history). */
  baseConversations: Map<string, Map<string, string>>;
  tmux: TmuxFacts;
  logout: LogoutFacts;
  /** The base's settings.json says `"disableAllHooks": true` (so sessions' hooks never run). */
  hooks: { settings: string; disabled: boolean };
  memoryCap: {
    systemdRun: string | undefined;
    userManager: boolean;
    runtimeDir: string;
    cgroup: 'v2' | 'v1' | 'unknown';
    configured: string | undefined;
    /** "limits.memoryMaxUnavailable": what a start does with the configured cap where none can be set. */
    whenUnavailable: 'refuse' | 'warn';
  };
  update: UpdateState & { checks: boolean };
  worktrees: WorktreeFacts;
}

/** Sessions' worktrees as git sees them, and what git and our worktrees dir hold that no session does. */
export interface WorktreeFacts {
  /** `<root>/worktrees`. */
  dir: string;
  sessions: SessionWorktreeFacts[];
  /** Git's registrations of worktrees inside our dir, from every repository a session or a dir names. */
  registrations: WorktreeRegistration[];
  /** The dirs under our dir (one per session id) and whether that session still exists. */
  dirs: { id: string; path: string; session: boolean; gitDir: string | null }[];
}

export interface SessionWorktreeFacts {
  id: string;
  name: string | null;
  record: WorktreeRecord;
  problem: WorktreeProblem | null;
  detail: string | null;
  /** Where it is now (elsewhere when moved). */
  path: string;
  locked: string | null;
}

export interface WorktreeRegistration {
  /** The repository's common git dir, and its main checkout. */
  gitDir: string;
  repo: string;
  path: string;
  /** Why git calls it prunable (its dir is gone), or null. */
  prunable: string | null;
  locked: string | null;
}
