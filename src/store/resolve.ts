import { UserError } from '../core/errors.js';
import { looksLikeIdPrefix, shortId } from './layout.js';

export interface Named {
  id: string;
  name: string | null | undefined;
}

/** The shortest id prefix that finds a session. */
export const MIN_PREFIX = 4;

const QUERY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Finds a session by id, id prefix or name. What `list` shows in its ID column must always reach that
 * session (issue 10, item 10), even where an older version let another session take it as a name: so
 * ids win from 8 characters on. In order: the full id; a unique id prefix of 8 or more characters; an
 * exact name; a shorter unique id prefix of at least MIN_PREFIX characters (as git takes 4: `resume a`
 * for a name just removed must not start whichever session's id happens to begin with "a"). Pure.
 */
export function resolveSession<T extends Named>(query: string, sessions: readonly T[]): T {
  if (!QUERY.test(query) || query.length > 64) {
    throw new UserError(
      `invalid session id or name ${JSON.stringify(query.slice(0, 80))}: give an id, an id prefix or a name from \`claude-session list\``,
    );
  }
  const byId = sessions.find((session) => session.id === query);
  if (byId) return byId;
  const prefix = query.toLowerCase();
  const matches =
    /^[0-9a-f-]+$/.test(prefix) && prefix.length >= MIN_PREFIX
      ? sessions.filter((session) => session.id.startsWith(prefix))
      : [];
  if (looksLikeIdPrefix(query) && matches.length > 0) return only(query, matches);
  const byName = sessions.find((session) => session.name === query);
  if (byName) return byName;
  if (matches.length > 0) return only(query, matches);
  throw new UserError(`no session "${query}": see \`claude-session list\` for ids and names`);
}

function only<T extends Named>(query: string, matches: readonly T[]): T {
  if (matches.length === 1 && matches[0]) return matches[0];
  const shown = matches
    .slice(0, 5)
    .map((session) => (session.name ? `${shortId(session.id)} (${session.name})` : shortId(session.id)))
    .join(', ');
  throw new UserError(
    `"${query}" matches ${matches.length} sessions (${shown}${matches.length > 5 ? ', ...' : ''}): give more of the id or the name`,
  );
}
