import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { audit } from '../audit/audit.js';
import { errorCode } from '../core/errors.js';
import { answersFile, givenAnswersFile, isSessionId, locksDir, sessionPaths } from '../store/layout.js';
import { liveDir } from '../store/live-index.js';
import { fileProblem, readRegularFile, writeJsonAtomicSync } from '../system/files.js';
import { acquireLock } from '../system/lock.js';
import {
  type Answers,
  answersJson,
  describeAnswers,
  extractAnswers,
  isEmpty,
  keepAnswers,
  newAnswers,
  noAnswers,
  sameAnswers,
} from './answers.js';

/**
 * Where answers given in sessions are kept: `<root>/answers.json`, never the base's `.claude.json`
 * (a plain `claude` may be writing it right now, and concurrent writers corrupt it: #28922, #29008).
 *
 * When: every session Claude runs in is in the live index (`<root>/live/`) from its launch until a
 * later start sees it ended and forgets it. So each start and resume first looks at the sessions
 * there (running or ended), before the guard rails prune the index: what each one's `.claude.json`
 * holds beyond what it was given (`answers-given.json`, written whenever we write its `.claude.json`)
 * is what the user answered in it. Nothing is written unless something is new; then under a lock.
 * Never an error: remembering answers must not stop a session from starting.
 */
const ANSWERS_LOCK = 'answers';

/** `.claude.json` keeps per-project history and grows with use: generous, but bounded. */
export const CLAUDE_JSON_MAX_BYTES = 64 * 1024 * 1024;

/** The kept answers and, when the file could not be used, why (it is then ignored and rewritten). */
function readKeptAnswers(root: string): { answers: Answers; problem?: string } {
  const path = answersFile(root);
  let text: string;
  try {
    text = readRegularFile(path).text;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { answers: noAnswers() };
    return { answers: noAnswers(), problem: `${path} ${fileProblem(error)}` };
  }
  try {
    return { answers: extractAnswers(JSON.parse(text)) };
  } catch {
    return { answers: noAnswers(), problem: `${path} is not valid JSON` };
  }
}

function readAnswersOf(path: string, maxBytes: number): { answers: Answers; mtimeMs: number } | undefined {
  try {
    const { text, stat } = readRegularFile(path, { maxBytes });
    return { answers: extractAnswers(JSON.parse(text)), mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

interface SessionAnswers {
  id: string;
  /** What its `.claude.json` holds beyond what it was given. */
  added: Answers;
  /** What its `.claude.json` holds now. */
  now: Answers;
  mtimeMs: number;
}

/** The sessions of the live index (and `also`), with what their `.claude.json` holds; oldest change first. */
function liveSessionAnswers(root: string, also: readonly string[] = []): SessionAnswers[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(liveDir(root)).filter(isSessionId);
  } catch {}
  const found: SessionAnswers[] = [];
  for (const id of new Set([...ids, ...also])) {
    const paths = sessionPaths(root, id);
    const now = readAnswersOf(join(paths.configDir, '.claude.json'), CLAUDE_JSON_MAX_BYTES);
    if (!now) continue;
    // A session made before answers were kept has no record of what it was given: all of it counts.
    const given = readAnswersOf(givenAnswersFile(paths.dir), 1024 * 1024)?.answers ?? noAnswers();
    found.push({ id, added: newAnswers(now.answers, given), now: now.answers, mtimeMs: now.mtimeMs });
  }
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

function keptWith(kept: Answers, sessions: SessionAnswers[]): Answers {
  return sessions.reduce((answers, session) => keepAnswers(answers, session.added), kept);
}

/** What the next session would be given: the kept answers and those not yet kept. Writes nothing. */
export function pendingAnswers(root: string): { answers: Answers; problem?: string } {
  const { answers, problem } = readKeptAnswers(root);
  return { answers: keptWith(answers, liveSessionAnswers(root)), problem };
}

/**
 * Keeps the answers given in the sessions of the live index (see above) and in `also` (a session about
 * to be resumed: what it was given is rewritten then), and returns all kept answers, for the session
 * about to start. Reads only, unless there is something new.
 */
export function harvestAnswers(root: string, also: readonly string[] = []): Answers {
  try {
    const { answers: kept } = readKeptAnswers(root);
    const sessions = liveSessionAnswers(root, also);
    if (sameAnswers(keptWith(kept, sessions), kept)) return kept;
    const lock = acquireLock(locksDir(root), ANSWERS_LOCK, 2_000);
    try {
      // The kept ones again under the lock: another start may have kept some meanwhile. The sessions'
      // answers are as read above (keeping only adds, so what another start kept stays).
      let current = readKeptAnswers(root).answers;
      const before = current;
      for (const session of sessions) {
        const next = keepAnswers(current, session.added);
        if (sameAnswers(next, current)) continue;
        const detail = describeAnswers(newAnswers(next, current)).join('; ');
        audit(root, { action: 'answers-kept', session: session.id, outcome: 'ok', detail });
        current = next;
      }
      if (!sameAnswers(current, before)) writeJsonAtomicSync(answersFile(root), answersJson(current));
      return current;
    } finally {
      lock.release();
    }
  } catch {
    // A full disk, a busy lock, an unreadable root: the session starts with what can be read.
    try {
      return readKeptAnswers(root).answers;
    } catch {
      return noAnswers();
    }
  }
}

/** Notes what a session's `.claude.json` holds as we write it: answers given to it, not in it. */
export function rememberGiven(sessionDir: string, claudeJson: unknown): void {
  writeJsonAtomicSync(givenAnswersFile(sessionDir), answersJson(extractAnswers(claudeJson)));
}

/**
 * Forgets every kept answer: new sessions ask again. The sessions of the live index count what they
 * hold now as given, so that the next start does not keep it again; they keep their own `.claude.json`.
 */
export function forgetAnswers(root: string): Answers {
  const lock = acquireLock(locksDir(root), ANSWERS_LOCK);
  try {
    const { answers } = readKeptAnswers(root);
    const sessions = liveSessionAnswers(root);
    const forgotten = keptWith(answers, sessions);
    for (const session of sessions) {
      writeJsonAtomicSync(givenAnswersFile(sessionPaths(root, session.id).dir), answersJson(session.now));
    }
    rmSync(answersFile(root), { force: true });
    if (!isEmpty(forgotten)) {
      audit(root, {
        action: 'answers-forgotten',
        outcome: 'ok',
        detail: describeAnswers(forgotten).join('; '),
      });
    }
    return forgotten;
  } finally {
    lock.release();
  }
}
